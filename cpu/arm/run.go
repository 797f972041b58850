package arm

// The execution loop and the decoded-instruction cache.
//
// Decoded instructions are cached per 4 KiB physical page: one slot per ARM
// word and, allocated on first use, one per Thumb halfword. A slot starts as
// a stub that decodes the instruction on first execution and replaces
// itself with the instruction's handler. A page's decoded copy is dropped
// when the CPU or a DMA master writes to it (pages holding decoded code are
// never written through the TLB fast path), and execute translations carry a
// pointer to it so that straight-line code costs one indexed call per
// instruction. Interrupts are sampled between blocks (a block ends at a
// taken branch, an exception, a page boundary, or the instruction budget).

import "unsafe"

type entry struct {
	fn handler
	op uint32
}

type codePage struct {
	pa    uint32
	mem   unsafe.Pointer // host memory of the page, nil for bus-fetched code
	arm   [1024]entry
	thumb *[2048]entry
}

type codeCache struct {
	pages map[uint32]*codePage
	// marks has one bit per physical 4 KiB page that has a decoded copy.
	marks []uint64
	// The page and VA of the last fetch, valid until a translation or
	// privilege change.
	lastValid bool
	lastVA    uint32
	lastPage  *codePage
	// free holds dropped pages for reuse, so that code churn (program
	// loads, exec) does not allocate.
	free []*codePage
}

func (cc *codeCache) init() {
	cc.pages = map[uint32]*codePage{}
	cc.marks = make([]uint64, 1<<20/64)
}

func (cc *codeCache) flush() {
	for pa, p := range cc.pages {
		cc.marks[pa>>18] &^= 1 << (pa >> 12 & 63)
		if len(cc.free) < 64 {
			cc.free = append(cc.free, p)
		}
	}
	clear(cc.pages)
	cc.lastValid = false
}

func (cc *codeCache) has(pa uint32) bool {
	return cc.marks[pa>>18]&(1<<(pa>>12&63)) != 0
}

var armStubEntry = entry{fn: armStub, op: 0xE0000000}

// codePageFor returns the decoded page for physical page pa, creating it.
func (c *CPU) codePageFor(pa uint32, mem unsafe.Pointer) *codePage {
	if p := c.code.pages[pa]; p != nil {
		return p
	}
	var p *codePage
	if n := len(c.code.free); n > 0 {
		p = c.code.free[n-1]
		c.code.free = c.code.free[:n-1]
		thumb := p.thumb
		*p = codePage{pa: pa, mem: mem, thumb: thumb}
		if thumb != nil {
			for i := range thumb {
				thumb[i] = entry{fn: thumbStub}
			}
		}
	} else {
		p = &codePage{pa: pa, mem: mem}
	}
	for i := range p.arm {
		p.arm[i] = armStubEntry
	}
	c.code.pages[pa] = p
	c.code.marks[pa>>18] |= 1 << (pa >> 12 & 63)
	// Writes to this page must now take the slow path.
	c.flushTLBWrites(pa)
	return p
}

// invalidateCode drops the decoded copy of physical page pa.
func (c *CPU) invalidateCode(pa uint32) {
	pa &^= 0xFFF
	p := c.code.pages[pa]
	if p == nil {
		return
	}
	delete(c.code.pages, pa)
	c.code.marks[pa>>18] &^= 1 << (pa >> 12 & 63)
	if len(c.code.free) < 64 {
		c.code.free = append(c.code.free, p)
	}
	c.flushTLBMatching(func(e *tlbEntry) bool { return e.pa == pa })
	if c.code.lastPage == p {
		c.code.lastValid = false
	}
	c.limit = 0 // the executing page may be the one dropped
}

