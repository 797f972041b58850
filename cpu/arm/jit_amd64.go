//go:build amd64

package arm

// The JIT tier on amd64: hot ARM-state blocks become native code in an
// executable mapping, entered from the run loop through jitCall (an
// assembly trampoline) and left through exit codes, as wazero's wazevo
// engine does it. The rules the generated code keeps:
//
//   - It never calls Go. Whatever it does not translate (and every memory
//     access the soft TLB's fast path cannot serve: a miss, MMIO, an
//     unaligned or big-endian access, a watched page) exits to Go at an
//     exit site; Go runs that one instruction with the interpreter's
//     handler and re-enters the generated code right after it.
//   - It never writes a Go pointer, and it never faults: every memory
//     access is checked against the soft TLB first.
//   - It returns to Go at least every jitQuantum instructions, so garbage
//     collection and preemption are not held up.
//
// Exactness. Native code retires exactly the instructions the interpreter
// would, with the same effects, and the same Insns at every point Go can
// observe: c.Insns holds the count at the start of the running block while
// native code runs, and each exit adds the block-relative count it
// statically knows. A block is entered only if all of it fits below the
// run loop's limit, so slices end at the same instruction; when Go code
// run at an exit (an MMIO access, an interpreted instruction) lowers the
// limit or raises an interrupt, the exit does not resume. Interrupts are
// taken only between run-loop blocks; native code returning earlier than
// the interpreter would is harmless, because an interrupt can only become
// pending at a point where the interpreter ends its block too (SetIRQ,
// setCPSR and LimitSlice all cut the block).
//
// Register conventions in generated code: RBX = *CPU, R12 = virtual
// address of the running page, R13 = c.tlbFast; RAX, RCX, RDX, RSI, RDI,
// R8-R11 are scratch. RBP, RSP, R14 and R15 are never touched.

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// Exit codes of generated code (EAX).
const (
	jitExitPC   = 0 // c.pc is where to continue; Insns is current
	jitExitSite = 1 // run the instruction of site c.jx.site in Go
)

const (
	jitCodeSize     = 32 << 20 // the translation cache
	jitQuantum      = 1 << 20  // instructions between returns to Go
	jitThreshold    = 16       // runs of a block start before translation
	jitMaxBlock     = 128      // instructions per block
	jitMaxBlockCode = 96 << 10 // native bytes one block may need
)

//go:noescape
func jitCall(code uintptr, cpu unsafe.Pointer, page, fast uintptr) uint32

// jitSite is an exit to Go for one instruction.
type jitSite struct {
	fn     handler
	op     uint32
	k      uint32  // instructions from its block's start, itself included
	rest   uint32  // instructions after it in the block
	resume uintptr // native code right after it
}

type jitEngine struct {
	mem       []byte
	base      uintptr
	used      int
	dispatch  uintptr // the shared cross-block dispatcher
	pages     []*jitPage
	sites     []jitSite
	threshold uint8
	maxPages  int // page tables kept before a reset (jitMaxPages; tests lower it)
	st        JITStats
	lockstep  bool
}

// jitPerfMap, when AST2500EMU_JIT_PERFMAP is set, receives a line per
// translated block in the format of Linux perf's JIT symbol maps
// (/tmp/perf-PID.map), so that `perf report` names the guest code behind
// native samples by physical address.
var jitPerfMap = func() *os.File {
	if os.Getenv("AST2500EMU_JIT_PERFMAP") == "" {
		return nil
	}
	f, err := os.Create(fmt.Sprintf("/tmp/perf-%d.map", os.Getpid()))
	if err != nil {
		return nil
	}
	return f
}()

func newJIT() *jitEngine {
	return &jitEngine{threshold: jitThreshold, maxPages: jitMaxPages}
}

// EnableJIT turns the JIT tier on or off and reports whether it is on
// (it is never on off amd64, or when the executable mapping is refused).
// Turning it off drops every translation.
func (c *CPU) EnableJIT(on bool) bool {
	if !on {
		c.jit = nil
		c.code.flush()
		return false
	}
	if c.jit == nil {
		j := newJIT()
		if err := j.init(); err != nil {
			return false
		}
		runtime.AddCleanup(c, func(m []byte) { syscall.Munmap(m) }, j.mem)
		c.jit = j
	}
	return true
}

// SetJITThreshold sets how many times a block start must be reached
// before it is translated (1: at once; tests use it).
func (c *CPU) SetJITThreshold(n int) {
	if c.jit != nil {
		c.jit.threshold = uint8(min(max(n, 1), jitCold-1))
	}
}

// JITStats reports the translation cache's use.
func (c *CPU) JITStats() JITStats {
	if c.jit == nil {
		return JITStats{}
	}
	return c.jit.stats()
}

func (j *jitEngine) stats() JITStats {
	s := j.st
	s.Enabled = true
	s.CodeBytes = uint64(j.used)
	s.CodeLimit = uint64(len(j.mem))
	return s
}

