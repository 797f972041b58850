package arm

// ARM-state multiplies (DDI 0100I A4.1.40 MLA, A4.1.86 MUL, A4.1.129
// UMAAL, A4.1.130-131 UMLAL/UMULL, A4.1.87/A4.1.74 SMULL/SMLAL; the DSP
// halfword multiplies SMLAxy, SMLAWy, SMLALxy, SMULxy, SMULWy (A4.1.74-
// A4.1.87); the ARMv6 dual and most-significant-word multiplies SMLAD,
// SMLSD, SMUAD, SMUSD, SMLALD, SMLSLD, SMMUL, SMMLA, SMMLS).
//
// Flag-setting forms (S) set N and Z only; C and V are unchanged on ARMv6.
// The DSP forms set Q on an overflowing accumulation.

// decodeMul decodes bits 27:24 = 0000, bits 7:4 = 1001.
func decodeMul(op uint32) handler {
	s := op&(1<<20) != 0
	switch op >> 21 & 7 {
	case 0:
		if op>>12&0xF != 0 {
			return opUndef
		}
		if s {
			return opMULS
		}
		return opMUL
	case 1:
		if s {
			return opMLAS
		}
		return opMLA
	case 2:
		if s {
			return opUndef
		}
		return opUMAAL
	case 3:
		return opUndef // MLS (ARMv6T2)
	case 4:
		if s {
			return opUMULLS
		}
		return opUMULL
	case 5:
		if s {
			return opUMLALS
		}
		return opUMLAL
	case 6:
		if s {
			return opSMULLS
		}
		return opSMULL
	}
	if s {
		return opSMLALS
	}
	return opSMLAL
}

func opMUL(c *CPU, op uint32) {
	c.setRd(op>>16&0xF, c.R[op&0xF]*c.R[op>>8&0xF])
}

func opMULS(c *CPU, op uint32) {
	r := c.R[op&0xF] * c.R[op>>8&0xF]
	c.setRd(op>>16&0xF, r)
	c.setNZ(r)
}

func opMLA(c *CPU, op uint32) {
	c.setRd(op>>16&0xF, c.R[op&0xF]*c.R[op>>8&0xF]+c.R[op>>12&0xF])
}

func opMLAS(c *CPU, op uint32) {
	r := c.R[op&0xF]*c.R[op>>8&0xF] + c.R[op>>12&0xF]
	c.setRd(op>>16&0xF, r)
	c.setNZ(r)
}

// setLong writes RdLo (bits 15:12) then RdHi (bits 19:16).
func (c *CPU) setLong(op uint32, r uint64) {
	c.setRd(op>>12&0xF, uint32(r))
	c.setRd(op>>16&0xF, uint32(r>>32))
}

func (c *CPU) setLongNZ(r uint64) {
	c.N = int64(r) < 0
	c.Z = r == 0
}

func (c *CPU) longAcc(op uint32) uint64 {
	return uint64(c.R[op>>16&0xF])<<32 | uint64(c.R[op>>12&0xF])
}

func opUMULL(c *CPU, op uint32) {
	c.setLong(op, uint64(c.R[op&0xF])*uint64(c.R[op>>8&0xF]))
}

func opUMULLS(c *CPU, op uint32) {
	r := uint64(c.R[op&0xF]) * uint64(c.R[op>>8&0xF])
	c.setLong(op, r)
	c.setLongNZ(r)
}

func opUMLAL(c *CPU, op uint32) {
	c.setLong(op, uint64(c.R[op&0xF])*uint64(c.R[op>>8&0xF])+c.longAcc(op))
}

func opUMLALS(c *CPU, op uint32) {
	r := uint64(c.R[op&0xF])*uint64(c.R[op>>8&0xF]) + c.longAcc(op)
	c.setLong(op, r)
	c.setLongNZ(r)
}

func smul64(a, b uint32) uint64 { return uint64(int64(int32(a)) * int64(int32(b))) }

func opSMULL(c *CPU, op uint32) {
	c.setLong(op, smul64(c.R[op&0xF], c.R[op>>8&0xF]))
}

func opSMULLS(c *CPU, op uint32) {
	r := smul64(c.R[op&0xF], c.R[op>>8&0xF])
	c.setLong(op, r)
	c.setLongNZ(r)
}

func opSMLAL(c *CPU, op uint32) {
	c.setLong(op, smul64(c.R[op&0xF], c.R[op>>8&0xF])+c.longAcc(op))
}

func opSMLALS(c *CPU, op uint32) {
	r := smul64(c.R[op&0xF], c.R[op>>8&0xF]) + c.longAcc(op)
	c.setLong(op, r)
	c.setLongNZ(r)
}

// opUMAAL: RdHi:RdLo = Rm * Rs + RdLo + RdHi (cannot overflow 64 bits).
func opUMAAL(c *CPU, op uint32) {
	r := uint64(c.R[op&0xF])*uint64(c.R[op>>8&0xF]) + uint64(c.R[op>>12&0xF]) + uint64(c.R[op>>16&0xF])
	c.setLong(op, r)
}

// half returns the signed top (top=true) or bottom halfword of v.
func half(v uint32, top bool) int32 {
	if top {
		return int32(v) >> 16
	}
	return int32(int16(v))
}

