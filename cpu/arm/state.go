package arm

// Snapshot support: the core's architectural state as a plain value.
// Caches (decoded pages, the soft TLB) are not part of it; Restore drops
// them and they refill on demand.

// CP15State is the system control coprocessor's registers.
type CP15State struct {
	SCTLR, ACTLR, CPACR  uint32
	SCR, SDER, NSACR     uint32
	TTBR0, TTBR1, TTBCR  uint32
	DACR                 uint32
	DFSR, IFSR           uint32
	DFAR, IFAR, WFAR     uint32
	PAR                  uint32
	VBAR, MVBAR          uint32
	FCSE, CONTEXTIDR     uint32
	TPIDRURW, TPIDRURO   uint32
	TPIDRPRW             uint32
	PRRR, NMRR           uint32
	DTCM, ITCM, TCMSel   uint32
	DCacheLock, ICacheLk uint32
	TLBLock              uint32
	DMARegs              [16]uint32
	PMNC                 uint32
	PMN0, PMN1           uint32
}

// State is everything a running ARM1176 core needs to continue exactly
// where it was: the register file and banks, CPSR, CP15, CP14, VFP, the
// exclusive monitor, the cycle counter and the retired-instruction count.
type State struct {
	R        [16]uint32 // R[15] is the address of the next instruction
	CPSR     uint32
	BankSP   [7]uint32
	BankLR   [7]uint32
	BankSPSR [7]uint32
	UsrHi    [5]uint32
	FIQHi    [5]uint32
	Insns    uint64

	CP15 CP15State
	// CP14 debug registers (stored, not acted upon).
	DSCR               uint32
	BVR, BCR, WVR, WCR [16]uint32

	VFP                        [32]uint32
	FPSCR, FPEXC, FPINST, FPI2 uint32

	ExclValid bool
	ExclAddr  uint32

	CCNTBase  uint32
	CCNTInsns uint64

	Halted, Event bool

	// Progress counters the machine reads for liveness (WFI entries,
	// switches into User mode) and the last "b ." entered.
	Sleeps, UserEntries uint64
	SelfLoop            uint32
}

// State returns the core's architectural state. Call it between Run calls.
func (c *CPU) State() State {
	p := &c.cp15
	s := State{
		R: c.R, CPSR: c.CPSR(),
		BankSP: c.bankSP, BankLR: c.bankLR, BankSPSR: c.bankSPSR,
		UsrHi: c.usrHi, FIQHi: c.fiqHi, Insns: c.Insns,
		CP15: CP15State{
			SCTLR: p.sctlr, ACTLR: p.actlr, CPACR: p.cpacr,
			SCR: p.scr, SDER: p.sder, NSACR: p.nsacr,
			TTBR0: p.ttbr0, TTBR1: p.ttbr1, TTBCR: p.ttbcr, DACR: p.dacr,
			DFSR: p.dfsr, IFSR: p.ifsr, DFAR: p.dfar, IFAR: p.ifar, WFAR: p.wfar,
			PAR: p.par, VBAR: p.vbarReg, MVBAR: p.mvbar,
			FCSE: p.fcse, CONTEXTIDR: p.contextidr,
			TPIDRURW: p.tpidrurw, TPIDRURO: p.tpidruro, TPIDRPRW: p.tpidrprw,
			PRRR: p.prrr, NMRR: p.nmrr,
			DTCM: p.dtcm, ITCM: p.itcm, TCMSel: p.tcmsel,
			DCacheLock: p.dcacheLock, ICacheLk: p.icacheLck, TLBLock: p.tlbLock,
			DMARegs: p.dmaRegs, PMNC: p.pmnc, PMN0: p.pmn0, PMN1: p.pmn1,
		},
		DSCR: c.cp14.dscr, BVR: c.cp14.bvr, BCR: c.cp14.bcr, WVR: c.cp14.wvr, WCR: c.cp14.wcr,
		VFP: c.vfp.s, FPSCR: c.vfp.fpscr, FPEXC: c.vfp.fpexc, FPINST: c.vfp.fpinst, FPI2: c.vfp.fpinst2,
		ExclValid: c.excl.valid, ExclAddr: c.excl.addr,
		CCNTBase: c.cycles.base, CCNTInsns: c.cycles.baseInsns,
		Halted: c.halted, Event: c.event,
		Sleeps: c.Sleeps, UserEntries: c.UserEntries, SelfLoop: c.selfLoop,
	}
	s.R[15] = c.pc
	return s
}

// Restore puts the core in state s. The banked registers are taken as
// saved (no bank switch happens), the translation and decoded-code caches
// are emptied, and the interrupt inputs keep their levels: the interrupt
// controller's Restore drives them.
func (c *CPU) Restore(s State) {
	c.R = s.R
	c.bankSP, c.bankLR, c.bankSPSR = s.BankSP, s.BankLR, s.BankSPSR
	c.usrHi, c.fiqHi = s.UsrHi, s.FIQHi
	c.Insns = s.Insns
	v := s.CPSR
	c.setFlags(v)
	c.Q = v&psrQ != 0
	c.GE = v >> 16 & 0xF
	c.E = v&psrE != 0
	c.A, c.I, c.F, c.T = v&psrA != 0, v&psrI != 0, v&psrF != 0, v&psrT != 0
	c.mode = v & 0x1F
	if !validMode(c.mode) {
		c.mode = ModeSVC
	}
	q := s.CP15
	c.cp15 = cp15{
		sctlr: q.SCTLR, actlr: q.ACTLR, cpacr: q.CPACR,
		scr: q.SCR, sder: q.SDER, nsacr: q.NSACR,
		ttbr0: q.TTBR0, ttbr1: q.TTBR1, ttbcr: q.TTBCR, dacr: q.DACR,
		dfsr: q.DFSR, ifsr: q.IFSR, dfar: q.DFAR, ifar: q.IFAR, wfar: q.WFAR,
		par: q.PAR, vbarReg: q.VBAR, mvbar: q.MVBAR,
		fcse: q.FCSE, contextidr: q.CONTEXTIDR,
		tpidrurw: q.TPIDRURW, tpidruro: q.TPIDRURO, tpidrprw: q.TPIDRPRW,
		prrr: q.PRRR, nmrr: q.NMRR,
		dtcm: q.DTCM, itcm: q.ITCM, tcmsel: q.TCMSel,
		dcacheLock: q.DCacheLock, icacheLck: q.ICacheLk, tlbLock: q.TLBLock,
		dmaRegs: q.DMARegs, pmnc: q.PMNC, pmn0: q.PMN0, pmn1: q.PMN1,
	}
	c.cp14 = cp14{dscr: s.DSCR, bvr: s.BVR, bcr: s.BCR, wvr: s.WVR, wcr: s.WCR}
	c.vfp = vfpState{s: s.VFP, fpscr: s.FPSCR, fpexc: s.FPEXC, fpinst: s.FPINST, fpinst2: s.FPI2}
	c.excl = exclusiveMonitor{valid: s.ExclValid, addr: s.ExclAddr}
	c.cycles = cycleCounter{base: s.CCNTBase, baseInsns: s.CCNTInsns}
	c.halted, c.event = s.Halted, s.Event
	c.Sleeps, c.UserEntries, c.selfLoop = s.Sleeps, s.UserEntries, s.SelfLoop
	c.mmu.update(c)
	// A fresh soft TLB whose active set is the restored DACR's (this also
	// selects the set for the restored privilege and the fast paths).
	c.resetTLB()
	c.code.flush()
	c.pc = s.R[15]
	c.R[15] = s.R[15]
	c.branched = false
	c.limit = 0
}
