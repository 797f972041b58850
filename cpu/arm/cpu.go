// Package arm is an interpreter for the ARM1176JZF-S, the AST2500's CPU:
// ARMv6K (ARM and Thumb state) with the Security Extensions, the VMSAv6 MMU
// and a VFP11 (VFPv2) floating-point unit.
//
// Sources: ARM Architecture Reference Manual, ARMv6 edition (DDI 0100I),
// parts A (instruction set), B (memory and system: B3 CP15, B4 VMSA) and C
// (VFP); ARM1176JZF-S Technical Reference Manual (DDI 0301H): chapter 3
// (CP15 register values), chapter 6 (MMU), chapter 2 (exceptions).
//
// Execution model: instructions are decoded once into handler functions that
// are cached per physical page (see run.go); data accesses go through a
// software TLB (mem.go) with direct host-memory pointers for RAM. Interrupt
// lines are sampled at block boundaries. The retired-instruction counter
// Insns drives the SoC's virtual clock.
package arm

import (
	"sync/atomic"
	"unsafe"
)

// Processor modes (CPSR.M).
const (
	ModeUSR = 0x10
	ModeFIQ = 0x11
	ModeIRQ = 0x12
	ModeSVC = 0x13
	ModeMON = 0x16
	ModeABT = 0x17
	ModeUND = 0x1B
	ModeSYS = 0x1F
)

// CPSR bits.
const (
	psrN = 1 << 31
	psrZ = 1 << 30
	psrC = 1 << 29
	psrV = 1 << 28
	psrQ = 1 << 27
	psrJ = 1 << 24
	psrE = 1 << 9
	psrA = 1 << 8
	psrI = 1 << 7
	psrF = 1 << 6
	psrT = 1 << 5
)

// Bus is the CPU's view of the physical address space.
type Bus interface {
	// Page returns the host memory backing the 4 KiB physical page that
	// holds pa (a slice of exactly 4096 bytes starting at the page base),
	// or nil when that page is not plain RAM; the CPU then uses Read and
	// Write for every access to it.
	Page(pa uint32) []byte
	// Read performs a physical read of size 1, 2, 4 or 8 bytes. ok=false
	// signals an external abort.
	Read(pa uint32, size int) (val uint64, ok bool)
	// Write performs a physical write; ok=false signals an external abort.
	Write(pa uint32, size int, val uint64) bool
}

// ROPager may be implemented by a Bus whose read-only memory (flash
// windows, boot ROM) can be read and executed directly. Writes to such pages
// still go through Write.
type ROPager interface {
	ROPage(pa uint32) []byte
}

// handler executes one decoded instruction. op is the instruction word
// (ARM) or halfword (Thumb).
type handler func(c *CPU, op uint32)

// CPU is one ARM1176JZF-S core. Its exported fields are for the machine
// and tests; instruction handlers use the unexported state directly.
type CPU struct {
	// R is the register file as seen by the current mode. During the
	// execution of an instruction R[15] reads as the instruction's address
	// plus 8 (ARM) or plus 4 (Thumb).
	R [16]uint32

	// Condition flags and other CPSR state, kept unpacked for speed.
	N, Z, C, V, Q bool
	GE            uint32 // CPSR.GE[3:0] in bits 3..0
	T             bool   // Thumb state
	E             bool   // big-endian data accesses (read-only: write it through SetCPSR or setE)
	A, I, F       bool   // abort, IRQ, FIQ masks
	mode          uint32

	// Banked registers. Index by bankOf(mode).
	bankSP   [7]uint32
	bankLR   [7]uint32
	bankSPSR [7]uint32
	usrHi    [5]uint32 // R8-R12 of every mode but FIQ, while in FIQ mode
	fiqHi    [5]uint32 // R8-R12 of FIQ mode, while not in FIQ mode

	// Insns counts retired instructions (conditional instructions that
	// fail their condition count too).
	Insns uint64
	// Sleeps counts WFI/WFE entries and UserEntries switches into User
	// mode: the machine reads them to tell a live system (one that idles
	// or runs programs) from a dead one (a panic loop, a lockup).
	Sleeps, UserEntries uint64
	selfLoop            uint32 // address+1 of the last "b ." entered (opBSelf)

	bus   Bus
	robus ROPager
	cp15  cp15
	vfp   vfpState
	mmu   mmuState
	tlbc  [tlbCtxN]tlbCtx // soft TLB contexts, one per recent DACR value
	ctx   *tlbCtx         // context of the current DACR
	tlb   *tlbSet         // set of ctx for the current privilege
	// large has a bit per 1 MiB region of VA where an entry of a mapping
	// larger than 4 KiB may be cached (see flushTLBMVA).
	large   [4096 / 64]uint64
	ctxNext uint8 // next context to reuse
	// tlbFast is the set the fast paths use: tlb, or the always-empty
	// tlbEmpty while data accesses are big-endian.
	tlbFast  *tlbSet
	tlbEmpty tlbSet
	scratch  tlbEntry // one-shot translation that must not be cached
	code     codeCache
	excl     exclusiveMonitor
	cp14     cp14
	cycles   cycleCounter

	// Execution bookkeeping for the current instruction.
	pc       uint32 // address of the next instruction to execute
	branched bool   // the instruction wrote the PC or took an exception
	nextPC   uint32 // where to continue when branched
	limit    uint64 // the run loop stops when Insns reaches it (0: now)
	sliceEnd uint64 // Run returns when Insns reaches it

	irqLine, fiqLine bool
	halted           bool // in WFI/WFE
	event            bool // WFE event register
	stop             atomic.Bool

	// Hooks for debuggers and tracers; nil in normal runs (see hooks.go).
	hooks *Hooks
	dbg   *debugState // watchpoints (hooks.go); nil normally

	coldCode ColdCodeHook // coldcode.go; nil normally

	jit *jitEngine // the JIT tier (jit_amd64.go); nil: interpreter only
	jx  jitShared  // what generated code shares with Go
}

