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
	offMode   = int32(unsafe.Offsetof(CPU{}.mode))

	offCP15TPIDRURW = int32(unsafe.Offsetof(CPU{}.cp15) + unsafe.Offsetof(cp15{}.tpidrurw))
	offCP15TPIDRURO = int32(unsafe.Offsetof(CPU{}.cp15) + unsafe.Offsetof(cp15{}.tpidruro))
	offCP15TPIDRPRW = int32(unsafe.Offsetof(CPU{}.cp15) + unsafe.Offsetof(cp15{}.tpidrprw))
	offExclValid    = int32(unsafe.Offsetof(CPU{}.excl) + unsafe.Offsetof(exclusiveMonitor{}.valid))
	offExclAddr     = int32(unsafe.Offsetof(CPU{}.excl) + unsafe.Offsetof(exclusiveMonitor{}.addr))
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

	// hf is the kind of host flags at the start of the instruction being
	// translated, hfNext what a translator leaves for the next one.
	hf, hfNext int
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

// storeReg stores src into guest register n. For n = 15 that is R[15]'s
// slot, which generated code may use as scratch (the interpreter sets it
// before every instruction it runs).
func (t *jitTranslator) storeReg(n uint32, src Reg) {
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

// Host flags: what the x86 flags hold at the start of an instruction,
// when the previous instruction (unconditional, native, without an exit
// site) set the ARM flags from them. SF and ZF are the result's N and Z in
// every kind; for hfSub C is NOT CF and V is OF (SUB, SBC, RSB, RSC,
// CMP), for hfAdd C is CF and V is OF (ADD, ADC, CMN).
const (
	hfNone = iota
	hfLogical
	hfSub
	hfAdd
)

// hostCondFail returns the x86 condition under which ARM condition cond
// fails, given host flags of kind hf, or false when they cannot tell.
func hostCondFail(cond uint32, hf int) (Cond, bool) {
	if hf == hfNone {
		return 0, false
	}
	switch cond {
	case 0:
		return CNE, true
	case 1:
		return CE, true
	case 4:
		return CNS, true
	case 5:
		return CS, true
	}
	if hf == hfLogical {
		return 0, false
	}
	switch cond {
	case 6:
		return CNO, true
	case 7:
		return CO, true
	case 10:
		return CL, true
	case 11:
		return CGE, true
	case 12:
		return CLE, true
	case 13:
		return CG, true
	}
	if hf == hfSub {
		switch cond {
		case 2: // CS: CF = 0
			return CB, true
		case 3:
			return CAE, true
		case 8: // HI: CF = 0 and ZF = 0
			return CBE, true
		case 9:
			return CA, true
		}
		return 0, false
	}
	switch cond { // hfAdd
	case 2:
		return CAE, true
	case 3:
		return CB, true
	}
	return 0, false
}

// emitCond jumps to fail when ARM condition cond (0-13) does not hold.
func (t *jitTranslator) emitCond(cond uint32, fail *Label) {
	a := &t.a
	if c, ok := hostCondFail(cond, t.hf); ok {
		a.Jcc(c, fail)
		return
	}
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
		// A block of the same page lives and dies with this one (the
		// page's translations are dropped together), so a target
		// translated already, or this block itself, is jumped to
		// directly.
		if uint32(target) == t.start {
			a.JmpTo(t.org)
			return
		}
		if e := t.jp.entry[target>>2]; e != 0 {
			a.JmpTo(e)
			return
		}
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
		t.hf, t.hfNext = t.hfNext, hfNone
		cond := op >> 28
		if cond < 0xE {
			t.emitCond(cond, t.skip)
		}
		native := t.translateOne(op)
		if !native {
			a.Jmp(t.slow())
		}
		if !native || cond != 0xE || t.site != nil {
			// The host flags are the result's only on the one path
			// through an unconditional instruction that cannot exit.
			t.hfNext = hfNone
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
			if op&0x0FF00FFF == 0x01900F9F {
				return t.ldrex(op)
			}
			if op&0x0FF00FF0 == 0x01800F90 {
				return t.strex(op)
			}
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
			// MSR immediate and the hints: NOP and YIELD do nothing
			// (decodeMSRImm); the rest is left to the interpreter.
			if op&0x0FFFF000 == 0x0320F000 && op&0xFF != 2 && op&0xFF != 3 && op&0xFF != 4 {
				return true
			}
			return false
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
	case 7:
		if op>>24&1 == 0 && op>>8&0xF == 15 && op&0x10 != 0 {
			return t.tryCP15(op)
		}
	}
	return false
}

// tryCP15 translates the frequent CP15 accesses that have no effect
// beyond a register read (cp15_regs.go): barriers and cache maintenance by
// MVA (no caches are modelled; privileged only, except the barriers), and
// reads of the thread ID registers. Everything else (writes that change
// translation, WFI, ISB) stays with the interpreter.
func (t *jitTranslator) tryCP15(op uint32) bool {
	a := &t.a
	opc1, crn, crm, opc2 := op>>21&7, op>>16&0xF, op&0xF, op>>5&7
	rd := op >> 12 & 0xF
	if opc1 != 0 {
		return false
	}
	if op&(1<<20) != 0 { // MRC
		if crn == 13 && crm == 0 && opc2 >= 2 && opc2 <= 4 && rd != 15 {
			off := [...]int32{2: offCP15TPIDRURW, 3: offCP15TPIDRURO, 4: offCP15TPIDRPRW}[opc2]
			if opc2 == 4 { // TPIDRPRW: privileged only
				a.AluMI32(CMP, M(RBX, offMode), ModeUSR)
				a.Jcc(CE, t.slow())
			}
			a.Load32(RAX, M(RBX, off))
			t.storeReg(rd, RAX)
			return true
		}
		return false
	}
	if crn == 13 && crm == 0 && rd != 15 && opc2 >= 2 && opc2 <= 4 {
		// Thread ID writes: TPIDRURW from any mode, the others
		// privileged only.
		off := [...]int32{2: offCP15TPIDRURW, 3: offCP15TPIDRURO, 4: offCP15TPIDRPRW}[opc2]
		if opc2 != 2 {
			a.AluMI32(CMP, M(RBX, offMode), ModeUSR)
			a.Jcc(CE, t.slow())
		}
		t.loadReg(RAX, rd)
		a.Store32(M(RBX, off), RAX)
		return true
	}
	if crn != 7 {
		return false
	}
	switch {
	case crm == 10 && (opc2 == 4 || opc2 == 5): // DSB, DMB: any mode
		return true
	case crm == 10 && opc2 <= 3, crm == 14 && opc2 <= 3, crm == 6 && opc2 <= 2,
		crm == 11 && opc2 <= 2, crm == 13 && opc2 == 1, crm == 5 && opc2 <= 2:
		// Cache maintenance: undefined in User mode.
		a.AluMI32(CMP, M(RBX, offMode), ModeUSR)
		a.Jcc(CE, t.slow())
		return true
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
	if op&0x0FFFFFF0 == 0x012FFF30 { // BLX (register): LR = the next instruction
		rm := op & 0xF
		if rm == 15 {
			return false
		}
		t.loadReg(RAX, rm)
		t.leaPC(RCX, t.off, 4)
		t.a.Store32(reg(14), RCX)
		t.retired(t.idx + 1)
		t.interwork()
		return true
	}
	return t.tryMiscOther(op)
}

// ldrex is LDREX (word): an aligned load that opens the exclusive
// monitor for its address (arm_ldst.go ldrex; the exclusive flag of the
// interpreter's access only demands alignment, which the word tag check
// already does).
func (t *jitTranslator) ldrex(op uint32) bool {
	rn, rt := op>>16&0xF, op>>12&0xF
	if rn == 15 || rt == 15 {
		return false
	}
	a := &t.a
	t.loadReg(RCX, rn)
	a.MovRR32(RDX, RCX)
	m := t.tlbLookup(4, false, false)
	a.Load32(R8, m)
	a.StoreImm8(M(RBX, offExclValid), 1)
	a.Store32(M(RBX, offExclAddr), RDX)
	t.storeReg(rt, R8)
	return true
}

// strex is STREX (word): the store happens, and Rd = 0, only while the
// monitor is open for the address; the monitor closes either way.
func (t *jitTranslator) strex(op uint32) bool {
	rn, rd, rt := op>>16&0xF, op>>12&0xF, op&0xF
	if rn == 15 || rd == 15 || rt == 15 || rd == rn || rd == rt {
		return false
	}
	a := &t.a
	fail, done := a.NewLabel(), a.NewLabel()
	t.loadReg(RCX, rn)
	a.CmpMI8(M(RBX, offExclValid), 0)
	a.Jcc(CE, fail)
	a.AluRM32(CMP, RCX, M(RBX, offExclAddr))
	a.Jcc(CNE, fail)
	t.loadReg(R8, rt)
	m := t.tlbLookup(4, true, false)
	a.Store32(m, R8)
	a.StoreImm8(M(RBX, offExclValid), 0)
	a.StoreImm32(reg(rd), 0)
	a.Jmp(done)
	a.Bind(fail)
	a.StoreImm8(M(RBX, offExclValid), 0)
	a.StoreImm32(reg(rd), 1)
	a.Bind(done)
	return true
}