// InvalidatePhys tells the CPU that n bytes at physical address pa were
// written by someone else (DMA, a loader, a debugger).
func (c *CPU) InvalidatePhys(pa, n uint32) {
	if n == 0 {
		return
	}
	for p := pa &^ 0xFFF; ; p += 0x1000 {
		if c.code.has(p) {
			c.invalidateCode(p)
		}
		if p >= (pa+n-1)&^0xFFF || p == 0xFFFFF000 {
			break
		}
	}
}

// InvalidateMapping tells the CPU that what the physical range [pa, pa+n)
// maps to changed (a flash window switching between memory-mapped reads
// and command mode): decoded code and cached translations of those pages
// are dropped, so the next access asks the bus again.
func (c *CPU) InvalidateMapping(pa, n uint32) {
	if n == 0 {
		return
	}
	c.InvalidatePhys(pa, n)
	lo := pa &^ 0xFFF
	hi := (pa + n - 1) &^ 0xFFF
	c.flushTLBMatching(func(e *tlbEntry) bool { return e.pa >= lo && e.pa <= hi })
	c.limit = 0
}

// fetchPage translates pc for execution and returns its decoded page. On a
// fault it raises the Prefetch Abort and returns nil.
func (c *CPU) fetchPage(pc uint32) *codePage {
	if c.code.lastValid && (pc^c.code.lastVA)&^0xFFF == 0 {
		return c.code.lastPage
	}
	e, fsr := c.lookup(pc, accExec, false)
	if e == nil {
		c.prefetchAbort(pc, fsr)
		return nil
	}
	if e.cp == nil {
		if c.coldCode != nil && c.coldEntry(pc, e.pa) {
			return nil
		}
		e.cp = c.codePageFor(e.pa, e.ptr)
		if e.cp.mem == nil && e.ptr != nil {
			e.cp.mem = e.ptr
		}
	}
	c.code.lastValid, c.code.lastVA, c.code.lastPage = true, pc&^0xFFF, e.cp
	return e.cp
}

// fetchWord reads the instruction at pc for decoding (page p, already
// translated).
func (c *CPU) fetchWord(p *codePage, pc uint32, size int) (uint32, bool) {
	off := pc & 0xFFF
	if p.mem != nil {
		if size == 2 {
			return uint32(*(*uint16)(unsafe.Add(p.mem, off))), true
		}
		return *(*uint32)(unsafe.Add(p.mem, off)), true
	}
	v, ok := c.bus.Read(p.pa|off, size)
	return uint32(v), ok
}

// armStub decodes the instruction in the current slot, installs its
// handler, then executes it (subject to its condition).
func armStub(c *CPU, _ uint32) {
	p := c.code.lastPage
	op, ok := c.fetchWord(p, c.insnAddr(), 4)
	if !ok {
		c.prefetchAbort(c.insnAddr(), fsExternal)
		return
	}
	fn := decodeARM(op)
	if p.mem != nil {
		p.arm[c.insnAddr()>>2&1023] = entry{fn: fn, op: op}
	}
	if cond := op >> 28; cond < 0xE && !c.condPass(cond) {
		return
	}
	fn(c, op)
}

// thumbStub is armStub for Thumb slots.
func thumbStub(c *CPU, _ uint32) {
	p := c.code.lastPage
	op, ok := c.fetchWord(p, c.insnAddr(), 2)
	if !ok {
		c.prefetchAbort(c.insnAddr(), fsExternal)
		return
	}
	fn := decodeThumb(op)
	if p.mem != nil {
		p.thumb[c.insnAddr()>>1&2047] = entry{fn: fn, op: op}
	}
	fn(c, op)
}

// Run executes instructions until about budget have retired, Stop is
// called, or the core halts in WFI with no interrupt to wake it. It returns
// the number of instructions retired.
func (c *CPU) Run(budget uint64) uint64 {
	start := c.Insns
	c.sliceEnd = start + budget
	c.stop.Store(false)
	for c.Insns < c.sliceEnd {
		end := c.sliceEnd
		if c.halted {
			if !c.fiqLine && !c.irqLine {
				break
			}
			c.halted = false
		}
		if c.irqPending() {
			c.takeInterrupt()
		}
		if c.hooks != nil && c.hookedAt(c.pc) {
			if !c.runHooked(end) {
				break
			}
		} else if c.T {
			c.runThumb(end)
		} else {
			c.runARM(end)
		}
		if c.stop.Load() {
			break
		}
	}
	return c.Insns - start
}

