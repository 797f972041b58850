//go:build amd64

package arm

// The block translator's core: block layout, conditions, exit sites,
// branches and chaining. The instruction classes are in jit_dp_amd64.go
// (data processing), jit_ldst_amd64.go (single loads and stores),
// jit_ldm_amd64.go (LDM/STM) and jit_misc_amd64.go (multiplies, extends,
// CLZ); each translator returns false for an encoding it leaves to the
// interpreter, which then runs it at an exit site.
//
// Block layout (one block = the ARM instructions from a start offset to
// the first unconditional branch, the page end or jitMaxBlock):
//
//	entry:  if Insns + n > jx.limit { pc = start; return exitPC }
//	insn 0: [condition check, failing to skip0] body [slow path: jmp site0]
//	skip0:  (resume point of site 0)
//	insn 1: ...
//	end:    Insns += n; chain to the next block
//	site0:  R15 = pc0 + 8; jx.site = id0; return exitSite
//	...
//
// Chaining: a branch to a static target in the same page jumps through
// the page's entry table (jitPage.entry), so it follows translations made
// later; every other target goes through the dispatcher, which looks the
// target up in the soft TLB's execute set, then in that page's entry
// table. Either way the target block's entry checks the limit.

import (
	"unsafe"

	. "github.com/ast2500emu/ast2500emu/cpu/amd64asm"
)

// Offsets of what generated code touches.
var (
	offR      = int32(unsafe.Offsetof(CPU{}.R))
	offN      = int32(unsafe.Offsetof(CPU{}.N))
	offZ      = int32(unsafe.Offsetof(CPU{}.Z))
	offC      = int32(unsafe.Offsetof(CPU{}.C))
	offV      = int32(unsafe.Offsetof(CPU{}.V))
	offT      = int32(unsafe.Offsetof(CPU{}.T))
	offInsns  = int32(unsafe.Offsetof(CPU{}.Insns))
	offPC     = int32(unsafe.Offsetof(CPU{}.pc))
	offTLB    = int32(unsafe.Offsetof(CPU{}.tlb))
	offLimit  = int32(unsafe.Offsetof(CPU{}.jx) + unsafe.Offsetof(jitShared{}.limit))
	offSite   = int32(unsafe.Offsetof(CPU{}.jx) + unsafe.Offsetof(jitShared{}.site))
	offSetR   = int32(unsafe.Offsetof(tlbSet{}.r))
	offSetW   = int32(unsafe.Offsetof(tlbSet{}.w))
	offSetX   = int32(unsafe.Offsetof(tlbSet{}.x))
	offETag   = int32(unsafe.Offsetof(tlbEntry{}.tag))
	offEPtr   = int32(unsafe.Offsetof(tlbEntry{}.ptr))
	offECP    = int32(unsafe.Offsetof(tlbEntry{}.cp))
	offCPJit  = int32(unsafe.Offsetof(codePage{}.jit))
	offJEntry = int32(unsafe.Offsetof(jitPage{}.entry))
)

// A soft TLB entry is 32 bytes: generated code indexes with a shift.
const tlbEntryShift = 5

var _ = [1]struct{}{}[unsafe.Sizeof(tlbEntry{})-1<<tlbEntryShift]

// The N, Z, C, V flags are consecutive bytes.
var _ = [1]struct{}{}[unsafe.Offsetof(CPU{}.V)-unsafe.Offsetof(CPU{}.N)-3]

// reg is the memory operand of guest register n (not the PC).
func reg(n uint32) Mem { return M(RBX, offR+4*int32(n)) }

func flag(off int32) Mem { return M(RBX, off) }

// siteRef is a site of the block being translated.
type siteRef struct {
	site   jitSite
	stub   *Label // the exit stub
	resume *Label
	off    uint32 // page offset of its instruction
}

type jitTranslator struct {
	j    *jitEngine
	jp   *jitPage
	page *codePage
	org  uintptr
	a    Asm

	start uint32 // page offset of the block
	n     uint32 // instructions in the block

	// The instruction being translated.
	off  uint32
	idx  uint32 // index in the block
	op   uint32
	skip *Label // after the instruction
	site *siteRef

	sites []*siteRef
}

// pcAt is the value the instruction at page offset off reads as R15
// (its address + 8), as a lea of R12.
func (t *jitTranslator) leaPC(dst Reg, off uint32, add int32) {
	t.a.Lea32(dst, M(R12, int32(off)+add))
}

