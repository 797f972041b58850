package arm

// Data and instruction access through the software TLB.
//
// Each privilege level has a set of direct-mapped caches of translations,
// one per access kind (read, write, execute), each entry holding the host
// pointer of a RAM page so that the fast path is a tag compare and a load.
// The entries are derived from the translation tables with the permission
// check already applied, so they stand for the architectural TLB: they are
// dropped exactly by the TLB maintenance operations and by changes that
// alter permissions (SCTLR, TTBCR and FCSE changes drop everything, an
// ASID change the non-global entries). Entries depend on DACR too; they
// are kept per DACR value (tlbCtx), so a DACR write costs no flush.
//
// Alignment follows DDI 0100I A2.8 and appendix G: SCTLR.A faults every
// unaligned access; SCTLR.U=1 allows unaligned LDR/STR/LDRH/STRH (split into
// bytes here) but faults unaligned multi-word and exclusive accesses; with
// U=0 and A=0, LDR rotates and the other accesses ignore the low bits.

import (
	"math/bits"
	"unsafe"
)

const (
	tlbBits = 9
	tlbSize = 1 << tlbBits
	tlbMask = tlbSize - 1
)

// Tags: a valid entry is the page-aligned VA | 1 when it has a host
// pointer (the fast paths may use it) or | tagSlow when it must go through
// the bus. The fast paths compare the tag with a key that also encodes
// the access's misalignment, so one compare checks page, validity,
// direct access and alignment.
const tagSlow = 5

type tlbEntry struct {
	tag    uint32         // page-aligned VA | 1 (direct) or | tagSlow
	pa     uint32         // page-aligned PA
	ptr    unsafe.Pointer // host page (nil: go through the bus)
	mask   uint32         // size of the mapping this came from
	global bool
	asid   uint8
	cp     *codePage // execute entries: the decoded-instruction page
}

type tlbSet struct {
	r, w, x [tlbSize]tlbEntry
}

// access flags
const (
	flagUser   = 1 << iota // unprivileged access (LDRT/STRT)
	flagAlign              // natural alignment required even with SCTLR.U
	flagAlign8             // doubleword alignment required (LDREXD/STREXD)
	flagExcl               // exclusive access
)

func bswap32(v uint32) uint32 { return bits.ReverseBytes32(v) }

// tlbCtxN is the number of DACR values the software TLB keeps entries
// for at once (see tlbCtx).
const tlbCtxN = 4

// tlbCtx holds the translations derived under one DACR value. The entries
// have the domain check applied, so they are only valid under the DACR
// they were made with; a real TLB keeps the domain in the entry and checks
// it against DACR on every access, and a DACR write invalidates nothing.
// Keeping one set of entries per recent DACR value gives the same result
// with no cost on a hit: a DACR write switches to the context of that
// value (Linux's software PAN toggles between two values about twenty
// times per system call), and TLB maintenance applies to every context.
type tlbCtx struct {
	dacr uint32
	live bool      // dacr is assigned
	used bool      // may hold entries
	sets [2]tlbSet // [0] privileged, [1] user
}

// largeBit returns the word and bit of the large-mapping bitmap for the
// 1 MiB region holding va.
func largeBit(va uint32) (uint32, uint64) { return va >> 26, 1 << (va >> 20 & 63) }

// noteLarge records that an entry of a mapping larger than a small page
// (mask) covering va was cached, so invalidation by MVA in its 1 MiB
// regions must look beyond the one slot a small page can occupy.
func (c *CPU) noteLarge(va, mask uint32) {
	for r := va & mask; ; r += 1 << 20 {
		w, b := largeBit(r)
		c.large[w] |= b
		if r>>20 >= (va|^mask)>>20 {
			break
		}
	}
}

// flushTLB drops every cached translation.
func (c *CPU) flushTLB() {
	for i := range c.tlbc {
		if x := &c.tlbc[i]; x.used {
			x.sets = [2]tlbSet{}
			x.used = false
		}
	}
	c.large = [len(c.large)]uint64{}
	c.translationsChanged()
}

// forEachArr calls f for each entry array of every context in use.
func (c *CPU) forEachArr(f func(arr *[tlbSize]tlbEntry)) {
	for i := range c.tlbc {
		x := &c.tlbc[i]
		if !x.used {
			continue
		}
		for s := range x.sets {
			set := &x.sets[s]
			f(&set.r)
			f(&set.w)
			f(&set.x)
		}
	}
}

