package arm

// Thumb loads and stores (ARM DDI 0100I A7.1: LDR(1)-(4), LDRB(1)/(2),
// LDRH(1)/(2), LDRSB, LDRSH, STR(1)-(3), STRB(1)/(2), STRH(1)/(2), LDMIA,
// STMIA, PUSH, POP).
//
// Word loads use LDR semantics (ARMv6 unaligned access with SCTLR.U, legacy
// rotation otherwise); multiple transfers need word alignment. On a Data
// Abort the handler returns at once: no register (base included) changes,
// so loaded values are staged and committed only after every access
// succeeded. POP {..., pc} interworks (ARMv5 and later). An LDMIA whose
// base is in the list leaves the loaded value in the base (no writeback);
// an STMIA stores the base's original value.

import "math/bits"

// Register offset: <op> Rd, [Rn, Rm].

func thSTRReg(c *CPU, op uint32) {
	c.st32(c.R[op>>3&7]+c.R[op>>6&7], c.R[op&7])
}

func thSTRHReg(c *CPU, op uint32) {
	c.st16(c.R[op>>3&7]+c.R[op>>6&7], c.R[op&7])
}

func thSTRBReg(c *CPU, op uint32) {
	c.st8(c.R[op>>3&7]+c.R[op>>6&7], c.R[op&7])
}

func thLDRSBReg(c *CPU, op uint32) {
	v, ok := c.ld8(c.R[op>>3&7] + c.R[op>>6&7])
	if ok {
		c.R[op&7] = uint32(int32(int8(v)))
	}
}

func thLDRReg(c *CPU, op uint32) {
	v, ok := c.ld32(c.R[op>>3&7] + c.R[op>>6&7])
	if ok {
		c.R[op&7] = v
	}
}

func thLDRHReg(c *CPU, op uint32) {
	v, ok := c.ld16(c.R[op>>3&7] + c.R[op>>6&7])
	if ok {
		c.R[op&7] = v
	}
}

func thLDRBReg(c *CPU, op uint32) {
	v, ok := c.ld8(c.R[op>>3&7] + c.R[op>>6&7])
	if ok {
		c.R[op&7] = v
	}
}

func thLDRSHReg(c *CPU, op uint32) {
	v, ok := c.ld16(c.R[op>>3&7] + c.R[op>>6&7])
	if ok {
		c.R[op&7] = uint32(int32(int16(v)))
	}
}

// Immediate offset: <op> Rd, [Rn, #imm5 * size].

func thSTRImm(c *CPU, op uint32) {
	c.st32(c.R[op>>3&7]+op>>4&0x7C, c.R[op&7])
}

func thLDRImm(c *CPU, op uint32) {
	v, ok := c.ld32(c.R[op>>3&7] + op>>4&0x7C)
	if ok {
		c.R[op&7] = v
	}
}

func thSTRBImm(c *CPU, op uint32) {
	c.st8(c.R[op>>3&7]+op>>6&0x1F, c.R[op&7])
}

func thLDRBImm(c *CPU, op uint32) {
	v, ok := c.ld8(c.R[op>>3&7] + op>>6&0x1F)
	if ok {
		c.R[op&7] = v
	}
}

func thSTRHImm(c *CPU, op uint32) {
	c.st16(c.R[op>>3&7]+op>>5&0x3E, c.R[op&7])
}

func thLDRHImm(c *CPU, op uint32) {
	v, ok := c.ld16(c.R[op>>3&7] + op>>5&0x3E)
	if ok {
		c.R[op&7] = v
	}
}

// PC- and SP-relative: LDR Rd, [PC, #imm8*4] (PC word-aligned), LDR/STR
// Rd, [SP, #imm8*4].

func thLDRLit(c *CPU, op uint32) {
	v, ok := c.ld32(c.R[15]&^3 + (op&0xFF)<<2)
	if ok {
		c.R[op>>8&7] = v
	}
}

func thLDRSP(c *CPU, op uint32) {
	v, ok := c.ld32(c.R[13] + (op&0xFF)<<2)
	if ok {
		c.R[op>>8&7] = v
	}
}

func thSTRSP(c *CPU, op uint32) {
	c.st32(c.R[13]+(op&0xFF)<<2, c.R[op>>8&7])
}

// Multiple transfers. The decoder rejects empty lists.

// PUSH {rlist[, lr]}: a full-descending store below SP.
func thPUSH(c *CPU, op uint32) {
	n := uint32(bits.OnesCount32(op & 0x1FF))
	sp := c.R[13] - 4*n
	a := sp
	for list := op & 0xFF; list != 0; list &= list - 1 {
		if !c.st32a(a, c.R[bits.TrailingZeros32(list)]) {
			return
		}
		a += 4
	}
	if op&(1<<8) != 0 && !c.st32a(a, c.R[14]) {
		return
	}
	c.R[13] = sp
}

// POP {rlist[, pc]}.
func thPOP(c *CPU, op uint32) {
	var vals [9]uint32
	a := c.R[13]
	i := 0
	for list := op & 0x1FF; list != 0; list &= list - 1 {
		v, ok := c.ld32a(a)
		if !ok {
			return
		}
		vals[i] = v
		i++
		a += 4
	}
	i = 0
	for list := op & 0xFF; list != 0; list &= list - 1 {
		c.R[bits.TrailingZeros32(list)] = vals[i]
		i++
	}
	c.R[13] = a
	if op&(1<<8) != 0 {
		c.loadWritePC(vals[i])
	}
}

// STMIA Rn!, {rlist}.
func thSTMIA(c *CPU, op uint32) {
	rn := op >> 8 & 7
	a := c.R[rn]
	for list := op & 0xFF; list != 0; list &= list - 1 {
		if !c.st32a(a, c.R[bits.TrailingZeros32(list)]) {
			return
		}
		a += 4
	}
	c.R[rn] = a
}

// LDMIA Rn!, {rlist}.
func thLDMIA(c *CPU, op uint32) {
	var vals [8]uint32
	rn := op >> 8 & 7
	a := c.R[rn]
	i := 0
	for list := op & 0xFF; list != 0; list &= list - 1 {
		v, ok := c.ld32a(a)
		if !ok {
			return
		}
		vals[i] = v
		i++
		a += 4
	}
	c.R[rn] = a
	i = 0
	for list := op & 0xFF; list != 0; list &= list - 1 {
		c.R[bits.TrailingZeros32(list)] = vals[i]
		i++
	}
}
