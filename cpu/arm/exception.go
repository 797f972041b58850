package arm

// Exception entry (ARM DDI 0100I A2.6; ARM1176JZF-S TRM 2.12, Security
// Extensions: monitor mode, VBAR/MVBAR in TRM 3.2.43-44).

type excKind int

const (
	excReset excKind = iota
	excUndef
	excSVC
	excPrefetchAbort
	excDataAbort
	excIRQ
	excFIQ
	excSMC
)

// Exception vector offsets.
var excVector = [...]uint32{
	excReset:         0x00,
	excUndef:         0x04,
	excSVC:           0x08,
	excPrefetchAbort: 0x0C,
	excDataAbort:     0x10,
	excIRQ:           0x18,
	excFIQ:           0x1C,
	excSMC:           0x08,
}

// takeException enters the exception handler. lr is the value written to the
// new mode's LR (already including the architectural offset).
func (c *CPU) takeException(k excKind, lr uint32) {
	from := c.insnAddr()
	old := c.CPSR()
	var mode uint32
	switch k {
	case excUndef:
		mode = ModeUND
	case excSVC, excReset:
		mode = ModeSVC
	case excPrefetchAbort, excDataAbort:
		mode = ModeABT
	case excIRQ:
		mode = ModeIRQ
	case excFIQ:
		mode = ModeFIQ
	case excSMC:
		mode = ModeMON
	}
	// With the Security Extensions, SCR can route IRQ/FIQ/external aborts
	// to Monitor mode.
	if c.cp15.scr&scrIRQ != 0 && k == excIRQ || c.cp15.scr&scrFIQ != 0 && k == excFIQ {
		mode = ModeMON
	}
	c.setMode(mode)
	c.bankSPSR[bankOf(mode)] = old
	c.R[14] = lr
	c.T = false
	c.setE(c.cp15.sctlr&sctlrEE != 0)
	c.I = true
	switch k {
	case excReset, excFIQ:
		c.F = true
		c.A = true
	case excPrefetchAbort, excDataAbort, excIRQ:
		c.A = true
	}
	if mode == ModeMON {
		c.F, c.A = true, true
	}
	var base uint32
	switch {
	case mode == ModeMON:
		base = c.cp15.mvbar
	case c.cp15.sctlr&sctlrV != 0:
		base = 0xFFFF0000
	default:
		base = c.cp15.vbar()
	}
	c.nextPC = base + excVector[k]
	c.branched = true
	c.halted = false
	c.limit = 0
	if c.hooks != nil && c.hooks.Exception != nil {
		c.hooks.Exception(int(k), from, c.nextPC)
	}
}

// undef raises the Undefined Instruction exception for the current
// instruction.
func (c *CPU) undef() {
	c.takeException(excUndef, c.nextInsn())
}

// svc raises the Supervisor Call exception.
func (c *CPU) svc() {
	c.takeException(excSVC, c.nextInsn())
}

// smc raises the Secure Monitor Call exception (UNDEF in User mode).
func (c *CPU) smc() {
	if !c.privileged() {
		c.undef()
		return
	}
	c.takeException(excSMC, c.nextInsn())
}

// bkpt raises a Prefetch Abort with the debug-event status (ARM1176 TRM
// 13.6: BKPT with debug disabled generates a Prefetch Abort).
func (c *CPU) bkpt() {
	c.cp15.ifsr = fsDebugEvent
	c.cp15.ifar = c.insnAddr()
	c.takeException(excPrefetchAbort, c.insnAddr()+4)
}

// prefetchAbort raises a Prefetch Abort for an instruction at va.
func (c *CPU) prefetchAbort(va uint32, fsr uint32) {
	c.cp15.ifsr = fsr
	c.cp15.ifar = va
	c.R[15] = va + c.pcOffset()
	c.takeException(excPrefetchAbort, va+4)
}

// dataAbort raises a Data Abort for the current instruction.
func (c *CPU) dataAbort(va uint32, fsr uint32) {
	c.cp15.dfsr = fsr
	c.cp15.dfar = va
	c.cp15.wfar = c.insnAddr()
	c.takeException(excDataAbort, c.insnAddr()+8)
}

// irqPending reports whether an unmasked interrupt is waiting.
func (c *CPU) irqPending() bool {
	return c.fiqLine && !c.F || c.irqLine && !c.I
}

// takeInterrupt enters the IRQ or FIQ handler before the instruction at
// c.pc. FIQ has priority.
func (c *CPU) takeInterrupt() {
	c.R[15] = c.pc + c.pcOffset()
	if c.fiqLine && !c.F {
		c.takeException(excFIQ, c.pc+4)
	} else {
		c.takeException(excIRQ, c.pc+4)
	}
	c.pc = c.nextPC
	c.branched = false
}
