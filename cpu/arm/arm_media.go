package arm

// ARM-state media and miscellaneous arithmetic instructions (DDI 0100I
// A3.16 "Media instructions" and A4.1: the parallel add/subtract family
// {S,Q,SH,U,UQ,UH}{ADD16,ADDSUBX,SUBADDX,SUB16,ADD8,SUB8}, SEL, PKHBT,
// PKHTB, SSAT, USAT, SSAT16, USAT16, SXTB/SXTH/SXTB16/UXTB/UXTH/UXTB16 and
// their accumulating forms, REV, REV16, REVSH, USAD8, USADA8; and from the
// miscellaneous space CLZ and the saturating QADD, QSUB, QDADD, QDSUB).

import "math/bits"

// decodeMedia decodes bits 27:25 = 011 with bit 4 set.
func decodeMedia(op uint32) handler {
	op1 := op >> 20 & 0x1F
	op2 := op >> 5 & 7
	sbo811 := op>>8&0xF == 0xF
	switch op1 >> 3 {
	case 0:
		pre := op1 & 7
		if pre == 0 || pre == 4 || op2 == 5 || op2 == 6 || !sbo811 {
			return opUndef
		}
		return opParallel
	case 1:
		switch {
		case op1 == 0x08 && op2&1 == 0:
			if op2&2 != 0 {
				return opPKHTB
			}
			return opPKHBT
		case op1&0x1E == 0x0A && op2&1 == 0:
			return opSSAT
		case op1&0x1E == 0x0E && op2&1 == 0:
			return opUSAT
		case op1 == 0x0A && op2 == 1:
			if !sbo811 {
				return opUndef
			}
			return opSSAT16
		case op1 == 0x0E && op2 == 1:
			if !sbo811 {
				return opUndef
			}
			return opUSAT16
		case op2 == 3:
			if op&0x300 != 0 || op1 == 0x09 || op1 == 0x0D {
				return opUndef
			}
			return extendHandlers[op1&7]
		case op1 == 0x08 && op2 == 5:
			if !sbo811 {
				return opUndef
			}
			return opSEL
		case op1 == 0x0B && (op2 == 1 || op2 == 5), op1 == 0x0F && op2 == 5:
			if !sbo811 || op>>16&0xF != 0xF {
				return opUndef
			}
			switch {
			case op1 == 0x0F:
				return opREVSH
			case op2 == 1:
				return opREV
			}
			return opREV16
		}
	case 2:
		switch {
		case op1 == 0x10 && op2 < 4:
			return opSMLAD
		case op1 == 0x14 && op2 < 4:
			return opSMLALD
		case op1 == 0x15 && (op2 < 2 || op2 >= 6):
			return opSMMLA
		}
	case 3:
		if op1 == 0x18 && op2 == 0 {
			return opUSADA8
		}
	}
	return opUndef
}

// opParallel executes the parallel add/subtract family. Bits 22:20 select
// the prefix (1 S, 2 Q, 3 SH, 5 U, 6 UQ, 7 UH), bits 7:5 the operation
// (0 ADD16, 1 ASX, 2 SAX, 3 SUB16, 4 ADD8, 7 SUB8).
func opParallel(c *CPU, op uint32) {
	pre := op >> 20 & 7
	kind := op >> 5 & 7
	n, m := c.R[op>>16&0xF], c.R[op&0xF]
	signed := pre < 4
	var res, ge uint32
	if kind < 4 {
		var n0, n1, m0, m1 int32
		if signed {
			n0, n1, m0, m1 = int32(int16(n)), int32(n)>>16, int32(int16(m)), int32(m)>>16
		} else {
			n0, n1, m0, m1 = int32(n&0xFFFF), int32(n>>16), int32(m&0xFFFF), int32(m>>16)
		}
		var r [2]int32
		var add [2]bool
		switch kind {
		case 0:
			r[0], r[1], add[0], add[1] = n0+m0, n1+m1, true, true
		case 1: // ASX: hi = n.hi + m.lo, lo = n.lo - m.hi
			r[0], r[1], add[1] = n0-m1, n1+m0, true
		case 2: // SAX: hi = n.hi - m.lo, lo = n.lo + m.hi
			r[0], r[1], add[0] = n0+m1, n1-m0, true
		default:
			r[0], r[1] = n0-m0, n1-m1
		}
		for i := 0; i < 2; i++ {
			v := r[i]
			switch pre {
			case 1, 5:
				if v >= 0 && (signed || !add[i] || v >= 0x10000) {
					ge |= 3 << (2 * i)
				}
			case 2:
				s, _ := signedSat(int64(v), 16)
				v = int32(s)
			case 6:
				s, _ := unsignedSat(int64(v), 16)
				v = int32(s)
			default:
				v >>= 1
			}
			res |= uint32(v) & 0xFFFF << (16 * i)
		}
	} else {
		sub := kind == 7
		for i := 0; i < 4; i++ {
			sh := 8 * uint32(i)
			var a, b int32
			if signed {
				a, b = int32(int8(n>>sh)), int32(int8(m>>sh))
			} else {
				a, b = int32(n>>sh&0xFF), int32(m>>sh&0xFF)
			}
			var v int32
			if sub {
				v = a - b
			} else {
				v = a + b
			}
			switch pre {
			case 1, 5:
				if v >= 0 && (signed || sub || v >= 0x100) {
					ge |= 1 << i
				}
			case 2:
				s, _ := signedSat(int64(v), 8)
				v = int32(s)
			case 6:
				s, _ := unsignedSat(int64(v), 8)
				v = int32(s)
			default:
				v >>= 1
			}
			res |= uint32(v) & 0xFF << sh
		}
	}
	if pre == 1 || pre == 5 {
		c.GE = ge
	}
	c.setRd(op>>12&0xF, res)
}