// loadReg loads guest register n into dst (R15 reads as this
// instruction's address + 8).
func (t *jitTranslator) loadReg(dst Reg, n uint32) {
	if n == 15 {
		t.leaPC(dst, t.off, 8)
		return
	}
	t.a.Load32(dst, reg(n))
}

// storeReg stores src into guest register n (never the PC).
func (t *jitTranslator) storeReg(n uint32, src Reg) {
	if n == 15 {
		panic("jit: storeReg(15)")
	}
	t.a.Store32(reg(n), src)
}

// slow returns the label of the current instruction's exit site, where
// its slow path jumps: Go then runs the whole instruction, so nothing may
// have been written before the jump.
func (t *jitTranslator) slow() *Label {
	if t.site == nil {
		t.site = &siteRef{stub: t.a.NewLabel(), off: t.off}
	}
	return t.site.stub
}

// emitCond jumps to fail when ARM condition cond (0-13) does not hold.
func (t *jitTranslator) emitCond(cond uint32, fail *Label) {
	a := &t.a
	switch cond {
	case 0, 1: // EQ, NE
		a.CmpMI8(flag(offZ), 0)
		a.Jcc(map[uint32]Cond{0: CE, 1: CNE}[cond], fail)
	case 2, 3: // CS, CC
		a.CmpMI8(flag(offC), 0)
		a.Jcc(map[uint32]Cond{2: CE, 3: CNE}[cond], fail)
	case 4, 5: // MI, PL
		a.CmpMI8(flag(offN), 0)
		a.Jcc(map[uint32]Cond{4: CE, 5: CNE}[cond], fail)
	case 6, 7: // VS, VC
		a.CmpMI8(flag(offV), 0)
		a.Jcc(map[uint32]Cond{6: CE, 7: CNE}[cond], fail)
	case 8: // HI: C && !Z
		a.CmpMI8(flag(offC), 0)
		a.Jcc(CE, fail)
		a.CmpMI8(flag(offZ), 0)
		a.Jcc(CNE, fail)
	case 9: // LS: !C || Z
		pass := a.NewLabel()
		a.CmpMI8(flag(offC), 0)
		a.Jcc(CE, pass)
		a.CmpMI8(flag(offZ), 0)
		a.Jcc(CE, fail)
		a.Bind(pass)
	case 10, 11: // GE: N == V, LT: N != V
		a.MovzxB8(RAX, flag(offN))
		a.CmpRM8(RAX, flag(offV))
		a.Jcc(map[uint32]Cond{10: CNE, 11: CE}[cond], fail)
	case 12: // GT: !Z && N == V
		a.CmpMI8(flag(offZ), 0)
		a.Jcc(CNE, fail)
		a.MovzxB8(RAX, flag(offN))
		a.CmpRM8(RAX, flag(offV))
		a.Jcc(CNE, fail)
	case 13: // LE: Z || N != V
		pass := a.NewLabel()
		a.CmpMI8(flag(offZ), 0)
		a.Jcc(CNE, pass)
		a.MovzxB8(RAX, flag(offN))
		a.CmpRM8(RAX, flag(offV))
		a.Jcc(CE, fail)
		a.Bind(pass)
	}
}

// setNZ stores N and Z from the x86 flags of a result (SF, ZF).
func (t *jitTranslator) setNZ() {
	t.a.SetccM(CS, flag(offN))
	t.a.SetccM(CE, flag(offZ))
}

// retired emits Insns += the instructions up to and including the
// current one.
func (t *jitTranslator) retired(k uint32) {
	t.a.AluMI64(ADD, M(RBX, offInsns), int32(k))
}

// exitTo leaves to Go with c.pc = EAX (Insns already updated).
func (t *jitTranslator) exitTo() {
	t.a.Store32(M(RBX, offPC), RAX)
	t.a.MovRI32Keep(RAX, jitExitPC)
	t.a.Ret()
}

// chainStatic continues at page offset target (any 32-bit offset from
// the page's address; Insns already updated): through the page's entry
// table when it lies in this page, else through the dispatcher.
func (t *jitTranslator) chainStatic(target int64) {
	a := &t.a
	if target >= 0 && target < 4096 {
		out := a.NewLabel()
		a.MovRI64(RAX, uint64(uintptr(unsafe.Pointer(&t.jp.entry[target>>2]))))
		a.Load64(RAX, M(RAX, 0))
		a.TestRR64(RAX, RAX)
		a.Jcc(CE, out)
		a.JmpR(RAX)
		a.Bind(out)
		a.Lea32(RAX, M(R12, int32(target)))
		t.exitTo()
		return
	}
	a.Lea32(RAX, M(R12, int32(target)))
	t.chainDynamic()
}