type exclusiveMonitor struct {
	valid bool
	addr  uint32
}

// New returns a CPU attached to bus, in its reset state.
func New(bus Bus) *CPU {
	c := &CPU{bus: bus}
	if ro, ok := bus.(ROPager); ok {
		c.robus = ro
	}
	c.code.init()
	c.Reset()
	return c
}

// Reset puts the core in its architectural reset state: SVC mode, IRQ, FIQ
// and imprecise aborts masked, ARM state, MMU and caches off, PC at the
// reset vector (0, or 0xFFFF0000 with high vectors strapped).
func (c *CPU) Reset() {
	c.R = [16]uint32{}
	c.bankSP, c.bankLR, c.bankSPSR = [7]uint32{}, [7]uint32{}, [7]uint32{}
	c.usrHi, c.fiqHi = [5]uint32{}, [5]uint32{}
	c.N, c.Z, c.C, c.V, c.Q, c.GE = false, false, false, false, false, 0
	c.mode = ModeSVC
	c.T, c.E = false, false
	c.A, c.I, c.F = true, true, true
	c.cp15.reset()
	c.vfp.reset()
	c.mmu.update(c)
	c.excl = exclusiveMonitor{}
	c.cycles = cycleCounter{}
	c.halted, c.event = false, false
	c.selfLoop = 0
	c.resetTLB()
	c.code.flush()
	c.pc = 0
	if c.cp15.sctlr&sctlrV != 0 {
		c.pc = 0xFFFF0000
	}
	c.branched = false
}

// bankOf maps a mode to its bank index: usr/sys 0, fiq 1, irq 2, svc 3,
// abt 4, und 5, mon 6. Unknown modes use the user bank.
func bankOf(mode uint32) int {
	switch mode {
	case ModeFIQ:
		return 1
	case ModeIRQ:
		return 2
	case ModeSVC:
		return 3
	case ModeABT:
		return 4
	case ModeUND:
		return 5
	case ModeMON:
		return 6
	}
	return 0
}

// validMode reports whether m is a mode the ARM1176 implements.
func validMode(m uint32) bool {
	switch m {
	case ModeUSR, ModeFIQ, ModeIRQ, ModeSVC, ModeMON, ModeABT, ModeUND, ModeSYS:
		return true
	}
	return false
}

// Mode returns the current processor mode.
func (c *CPU) Mode() uint32 { return c.mode }

// privileged reports whether the current mode is not User.
func (c *CPU) privileged() bool { return c.mode != ModeUSR }

// hasSPSR reports whether the current mode has an SPSR.
func (c *CPU) hasSPSR() bool { return c.mode != ModeUSR && c.mode != ModeSYS }

