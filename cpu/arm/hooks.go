package arm

// Hooks let a debugger or tracer observe execution. With Before, After or
// Exception installed the CPU executes one instruction at a time through
// runHooked; without them (the normal case) the fast block loop runs and
// the hooks cost nothing.
//
// Data watchpoints use Access together with SetWatchRanges: the virtual
// pages holding a watched range get no host pointer in the software TLB, so
// every access to them takes the slow path in mem.go, which reports it to
// Access. Accesses to other pages, and every access when no range is
// watched, keep the fast path; Access alone does not switch the CPU to the
// one-instruction path.
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
	// Access is called for each data access (after translation succeeded,
	// before the memory is read or written) that touches a page marked by
	// SetWatchRanges. va is the address of the access (unaligned accesses
	// that are split are reported byte by byte).
	Access func(va uint32, size int, write bool)
}

// debugState holds the watchpoint machinery; c.dbg is nil unless a
// debugger installed an Access hook or watched ranges.
type debugState struct {
	access func(va uint32, size int, write bool)
	pages  []uint64 // one bit per virtual 4 KiB page (nil: none watched)
}

// watched reports whether virtual page va has a watched range.
func (d *debugState) watched(va uint32) bool {
	return d.pages != nil && d.pages[va>>18]&(1<<(va>>12&63)) != 0
}

// noteAccess reports a slow-path data access to the Access hook.
func (c *CPU) noteAccess(va uint32, size int, write bool) {
	if d := c.dbg; d != nil && d.access != nil && d.watched(va) {
		d.access(va, size, write)
	}
}

// SetHooks installs (or with nil removes) execution hooks.
func (c *CPU) SetHooks(h *Hooks) {
	var access func(uint32, int, bool)
	if h != nil {
		access = h.Access
	}
	c.setAccessHook(access)
	if h != nil && h.Before == nil && h.After == nil && h.Exception == nil {
		h = nil
	}
	c.hooks = h
}

func (c *CPU) setAccessHook(fn func(uint32, int, bool)) {
	if fn == nil && (c.dbg == nil || c.dbg.pages == nil) {
		c.dbg = nil
		return
	}
	if c.dbg == nil {
		c.dbg = &debugState{}
	}
	c.dbg.access = fn
}

// SetWatchRanges marks the virtual pages that hold the given [start, end)
// ranges so that data accesses to them are reported to Hooks.Access. An
// empty list removes every mark. The software TLB is flushed either way,
// so the change applies from the next access.
func (c *CPU) SetWatchRanges(ranges [][2]uint32) {
	if len(ranges) == 0 {
		if c.dbg != nil {
			c.dbg.pages = nil
			if c.dbg.access == nil {
				c.dbg = nil
			}
		}
	} else {
		if c.dbg == nil {
			c.dbg = &debugState{}
		}
		c.dbg.pages = make([]uint64, 1<<20/64)
		for _, r := range ranges {
			if r[1] <= r[0] {
				continue
			}
			for p := r[0] >> 12; p <= (r[1]-1)>>12; p++ {
				c.dbg.pages[p>>6] |= 1 << (p & 63)
			}
		}
	}
	c.flushTLB()
	c.endBlock()
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
