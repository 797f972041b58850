package arm

// VFP11 loads, stores and register transfers (DDI 0100I C4: FLDS/FSTS,
// FLDD/FSTD, FLDM/FSTM with the S, D and X forms; FMSR/FMRS,
// FMDLR/FMDHR/FMRDL/FMRDH, FMSRR/FMRRS, FMDRR/FMRRD, FMXR/FMRX/FMSTAT).
// Memory goes through the core's aligned word accessors: an access that
// aborts has already raised the Data Abort, and the handler returns with
// no register changed (no base writeback, no partial register load).

// vfpAddr is the FLDS/FSTS/FLDD/FSTD address: Rn +/- imm8*4 (Rn = PC
// reads as the instruction address + 8).
func (c *CPU) vfpAddr(op uint32) uint32 {
	off := (op & 0xFF) << 2
	base := c.R[op>>16&0xF]
	if op&(1<<23) == 0 {
		return base - off
	}
	return base + off
}

// vfpLd64 loads a doubleword as two words, the most significant first in
// memory when CPSR.E is set.
func (c *CPU) vfpLd64(a uint32) (uint64, bool) {
	w0, ok := c.ld32a(a)
	if !ok {
		return 0, false
	}
	w1, ok := c.ld32a(a + 4)
	if !ok {
		return 0, false
	}
	if c.E {
		return uint64(w0)<<32 | uint64(w1), true
	}
	return uint64(w1)<<32 | uint64(w0), true
}

// vfpSt64 stores a doubleword as two words (see vfpLd64).
func (c *CPU) vfpSt64(a uint32, x uint64) bool {
	lo, hi := uint32(x), uint32(x>>32)
	if c.E {
		lo, hi = hi, lo
	}
	return c.st32a(a, lo) && c.st32a(a+4, hi)
}

func vfpFLDS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	v, ok := c.ld32a(c.vfpAddr(op))
	if !ok {
		return
	}
	c.vfp.s[vfpSd(op)] = v
}

func vfpFSTS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.st32a(c.vfpAddr(op), c.vfp.s[vfpSd(op)])
}

func vfpFLDD(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	x, ok := c.vfpLd64(c.vfpAddr(op))
	if !ok {
		return
	}
	c.vfp.setD(vfpDd(op), x)
}

func vfpFSTD(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpSt64(c.vfpAddr(op), c.vfp.d(vfpDd(op)))
}

// vfpBlock returns the start address of an FLDM/FSTM (imm8 words: IA
// from Rn, DB from Rn - imm8*4) and the written-back base.
func (c *CPU) vfpBlock(op uint32) (start, wb uint32) {
	base := c.R[op>>16&0xF]
	size := (op & 0xFF) << 2
	if op&(1<<24) != 0 { // DB
		return base - size, base - size
	}
	return base, base + size
}

// vfpWriteback writes the FLDM/FSTM base back when W is set.
func (c *CPU) vfpWriteback(op, wb uint32) {
	if op&(1<<21) != 0 {
		c.R[op>>16&0xF] = wb
	}
}

// FLDMS: imm8 single registers from Sd.
func vfpFLDMS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	a, wb := c.vfpBlock(op)
	n := op & 0xFF
	var buf [32]uint32
	for i := uint32(0); i < n; i++ {
		w, ok := c.ld32a(a + 4*i)
		if !ok {
			return
		}
		buf[i] = w
	}
	copy(c.vfp.s[vfpSd(op):], buf[:n])
	c.vfpWriteback(op, wb)
}

// FSTMS: imm8 single registers from Sd.
func vfpFSTMS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	a, wb := c.vfpBlock(op)
	d := vfpSd(op)
	n := op & 0xFF
	for i := uint32(0); i < n; i++ {
		if !c.st32a(a+4*i, c.vfp.s[d+i]) {
			return
		}
	}
	c.vfpWriteback(op, wb)
}

// FLDMD/FLDMX: imm8/2 double registers from Dd (an odd imm8 is the X
// form: the extra word is skipped but counts in the writeback).
func vfpFLDMD(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	a, wb := c.vfpBlock(op)
	n := op & 0xFF >> 1
	var buf [16]uint64
	for i := uint32(0); i < n; i++ {
		x, ok := c.vfpLd64(a + 8*i)
		if !ok {
			return
		}
		buf[i] = x
	}
	d := vfpDd(op)
	for i := uint32(0); i < n; i++ {
		c.vfp.setD(d+i, buf[i])
	}
	c.vfpWriteback(op, wb)
}

// FSTMD/FSTMX: imm8/2 double registers from Dd (the X form's extra word
// is not written).
func vfpFSTMD(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	a, wb := c.vfpBlock(op)
	d := vfpDd(op)
	n := op & 0xFF >> 1
	for i := uint32(0); i < n; i++ {
		if !c.vfpSt64(a+8*i, c.vfp.d(d+i)) {
			return
		}
	}
	c.vfpWriteback(op, wb)
}

