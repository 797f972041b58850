package arm

// Hooks let a debugger or tracer observe execution. With hooks installed
// the CPU executes one instruction at a time through runHooked; without
// them (the normal case) the fast block loop runs and the hooks cost
// nothing.
type Hooks struct {
	// Before is called before each instruction with its address. Returning
	// false stops Run before the instruction executes.
	Before func(pc uint32) bool
	// After is called after each instruction retires.
	After func(pc uint32)
	// Exception is called when an exception is taken (kind is the
	// vector number: 1 undef, 2 svc, 3 prefetch abort, 4 data abort, 5
	// irq, 6 fiq, 7 smc), with the address of the interrupted
	// instruction and the vector.
	Exception func(kind int, from, vector uint32)
}

// SetHooks installs (or with nil removes) execution hooks.
func (c *CPU) SetHooks(h *Hooks) {
	if h != nil && h.Before == nil && h.After == nil && h.Exception == nil {
		h = nil
	}
	c.hooks = h
}

// runHooked executes one instruction with hooks. It returns false when a
// hook asked to stop.
func (c *CPU) runHooked(end uint64) bool {
	h := c.hooks
	pc := c.pc
	if h.Before != nil && !h.Before(pc) {
		return false
	}
	c.execOne()
	if h.After != nil {
		h.After(pc)
	}
	return true
}
