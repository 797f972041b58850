package arm

// ARM-state status-register access and system instructions (DDI 0100I
// A4.1.38 MRS, A4.1.39 MSR, A4.1.16 CPS, A4.1.93 SETEND, A4.1.90 SRS,
// A4.1.59 RFE, A4.1.12 CLREX (ARMv6K), and the ARMv6K hints NOP, YIELD,
// WFE, WFI, SEV in the MSR-immediate space (ARM1176JZF-S TRM 1.8)).

func opMRSCPSR(c *CPU, op uint32) {
	c.setRd(op>>12&0xF, c.CPSR())
}

func opMRSSPSR(c *CPU, op uint32) {
	if c.mode == ModeUSR {
		c.undef()
		return
	}
	c.setRd(op>>12&0xF, c.spsr())
}

func (c *CPU) msrCPSR(v, fields uint32) {
	c.writeCPSRMasked(c.protectAF(v), fields)
	if fields&1 != 0 {
		// Mode, mask or privilege changes: leave the block so that
		// interrupts are sampled and the fetch view is recomputed.
		c.endBlock()
	}
}

// SCR bits that let Non-secure software change CPSR.F and CPSR.A (ARM1176
// TRM 3.2.43).
const (
	scrFWBit = 1 << 4
	scrAWBit = 1 << 5
)

// protectAF keeps CPSR.A and CPSR.F at their current values in a CPSR value
// written by MSR or CPS in Non-secure state, unless SCR.AW / SCR.FW allow
// the change.
func (c *CPU) protectAF(v uint32) uint32 {
	if !c.cp15.nonSecure() || c.mode == ModeMON {
		return v
	}
	cur := c.CPSR()
	if c.cp15.scr&scrAWBit == 0 {
		v = v&^psrA | cur&psrA
	}
	if c.cp15.scr&scrFWBit == 0 {
		v = v&^psrF | cur&psrF
	}
	return v
}

func (c *CPU) msrSPSR(v, fields uint32) {
	if c.mode == ModeUSR {
		c.undef()
		return
	}
	c.writeSPSRMasked(v, fields)
}

func opMSRRegCPSR(c *CPU, op uint32) { c.msrCPSR(c.R[op&0xF], op>>16&0xF) }
func opMSRRegSPSR(c *CPU, op uint32) { c.msrSPSR(c.R[op&0xF], op>>16&0xF) }

func opMSRImmCPSR(c *CPU, op uint32) { c.msrCPSR(rotImm(op), op>>16&0xF) }
func opMSRImmSPSR(c *CPU, op uint32) { c.msrSPSR(rotImm(op), op>>16&0xF) }

// rotImm is the rotated 8-bit immediate of bits 11:0.
func rotImm(op uint32) uint32 {
	v := op & 0xFF
	r := op >> 7 & 0x1E
	return v>>r | v<<((32-r)&31)
}

func opNop(c *CPU, op uint32)   {}
func opYield(c *CPU, op uint32) {}
func opSEV(c *CPU, op uint32)   { c.event = true }
func opWFI(c *CPU, op uint32)   { c.waitForInterrupt() }

func opWFE(c *CPU, op uint32) {
	if c.event {
		c.event = false
		return
	}
	c.waitForInterrupt()
}

func opCLREX(c *CPU, op uint32) { c.excl.valid = false }

// opCPS: imod (bits 19:18) 10 enables, 11 disables the A/I/F bits selected
// by bits 8:6; M (bit 17) changes the mode to bits 4:0. NOP in User mode.
func opCPS(c *CPU, op uint32) {
	if c.mode == ModeUSR {
		return
	}
	v := c.CPSR()
	if op&(1<<19) != 0 {
		bits := op & (psrA | psrI | psrF)
		if op&(1<<18) != 0 {
			v |= bits
		} else {
			v &^= bits
		}
	}
	if op&(1<<17) != 0 {
		v = v&^0x1F | op&0x1F
	}
	v = c.protectAF(v)
	c.A = v&psrA != 0
	c.writeCPSRMasked(v, 1) // I, F and M, with the mode checks
	c.endBlock()
}

func opSETEND(c *CPU, op uint32) { c.setE(op&(1<<9) != 0) }

// twoWordAddr returns the lowest address and the written-back base of a
// two-word SRS/RFE transfer (P = bit 24, U = bit 23).
func twoWordAddr(base, op uint32) (start, wb uint32) {
	switch op >> 23 & 3 {
	case 0: // DA
		return base - 4, base - 8
	case 1: // IA
		return base, base + 8
	case 2: // DB
		return base - 8, base - 8
	}
	return base + 4, base + 8 // IB
}

// opSRS stores LR and SPSR of the current mode on the stack of the mode in
// bits 4:0.
func opSRS(c *CPU, op uint32) {
	m := op & 0x1F
	if c.mode == ModeUSR || !validMode(m) || m == ModeMON && c.cp15.nonSecure() {
		c.undef()
		return
	}
	start, wb := twoWordAddr(c.bankedSP(m), op)
	if !c.st32a(start, c.R[14]) || !c.st32a(start+4, c.spsr()) {
		return
	}
	if op&(1<<21) != 0 {
		c.setBankedSP(m, wb)
	}
}

// opRFE loads the PC and the CPSR from memory.
func opRFE(c *CPU, op uint32) {
	if c.mode == ModeUSR {
		c.undef()
		return
	}
	rn := op >> 16 & 0xF
	start, wb := twoWordAddr(c.R[rn], op)
	pc, ok := c.ld32a(start)
	if !ok {
		return
	}
	psr, ok := c.ld32a(start + 4)
	if !ok {
		return
	}
	if op&(1<<21) != 0 {
		c.R[rn] = wb
	}
	c.exceptionReturn(pc, psr)
}