// setMode switches the register banks to mode m. It does not touch the rest
// of the CPSR.
func (c *CPU) setMode(m uint32) {
	old := c.mode
	if old == m {
		return
	}
	ob, nb := bankOf(old), bankOf(m)
	if ob != nb {
		c.bankSP[ob], c.bankLR[ob] = c.R[13], c.R[14]
		if old == ModeFIQ {
			copy(c.fiqHi[:], c.R[8:13])
			copy(c.R[8:13], c.usrHi[:])
		}
		if m == ModeFIQ {
			copy(c.usrHi[:], c.R[8:13])
			copy(c.R[8:13], c.fiqHi[:])
		}
		c.R[13], c.R[14] = c.bankSP[nb], c.bankLR[nb]
	}
	c.mode = m
	if (old == ModeUSR) != (m == ModeUSR) {
		if m == ModeUSR {
			c.UserEntries++
		}
		c.privilegeChanged()
		c.limit = 0 // fetch permissions may differ
	}
}

// CPSR returns the current program status register.
func (c *CPU) CPSR() uint32 {
	v := c.mode | c.GE<<16
	if c.N {
		v |= psrN
	}
	if c.Z {
		v |= psrZ
	}
	if c.C {
		v |= psrC
	}
	if c.V {
		v |= psrV
	}
	if c.Q {
		v |= psrQ
	}
	if c.E {
		v |= psrE
	}
	if c.A {
		v |= psrA
	}
	if c.I {
		v |= psrI
	}
	if c.F {
		v |= psrF
	}
	if c.T {
		v |= psrT
	}
	return v
}

// setFlags sets N, Z, C, V from bits 31..28 of v.
func (c *CPU) setFlags(v uint32) {
	c.N = v&psrN != 0
	c.Z = v&psrZ != 0
	c.C = v&psrC != 0
	c.V = v&psrV != 0
}

// setCPSR writes the whole CPSR, switching banks if the mode changes. An
// invalid mode field leaves the mode unchanged.
func (c *CPU) setCPSR(v uint32) {
	// Unmasking an asserted interrupt (an exception return to code that
	// runs with interrupts enabled, typically) ends the block, so the
	// interrupt is taken before the next instruction and not whenever the
	// block happens to end.
	if c.I && v&psrI == 0 && c.irqLine || c.F && v&psrF == 0 && c.fiqLine {
		c.endBlock()
	}
	c.setFlags(v)
	c.Q = v&psrQ != 0
	c.GE = v >> 16 & 0xF
	c.setE(v&psrE != 0)
	c.A = v&psrA != 0
	c.I = v&psrI != 0
	c.F = v&psrF != 0
	c.T = v&psrT != 0
	if m := v & 0x1F; validMode(m) {
		c.setMode(m)
	}
}

// SetCPSR writes the CPSR (for loaders and debuggers).
func (c *CPU) SetCPSR(v uint32) { c.setCPSR(v) }

// MSR field masks (ARM DDI 0100I A4.1.39).
const (
	msrUserMask  = 0xF80F0200 // N Z C V Q, GE, E
	msrPrivMask  = 0x000001DF // A I F M
	msrStateMask = 0x01000020 // J T: never written by MSR
)

// writeCPSRMasked implements MSR CPSR: fieldMask selects the bytes written
// (c, x, s, f -> bits 0, 1, 2, 3). User mode writes only the user bits.
func (c *CPU) writeCPSRMasked(val, fieldMask uint32) {
	var mask uint32
	for i := uint32(0); i < 4; i++ {
		if fieldMask&(1<<i) != 0 {
			mask |= 0xFF << (8 * i)
		}
	}
	allowed := uint32(msrUserMask)
	if c.privileged() {
		allowed |= msrPrivMask
	}
	mask &= allowed
	if mask&0x1F != 0 && !validMode(val&0x1F) {
		mask &^= 0x1F
	}
	// Entering Monitor mode by MSR from Non-secure state is not allowed.
	if mask&0x1F != 0 && val&0x1F == ModeMON && c.cp15.nonSecure() {
		mask &^= 0x1F
	}
	c.setCPSR(c.CPSR()&^mask | val&mask)
}

// SPSR returns the current mode's SPSR (the CPSR in modes without one).
func (c *CPU) spsr() uint32 {
	if !c.hasSPSR() {
		return c.CPSR()
	}
	return c.bankSPSR[bankOf(c.mode)]
}

// setSPSR writes the current mode's SPSR; ignored in User and System mode.
func (c *CPU) setSPSR(v uint32) {
	if c.hasSPSR() {
		c.bankSPSR[bankOf(c.mode)] = v
	}
}

