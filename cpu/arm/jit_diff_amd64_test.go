//go:build amd64

package arm

// The differential test of the JIT tier against the interpreter (issue
// 15, "How it is proven"): random blocks built from the instruction
// classes of cpu/arm/difftest, mixed with conditional branches inside the
// block (loops), placed anywhere in four code pages (so some straddle a
// page boundary), run from a random machine state (modes, flags, banked
// registers, SCTLR with the MMU on or off over a page table with varied
// permissions) on one CPU with the JIT (threshold 1-3) and one without,
// under random Run budgets cut into random slices, with interrupts raised
// between slices. After every slice the full State() and the count Run
// returned must match; after the block, the memory.
//
// The machine is small so that a block costs microseconds: 128 KiB of RAM
// (vectors, code pages, a data window the generators' pointers fall in,
// the page tables), compared page by page and restored only where written.
//
//	go test ./cpu/arm -run TestJITDiff -v                        (bounded)
//	AST2500EMU_JIT_DIFF=1000000 go test ./cpu/arm -run TestJITDiff -v -timeout 60m
//	AST2500EMU_JIT_DIFF_CLASS=ldr   (only classes whose name contains it)
//	AST2500EMU_JIT_DIFF_SEED=7

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm/difftest"
	"golang.org/x/arch/arm/armasm"
)

// The differential machine's memory map (physical = virtual when the MMU
// is on: the page table maps RAM flat).
const (
	jdRAM      = 128 << 10
	jdVecPA    = 0x0000 // vectors; the prefetch abort handler's target word at jdRecover
	jdRecover  = 0x0104
	jdCodeLo   = 0x1000 // four code pages
	jdCodeHi   = 0x5000
	jdMemLo    = 0x8000 // RandomRegs pointers fall around (jdMemLo+jdMemHi)/2
	jdMemHi    = 0x18000
	jdL2       = 0x1B000 // coarse table for VA 0-1 MiB
	jdL1       = 0x1C000 // 16 KiB first-level table
	jdMMIO     = 0x40000000
	jdMMIOSize = 0x1000
)

// jitTestBus is RAM at physical 0 plus an optional MMIO page at jdMMIO
// (mmio is called for every access there); everything else aborts.
type jitTestBus struct {
	mem  []byte
	mmio func(off uint32, size int, v uint64, write bool) uint64
}

func newJITTestBus(size int) *jitTestBus { return &jitTestBus{mem: make([]byte, size)} }

func (b *jitTestBus) Page(pa uint32) []byte {
	if uint64(pa) < uint64(len(b.mem)) {
		p := pa &^ 0xFFF
		return b.mem[p : p+4096]
	}
	return nil
}

func (b *jitTestBus) Read(pa uint32, size int) (uint64, bool) {
	if b.mmio != nil && pa >= jdMMIO && pa-jdMMIO < jdMMIOSize {
		return b.mmio(pa-jdMMIO, size, 0, false), true
	}
	if uint64(pa)+uint64(size) > uint64(len(b.mem)) {
		return 0, false
	}
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(b.mem[pa+uint32(i)])
	}
	return v, true
}

func (b *jitTestBus) Write(pa uint32, size int, v uint64) bool {
	if b.mmio != nil && pa >= jdMMIO && pa-jdMMIO < jdMMIOSize {
		b.mmio(pa-jdMMIO, size, v, true)
		return true
	}
	if uint64(pa)+uint64(size) > uint64(len(b.mem)) {
		return false
	}
	for i := 0; i < size; i++ {
		b.mem[pa+uint32(i)] = byte(v >> (8 * i))
	}
	return true
}

func (b *jitTestBus) put32(a, v uint32) { binary.LittleEndian.PutUint32(b.mem[a:], v) }

// jdVectors are the exception handlers: undefined and SVC return to the
// next instruction, a data abort skips the faulting one, IRQ and FIQ
// return to the interrupted one, a prefetch abort (a branch out of RAM or
// into a page without execute rights) restarts the block in Abort mode.
var jdVectors = [8]uint32{
	BranchSelf,
	0xe1b0f00e, // undef: movs pc, lr
	0xe1b0f00e, // svc: movs pc, lr
	0xe59ff0f0, // pabt: ldr pc, [pc, #0xf0] (the word at jdRecover)
	0xe25ef004, // dabt: subs pc, lr, #4
	BranchSelf,
	0xe25ef004, // irq: subs pc, lr, #4
	0xe25ef004, // fiq: subs pc, lr, #4
}

