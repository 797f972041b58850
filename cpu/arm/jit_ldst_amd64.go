//go:build amd64

package arm

// JIT translation of single loads and stores (DDI 0100I A5.2 and A5.3
// addressing modes 2 and 3), with the soft TLB lookup inline.
//
// The generated code follows the interpreter's handlers (arm_ldst.go,
// arm_ldst_gen.go) and the fast paths of mem.go exactly:
//
//	ECX = the address accessed, EDX = the written-back base
//	entry = R13 (c.tlbFast) + set + ((va >> 12) & tlbMask) << 5
//	if entry.tag != key(va) { jump to the exit site: Go runs the insn }
//	access [entry.ptr + (va & 0xFFF)] into or from R8
//	write the base back, then Rt (a load's Rt wins when Rt == Rn)
//
// The key is the page with the access's misalignment folded in ((va &^
// 0xFFC) + 1 for words, (va &^ 0xFFE) + 1 for halfwords, va &^ 0xFFF | 1
// for bytes), so the one compare also sends unaligned accesses, entries
// without a host page (MMIO, code pages for writes, watched pages) and
// big-endian mode (c.tlbFast is then an empty set) to the slow path.
// Nothing architectural is written before the compare succeeds, so the
// interpreter can re-run the whole instruction: faults, MMIO, unaligned
// accesses and writes to code pages all happen there.
//
// Left to the interpreter: LDRT/STRT/LDRBT/STRBT and the extra
// unprivileged forms (P=0, W=1), writeback to R15, LDRD/STRD with Rt = 14
// or an odd Rt, and the register forms of mode 3 with bits 11:8 set
// (UNDEFINED here).

import . "github.com/ast2500emu/ast2500emu/cpu/amd64asm"

// tryLdSt translates LDR, STR, LDRB, STRB.
func (t *jitTranslator) tryLdSt(op uint32) bool {
	p, w := op>>24&1 == 1, op>>21&1 == 1
	if !p && w {
		return false // LDRT, LDRBT, STRT, STRBT
	}
	writeback := !p || w
	rn, rt := op>>16&0xF, op>>12&0xF
	if writeback && rn == 15 {
		return false
	}
	size := 4
	if op&(1<<22) != 0 {
		size = 1
	}
	// EDX = the offset.
	var imm uint32
	reg := op&(1<<25) != 0
	if reg {
		t.loadReg(RDX, op&0xF)
		t.shiftOffset(op>>5&3, op>>7&0x1F)
	} else {
		imm = op & 0xFFF
	}
	t.ldstAddr(op, rn, reg, imm, writeback)
	return t.ldstAccess(op, rn, rt, size, false, writeback)
}

// shiftOffset applies the immediate shift of a scaled register offset to
// EDX, as shiftImm does (LSR #0 and ASR #0 mean 32, ROR #0 is RRX).
func (t *jitTranslator) shiftOffset(typ, amount uint32) {
	a := &t.a
	switch typ {
	case shLSL:
		if amount != 0 {
			a.ShiftRI32(SHL, RDX, uint8(amount))
		}
	case shLSR:
		if amount == 0 {
			a.MovRI32(RDX, 0)
		} else {
			a.ShiftRI32(SHR, RDX, uint8(amount))
		}
	case shASR:
		if amount == 0 {
			amount = 31
		}
		a.ShiftRI32(SAR, RDX, uint8(amount))
	default:
		if amount == 0 { // RRX: C into bit 31
			a.MovzxB8(RAX, flag(offC))
			a.BtRI32(RAX, 0)
			a.ShiftRI32(RCR, RDX, 1)
		} else {
			a.ShiftRI32(ROR, RDX, uint8(amount))
		}
	}
}

// ldstAddr computes, from the base Rn and the offset (imm, or EDX when
// reg), the address accessed into ECX and, with writeback, the new base
// into EDX.
func (t *jitTranslator) ldstAddr(op, rn uint32, reg bool, imm uint32, writeback bool) {
	a := &t.a
	up := op&(1<<23) != 0
	pre := op&(1<<24) != 0
	t.loadReg(RCX, rn)
	if !reg {
		d := int32(imm)
		if !up {
			d = -d
		}
		switch {
		case pre:
			if d != 0 {
				a.Lea32(RCX, M(RCX, d))
			}
			if writeback {
				a.MovRR32(RDX, RCX)
			}
		case writeback:
			a.Lea32(RDX, M(RCX, d))
		}
		return
	}
	if !up {
		a.Neg32(RDX)
	}
	if pre {
		a.Lea32(RCX, MI(RCX, RDX, 1, 0))
		if writeback {
			a.MovRR32(RDX, RCX)
		}
	} else {
		a.Lea32(RDX, MI(RCX, RDX, 1, 0))
	}
}