// writeSPSRMasked implements MSR SPSR.
func (c *CPU) writeSPSRMasked(val, fieldMask uint32) {
	var mask uint32
	for i := uint32(0); i < 4; i++ {
		if fieldMask&(1<<i) != 0 {
			mask |= 0xFF << (8 * i)
		}
	}
	c.setSPSR(c.spsr()&^mask | val&mask)
}

// userReg reads register n of the User bank from any mode (LDM/STM with ^).
func (c *CPU) userReg(n int) uint32 {
	switch {
	case n >= 8 && n <= 12 && c.mode == ModeFIQ:
		return c.usrHi[n-8]
	case n == 13 || n == 14:
		if bankOf(c.mode) != 0 {
			if n == 13 {
				return c.bankSP[0]
			}
			return c.bankLR[0]
		}
	}
	return c.R[n]
}

// setUserReg writes register n of the User bank from any mode.
func (c *CPU) setUserReg(n int, v uint32) {
	switch {
	case n >= 8 && n <= 12 && c.mode == ModeFIQ:
		c.usrHi[n-8] = v
		return
	case n == 13 || n == 14:
		if bankOf(c.mode) != 0 {
			if n == 13 {
				c.bankSP[0] = v
			} else {
				c.bankLR[0] = v
			}
			return
		}
	}
	c.R[n] = v
}

// Reg returns register n (0-15) of the current mode. R15 reads as the
// address of the next instruction.
func (c *CPU) Reg(n int) uint32 {
	if n == 15 {
		return c.pc
	}
	return c.R[n&15]
}

// SetReg writes register n of the current mode; writing 15 sets the PC.
func (c *CPU) SetReg(n int, v uint32) {
	if n == 15 {
		c.SetPC(v)
		return
	}
	c.R[n&15] = v
}

// PC returns the address of the next instruction to execute.
func (c *CPU) PC() uint32 { return c.pc }

// SetPC sets the address of the next instruction (state unchanged).
func (c *CPU) SetPC(v uint32) {
	if c.T {
		c.pc = v &^ 1
	} else {
		c.pc = v &^ 3
	}
	c.halted = false
}

// BankedReg reads register n of mode m without switching modes (debuggers).
func (c *CPU) BankedReg(m uint32, n int) uint32 {
	saved := c.mode
	if m == saved || !validMode(m) {
		return c.Reg(n)
	}
	c.setMode(m)
	v := c.R[n&15]
	if n == 15 {
		v = c.pc
	}
	c.setMode(saved)
	return v
}

// SPSROf returns the SPSR of mode m (0 for modes without one).
func (c *CPU) SPSROf(m uint32) uint32 {
	if b := bankOf(m); b != 0 {
		return c.bankSPSR[b]
	}
	return 0
}

// SetIRQ drives the nIRQ input (true = asserted). A newly asserted line
// ends the current block so the interrupt is taken promptly.
func (c *CPU) SetIRQ(level bool) {
	if level && !c.irqLine {
		c.limit = 0
	}
	c.irqLine = level
}

// SetFIQ drives the nFIQ input (true = asserted).
func (c *CPU) SetFIQ(level bool) {
	if level && !c.fiqLine {
		c.limit = 0
	}
	c.fiqLine = level
}

// Halted reports whether the core is waiting for an interrupt (WFI/WFE).
func (c *CPU) Halted() bool { return c.halted }

// Stop asks Run to return at the next block boundary. Safe from any
// goroutine.
func (c *CPU) Stop() { c.stop.Store(true) }

// LimitSlice makes the running slice end after at most n more instructions
// (at least one): a device armed a deadline earlier than the one the slice
// was sized for. Outside Run it has no lasting effect.
func (c *CPU) LimitSlice(n uint64) {
	if e := c.Insns + max(n, 1); e < c.sliceEnd {
		c.sliceEnd = e
		if e < c.limit {
			c.limit = e
		}
	}
}

// EndSlice makes Run return right after the current instruction. It is for
// device callbacks on the goroutine that runs the CPU (an exit device, a
// reset request, a deadline falling due).
func (c *CPU) EndSlice() {
	c.stop.Store(true)
	c.limit = 0
}

// Thumb reports whether the core is in Thumb state.
func (c *CPU) Thumb() bool { return c.T }

// writePC is a branch without interworking (B, BL, data-processing writes
// in ARMv6): the address is aligned to the current state.
func (c *CPU) writePC(v uint32) {
	if c.T {
		c.nextPC = v &^ 1
	} else {
		c.nextPC = v &^ 3
	}
	c.branched = true
}