// Small-page descriptors (SCTLR.XP=1) the data pages draw from: full
// access, privileged only, read-only, privileged read-only, no access,
// execute-never, and a translation fault.
var jdPageKinds = [...]uint32{
	0x032, 0x032, 0x032, 0x032, // AP=11
	0x012, // AP=01: privileged RW
	0x022, // AP=10: user read-only
	0x232, // APX=1 AP=11: read-only
	0x212, // APX=1 AP=01: privileged read-only
	0x002, // AP=00: no access
	0x033, // XN
	0x000, // fault
}

// jdImage builds the pristine memory image: vectors, random data, the
// page tables (the data pages' permissions drawn at random).
func jdImage(r *rand.Rand, img []byte) {
	clear(img[:jdCodeHi])
	r.Read(img[jdCodeHi:jdL2])
	for i, v := range jdVectors {
		binary.LittleEndian.PutUint32(img[4*i:], v)
	}
	clear(img[jdL2:])
	// L1: VA 0-1 MiB through the coarse table (domain 0), the MMIO
	// section (domain 1), nothing else.
	binary.LittleEndian.PutUint32(img[jdL1:], jdL2|1)
	binary.LittleEndian.PutUint32(img[jdL1+4*(jdMMIO>>20):], jdMMIO|1<<5|0xC02)
	for p := uint32(0); p < jdRAM>>12; p++ {
		d := uint32(0x032) // vectors and code: full access
		switch {
		case p<<12 >= jdL2:
			d = 0x212 // the tables: privileged read-only
		case p<<12 >= jdCodeHi:
			d = jdPageKinds[r.Intn(len(jdPageKinds))]
		}
		if d != 0 {
			d |= p << 12
		}
		binary.LittleEndian.PutUint32(img[jdL2+4*p:], d)
	}
}

// jdBlock is one generated test case.
type jdBlock struct {
	start   uint32
	ops     []uint32
	classes []string
	state   State
	thresh  int
	slices  []uint64
	irq     []bool // assert the IRQ line for slice i
}

func (b *jdBlock) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "threshold %d, slices %v, irq %v\n", b.thresh, b.slices, b.irq)
	fmt.Fprintf(&s, "CPSR %08x SCTLR %08x DACR %08x R %08x\n", b.state.CPSR, b.state.CP15.SCTLR, b.state.CP15.DACR, b.state.R)
	for i, op := range b.ops {
		pc := b.start + 4*uint32(i)
		fmt.Fprintf(&s, "  %#06x: %08x  %-40s %s\n", pc, op, disasmARM(op, pc), b.classes[i])
	}
	return s.String()
}

// jdBranch returns B<cond> (or BL) at pc to target.
func jdBranch(cond uint32, link bool, pc, target uint32) uint32 {
	op := cond<<28 | 0x0A000000 | (target-pc-8)>>2&0xFFFFFF
	if link {
		op |= 1 << 24
	}
	return op
}