// Step executes exactly one instruction (or takes one pending interrupt).
func (c *CPU) Step() {
	if c.halted && (c.fiqLine || c.irqLine) {
		c.halted = false
	}
	if c.halted {
		return
	}
	if c.irqPending() {
		c.takeInterrupt()
		return
	}
	c.execOne()
}

// runARM executes ARM instructions from c.pc until the block ends: at the
// instruction budget, a page boundary, a branch out of the page or into
// Thumb state, or when something asks for the loop to stop (c.limit = 0:
// an exception, a translation or code change, an interrupt request).
// Branches within the page stay in the loop. c.Insns is kept current so
// that devices reading the clock during an access see the right time.
func (c *CPU) runARM(end uint64) {
	pc := c.pc
	p := c.fetchPage(pc)
	if p == nil {
		c.pc = c.nextPC
		c.branched = false
		c.Insns++
		return
	}
	c.limit = end
	n := c.Insns
	for {
		e := &p.arm[pc>>2&1023]
		c.R[15] = pc + 8
		op := e.op
		n++
		c.Insns = n
		if cond := op >> 28; cond >= 0xE || c.condPass(cond) {
			e.fn(c, op)
			if c.branched {
				c.branched = false
				npc := c.nextPC
				if (npc^pc)&^0xFFF != 0 || c.T || n >= c.limit {
					pc = npc
					break
				}
				pc = npc
				continue
			}
		}
		pc += 4
		if pc&0xFFF == 0 || n >= c.limit {
			break
		}
	}
	c.pc = pc
}

// runThumb executes Thumb instructions from c.pc; see runARM.
func (c *CPU) runThumb(end uint64) {
	pc := c.pc
	p := c.fetchPage(pc)
	if p == nil {
		c.pc = c.nextPC
		c.branched = false
		c.Insns++
		return
	}
	if p.thumb == nil {
		p.thumb = newThumbPage()
	}
	c.limit = end
	n := c.Insns
	for {
		e := &p.thumb[pc>>1&2047]
		c.R[15] = pc + 4
		n++
		c.Insns = n
		e.fn(c, e.op)
		if c.branched {
			c.branched = false
			npc := c.nextPC
			if (npc^pc)&^0xFFF != 0 || !c.T || n >= c.limit {
				pc = npc
				break
			}
			pc = npc
			continue
		}
		pc += 2
		if pc&0xFFF == 0 || n >= c.limit {
			break
		}
	}
	c.pc = pc
}

func newThumbPage() *[2048]entry {
	t := new([2048]entry)
	for i := range t {
		t[i] = entry{fn: thumbStub}
	}
	return t
}

// execOne executes the single instruction at c.pc (debugging, tracing).
func (c *CPU) execOne() {
	pc := c.pc
	p := c.fetchPage(pc)
	c.Insns++
	if p == nil {
		c.pc = c.nextPC
		c.branched = false
		return
	}
	c.limit = ^uint64(0)
	if c.T {
		if p.thumb == nil {
			p.thumb = newThumbPage()
		}
		e := &p.thumb[pc>>1&2047]
		c.R[15] = pc + 4
		e.fn(c, e.op)
		pc += 2
	} else {
		e := &p.arm[pc>>2&1023]
		c.R[15] = pc + 8
		if cond := e.op >> 28; cond >= 0xE || c.condPass(cond) {
			e.fn(c, e.op)
		}
		pc += 4
	}
	if c.branched {
		c.branched = false
		pc = c.nextPC
	}
	c.pc = pc
}