// bxWritePC is an interworking branch (BX, BLX, and on ARMv5+ loads to the
// PC): bit 0 selects Thumb state.
func (c *CPU) bxWritePC(v uint32) {
	if v&1 != 0 {
		c.T = true
		c.nextPC = v &^ 1
	} else {
		c.T = false
		c.nextPC = v &^ 3
	}
	c.branched = true
}

// loadWritePC is a load to the PC (LDR, LDM, POP): interworking on ARMv5+.
func (c *CPU) loadWritePC(v uint32) { c.bxWritePC(v) }

// exceptionReturn restores the CPSR from the SPSR and branches to pc, as
// MOVS pc, LDM {..pc}^ and RFE do. In User/System mode (no SPSR) the result
// is UNPREDICTABLE; we branch without changing state.
func (c *CPU) exceptionReturn(pc, spsr uint32) {
	c.setCPSR(spsr)
	if c.T {
		c.nextPC = pc &^ 1
	} else {
		c.nextPC = pc &^ 3
	}
	c.branched = true
}

// pcOffset is what R15 reads as beyond the current instruction's address.
func (c *CPU) pcOffset() uint32 {
	if c.T {
		return 4
	}
	return 8
}

// insnAddr returns the address of the instruction being executed (R15
// reads as that plus 8, or 4 in Thumb state, while it executes).
func (c *CPU) insnAddr() uint32 {
	if c.T {
		return c.R[15] - 4
	}
	return c.R[15] - 8
}

// nextInsn returns the address of the instruction after the current one.
func (c *CPU) nextInsn() uint32 {
	if c.T {
		return c.R[15] - 2
	}
	return c.R[15] - 4
}

// condTable[cond] has bit i set when the condition passes for flags i =
// N<<3 | Z<<2 | C<<1 | V.
var condTable = func() (t [16]uint16) {
	// One CPU value for all 256 cases: a CPU is large (the soft TLB), and
	// one per case cost 40 MB and most of the program's start-up time.
	c := new(CPU)
	for cond := uint32(0); cond < 16; cond++ {
		for i := uint32(0); i < 16; i++ {
			c.N, c.Z, c.C, c.V = i&8 != 0, i&4 != 0, i&2 != 0, i&1 != 0
			if c.condPassSlow(cond) {
				t[cond] |= 1 << i
			}
		}
	}
	return t
}()

// condPass evaluates an ARM condition code against the flags, without
// branches. Each flag is read as its own byte: the flags were just written
// as separate bytes, and one wide load of all four could not be forwarded
// from those stores.
func (c *CPU) condPass(cond uint32) bool {
	i := uint32(b2u8(c.N))<<3 | uint32(b2u8(c.Z))<<2 | uint32(b2u8(c.C))<<1 | uint32(b2u8(c.V))
	return condTable[cond&15]>>i&1 != 0
}

func b2u8(b bool) uint8 { return *(*uint8)(unsafe.Pointer(&b)) }

// condPassSlow is the reference definition of the condition codes.
func (c *CPU) condPassSlow(cond uint32) bool {
	switch cond {
	case 0x0:
		return c.Z
	case 0x1:
		return !c.Z
	case 0x2:
		return c.C
	case 0x3:
		return !c.C
	case 0x4:
		return c.N
	case 0x5:
		return !c.N
	case 0x6:
		return c.V
	case 0x7:
		return !c.V
	case 0x8:
		return c.C && !c.Z
	case 0x9:
		return !c.C || c.Z
	case 0xA:
		return c.N == c.V
	case 0xB:
		return c.N != c.V
	case 0xC:
		return !c.Z && c.N == c.V
	case 0xD:
		return c.Z || c.N != c.V
	}
	return true
}

// waitForInterrupt implements WFI (and WFE without a pending event): the
// core halts after this instruction until an interrupt is asserted, masked
// or not.
func (c *CPU) waitForInterrupt() {
	c.halted = true
	c.Sleeps++
	c.limit = 0
	c.nextPC = c.nextInsn()
	c.branched = true
}

// bankedSP returns the SP of mode m (SRS uses the target mode's stack).
func (c *CPU) bankedSP(m uint32) uint32 {
	if bankOf(m) == bankOf(c.mode) {
		return c.R[13]
	}
	return c.bankSP[bankOf(m)]
}

// setBankedSP writes the SP of mode m.
func (c *CPU) setBankedSP(m uint32, v uint32) {
	if bankOf(m) == bankOf(c.mode) {
		c.R[13] = v
		return
	}
	c.bankSP[bankOf(m)] = v
}