// jdGen draws one block.
func jdGen(r *rand.Rand, classes []*difftest.Class) *jdBlock {
	b := &jdBlock{}
	n := 1 + r.Intn(24)
	if r.Intn(4) == 0 {
		n = 1 + r.Intn(4)
	}
	// One class for the whole block, or a mix.
	var one *difftest.Class
	if r.Intn(3) == 0 {
		one = classes[r.Intn(len(classes))]
	}
	mem := false
	type pending struct{ at, target int }
	var branches []pending
	for len(b.ops) < n {
		if r.Intn(8) == 0 {
			// A branch inside the block, patched below: forward, or
			// backward (a loop), conditional or not.
			branches = append(branches, pending{len(b.ops), r.Intn(n + 1)})
			b.ops = append(b.ops, 0)
			b.classes = append(b.classes, "branch-in-block")
			continue
		}
		c := one
		if c == nil {
			c = classes[r.Intn(len(classes))]
		}
		mem = mem || c.Mem
		op := c.Gen(r)
		if c.Prefix != nil {
			for _, p := range c.Prefix(r, op) {
				b.ops = append(b.ops, p)
				b.classes = append(b.classes, c.Name+" (prefix)")
			}
		}
		b.ops = append(b.ops, op)
		b.classes = append(b.classes, c.Name)
	}
	// The end: a spin, a loop back to the start, or a fall into whatever
	// follows (zeros: andeq r0, r0, r0; the next page).
	switch r.Intn(3) {
	case 0:
		b.ops = append(b.ops, BranchSelf)
		b.classes = append(b.classes, "end: b .")
	case 1:
		branches = append(branches, pending{len(b.ops), 0})
		b.ops = append(b.ops, 0xE0000000)
		b.classes = append(b.classes, "end: b start")
	}
	// Where: anywhere in the code pages, often just before a page
	// boundary so that the block straddles it.
	size := uint32(4 * len(b.ops))
	switch r.Intn(3) {
	case 0:
		page := jdCodeLo + uint32(r.Intn((jdCodeHi-jdCodeLo)>>12-1))<<12
		b.start = page + 0x1000 - 4*uint32(1+r.Intn(len(b.ops)))
	case 1:
		b.start = jdCodeLo + uint32(r.Intn((jdCodeHi-jdCodeLo)>>12))<<12
	default:
		b.start = jdCodeLo + uint32(r.Intn(int(jdCodeHi-jdCodeLo-size)/4))*4
	}
	if b.start+size > jdCodeHi {
		b.start = jdCodeHi - size
	}
	for _, br := range branches {
		pc := b.start + 4*uint32(br.at)
		target := b.start + 4*uint32(br.target)
		cond := uint32(r.Intn(15))
		if br.target == 0 && br.at == len(b.ops)-1 {
			cond = 0xE
		}
		b.ops[br.at] = jdBranch(cond, r.Intn(6) == 0, pc, target)
	}

	// The machine state.
	regs := difftest.RandomRegs(r, mem || r.Intn(2) == 0, jdMemLo, jdMemHi)
	s := &b.state
	copy(s.R[:], regs[:])
	s.R[15] = b.start
	modes := [...]uint32{ModeSVC, ModeSVC, ModeSVC, ModeUSR, ModeSYS, ModeIRQ, ModeABT, ModeUND, ModeFIQ}
	mode := modes[r.Intn(len(modes))]
	s.CPSR = mode | r.Uint32()&0xF80F0000 | psrF | psrA
	if r.Intn(4) != 0 {
		s.CPSR |= psrI
	}
	if r.Intn(10) == 0 {
		s.CPSR |= psrE
	}
	for i := range s.BankSP {
		s.BankSP[i] = difftest.RandomRegs(r, true, jdMemLo, jdMemHi)[13]
		s.BankLR[i] = b.start + 4*uint32(r.Intn(len(b.ops)))
		s.BankSPSR[i] = modes[r.Intn(len(modes))] | r.Uint32()&0xF80F0000 | psrI | psrF | psrA
	}
	for i := range s.UsrHi {
		s.UsrHi[i], s.FIQHi[i] = r.Uint32(), r.Uint32()
	}
	if mode == ModeFIQ {
		// The live R8-R12 are FIQ's; UsrHi holds the others.
		copy(s.FIQHi[:], s.R[8:13])
	}
	s.CP15.SCTLR = sctlrResetValue | sctlrU | sctlrXP
	if r.Intn(2) == 0 {
		s.CP15.SCTLR |= sctlrM
	}
	if r.Intn(8) == 0 {
		s.CP15.SCTLR |= sctlrA
	}
	s.CP15.TTBR0 = jdL1
	s.CP15.DACR = 0x55555555
	if r.Intn(8) == 0 {
		s.CP15.DACR = 0x55555557 // domain 0 manager: no permission checks
	}
	s.CP15.CONTEXTIDR = uint32(r.Intn(4))

	b.thresh = [...]int{1, 1, 1, 2, 3}[r.Intn(5)]
	total := uint64(1 + r.Intn(4*len(b.ops)+24))
	if r.Intn(2) == 0 {
		b.slices = []uint64{total}
	} else {
		for left := total; left > 0; {
			k := min(left, uint64(1+r.Intn(len(b.ops)+3)))
			b.slices = append(b.slices, k)
			left -= k
		}
	}
	b.irq = make([]bool, len(b.slices))
	if r.Intn(6) == 0 {
		b.irq[r.Intn(len(b.slices))] = true
	}
	return b
}

