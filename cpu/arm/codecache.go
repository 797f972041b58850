package arm

// The decoded-instruction cache and its coherence with memory and the
// software TLB. Everything an execution tier needs to know about code lives
// here; the run loop (run.go) executes from it, and a later tier (a JIT)
// plugs in through codeTier.
//
// Decoded instructions are cached per 4 KiB physical page: one slot per ARM
// word and, allocated on first use, one per Thumb halfword. A slot starts as
// a stub that decodes the instruction on first execution and replaces
// itself with the instruction's handler. Execute translations in the soft
// TLB carry a pointer to the page, so straight-line code costs one indexed
// call per instruction.
//
// Coherence:
//   - Code writes. Pages holding decoded code are never written through the
//     TLB fast path: their write entries are made slow (codePageFor drops
//     fast ones, lookup makes new ones slow), and a store that reaches one
//     drops the decoded copy (writeCode, invalidateCode). DMA, loaders and
//     debuggers report their writes through InvalidatePhys, and remapped
//     physical ranges (flash windows) through InvalidateMapping.
//   - Translation changes. Any change that drops soft TLB entries or
//     switches the set in use (TLB maintenance, ASID, SCTLR, TTBCR, FCSE,
//     DACR, privilege) calls translationsChanged, which forgets the page of
//     the last fetch; CP15 writes also end the block (endBlock) so that the
//     next instruction is fetched through the new translation.
//   - ISB ends the block; I-cache maintenance needs nothing, as stores keep
//     the decoded copy coherent.

import "unsafe"

// codeTier is an execution tier built on the decoded pages (a JIT). Its
// methods are called on the events that invalidate what it derived from
// them.
type codeTier interface {
	// codeDropped: the decoded copy of physical page pa was dropped (the
	// page was written or remapped, or the whole cache was flushed: then
	// pa is allPages).
	codeDropped(pa uint32)
	// translationsChanged: virtual-to-physical translations or their
	// permissions may have changed, or the privilege level did.
	translationsChanged()
}

// allPages is codeDropped's argument when every page was dropped.
const allPages = ^uint32(0)

type entry struct {
	fn handler
	op uint32
}

// runBlock indexes slots by shifting the page offset: an entry is 16 bytes.
var _ = [1]struct{}{}[unsafe.Sizeof(entry{})-16]

type codePage struct {
	pa    uint32
	mem   unsafe.Pointer // host memory of the page, nil for bus-fetched code
	arm   [1024]entry
	thumb *[2048]entry
	jit   *jitPage // translations starting in this page (jit.go), or nil
	hits  *jitHits // the JIT's hotness counters for this page, or nil
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
	// tiers are told about invalidations (see codeTier); none today.
	tiers []codeTier
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
	for _, t := range cc.tiers {
		t.codeDropped(allPages)
	}
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
	if p.jit != nil && c.jit != nil {
		c.jit.dropped()
	}
	c.code.marks[pa>>18] &^= 1 << (pa >> 12 & 63)
	if len(c.code.free) < 64 {
		c.code.free = append(c.code.free, p)
	}
	c.flushTLBMatching(func(e *tlbEntry) bool { return e.pa == pa })
	if c.code.lastPage == p {
		c.code.lastValid = false
	}
	for _, t := range c.code.tiers {
		t.codeDropped(pa)
	}
	c.limit = 0 // the executing page may be the one dropped
}

// writeCode performs a store of size bytes to physical address pa in a
// page holding decoded code, then drops the decoded copy. It returns false
// when the page is not RAM (the caller goes to the bus).
func (c *CPU) writeCode(pa uint32, size int, v uint32) bool {
	mem := c.bus.Page(pa)
	if len(mem) < 4096 {
		return false
	}
	p := unsafe.Pointer(&mem[pa&0xFFF])
	switch size {
	case 1:
		*(*uint8)(p) = uint8(v)
	case 2:
		*(*uint16)(p) = uint16(v)
	default:
		*(*uint32)(p) = v
	}
	c.invalidateCode(pa)
	return true
}

// translationsChanged forgets the page of the last fetch after a change of
// translations or privilege, and tells the tiers.
func (c *CPU) translationsChanged() {
	c.code.lastValid = false
	for _, t := range c.code.tiers {
		t.translationsChanged()
	}
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

func newThumbPage() *[2048]entry {
	t := new([2048]entry)
	for i := range t {
		t[i] = entry{fn: thumbStub}
	}
	return t
}