// Core register transfers. A core destination of R15 sets the CPSR flags
// from bits 31:28 (the MRC rule; FMSTAT is FMRX R15, FPSCR).

func (c *CPU) vfpToCore(rd, v uint32) {
	if rd == 15 {
		c.setFlags(v)
		return
	}
	c.R[rd] = v
}

// FMSR Sn, Rd.
func vfpFMSR(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfp.s[vfpSn(op)] = c.R[op>>12&0xF]
}

// FMRS Rd, Sn.
func vfpFMRS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpToCore(op>>12&0xF, c.vfp.s[vfpSn(op)])
}

// FMDLR Dn, Rd: the low half.
func vfpFMDLR(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfp.s[2*vfpDn(op)] = c.R[op>>12&0xF]
}

// FMDHR Dn, Rd: the high half.
func vfpFMDHR(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfp.s[2*vfpDn(op)+1] = c.R[op>>12&0xF]
}

// FMRDL Rd, Dn.
func vfpFMRDL(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpToCore(op>>12&0xF, c.vfp.s[2*vfpDn(op)])
}

// FMRDH Rd, Dn.
func vfpFMRDH(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpToCore(op>>12&0xF, c.vfp.s[2*vfpDn(op)+1])
}

// FMSRR {Sm, Sm+1}, Rd, Rn (Rd = bits 15:12, Rn = bits 19:16).
func vfpFMSRR(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	m := vfpSm(op)
	c.vfp.s[m] = c.R[op>>12&0xF]
	c.vfp.s[m+1] = c.R[op>>16&0xF]
}

// FMRRS Rd, Rn, {Sm, Sm+1}.
func vfpFMRRS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	m := vfpSm(op)
	c.R[op>>12&0xF] = c.vfp.s[m]
	c.R[op>>16&0xF] = c.vfp.s[m+1]
}

// FMDRR Dm, Rd, Rn: Rd is the low word.
func vfpFMDRR(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	m := vfpDm(op)
	c.vfp.s[2*m] = c.R[op>>12&0xF]
	c.vfp.s[2*m+1] = c.R[op>>16&0xF]
}

// FMRRD Rd, Rn, Dm.
func vfpFMRRD(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	m := vfpDm(op)
	c.R[op>>12&0xF] = c.vfp.s[2*m]
	c.R[op>>16&0xF] = c.vfp.s[2*m+1]
}

// vfpSysAccess applies the access rules of FMXR/FMRX to system register
// reg and reports whether the access may proceed.
func (c *CPU) vfpSysAccess(reg uint32) bool {
	if !c.vfpAccess() {
		return false
	}
	switch reg {
	case vfpRegFPSID:
		return true
	case vfpRegFPSCR:
		return c.vfp.fpexc&fpexcEN != 0
	case vfpRegFPEXC, vfpRegMVFR0, vfpRegMVFR1:
		return c.privileged()
	case vfpRegFPINST, vfpRegFPINST2:
		return c.privileged() && c.vfp.fpexc&fpexcEN != 0
	}
	return false
}

// FMRX Rd, reg (Rd = 15: FMSTAT and friends copy bits 31:28 to the CPSR).
func vfpFMRX(c *CPU, op uint32) {
	reg := op >> 16 & 0xF
	if !c.vfpSysAccess(reg) {
		c.undef()
		return
	}
	var v uint32
	switch reg {
	case vfpRegFPSID:
		v = vfpFPSID
	case vfpRegFPSCR:
		v = c.vfp.fpscr
	case vfpRegFPEXC:
		v = c.vfp.fpexc
	case vfpRegMVFR0:
		v = vfpMVFR0
	case vfpRegMVFR1:
		v = vfpMVFR1
	case vfpRegFPINST:
		v = c.vfp.fpinst
	case vfpRegFPINST2:
		v = c.vfp.fpinst2
	}
	c.vfpToCore(op>>12&0xF, v)
}

// FMXR reg, Rd. FPSID, MVFR0 and MVFR1 ignore writes.
func vfpFMXR(c *CPU, op uint32) {
	reg := op >> 16 & 0xF
	if !c.vfpSysAccess(reg) {
		c.undef()
		return
	}
	v := c.R[op>>12&0xF]
	switch reg {
	case vfpRegFPSCR:
		c.vfp.fpscr = v & fpscrWriteMask
	case vfpRegFPEXC:
		c.vfp.fpexc = v & fpexcWriteMask
	case vfpRegFPINST:
		c.vfp.fpinst = v
	case vfpRegFPINST2:
		c.vfp.fpinst2 = v
	}
}