// jdPair is the two machines of the differential test.
type jdPair struct {
	ci, cj *CPU
	bi, bj *jitTestBus
	img    []byte
	blocks uint64 // blocks run on this pair
	insns  uint64 // instructions run (on each side)
	st     JITStats
}

func (p *jdPair) fresh(t testing.TB) {
	if p.cj != nil {
		p.addStats()
	}
	p.ci, p.cj = New(p.bi), New(p.bj)
	if !p.cj.EnableJIT(true) && t != nil {
		t.Skip("no JIT here")
	}
	if jdMaxPages > 0 {
		p.cj.jit.maxPages = jdMaxPages
	}
	p.blocks = 0
}

func (p *jdPair) addStats() {
	s := p.cj.JITStats()
	p.st.Blocks += s.Blocks
	p.st.Insns += s.Insns
	p.st.Exits += s.Exits
	p.st.Entries += s.Entries
	p.st.Flushes += s.Flushes
	p.st.Invalidate += s.Invalidate
}

// run runs block b on both machines; it returns a description of the
// first difference, or "".
func (p *jdPair) run(b *jdBlock) string {
	// Each pair keeps its translations' page tables alive until the
	// cache is flushed: a fresh pair now and then bounds that.
	if p.blocks++; p.blocks > 512 {
		p.fresh(nil)
	}
	for _, bus := range []*jitTestBus{p.bi, p.bj} {
		for i, op := range b.ops {
			bus.put32(b.start+4*uint32(i), op)
		}
		bus.put32(jdRecover, b.start)
	}
	p.cj.SetJITThreshold(b.thresh)
	for _, c := range []*CPU{p.ci, p.cj} {
		c.SetIRQ(false)
		c.Restore(b.state)
	}
	for k, n := range b.slices {
		if b.irq[k] {
			p.ci.SetIRQ(true)
			p.cj.SetIRQ(true)
		}
		ni, nj := p.ci.Run(n), p.cj.Run(n)
		p.insns += ni
		if b.irq[k] {
			p.ci.SetIRQ(false)
			p.cj.SetIRQ(false)
		}
		if d := stateDiff(p.ci.State(), p.cj.State()); d != "" || ni != nj {
			return fmt.Sprintf("slice %d (budget %d): interpreter ran %d, JIT %d\n%s", k, n, ni, nj, d)
		}
	}
	// Compare memory page by page, then put back what was written.
	diff := ""
	for a := 0; a < jdRAM; a += 4096 {
		pi, pj, pp := p.bi.mem[a:a+4096], p.bj.mem[a:a+4096], p.img[a:a+4096]
		if diff == "" && !bytes.Equal(pi, pj) {
			for i := range pi {
				if pi[i] != pj[i] {
					diff = fmt.Sprintf("memory differs first at %#x: interpreter %02x, JIT %02x", a+i, pi[i], pj[i])
					break
				}
			}
		}
		if !bytes.Equal(pi, pp) {
			copy(pi, pp)
		}
		if !bytes.Equal(pj, pp) {
			copy(pj, pp)
		}
	}
	return diff
}

// newJDPair returns the two machines over a fresh random image.
func newJDPair(t testing.TB, r *rand.Rand) *jdPair {
	p := &jdPair{bi: newJITTestBus(jdRAM), bj: newJITTestBus(jdRAM), img: make([]byte, jdRAM)}
	jdImage(r, p.img)
	copy(p.bi.mem, p.img)
	copy(p.bj.mem, p.img)
	p.fresh(t)
	return p
}

// stateDiff lists how two states differ ("" if they do not).
func stateDiff(a, b State) string {
	if a == b {
		return ""
	}
	return StateDiff(a, b) + fmt.Sprintf("interpreter R %08x CPSR %08x Insns %d\nJIT         R %08x CPSR %08x Insns %d\n",
		a.R, a.CPSR, a.Insns, b.R, b.CPSR, b.Insns)
}