// flushTLBMatching drops the translations for which drop returns true.
func (c *CPU) flushTLBMatching(drop func(e *tlbEntry) bool) {
	c.forEachArr(func(arr *[tlbSize]tlbEntry) {
		for i := range arr {
			if e := &arr[i]; e.tag != 0 && drop(e) {
				*e = tlbEntry{}
			}
		}
	})
	c.translationsChanged()
}

// flushTLBWrites drops the write translations to physical page pa.
func (c *CPU) flushTLBWrites(pa uint32) {
	for i := range c.tlbc {
		x := &c.tlbc[i]
		if !x.used {
			continue
		}
		for s := range x.sets {
			arr := &x.sets[s].w
			for i := range arr {
				if arr[i].tag != 0 && arr[i].pa == pa {
					arr[i] = tlbEntry{}
				}
			}
		}
	}
}

// switchDACR makes the context of the current DACR value the active one,
// reusing the oldest context when none has that value.
func (c *CPU) switchDACR() {
	v := c.cp15.dacr
	var x *tlbCtx
	for i := range c.tlbc {
		if c.tlbc[i].live && c.tlbc[i].dacr == v {
			x = &c.tlbc[i]
			break
		}
	}
	if x == nil {
		x = &c.tlbc[c.ctxNext]
		c.ctxNext = (c.ctxNext + 1) % tlbCtxN
		if x == c.ctx {
			x = &c.tlbc[c.ctxNext]
			c.ctxNext = (c.ctxNext + 1) % tlbCtxN
		}
		if x.used {
			x.sets = [2]tlbSet{}
			x.used = false
		}
		x.dacr, x.live = v, true
	}
	c.ctx = x
	c.privilegeChanged()
}

// resetTLB empties the software TLB and binds the first context to the
// current DACR.
func (c *CPU) resetTLB() {
	c.flushTLB()
	for i := range c.tlbc {
		c.tlbc[i].live = false
	}
	c.ctxNext = 1
	c.ctx = &c.tlbc[0]
	c.ctx.dacr, c.ctx.live = c.cp15.dacr, true
	c.privilegeChanged()
}

// endBlock makes the run loop stop after the current instruction, so that
// a change of translation or code takes effect on the next fetch.
func (c *CPU) endBlock() {
	c.limit = 0
	c.translationsChanged()
}

// flushTLBMVA drops the translations of the mapping that contains va (for
// ASID-tagged entries, only those of asid unless all is set). A small page
// can only sit in the slot its address indexes; only when a larger mapping
// was cached in va's 1 MiB region are all slots searched.
func (c *CPU) flushTLBMVA(va uint32, asid uint8, matchASID bool) {
	drop := func(e *tlbEntry) bool {
		if e.tag == 0 || (e.tag^va)&e.mask != 0 {
			return false
		}
		return !matchASID || e.global || e.asid == asid
	}
	if w, b := largeBit(va); c.large[w]&b != 0 {
		c.flushTLBMatching(drop)
		return
	}
	i := va >> 12 & tlbMask
	c.forEachArr(func(arr *[tlbSize]tlbEntry) {
		if e := &arr[i]; drop(e) {
			*e = tlbEntry{}
		}
	})
	c.translationsChanged()
}

// flushTLBASID drops the non-global translations of asid.
func (c *CPU) flushTLBASID(asid uint8) {
	c.flushTLBMatching(func(e *tlbEntry) bool { return !e.global && e.asid == asid })
}

// privilegeChanged selects the TLB set for the current mode.
func (c *CPU) privilegeChanged() {
	if c.mode == ModeUSR {
		c.tlb = &c.ctx.sets[1]
	} else {
		c.tlb = &c.ctx.sets[0]
	}
	c.updateFast()
	c.translationsChanged()
}

// updateFast selects the set the single-access fast paths use: none (an
// always-empty set) while data accesses are big-endian.
func (c *CPU) updateFast() {
	if c.E {
		c.tlbFast = &c.tlbEmpty
	} else {
		c.tlbFast = c.tlb
	}
}

// setE sets CPSR.E (SETEND, exception entry, CPSR writes).
func (c *CPU) setE(be bool) {
	c.E = be
	c.updateFast()
}