func (j *jitEngine) init() error {
	m, err := syscall.Mmap(-1, 0, jitCodeSize, syscall.PROT_READ|syscall.PROT_WRITE|syscall.PROT_EXEC, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return fmt.Errorf("jit: executable mapping: %w", err)
	}
	j.mem = m
	j.base = uintptr(unsafe.Pointer(&m[0]))
	j.reset()
	return nil
}

// reset empties the translation cache (every page's translations must
// have been dropped already, or be dropped with it).
func (j *jitEngine) reset() {
	j.used = 0
	j.pages = j.pages[:0]
	j.sites = j.sites[:0]
	code := emitDispatcher(j.base)
	copy(j.mem, code)
	j.dispatch = j.base
	j.used = (len(code) + 63) &^ 63
}

// pageFor returns the JIT table of a decoded page, creating it. The
// engine keeps every table it handed out until the cache is reset:
// generated code holds their addresses.
func (j *jitEngine) pageFor(p *codePage) *jitPage {
	if p.jit == nil {
		p.jit = new(jitPage)
		j.pages = append(j.pages, p.jit)
	}
	return p.jit
}

// jitMaxPages bounds the page tables kept (each 9 KiB): past it the
// cache is reset, as when the code space fills.
const jitMaxPages = 8192

// jitEnter runs translated code for the ARM instruction at pc in page p
// if there is some (translating the block when it has become hot), and
// reports whether it did. The run loop calls it at the start of a block
// and at taken branches within a page, with c.Insns current.
func (c *CPU) jitEnter(p *codePage, pc uint32) bool {
	if p.mem == nil || c.hooks != nil || c.dbg != nil {
		return false
	}
	idx := pc >> 2 & 1023
	var n uint8
	if jp := p.jit; jp != nil && jp.entry[idx] != 0 {
		n = jp.n[idx]
	} else {
		h := p.hits
		if h == nil {
			h = new(jitHits)
			p.hits = h
		}
		v := h[idx]
		if v == jitCold {
			return false
		}
		v++
		h[idx] = v
		if v < c.jit.threshold {
			return false
		}
		if n = c.jit.translate(c, p, pc); n == 0 {
			h[idx] = jitCold
			return false
		}
	}
	if c.Insns+uint64(n) > c.limit {
		return false
	}
	c.runNative(p.jit.entry[idx], pc&^0xFFF)
	return true
}

// runNative runs generated code from code (in the page at virtual address
// page) until it exits for good.
func (c *CPU) runNative(code uintptr, page uint32) {
	j := c.jit
	for {
		c.jx.limit = min(c.limit, c.Insns+jitQuantum)
		j.st.Entries++
		if jitCall(code, unsafe.Pointer(c), uintptr(page), uintptr(unsafe.Pointer(c.tlbFast))) == jitExitPC {
			return
		}
		s := &j.sites[c.jx.site]
		j.st.Exits++
		base := c.Insns
		c.Insns = base + uint64(s.k)
		at := c.R[15] - 8 // the exit stub set R15 as the interpreter does
		s.fn(c, s.op)
		if c.branched {
			c.branched = false
			c.pc = c.nextPC
			return
		}
		if c.limit == 0 || c.Insns+uint64(s.rest) > c.limit || c.jit == nil || s.resume == 0 {
			c.pc = at + 4
			return
		}
		c.Insns = base
		code, page = s.resume, at&^0xFFF
	}
}

// dropped counts a page whose translations died with its decoded copy.
func (j *jitEngine) dropped() { j.st.Invalidate++ }

// jitCodeDropped and jitTranslationsChanged need nothing: translations
// hang off the decoded pages and die with them, and generated code reads
// the soft TLB at run time.

// translate builds the block starting at pc and returns its length, or 0
// when the first instruction is one the tier leaves to the interpreter.
func (j *jitEngine) translate(c *CPU, p *codePage, pc uint32) uint8 {
	if len(j.mem)-j.used < jitMaxBlockCode || len(j.sites) > 1<<24 || len(j.pages) >= j.maxPages {
		// Full: drop every translation and start again. No generated
		// code is running (translation happens in the run loop).
		j.st.Flushes++
		for _, q := range c.code.pages {
			q.jit = nil
		}
		for _, q := range c.code.free {
			q.jit = nil
		}
		j.reset()
	}
	jp := j.pageFor(p)
	org := j.base + uintptr(j.used)
	t := jitTranslator{j: j, jp: jp, page: p, org: org}
	n := t.block(pc&0xFFF, c)
	if n == 0 {
		return 0
	}
	code := t.a.B
	if len(code) > len(j.mem)-j.used {
		return 0
	}
	copy(j.mem[j.used:], code)
	j.used = (j.used + len(code) + 15) &^ 15
	for _, s := range t.sites {
		s.site.resume = org + uintptr(s.resume.Pos())
		j.sites = append(j.sites, s.site)
	}
	jp.n[pc>>2&1023] = uint8(n)
	jp.entry[pc>>2&1023] = org
	if jitPerfMap != nil {
		fmt.Fprintf(jitPerfMap, "%x %x arm_pa_%08x_n%d\n", org, len(code), p.pa|pc&0xFFF, n)
	}
	j.st.Blocks++
	j.st.Insns += uint64(n)
	return uint8(n)
}