// tlbLookup emits the soft-TLB fast-path check for an access of size
// bytes at ECX (the write set when write) and returns the host memory
// operand to access; a miss jumps to the exit site. It clobbers RAX, RSI,
// RDI and the page number in ECX. pair asks for two consecutive words in the page (LDRD/STRD).
func (t *jitTranslator) tlbLookup(size int, write, pair bool) Mem {
	a := &t.a
	set := offSetR
	if write {
		set = offSetW
	}
	// RAX = ((va >> 12) & tlbMask) << 5.
	a.MovRR32(RAX, RCX)
	a.ShiftRI32(SHR, RAX, 12-tlbEntryShift)
	a.AluRI32(AND, RAX, tlbMask<<tlbEntryShift)
	a.MovRR32(RDI, RCX)
	switch size {
	case 1:
		a.AluRI32(AND, RDI, -4096)
		a.AluRI32(OR, RDI, 1)
	case 2:
		a.AluRI32(AND, RDI, ^0xFFE)
		a.AluRI32(ADD, RDI, 1)
	default:
		a.AluRI32(AND, RDI, ^0xFFC)
		a.AluRI32(ADD, RDI, 1)
	}
	a.AluRM32(CMP, RDI, MI(R13, RAX, 1, set+offETag))
	a.Jcc(CNE, t.slow())
	if pair {
		a.MovRR32(RDI, RCX)
		a.AluRI32(AND, RDI, 0xFFF)
		a.AluRI32(CMP, RDI, 0xFFC)
		a.Jcc(CE, t.slow())
	}
	a.Load64(RSI, MI(R13, RAX, 1, set+offEPtr))
	a.AluRI32(AND, RCX, 0xFFF) // the address is not needed after this
	return MI(RSI, RCX, 1, 0)
}

// ldstAccess emits the access of a single load or store whose address is
// in ECX (and written-back base in EDX), then the register writes.
func (t *jitTranslator) ldstAccess(op, rn, rt uint32, size int, signed, writeback bool) bool {
	a := &t.a
	load := op&(1<<20) != 0
	if !load {
		t.loadReg(R8, rt) // R15 reads as the address + 8, as c.R[15] does
	}
	m := t.tlbLookup(size, !load, false)
	switch {
	case !load && size == 4:
		a.Store32(m, R8)
	case !load && size == 2:
		a.Store16(m, R8)
	case !load:
		a.Store8(m, R8)
	case size == 4:
		a.Load32(R8, m)
	case size == 2 && signed:
		a.MovsxW16(R8, m)
	case size == 2:
		a.MovzxW16(R8, m)
	case signed:
		a.MovsxB8(R8, m)
	default:
		a.MovzxB8(R8, m)
	}
	if writeback {
		t.storeReg(rn, RDX)
	}
	if !load {
		return true
	}
	if rt != 15 {
		t.storeReg(rt, R8)
		return true
	}
	// A load to the PC interworks (loadWritePC): bit 0 selects Thumb.
	a.MovRR32(RAX, R8)
	t.retired(t.idx + 1)
	t.interwork()
	return true
}

// tryLdStExtra translates LDRH, STRH, LDRSB, LDRSH, LDRD and STRD.
func (t *jitTranslator) tryLdStExtra(op uint32) bool {
	p, w := op>>24&1 == 1, op>>21&1 == 1
	if !p && w {
		return false // unprivileged forms, or UNDEFINED
	}
	immForm := op&(1<<22) != 0
	if !immForm && op&0xF00 != 0 {
		return false // UNDEFINED
	}
	writeback := !p || w
	rn, rt := op>>16&0xF, op>>12&0xF
	if writeback && rn == 15 {
		return false
	}
	load := op&(1<<20) != 0
	sh := op >> 5 & 3
	pair := !load && sh >= 2 // LDRD (sh 2), STRD (sh 3)
	if pair && (rt&1 != 0 || rt == 14) {
		return false // UNDEFINED, or UNPREDICTABLE (Rt+1 = R15)
	}
	var imm uint32
	if immForm {
		imm = op>>4&0xF0 | op&0xF
	} else {
		t.loadReg(RDX, op&0xF)
	}
	t.ldstAddr(op, rn, !immForm, imm, writeback)
	switch {
	case pair:
		return t.ldstPair(rn, rt, sh == 3, writeback)
	case sh == 1: // LDRH, STRH
		return t.ldstAccess(op, rn, rt, 2, false, writeback)
	default: // LDRSB (sh 2), LDRSH (sh 3)
		return t.ldstAccess(op, rn, rt, int(sh-1), true, writeback)
	}
}

// ldstPair emits LDRD/STRD for the address in ECX: both words must lie in
// one page served by the fast path (ld32a/st32a would both hit then),
// else the interpreter runs the instruction.
func (t *jitTranslator) ldstPair(rn, rt uint32, store, writeback bool) bool {
	a := &t.a
	if store {
		t.loadReg(R8, rt)
		t.loadReg(R9, rt+1)
	}
	m := t.tlbLookup(4, store, true)
	m4 := m
	m4.Disp += 4
	if store {
		a.Store32(m, R8)
		a.Store32(m4, R9)
	} else {
		a.Load32(R8, m)
		a.Load32(R9, m4)
	}
	if writeback {
		t.storeReg(rn, RDX)
	}
	if !store {
		t.storeReg(rt, R8)
		t.storeReg(rt+1, R9)
	}
	return true
}