// hostPage returns the host memory behind a physical page for the given
// access kind (nil: use the bus).
func (c *CPU) hostPage(pa uint32, kind int) unsafe.Pointer {
	p := c.bus.Page(pa)
	if p == nil && kind != accWrite && c.robus != nil {
		p = c.robus.ROPage(pa)
	}
	if len(p) < 4096 {
		return nil
	}
	return unsafe.Pointer(&p[0])
}

// lookup returns the TLB entry translating va for kind, walking the tables
// on a miss. On a fault it returns nil and the FSR.
func (c *CPU) lookup(va uint32, kind int, user bool) (*tlbEntry, uint32) {
	set := c.tlb
	if user {
		set = &c.ctx.sets[1]
	}
	var arr *[tlbSize]tlbEntry
	switch kind {
	case accRead:
		arr = &set.r
	case accWrite:
		arr = &set.w
	default:
		arr = &set.x
	}
	e := &arr[va>>12&tlbMask]
	if e.tag&^4 == va&^0xFFF|1 {
		return e, 0
	}
	res, fsr, ok := c.translate(va, kind, user || c.mode == ModeUSR)
	if !ok {
		return nil, fsr
	}
	pa := res.pa &^ 0xFFF
	if res.subpage {
		// Not cacheable per 4 KiB page: use a one-shot entry.
		e = &c.scratch
	}
	*e = tlbEntry{tag: va&^0xFFF | tagSlow, pa: pa, mask: res.mask, global: res.global, asid: c.cp15.asid()}
	c.ctx.used = true
	if res.mask != mapSmallPage {
		c.noteLarge(va, res.mask)
	}
	if kind == accWrite && c.code.has(pa) {
		// Writes to pages holding decoded code take the slow path so the
		// decoded copy can be dropped.
		return e, 0
	}
	if c.dbg != nil && kind != accExec && c.dbg.watched(va) {
		return e, 0 // watched page: every access takes the slow path
	}
	if e.ptr = c.hostPage(pa, kind); e.ptr != nil {
		e.tag = va&^0xFFF | 1
	}
	return e, 0
}

// ld32 is LDR: a word load with ARMv6 unaligned/legacy rotation semantics.
func (c *CPU) ld32(va uint32) (uint32, bool) {
	e := &c.tlbFast.r[va>>12&tlbMask]
	if e.tag == (va&^0xFFC)+1 {
		return *(*uint32)(unsafe.Add(e.ptr, va&0xFFF)), true
	}
	return c.loadSlow(va, 4, 0)
}

// ld32a is an aligned word load (LDM, LDRD, SWP, RFE, POP...).
func (c *CPU) ld32a(va uint32) (uint32, bool) {
	e := &c.tlbFast.r[va>>12&tlbMask]
	if e.tag == (va&^0xFFC)+1 {
		return *(*uint32)(unsafe.Add(e.ptr, va&0xFFF)), true
	}
	return c.loadSlow(va, 4, flagAlign)
}

// ld16 is LDRH/LDRSH's halfword load (zero-extended).
func (c *CPU) ld16(va uint32) (uint32, bool) {
	e := &c.tlbFast.r[va>>12&tlbMask]
	if e.tag == (va&^0xFFE)+1 {
		return uint32(*(*uint16)(unsafe.Add(e.ptr, va&0xFFF))), true
	}
	return c.loadSlow(va, 2, 0)
}

// ld8 is a byte load (zero-extended).
func (c *CPU) ld8(va uint32) (uint32, bool) {
	e := &c.tlbFast.r[va>>12&tlbMask]
	if e.tag == va&^0xFFF|1 {
		return uint32(*(*uint8)(unsafe.Add(e.ptr, va&0xFFF))), true
	}
	return c.loadSlow(va, 1, 0)
}

// st32 is STR.
func (c *CPU) st32(va, v uint32) bool {
	e := &c.tlbFast.w[va>>12&tlbMask]
	if e.tag == (va&^0xFFC)+1 {
		*(*uint32)(unsafe.Add(e.ptr, va&0xFFF)) = v
		return true
	}
	return c.storeSlow(va, 4, v, 0)
}

// st32a is an aligned word store (STM, STRD, SWP, SRS, PUSH...).
func (c *CPU) st32a(va, v uint32) bool {
	e := &c.tlbFast.w[va>>12&tlbMask]
	if e.tag == (va&^0xFFC)+1 {
		*(*uint32)(unsafe.Add(e.ptr, va&0xFFF)) = v
		return true
	}
	return c.storeSlow(va, 4, v, flagAlign)
}