// addQ adds two 32-bit signed values, setting Q on signed overflow.
func (c *CPU) addQ(a, b int32) uint32 {
	r := int64(a) + int64(b)
	if r != int64(int32(r)) {
		c.Q = true
	}
	return uint32(r)
}

// decodeMulHalf decodes the DSP halfword multiplies (bits 27:23 = 00010,
// bit 20 = 0, bit 7 = 1, bit 4 = 0); bit 5 selects the top of Rm (x), bit 6
// the top of Rs (y).
func decodeMulHalf(op uint32) handler {
	switch op >> 21 & 3 {
	case 0:
		return opSMLAxy
	case 1:
		if op&(1<<5) != 0 {
			if op>>12&0xF != 0 {
				return opUndef
			}
			return opSMULWy
		}
		return opSMLAWy
	case 2:
		return opSMLALxy
	}
	if op>>12&0xF != 0 {
		return opUndef
	}
	return opSMULxy
}

func opSMLAxy(c *CPU, op uint32) {
	p := half(c.R[op&0xF], op&(1<<5) != 0) * half(c.R[op>>8&0xF], op&(1<<6) != 0)
	c.setRd(op>>16&0xF, c.addQ(p, int32(c.R[op>>12&0xF])))
}

func opSMULxy(c *CPU, op uint32) {
	p := half(c.R[op&0xF], op&(1<<5) != 0) * half(c.R[op>>8&0xF], op&(1<<6) != 0)
	c.setRd(op>>16&0xF, uint32(p))
}

func opSMLALxy(c *CPU, op uint32) {
	p := half(c.R[op&0xF], op&(1<<5) != 0) * half(c.R[op>>8&0xF], op&(1<<6) != 0)
	c.setLong(op, c.longAcc(op)+uint64(int64(p)))
}

// smulw is the top 32 bits of the 48-bit product Rm * Rs.y.
func smulw(m uint32, y int32) int32 {
	return int32((int64(int32(m)) * int64(y)) >> 16)
}

func opSMLAWy(c *CPU, op uint32) {
	p := smulw(c.R[op&0xF], half(c.R[op>>8&0xF], op&(1<<6) != 0))
	c.setRd(op>>16&0xF, c.addQ(p, int32(c.R[op>>12&0xF])))
}

func opSMULWy(c *CPU, op uint32) {
	c.setRd(op>>16&0xF, uint32(smulw(c.R[op&0xF], half(c.R[op>>8&0xF], op&(1<<6) != 0))))
}

// dualProducts returns the two 16x16 products of SMLAD-class instructions:
// Rm (bits 3:0) halves times Rs (bits 11:8) halves, Rs rotated by 16 when X
// (bit 5) is set.
func (c *CPU) dualProducts(op uint32) (p1, p2 int64) {
	m, s := c.R[op&0xF], c.R[op>>8&0xF]
	if op&(1<<5) != 0 {
		s = s>>16 | s<<16
	}
	return int64(int16(m)) * int64(int16(s)), int64(int32(m)>>16) * int64(int32(s)>>16)
}

// opSMLAD covers SMLAD, SMLADX, SMLSD, SMLSDX and, with Ra (bits 15:12) =
// 15, SMUAD, SMUADX, SMUSD, SMUSDX. Bit 6 selects subtraction. Q is set
// when the exact result does not fit in 32 bits (ARMv7 pseudocode; see the
// report for QEMU 5.0's per-addition Q).
func opSMLAD(c *CPU, op uint32) {
	p1, p2 := c.dualProducts(op)
	var r int64
	if op&(1<<6) != 0 {
		r = p1 - p2
	} else {
		r = p1 + p2
	}
	if ra := op >> 12 & 0xF; ra != 15 {
		r += int64(int32(c.R[ra]))
	}
	if r != int64(int32(r)) {
		c.Q = true
	}
	c.setRd(op>>16&0xF, uint32(r))
}

// opSMLALD covers SMLALD(X) and SMLSLD(X): RdHi:RdLo += p1 +/- p2.
func opSMLALD(c *CPU, op uint32) {
	p1, p2 := c.dualProducts(op)
	var r int64
	if op&(1<<6) != 0 {
		r = p1 - p2
	} else {
		r = p1 + p2
	}
	c.setLong(op, c.longAcc(op)+uint64(r))
}

// opSMMLA covers SMMUL(R) (Ra = 15), SMMLA(R) and SMMLS(R) (bit 6): the top
// word of (Ra << 32) +/- Rm * Rs, rounded when R (bit 5) is set.
func opSMMLA(c *CPU, op uint32) {
	p := int64(int32(c.R[op&0xF])) * int64(int32(c.R[op>>8&0xF]))
	var acc int64
	if ra := op >> 12 & 0xF; ra != 15 {
		acc = int64(uint64(c.R[ra]) << 32)
	}
	var r int64
	if op&(1<<6) != 0 {
		r = acc - p
	} else {
		r = acc + p
	}
	if op&(1<<5) != 0 {
		r += 0x80000000
	}
	c.setRd(op>>16&0xF, uint32(uint64(r)>>32))
}