// opSEL selects each byte from Rn (GE bit set) or Rm.
func opSEL(c *CPU, op uint32) {
	n, m := c.R[op>>16&0xF], c.R[op&0xF]
	var mask uint32
	for i := 0; i < 4; i++ {
		if c.GE&(1<<i) != 0 {
			mask |= 0xFF << (8 * i)
		}
	}
	c.setRd(op>>12&0xF, n&mask|m&^mask)
}

func opPKHBT(c *CPU, op uint32) {
	m := c.R[op&0xF] << (op >> 7 & 0x1F)
	c.setRd(op>>12&0xF, c.R[op>>16&0xF]&0xFFFF|m&0xFFFF0000)
}

func opPKHTB(c *CPU, op uint32) {
	sh := op >> 7 & 0x1F
	if sh == 0 {
		sh = 31 // ASR #32 gives the same bottom halfword as ASR #31
	}
	m := uint32(int32(c.R[op&0xF]) >> sh)
	c.setRd(op>>12&0xF, c.R[op>>16&0xF]&0xFFFF0000|m&0xFFFF)
}

// satOperand is the shifted operand of SSAT/USAT: LSL #imm (bit 6 = 0) or
// ASR #imm (bit 6 = 1, #0 meaning #32).
func (c *CPU) satOperand(op uint32) int64 {
	v := c.R[op&0xF]
	sh := op >> 7 & 0x1F
	if op&(1<<6) != 0 {
		if sh == 0 {
			sh = 31
		}
		return int64(int32(v) >> sh)
	}
	return int64(int32(v << sh))
}

func opSSAT(c *CPU, op uint32) {
	r, sat := signedSat(c.satOperand(op), op>>16&0x1F+1)
	if sat {
		c.Q = true
	}
	c.setRd(op>>12&0xF, r)
}

func opUSAT(c *CPU, op uint32) {
	r, sat := unsignedSat(c.satOperand(op), op>>16&0x1F)
	if sat {
		c.Q = true
	}
	c.setRd(op>>12&0xF, r)
}

func opSSAT16(c *CPU, op uint32) {
	v := c.R[op&0xF]
	n := op>>16&0xF + 1
	lo, s1 := signedSat(int64(int16(v)), n)
	hi, s2 := signedSat(int64(int32(v)>>16), n)
	if s1 || s2 {
		c.Q = true
	}
	c.setRd(op>>12&0xF, lo&0xFFFF|hi<<16)
}

func opUSAT16(c *CPU, op uint32) {
	v := c.R[op&0xF]
	n := op >> 16 & 0xF
	lo, s1 := unsignedSat(int64(int16(v)), n)
	hi, s2 := unsignedSat(int64(int32(v)>>16), n)
	if s1 || s2 {
		c.Q = true
	}
	c.setRd(op>>12&0xF, lo&0xFFFF|hi<<16)
}

// extendHandlers is indexed by bits 22:20 of the extend instructions:
// 0 SXTAB16, 2 SXTAB, 3 SXTAH, 4 UXTAB16, 6 UXTAB, 7 UXTAH (Rn = 15: the
// non-accumulating SXTB16, SXTB, SXTH, UXTB16, UXTB, UXTH).
var extendHandlers = [8]handler{opSXTAB16, opUndef, opSXTAB, opSXTAH, opUXTAB16, opUndef, opUXTAB, opUXTAH}