// st16 is STRH.
func (c *CPU) st16(va, v uint32) bool {
	e := &c.tlbFast.w[va>>12&tlbMask]
	if e.tag == (va&^0xFFE)+1 {
		*(*uint16)(unsafe.Add(e.ptr, va&0xFFF)) = uint16(v)
		return true
	}
	return c.storeSlow(va, 2, v, 0)
}

// st8 is STRB.
func (c *CPU) st8(va, v uint32) bool {
	e := &c.tlbFast.w[va>>12&tlbMask]
	if e.tag == va&^0xFFF|1 {
		*(*uint8)(unsafe.Add(e.ptr, va&0xFFF)) = uint8(v)
		return true
	}
	return c.storeSlow(va, 1, v, 0)
}

// Unprivileged variants (LDRT, LDRBT, STRT, STRBT) and the general entry
// points with explicit flags.

func (c *CPU) ld32T(va uint32) (uint32, bool)              { return c.loadSlow(va, 4, flagUser) }
func (c *CPU) ld8T(va uint32) (uint32, bool)               { return c.loadSlow(va, 1, flagUser) }
func (c *CPU) st32T(va, v uint32) bool                     { return c.storeSlow(va, 4, v, flagUser) }
func (c *CPU) st8T(va, v uint32) bool                      { return c.storeSlow(va, 1, v, flagUser) }
func (c *CPU) load(va uint32, size, fl int) (uint32, bool) { return c.loadSlow(va, size, fl) }
func (c *CPU) store(va uint32, size int, v uint32, fl int) bool {
	return c.storeSlow(va, size, v, fl)
}

// alignCheck applies the alignment rules. It returns the address to use,
// whether the access must be split into bytes, whether a legacy rotation
// applies, and ok=false after raising an alignment fault.
func (c *CPU) alignCheck(va uint32, size int, fl int, write bool) (addr uint32, split, rotate, ok bool) {
	m := uint32(size - 1)
	if fl&flagAlign8 != 0 {
		m = 7
	}
	if va&m == 0 {
		return va, false, false, true
	}
	if fl&flagAlign8 != 0 || c.mmu.align || (c.mmu.unaligned && fl&(flagAlign|flagExcl) != 0) {
		fsr := uint32(fsAlignment)
		if write {
			fsr |= fsrWnR
		}
		c.dataAbort(va, fsr)
		return 0, false, false, false
	}
	if c.mmu.unaligned && fl&(flagAlign|flagExcl) == 0 {
		return va, true, false, true
	}
	// Legacy (U=0, A=0): LDR rotates, everything else ignores the low bits.
	if size == 4 && fl&flagAlign == 0 && !write {
		return va &^ 3, false, true, true
	}
	return va &^ m, false, false, true
}

func (c *CPU) loadSlow(va uint32, size int, fl int) (uint32, bool) {
	addr, split, rotate, ok := c.alignCheck(va, size, fl, false)
	if !ok {
		return 0, false
	}
	var v uint32
	if split {
		for i := 0; i < size; i++ {
			b, ok := c.physRead(addr+uint32(i), 1, fl, va)
			if !ok {
				return 0, false
			}
			if c.E {
				v = v<<8 | b
			} else {
				v |= b << (8 * i)
			}
		}
		return v, true
	}
	v, ok = c.physRead(addr, size, fl, va)
	if !ok {
		return 0, false
	}
	if c.E {
		v = bswapN(v, size)
	}
	if rotate {
		v = bits.RotateLeft32(v, -int(8*(va&3)))
	}
	return v, true
}

func (c *CPU) storeSlow(va uint32, size int, v uint32, fl int) bool {
	addr, split, _, ok := c.alignCheck(va, size, fl, true)
	if !ok {
		return false
	}
	if split {
		// Translate both ends first so a fault leaves memory untouched.
		if _, ok := c.physAddr(addr+uint32(size-1), accWrite, fl, va); !ok {
			return false
		}
		for i := 0; i < size; i++ {
			var b uint32
			if c.E {
				b = v >> (8 * (size - 1 - i)) & 0xFF
			} else {
				b = v >> (8 * i) & 0xFF
			}
			if !c.physWrite(addr+uint32(i), 1, b, fl, va) {
				return false
			}
		}
		return true
	}
	if c.E {
		v = bswapN(v, size)
	}
	return c.physWrite(addr, size, v, fl, va)
}

