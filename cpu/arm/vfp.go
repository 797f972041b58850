package arm

// vfpState is the VFP11 register file and control registers.
// (Placeholder until the VFP lands.)
type vfpState struct {
	regs  [32]uint64
	fpscr uint32
	fpexc uint32
}

func (v *vfpState) reset() { *v = vfpState{} }

// decodeVFP returns the handler for a CP10/CP11 instruction.
func decodeVFP(op uint32) handler { return opUndef }