// extOperand is Rm rotated right by 8 * bits 11:10.
func (c *CPU) extOperand(op uint32) uint32 {
	return bits.RotateLeft32(c.R[op&0xF], -int(op>>7&0x18))
}

// extAcc is Rn, or 0 when Rn is 15 (the non-accumulating forms).
func (c *CPU) extAcc(op uint32) uint32 {
	if rn := op >> 16 & 0xF; rn != 15 {
		return c.R[rn]
	}
	return 0
}

func opSXTAB(c *CPU, op uint32) {
	c.setRd(op>>12&0xF, c.extAcc(op)+uint32(int32(int8(c.extOperand(op)))))
}

func opSXTAH(c *CPU, op uint32) {
	c.setRd(op>>12&0xF, c.extAcc(op)+uint32(int32(int16(c.extOperand(op)))))
}

func opUXTAB(c *CPU, op uint32) {
	c.setRd(op>>12&0xF, c.extAcc(op)+c.extOperand(op)&0xFF)
}

func opUXTAH(c *CPU, op uint32) {
	c.setRd(op>>12&0xF, c.extAcc(op)+c.extOperand(op)&0xFFFF)
}

func opSXTAB16(c *CPU, op uint32) {
	v, a := c.extOperand(op), c.extAcc(op)
	lo := a + uint32(int32(int8(v)))
	hi := a>>16 + uint32(int32(int8(v>>16)))
	c.setRd(op>>12&0xF, lo&0xFFFF|hi<<16)
}

func opUXTAB16(c *CPU, op uint32) {
	v, a := c.extOperand(op), c.extAcc(op)
	lo := a + v&0xFF
	hi := a>>16 + v>>16&0xFF
	c.setRd(op>>12&0xF, lo&0xFFFF|hi<<16)
}

func opREV(c *CPU, op uint32) {
	c.setRd(op>>12&0xF, bits.ReverseBytes32(c.R[op&0xF]))
}

func opREV16(c *CPU, op uint32) {
	v := c.R[op&0xF]
	c.setRd(op>>12&0xF, v>>8&0x00FF00FF|v<<8&0xFF00FF00)
}

func opREVSH(c *CPU, op uint32) {
	v := c.R[op&0xF]
	c.setRd(op>>12&0xF, uint32(int32(int16(uint16(v>>8&0xFF|v<<8)))))
}

// opUSADA8: Rd (bits 19:16) = sum of |Rm.byte - Rs.byte| (+ Ra, bits 15:12,
// unless it is 15: USAD8).
func opUSADA8(c *CPU, op uint32) {
	m, s := c.R[op&0xF], c.R[op>>8&0xF]
	var sum uint32
	for i := uint32(0); i < 32; i += 8 {
		a, b := int32(m>>i&0xFF), int32(s>>i&0xFF)
		d := a - b
		if d < 0 {
			d = -d
		}
		sum += uint32(d)
	}
	if ra := op >> 12 & 0xF; ra != 15 {
		sum += c.R[ra]
	}
	c.setRd(op>>16&0xF, sum)
}

func opCLZ(c *CPU, op uint32) {
	c.setRd(op>>12&0xF, uint32(bits.LeadingZeros32(c.R[op&0xF])))
}

// qaddHandlers is indexed by bits 22:21: QADD, QSUB, QDADD, QDSUB
// (Rd = bits 15:12, Rm = bits 3:0, Rn = bits 19:16).
var qaddHandlers = [4]handler{opQADD, opQSUB, opQDADD, opQDSUB}

func (c *CPU) sat32(v int64) uint32 {
	r, s := signedSat(v, 32)
	if s {
		c.Q = true
	}
	return r
}

func opQADD(c *CPU, op uint32) {
	c.setRd(op>>12&0xF, c.sat32(int64(int32(c.R[op&0xF]))+int64(int32(c.R[op>>16&0xF]))))
}

func opQSUB(c *CPU, op uint32) {
	c.setRd(op>>12&0xF, c.sat32(int64(int32(c.R[op&0xF]))-int64(int32(c.R[op>>16&0xF]))))
}

func opQDADD(c *CPU, op uint32) {
	d := c.sat32(2 * int64(int32(c.R[op>>16&0xF])))
	c.setRd(op>>12&0xF, c.sat32(int64(int32(c.R[op&0xF]))+int64(int32(d))))
}

func opQDSUB(c *CPU, op uint32) {
	d := c.sat32(2 * int64(int32(c.R[op>>16&0xF])))
	c.setRd(op>>12&0xF, c.sat32(int64(int32(c.R[op&0xF]))-int64(int32(d))))
}
