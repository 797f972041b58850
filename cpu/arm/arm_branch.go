package arm

// ARM-state branches and exception-generating instructions (DDI 0100I
// A4.1.5 B/BL, A4.1.8 BLX (1) immediate, A4.1.9 BLX (2) register, A4.1.10
// BX, A4.1.11 BXJ, A4.1.7 BKPT, A4.1.107 SWI/SVC, and the Security
// Extensions' SMC (ARM1176JZF-S TRM 2.x "SMC")).

// branchOffset is the sign-extended imm24 << 2 of B/BL/BLX.
func branchOffset(op uint32) uint32 { return uint32(int32(op<<8) >> 6) }

func opB(c *CPU, op uint32) {
	c.writePC(c.R[15] + branchOffset(op))
}

// BranchSelf is "b ." (B with offset -8, condition AL): the spin loop
// halted kernels end in (Linux's machine_halt).
const BranchSelf = 0xeafffffe

// opBSelf is B to itself. Its first execution at an address ends the CPU
// slice, so that the machine sees the spin at an exact instruction count
// whatever its slices are (halt detection in package machine); further
// iterations are plain branches.
func opBSelf(c *CPU, op uint32) {
	at := c.R[15] - 8
	c.writePC(at)
	if c.selfLoop != at+1 {
		c.selfLoop = at + 1
		c.EndSlice()
	}
}

func opBL(c *CPU, op uint32) {
	c.R[14] = c.R[15] - 4
	c.writePC(c.R[15] + branchOffset(op))
}

// opBLXImm is BLX (1): call a Thumb subroutine; H (bit 24) is bit 1 of the
// target.
func opBLXImm(c *CPU, op uint32) {
	t := c.R[15] + branchOffset(op) + op>>23&2
	c.R[14] = c.R[15] - 4
	c.bxWritePC(t | 1)
}

func opBX(c *CPU, op uint32) {
	c.bxWritePC(c.R[op&0xF])
}

func opBLXReg(c *CPU, op uint32) {
	t := c.R[op&0xF]
	c.R[14] = c.R[15] - 4
	c.bxWritePC(t)
}

func opSVC(c *CPU, op uint32)  { c.svc() }
func opBKPT(c *CPU, op uint32) { c.bkpt() }
func opSMC(c *CPU, op uint32)  { c.smc() }

// setRd writes a result register of a multiply or media instruction; a
// destination of R15 (UNPREDICTABLE) branches there as QEMU does.
func (c *CPU) setRd(rd, v uint32) {
	if rd == 15 {
		c.writePC(v)
		return
	}
	c.R[rd] = v
}