// chainDynamic continues at the ARM-state address in EAX.
func (t *jitTranslator) chainDynamic() {
	t.a.JmpTo(t.j.dispatch)
}

// emitDispatcher builds the shared dispatcher at address org: EAX holds
// an ARM-state target and Insns is current. It jumps to the target's
// block when the soft TLB's execute set has the target page with a
// translation at that offset (setting R12 to the page), else returns to
// Go with c.pc = target.
func emitDispatcher(org uintptr) []byte {
	a := Asm{Org: org}
	out := a.NewLabel()
	a.Store32(M(RBX, offPC), RAX)
	a.Load64(RSI, M(RBX, offTLB))
	a.MovRR32(RCX, RAX)
	a.ShiftRI32(SHR, RCX, 12)
	a.AluRI32(AND, RCX, tlbMask)
	a.ShiftRI32(SHL, RCX, tlbEntryShift)
	a.AluRR64(ADD, RSI, RCX)
	a.Load32(RDX, M(RSI, offSetX+offETag))
	a.AluRI32(AND, RDX, ^4)
	a.MovRR32(RCX, RAX)
	a.AluRI32(AND, RCX, -4096)
	a.AluRI32(OR, RCX, 1)
	a.AluRR32(CMP, RDX, RCX)
	a.Jcc(CNE, out)
	a.Load64(RSI, M(RSI, offSetX+offECP))
	a.TestRR64(RSI, RSI)
	a.Jcc(CE, out)
	a.Load64(RSI, M(RSI, offCPJit))
	a.TestRR64(RSI, RSI)
	a.Jcc(CE, out)
	a.MovRR32(RCX, RAX)
	a.AluRI32(AND, RCX, 0xFFC)
	a.Load64(RSI, MI(RSI, RCX, 2, offJEntry))
	a.TestRR64(RSI, RSI)
	a.Jcc(CE, out)
	a.MovRR32(R12, RAX)
	a.AluRI32(AND, R12, -4096)
	a.JmpR(RSI)
	a.Bind(out)
	a.MovRI32Keep(RAX, jitExitPC)
	a.Ret()
	return a.B
}

// block translates from page offset start and returns the number of
// instructions, or 0 when the first instruction is not worth translating.
func (t *jitTranslator) block(start uint32, c *CPU) uint32 {
	a := &t.a
	a.Org = t.org
	t.start = start
	words := (*[1024]uint32)(t.page.mem)
	// Count the block first: the entry check needs its length.
	n := uint32(0)
	for off := start; off < 4096 && n < jitMaxBlock; off += 4 {
		op := words[off>>2]
		n++
		if jitEndsBlock(op) {
			break
		}
	}
	if !jitWorthStarting(words[start>>2]) {
		return 0
	}
	t.n = n
	siteBase := uint32(len(t.j.sites))

	// Entry: the whole block must fit below the limit.
	enter := a.NewLabel()
	a.Load64(RAX, M(RBX, offInsns))
	a.AluRI64(ADD, RAX, int32(n))
	a.AluRM64(CMP, RAX, M(RBX, offLimit))
	a.Jcc(CBE, enter)
	a.Lea32(RAX, M(R12, int32(start)))
	t.exitTo()
	a.Bind(enter)

	for i := uint32(0); i < n; i++ {
		off := start + 4*i
		op := words[off>>2]
		t.off, t.idx, t.op = off, i, op
		t.skip = a.NewLabel()
		t.site = nil
		cond := op >> 28
		if cond < 0xE {
			t.emitCond(cond, t.skip)
		}
		if !t.translateOne(op) {
			a.Jmp(t.slow())
		}
		a.Bind(t.skip)
		if t.site != nil {
			t.site.site = jitSite{fn: decodeARM(op), op: op, k: i + 1, rest: n - i - 1}
			t.site.resume = t.skip
			t.sites = append(t.sites, t.site)
		}
	}
	// Fall through to the next instruction. Also after an unconditional
	// last instruction that ends the block: when it ran at an exit site
	// and did not write the PC after all (TST with Rd=15, an encoding
	// jitEndsBlock over-approximates), its site resumes here.
	t.retired(n)
	t.chainStatic(int64(start + 4*n))
	// Exit stubs.
	for k, s := range t.sites {
		a.Bind(s.stub)
		a.Lea32(RAX, M(R12, int32(s.off)+8))
		a.Store32(M(RBX, offR+15*4), RAX)
		a.StoreImm32(M(RBX, offSite), siteBase+uint32(k))
		a.MovRI32Keep(RAX, jitExitSite)
		a.Ret()
	}
	return n
}

