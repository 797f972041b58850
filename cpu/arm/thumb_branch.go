package arm

// Thumb branches, exception-generating and state-changing instructions
// (ARM DDI 0100I A7.1: B(1)/(2), BL/BLX(1), BLX(2), BX, SWI, BKPT, CPS,
// SETEND).
//
// R15 reads as the instruction's address + 4. BL and BLX(1) are a pair of
// separately executed halfwords: the prefix (H=10) sets LR = PC +
// (SignExtend(offset_11) << 12); the suffix H=11 (BL) branches to LR +
// (offset_11 << 1), H=01 (BLX) does the same to ARM state with the target
// word-aligned; both set LR to the address of the following instruction
// | 1. BX and BLX Rm interwork on bit 0 of Rm.

// thBranchTo branches within Thumb state (target is halfword-aligned by
// construction).
func thBranchTo(c *CPU, target uint32) {
	c.nextPC = target &^ 1
	c.branched = true
}

// thB8 is the taken conditional branch: PC + SignExtend(imm8) << 1.
func thB8(c *CPU, op uint32) {
	thBranchTo(c, c.R[15]+uint32(int32(op<<24)>>23))
}

func thBEQ(c *CPU, op uint32) {
	if c.Z {
		thB8(c, op)
	}
}

func thBNE(c *CPU, op uint32) {
	if !c.Z {
		thB8(c, op)
	}
}

func thBCS(c *CPU, op uint32) {
	if c.C {
		thB8(c, op)
	}
}

func thBCC(c *CPU, op uint32) {
	if !c.C {
		thB8(c, op)
	}
}

func thBMI(c *CPU, op uint32) {
	if c.N {
		thB8(c, op)
	}
}

func thBPL(c *CPU, op uint32) {
	if !c.N {
		thB8(c, op)
	}
}

func thBVS(c *CPU, op uint32) {
	if c.V {
		thB8(c, op)
	}
}

func thBVC(c *CPU, op uint32) {
	if !c.V {
		thB8(c, op)
	}
}

func thBHI(c *CPU, op uint32) {
	if c.C && !c.Z {
		thB8(c, op)
	}
}

func thBLS(c *CPU, op uint32) {
	if !c.C || c.Z {
		thB8(c, op)
	}
}

func thBGE(c *CPU, op uint32) {
	if c.N == c.V {
		thB8(c, op)
	}
}

func thBLT(c *CPU, op uint32) {
	if c.N != c.V {
		thB8(c, op)
	}
}

func thBGT(c *CPU, op uint32) {
	if !c.Z && c.N == c.V {
		thB8(c, op)
	}
}

func thBLE(c *CPU, op uint32) {
	if c.Z || c.N != c.V {
		thB8(c, op)
	}
}

// thB is the unconditional branch: PC + SignExtend(imm11) << 1.
func thB(c *CPU, op uint32) {
	thBranchTo(c, c.R[15]+uint32(int32(op<<21)>>20))
}

// thBLPrefix is the first half of BL/BLX(1).
func thBLPrefix(c *CPU, op uint32) {
	c.R[14] = c.R[15] + uint32(int32(op<<21)>>9)
}

// thBLSuffix is the second half of BL.
func thBLSuffix(c *CPU, op uint32) {
	t := c.R[14] + (op&0x7FF)<<1
	c.R[14] = c.nextInsn() | 1
	thBranchTo(c, t)
}

// thBLXSuffix is the second half of BLX(1): the target is in ARM state.
func thBLXSuffix(c *CPU, op uint32) {
	t := (c.R[14] + (op&0x7FF)<<1) &^ 3
	c.R[14] = c.nextInsn() | 1
	c.bxWritePC(t)
}

// thBX is BX Rm (BX PC reads the instruction's address + 4 and enters ARM
// state).
func thBX(c *CPU, op uint32) {
	c.bxWritePC(c.R[op>>3&15])
}

// thBLXReg is BLX Rm; Rm is read before LR is written (BLX LR works).
func thBLXReg(c *CPU, op uint32) {
	t := c.R[op>>3&15]
	c.R[14] = c.nextInsn() | 1
	c.bxWritePC(t)
}

func thSVC(c *CPU, op uint32) { c.svc() }

func thBKPT(c *CPU, op uint32) { c.bkpt() }

// thCPS is CPSIE/CPSID <aif> (1011 0110 011 im 0 A I F): a no-op in User
// mode. Unmasking ends the block so a pending interrupt is taken before the
// next instruction.
func thCPS(c *CPU, op uint32) {
	if !c.privileged() {
		return
	}
	dis := op&(1<<4) != 0
	if op&4 != 0 {
		c.A = dis
	}
	if op&2 != 0 {
		c.I = dis
	}
	if op&1 != 0 {
		c.F = dis
	}
	if !dis {
		c.endBlock()
	}
}

// thSETEND is SETEND LE/BE: CPSR.E = bit 3.
func thSETEND(c *CPU, op uint32) { c.setE(op&8 != 0) }
