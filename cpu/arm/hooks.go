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
	// Only, when not empty, limits Before and After to instructions in
	// the virtual 4 KiB pages that hold these [start, end) ranges (a
	// debugger's breakpoints): code in other pages runs on the fast path,
	// which leaves a page only by ending its block.
	Only [][2]uint32
}

// debugState holds the watchpoint machinery; c.dbg is nil unless a
// debugger installed an Access hook or watched ranges.
type debugState struct {
	access func(va uint32, size int, write bool)
	pages  []uint64 // one bit per virtual 4 KiB page (nil: none watched)
	only   []uint64 // pages where Before/After run (nil: everywhere)
}

// hookedAt reports whether the instruction at pc runs with the Before and
// After hooks (c.hooks is set).
func (c *CPU) hookedAt(pc uint32) bool {
	d := c.dbg
	return d == nil || d.only == nil || d.only[pc>>18]&(1<<(pc>>12&63)) != 0
}

func pageBits(ranges [][2]uint32) []uint64 {
	b := make([]uint64, 1<<20/64)
	for _, r := range ranges {
		if r[1] <= r[0] {
			continue
		}
		for p := r[0] >> 12; p <= (r[1]-1)>>12; p++ {
			b[p>>6] |= 1 << (p & 63)
		}
	}
	return b
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
	var only []uint64
	if h != nil {
		access = h.Access
		if len(h.Only) > 0 {
			only = pageBits(h.Only)
		}
	}
	if access == nil && only == nil && (c.dbg == nil || c.dbg.pages == nil) {
		c.dbg = nil
	} else {
		if c.dbg == nil {
			c.dbg = &debugState{}
		}
		c.dbg.access, c.dbg.only = access, only
	}
	if h != nil && h.Before == nil && h.After == nil && h.Exception == nil {
		h = nil
	}
	c.hooks = h
	c.endBlock()
}

// SetWatchRanges marks the virtual pages that hold the given [start, end)
// ranges so that data accesses to them are reported to Hooks.Access. An
// empty list removes every mark. The software TLB is flushed either way,
// so the change applies from the next access.
func (c *CPU) SetWatchRanges(ranges [][2]uint32) {
	if len(ranges) == 0 {
		if c.dbg != nil {
			c.dbg.pages = nil
			if c.dbg.access == nil && c.dbg.only == nil {
				c.dbg = nil
			}
		}
	} else {
		if c.dbg == nil {
			c.dbg = &debugState{}
		}
		c.dbg.pages = pageBits(ranges)
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