// jitEndsBlock reports instructions after which a block ends when they
// are unconditional: branches and other writes of the PC, and
// exception-generating instructions.
func jitEndsBlock(op uint32) bool {
	if op>>28 != 0xE {
		return op>>28 == 0xF && op>>25&7 == 5 // BLX (immediate)
	}
	switch {
	case op>>25&7 == 5: // B, BL
		return true
	case op&0x0FFFFFD0 == 0x012FFF10: // BX, BLX (register)
		return true
	case op>>24&0xF == 0xF: // SVC
		return true
	case op>>25&7 == 4 && op>>20&1 == 1 && op&(1<<15) != 0: // LDM with the PC
		return true
	case op>>26&3 == 1 && op&0x02000010 != 0x02000010 && op>>20&1 == 1 && op>>12&0xF == 15: // LDR to the PC (not media)
		return true
	case op>>26&3 == 0 && op>>12&0xF == 15 && (op>>25&1 == 1 || op&0x90 != 0x90) &&
		!(op>>23&3 == 2 && op>>20&1 == 0): // data processing writing the PC
		return true
	case op&0x0FFFFFFF == 0x07F000F0 || op>>20&0xFF == 0x7F && op>>4&0xF == 0xF: // UDF
		return true
	}
	return false
}

// jitWorthStarting reports whether a block may start with op: not with
// an instruction that is always left to the interpreter and leaves the
// block anyway.
func jitWorthStarting(op uint32) bool {
	return op != BranchSelf
}

// translateOne emits the body of one instruction (after its condition
// check) and reports whether it did; false leaves it to an exit site.
func (t *jitTranslator) translateOne(op uint32) bool {
	if op>>28 == 0xF {
		return t.tryUncond(op)
	}
	switch op >> 25 & 7 {
	case 0:
		if op&0x90 == 0x90 {
			if op&0x60 == 0 {
				return t.tryMul(op)
			}
			return t.tryLdStExtra(op)
		}
		if op&0x01900000 == 0x01000000 {
			return t.tryMisc(op)
		}
		return t.tryDP(op)
	case 1:
		if op&0x01900000 == 0x01000000 {
			return false // MSR immediate, MOVW/MOVT
		}
		return t.tryDP(op)
	case 2:
		return t.tryLdSt(op)
	case 3:
		if op&0x10 != 0 {
			return t.tryMedia(op)
		}
		return t.tryLdSt(op)
	case 4:
		return t.tryLdm(op)
	case 5:
		if op == BranchSelf {
			return false
		}
		return t.branch(op)
	}
	return false
}

// branch is B and BL.
func (t *jitTranslator) branch(op uint32) bool {
	a := &t.a
	if op&(1<<24) != 0 { // BL: LR = the next instruction
		t.leaPC(RAX, t.off, 4)
		a.Store32(reg(14), RAX)
	}
	t.retired(t.idx + 1)
	target := int64(t.off) + 8 + int64(int32(op<<8)>>6)
	t.chainStatic(target)
	return true
}

// tryUncond handles the unconditional space: PLD is a no-op here.
func (t *jitTranslator) tryUncond(op uint32) bool {
	// PLD (as decodeUncond has it): 1111 01I1 U101 Rn 1111, with bit 4
	// clear in the register form.
	if op>>26&3 == 1 && op&0x0170F000 == 0x0150F000 && (op&(1<<25) == 0 || op&0x10 == 0) {
		return true
	}
	return false
}

// tryMisc handles the miscellaneous space of data processing: BX (the
// rest, MSR/MRS, CLZ..., go to the interpreter unless jit_misc handles
// them).
func (t *jitTranslator) tryMisc(op uint32) bool {
	if op&0x0FFFFFF0 == 0x012FFF10 { // BX
		rm := op & 0xF
		if rm == 15 {
			return false
		}
		t.loadReg(RAX, rm)
		t.retired(t.idx + 1)
		t.interwork()
		return true
	}
	return t.tryMiscOther(op)
}
