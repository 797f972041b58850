//go:build amd64

package arm

// JIT translation of multiplies (DDI 0100I A4.1.40 MLA, A4.1.86 MUL,
// A4.1.130-131 UMLAL/UMULL, A4.1.87/A4.1.74 SMULL/SMLAL), the extends
// (SXTB, SXTH, UXTB, UXTH and their accumulating forms), REV, REV16,
// REVSH and CLZ. The interpreter's handlers (arm_mul.go, arm_media.go) are
// the reference: the S forms set N and Z only, leaving C and V.
//
// Left to the interpreter: UMAAL, the DSP and dual multiplies, the
// byte-pair extends (SXTB16, UXTB16 and their accumulating forms), every
// other media instruction, MRS/MSR and the saturating arithmetic, and any
// of the above with R15 as an operand or destination.

import . "github.com/ast2500emu/ast2500emu/cpu/amd64asm"

// tryMul translates MUL, MLA, UMULL, UMLAL, SMULL, SMLAL.
func (t *jitTranslator) tryMul(op uint32) bool {
	if op&0x0F0000F0 != 0x00000090 { // SWP, LDREX... share bits 7:4
		return false
	}
	rm, rs, rn, rd := op&0xF, op>>8&0xF, op>>12&0xF, op>>16&0xF
	if rm == 15 || rs == 15 || rn == 15 || rd == 15 {
		return false
	}
	a := &t.a
	s := op&(1<<20) != 0
	kind := op >> 21 & 7
	switch kind {
	case 0, 1: // MUL, MLA: Rd = Rm * Rs (+ Rn)
		if kind == 0 && rn != 0 {
			return false // UNDEFINED in the interpreter
		}
		a.Load32(RAX, reg(rm))
		a.Imul32M(RAX, reg(rs))
		if kind == 1 {
			a.AluRM32(ADD, RAX, reg(rn))
		}
		if s {
			a.TestRR32(RAX, RAX)
			t.setNZ()
		}
		t.storeReg(rd, RAX)
		return true
	case 2, 3: // UMAAL, MLS
		return false
	}
	// Long: RdHi (rd) : RdLo (rn) = Rm * Rs (+ RdHi:RdLo).
	if kind&2 != 0 { // signed
		a.MovsxdM(RAX, reg(rm))
		a.MovsxdM(RCX, reg(rs))
	} else {
		a.Load32(RAX, reg(rm))
		a.Load32(RCX, reg(rs))
	}
	a.Imul64(RAX, RCX)
	if kind&1 != 0 { // accumulate
		a.Load32(RCX, reg(rn))
		a.Load32(RDX, reg(rd))
		a.ShiftRI64(SHL, RDX, 32)
		a.AluRR64(OR, RCX, RDX)
		a.AluRR64(ADD, RAX, RCX)
	}
	if s {
		a.TestRR64(RAX, RAX)
		t.setNZ()
	}
	// RdLo first, then RdHi (setLong: RdHi wins when they are the same).
	t.storeReg(rn, RAX)
	a.ShiftRI64(SHR, RAX, 32)
	t.storeReg(rd, RAX)
	return true
}

// tryMedia translates UXTB, UXTH, SXTB, SXTH and their accumulating
// forms, REV, REV16 and REVSH.
func (t *jitTranslator) tryMedia(op uint32) bool {
	rd, rm, rn := op>>12&0xF, op&0xF, op>>16&0xF
	if rd == 15 || rm == 15 {
		return false
	}
	a := &t.a
	switch {
	case op&0x0F8003F0 == 0x06800070: // extends: bits 22:20 select
		ext := op >> 20 & 7
		if ext != 2 && ext != 3 && ext != 6 && ext != 7 {
			return false // the byte-pair forms
		}
		a.Load32(RAX, reg(rm))
		if rot := uint8(op >> 7 & 0x18); rot != 0 {
			a.ShiftRI32(ROR, RAX, rot)
		}
		switch ext {
		case 2:
			a.MovsxBR(RAX, RAX)
		case 3:
			a.MovsxWR(RAX, RAX)
		case 6:
			a.MovzxBR(RAX, RAX)
		case 7:
			a.MovzxWR(RAX, RAX)
		}
		if rn != 15 {
			a.AluRM32(ADD, RAX, reg(rn))
		}
	case op&0x0FFF0FF0 == 0x06BF0F30: // REV
		a.Load32(RAX, reg(rm))
		a.Bswap32(RAX)
	case op&0x0FFF0FF0 == 0x06BF0FB0: // REV16: the bytes of each halfword
		a.Load32(RAX, reg(rm))
		a.Bswap32(RAX)
		a.ShiftRI32(ROR, RAX, 16)
	case op&0x0FFF0FF0 == 0x06FF0FB0: // REVSH: the low halfword's bytes, sign-extended
		a.Load32(RAX, reg(rm))
		a.Bswap32(RAX)
		a.ShiftRI32(SAR, RAX, 16)
	default:
		return false
	}
	t.storeReg(rd, RAX)
	return true
}

// tryMiscOther translates CLZ.
func (t *jitTranslator) tryMiscOther(op uint32) bool {
	if op&0x0FFF0FF0 != 0x016F0F10 {
		return false
	}
	rd, rm := op>>12&0xF, op&0xF
	if rd == 15 || rm == 15 {
		return false
	}
	// CLZ = 31 - BSR, with 63 ^ 31 = 32 for a zero source (BSR sets ZF).
	a := &t.a
	a.Load32(RCX, reg(rm))
	a.MovRI32Keep(RDX, 63)
	a.Bsr32(RAX, RCX)
	a.Cmov32(CE, RAX, RDX)
	a.AluRI32(XOR, RAX, 31)
	t.storeReg(rd, RAX)
	return true
}
