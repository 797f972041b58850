//go:build amd64

package arm

// JIT translation of LDM and STM (DDI 0100I A5.4 addressing mode 4,
// A4.1.20 LDM (1), A4.1.97 STM (1)); the interpreter's handlers are in
// arm_ldm.go and are the reference.
//
// The inline path serves a transfer whose words all lie in one 4 KiB page
// that the soft TLB maps directly for the access kind: one tag compare on
// the lowest address (which also rejects an unaligned one, and misses
// while data accesses are big-endian: R13 is then the empty set) and a
// check that the last word is in the same page. Anything else jumps to
// the exit site before anything is written, and Go runs the whole
// instruction: page-crossing transfers, faults, MMIO, code pages.
//
// Left to the interpreter: the S-bit forms (user-bank transfer and
// exception return), an empty list, Rn = 15, LDM with writeback and Rn in
// the list, and STM with writeback storing Rn when Rn is not the lowest
// register of the list (UNPREDICTABLE, A5.4.1).

import (
	"math/bits"

	. "github.com/ast2500emu/ast2500emu/cpu/amd64asm"
)

// ldmOffsets returns, for addressing mode 4 mode (bits 24:23) and n words,
// the lowest address and the written-back base relative to the base (as
// blockAddr computes them).
func ldmOffsets(mode uint32, n int32) (start, wb int32) {
	switch mode {
	case 0: // DA
		return -4*n + 4, -4 * n
	case 1: // IA
		return 0, 4 * n
	case 2: // DB
		return -4 * n, -4 * n
	}
	return 4, 4 * n // IB
}

// tryLdm translates LDM, STM, PUSH, POP.
func (t *jitTranslator) tryLdm(op uint32) bool {
	list := op & 0xFFFF
	rn := op >> 16 & 0xF
	load := op&(1<<20) != 0
	wback := op&(1<<21) != 0
	if list == 0 || rn == 15 || op&(1<<22) != 0 {
		return false
	}
	if wback && list&(1<<rn) != 0 && (load || list&(1<<rn-1) != 0) {
		return false
	}
	a := &t.a
	n := int32(bits.OnesCount32(list))
	start, wb := ldmOffsets(op>>23&3, n)
	set := offSetW
	if load {
		set = offSetR
	}

	// EDX = base, ECX = lowest address, RAX = entry offset in the set.
	a.Load32(RDX, reg(rn))
	a.Lea32(RCX, M(RDX, start))
	a.MovRR32(RAX, RCX)
	a.ShiftRI32(SHR, RAX, 12-tlbEntryShift)
	a.AluRI32(AND, RAX, tlbMask<<tlbEntryShift)
	// Hit: tag == (va &^ 0xFFC) + 1.
	a.MovRR32(RSI, RCX)
	a.AluRI32(AND, RSI, ^0xFFC)
	a.AluRI32(ADD, RSI, 1)
	a.AluRM32(CMP, RSI, MI(R13, RAX, 1, set+offETag))
	a.Jcc(CNE, t.slow())
	// The last word in the same page: offset <= 4096 - 4n.
	a.MovRR32(RDI, RCX)
	a.AluRI32(AND, RDI, 0xFFF)
	if n > 1 {
		a.AluRI32(CMP, RDI, 4096-4*n)
		a.Jcc(CA, t.slow())
	}
	a.Load64(RSI, MI(R13, RAX, 1, set+offEPtr))

	// Transfer: nothing can fail from here on.
	k := int32(0)
	for l := list; l != 0; l &= l - 1 {
		i := uint32(bits.TrailingZeros32(l))
		w := MI(RSI, RDI, 1, 4*k) // host page + offset in it
		k++
		switch {
		case load && i == 15:
			a.Load32(R9, w)
		case load:
			a.Load32(RAX, w)
			t.storeReg(i, RAX)
		default:
			t.loadReg(RAX, i) // Rn in the list: its original value
			a.Store32(w, RAX)
		}
	}
	if wback {
		a.Lea32(RDX, M(RDX, wb))
		t.storeReg(rn, RDX)
	}
	if !load || list&0x8000 == 0 {
		return true
	}
	// A load of the PC is an interworking branch (loadWritePC).
	a.MovRR32(RAX, R9)
	t.retired(t.idx + 1)
	t.interwork()
	return true
}

// interwork branches to the address in EAX as BX does (bxWritePC): bit 0
// set selects Thumb state (an exit to Go), clear an ARM target (chained).
// Insns must already count the branch.
func (t *jitTranslator) interwork() {
	a := &t.a
	thumb := a.NewLabel()
	a.TestRI32(RAX, 1)
	a.Jcc(CNE, thumb)
	a.AluRI32(AND, RAX, ^3)
	t.chainDynamic()
	a.Bind(thumb)
	a.AluRI32(AND, RAX, ^1)
	a.StoreImm8(M(RBX, offT), 1)
	t.exitTo()
}