// jitDiffBlocks runs blocks random blocks drawn from classes on both
// tiers and fails at the first difference.
func jitDiffBlocks(t *testing.T, classes []difftest.Class, blocks int, seed int64) {
	t.Helper()
	var cs []*difftest.Class
	for i := range classes {
		if !classes[i].Thumb {
			cs = append(cs, &classes[i])
		}
	}
	r := rand.New(rand.NewSource(seed))
	p := newJDPair(t, r)
	seen := map[string]int{}
	for n := 0; n < blocks; n++ {
		if n%256 == 255 {
			jdImage(r, p.img)
			copy(p.bi.mem, p.img)
			copy(p.bj.mem, p.img)
			p.fresh(t)
		}
		b := jdGen(r, cs)
		for _, c := range b.classes {
			seen[c]++
		}
		if jdOnly >= 0 && n != jdOnly {
			continue
		}
		if jdTrace {
			fmt.Fprintf(os.Stderr, "block %d\n%s", n, b)
		}
		if d := p.run(b); d != "" {
			t.Fatalf("seed %d block %d differs: %s\n%s", seed, n, d, b)
		}
	}
	p.addStats()
	jdLastStats = p.st
	var missing []string
	for _, c := range cs {
		if seen[c.Name] == 0 {
			missing = append(missing, c.Name)
		}
	}
	sort.Strings(missing)
	t.Logf("%d blocks, %d instructions (seed %d); JIT: %d blocks translated (%d insns), %d entries, %d exits, %d flushes; classes never drawn: %v",
		blocks, p.insns, seed, p.st.Blocks, p.st.Insns, p.st.Entries, p.st.Exits, p.st.Flushes, missing)
	if blocks >= 2000 && len(missing) > 0 {
		t.Errorf("classes never drawn: %v", missing)
	}
}

// jdTrace prints every block before it runs (AST2500EMU_JIT_DIFF_TRACE=1):
// for a block that hangs or crashes the test.
var jdTrace = os.Getenv("AST2500EMU_JIT_DIFF_TRACE") != ""

// jdOnly runs only the block of this index (AST2500EMU_JIT_DIFF_ONLY=N,
// with the seed and class filter of the failing run): to reproduce one.
var jdOnly = func() int {
	if v, err := strconv.Atoi(os.Getenv("AST2500EMU_JIT_DIFF_ONLY")); err == nil {
		return v
	}
	return -1
}()

// envInt reads an integer from the environment (def when unset).
func envInt(t *testing.T, name string, def int64) int64 {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, s, err)
	}
	return v
}

// TestJITDiff is the differential test: a bounded slice by default,
// AST2500EMU_JIT_DIFF blocks when set.
// jdMaxPages, when set, makes the JIT reset its cache after that many
// page tables, so that resets happen while blocks run.
var jdMaxPages int

// jdLastStats is the JIT's figures summed over the last jitDiffBlocks run.
var jdLastStats JITStats

// TestJITDiffFlush runs the differential test with a cache that resets
// every few pages: translations dropped and made again mid-run must not
// change anything.
func TestJITDiffFlush(t *testing.T) {
	jdMaxPages = 2
	defer func() { jdMaxPages = 0 }()
	jitDiffBlocks(t, difftest.ARMClasses, int(envInt(t, "AST2500EMU_JIT_DIFF_FLUSH", 3000)), 7)
	if jdLastStats.Flushes == 0 {
		t.Fatal("the cache never reset")
	}
	t.Logf("%d resets", jdLastStats.Flushes)
}

func TestJITDiff(t *testing.T) {
	blocks := envInt(t, "AST2500EMU_JIT_DIFF", 20000)
	if testing.Short() && os.Getenv("AST2500EMU_JIT_DIFF") == "" {
		blocks = 2000
	}
	classes := difftest.ARMClasses
	if f := os.Getenv("AST2500EMU_JIT_DIFF_CLASS"); f != "" {
		classes = nil
		for _, c := range difftest.ARMClasses {
			if strings.Contains(c.Name, f) {
				classes = append(classes, c)
			}
		}
		if len(classes) == 0 {
			t.Fatalf("no class matches %q", f)
		}
	}
	jitDiffBlocks(t, classes, int(blocks), envInt(t, "AST2500EMU_JIT_DIFF_SEED", 1))
}

// disasmARM is the GNU text of an ARM instruction, for failure messages.
func disasmARM(op, pc uint32) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], op)
	in, err := armasm.Decode(b[:], armasm.ModeARM)
	if err != nil {
		return "?"
	}
	return armasm.GNUSyntax(in)
}