func bswapN(v uint32, size int) uint32 {
	switch size {
	case 2:
		return uint32(bits.ReverseBytes16(uint16(v)))
	case 4:
		return bits.ReverseBytes32(v)
	}
	return v
}

// physAddr translates va for a data access, raising a Data Abort (reported
// at faultVA) on failure.
func (c *CPU) physAddr(va uint32, kind int, fl int, faultVA uint32) (*tlbEntry, bool) {
	e, fsr := c.lookup(va, kind, fl&flagUser != 0)
	if e == nil {
		if kind == accWrite {
			fsr |= fsrWnR
		}
		c.dataAbort(faultVA, fsr)
		return nil, false
	}
	return e, true
}

func (c *CPU) physRead(va uint32, size int, fl int, faultVA uint32) (uint32, bool) {
	e, ok := c.physAddr(va, accRead, fl, faultVA)
	if !ok {
		return 0, false
	}
	if c.dbg != nil {
		c.noteAccess(va, size, false)
	}
	off := va & 0xFFF
	if e.ptr != nil {
		p := unsafe.Add(e.ptr, off)
		switch size {
		case 1:
			return uint32(*(*uint8)(p)), true
		case 2:
			return uint32(*(*uint16)(p)), true
		}
		return *(*uint32)(p), true
	}
	v, ok := c.bus.Read(e.pa|off, size)
	if !ok {
		c.dataAbort(faultVA, fsExternal)
		return 0, false
	}
	return uint32(v), true
}

func (c *CPU) physWrite(va uint32, size int, v uint32, fl int, faultVA uint32) bool {
	e, ok := c.physAddr(va, accWrite, fl, faultVA)
	if !ok {
		return false
	}
	if c.dbg != nil {
		c.noteAccess(va, size, true)
	}
	off := va & 0xFFF
	if e.ptr != nil {
		p := unsafe.Add(e.ptr, off)
		switch size {
		case 1:
			*(*uint8)(p) = uint8(v)
		case 2:
			*(*uint16)(p) = uint16(v)
		default:
			*(*uint32)(p) = v
		}
		return true
	}
	pa := e.pa | off
	if c.code.has(e.pa) && c.writeCode(pa, size, v) {
		return true
	}
	if !c.bus.Write(pa, size, uint64(v)) {
		c.dataAbort(faultVA, fsExternal|fsrWnR)
		return false
	}
	return true
}

// InsnAt reads the instruction at virtual address pc in the current
// instruction set (a halfword in Thumb state) for tracers and debuggers;
// ok is false when pc does not translate.
func (c *CPU) InsnAt(pc uint32) (op uint32, ok bool) {
	var w [4]byte
	n := 4
	if c.T {
		n = 2
	}
	if !c.ReadVirt(pc, w[:n]) {
		return 0, false
	}
	return uint32(w[0]) | uint32(w[1])<<8 | uint32(w[2])<<16 | uint32(w[3])<<24, true
}

// ReadVirt reads guest memory through the current MMU view without side
// effects on the guest's fault registers (debuggers, tracers). It returns
// false if any byte is unmapped.
func (c *CPU) ReadVirt(va uint32, p []byte) bool {
	for i := range p {
		a := va + uint32(i)
		r, _, ok := c.translate(a, accRead, false)
		if !ok {
			return false
		}
		if mem := c.bus.Page(r.pa); len(mem) >= 4096 {
			p[i] = mem[r.pa&0xFFF]
			continue
		}
		if c.robus != nil {
			if mem := c.robus.ROPage(r.pa); len(mem) >= 4096 {
				p[i] = mem[r.pa&0xFFF]
				continue
			}
		}
		v, ok := c.bus.Read(r.pa, 1)
		if !ok {
			return false
		}
		p[i] = byte(v)
	}
	return true
}

// WriteVirt writes guest memory through the current MMU view (debuggers).
func (c *CPU) WriteVirt(va uint32, p []byte) bool {
	for i := range p {
		a := va + uint32(i)
		r, _, ok := c.translate(a, accRead, false)
		if !ok {
			return false
		}
		if mem := c.bus.Page(r.pa); len(mem) >= 4096 {
			mem[r.pa&0xFFF] = p[i]
			c.InvalidatePhys(r.pa, 1)
			continue
		}
		if !c.bus.Write(r.pa, 1, uint64(p[i])) {
			return false
		}
	}
	return true
}
