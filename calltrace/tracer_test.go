package calltrace

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
)

type ramBus struct{ ram []byte }

func (b *ramBus) Page(pa uint32) []byte {
	if pa >= uint32(len(b.ram)) {
		return nil
	}
	base := pa &^ 0xFFF
	return b.ram[base : base+4096 : base+4096]
}

func (b *ramBus) Read(pa uint32, size int) (uint64, bool) {
	if uint64(pa)+uint64(size) > uint64(len(b.ram)) {
		return 0, false
	}
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(b.ram[pa+uint32(i)])
	}
	return v, true
}

func (b *ramBus) Write(pa uint32, size int, v uint64) bool {
	if uint64(pa)+uint64(size) > uint64(len(b.ram)) {
		return false
	}
	for i := 0; i < size; i++ {
		b.ram[pa+uint32(i)] = byte(v >> (8 * i))
	}
	return true
}

// The bare-metal program (assembled with arm-linux-gnueabi-as):
//
//	0x000 b _start          0x018 b irq
//	_start (0x100): cps #0x12; mov sp,#0x3000; cps #0x13; mov sp,#0x8000
//	                bl main; bl main; stop: b stop
//	main  (0x200): push {lr}; bl a; pop {pc}
//	a     (0x240): push {r4,lr}; bl b; cpsie i; nop; bl b
//	               mov r4,#0x300; orr r4,r4,#1; blx r4; pop {r4,pc}
//	b     (0x280): mov r0,#1; b d                 (tail call)
//	c     (0x300, Thumb): push {lr}; bl e; pop {pc}
//	d     (0x380): bx lr
//	e     (0x3c0, Thumb): bx lr
//	irq   (0x400): sub lr,lr,#4; push {lr}; cps #0x13; push {lr}; bl h
//	               pop {lr}; cps #0x12; mrs r12,spsr; orr r12,r12,#0x80
//	               msr spsr_cxsf,r12; pop {lr}; movs pc,lr
//	h     (0x480): bx lr
//
// The IRQ line is high from the start, so the interrupt is taken right
// after a's cpsie i, in the first call of main only (the test drops the
// line when the interrupt is taken).
var armProg = map[uint32]uint32{
	0x0: 0xea00003e, 0x18: 0xea0000f8,
	0x100: 0xf1020012, 0x104: 0xe3a0da03, 0x108: 0xf1020013, 0x10c: 0xe3a0d902,
	0x110: 0xeb00003a, 0x114: 0xeb000039, 0x118: 0xeafffffe,
	0x200: 0xe52de004, 0x204: 0xeb00000d, 0x208: 0xe49df004,
	0x240: 0xe92d4010, 0x244: 0xeb00000d, 0x248: 0xf1080080, 0x24c: 0xe320f000,
	0x250: 0xeb00000a, 0x254: 0xe3a04c03, 0x258: 0xe3844001, 0x25c: 0xe12fff34,
	0x260: 0xe8bd8010,
	0x280: 0xe3a00001, 0x284: 0xea00003d,
	0x380: 0xe12fff1e,
	0x400: 0xe24ee004, 0x404: 0xe52de004, 0x408: 0xf1020013, 0x40c: 0xe52de004,
	0x410: 0xeb00001a, 0x414: 0xe49de004, 0x418: 0xf1020012, 0x41c: 0xe14fc000,
	0x420: 0xe38cc080, 0x424: 0xe16ff00c, 0x428: 0xe49de004, 0x42c: 0xe1b0f00e,
	0x480: 0xe12fff1e,
}

var thumbProg = map[uint32]uint16{
	0x300: 0xb500, 0x302: 0xf000, 0x304: 0xf85d, 0x306: 0xbd00,
	0x3c0: 0x4770,
}

var progSyms = []Symbol{
	{0x100, 0x20, "_start"}, {0x200, 0xc, "main"}, {0x240, 0x24, "a"}, {0x280, 8, "b"},
	{0x300, 8, "c"}, {0x380, 4, "d"}, {0x3c0, 2, "e"}, {0x400, 0x30, "irq"}, {0x480, 4, "h"},
}

func runProg(t *testing.T, roots []string, depth int) *Tracer {
	t.Helper()
	return runCode(t, armProg, thumbProg, progSyms, roots, depth, 0x118)
}

func runCode(t *testing.T, armCode map[uint32]uint32, thumbCode map[uint32]uint16, syms []Symbol, roots []string, depth int, stop uint32) *Tracer {
	t.Helper()
	bus := &ramBus{ram: make([]byte, 1<<16)}
	for a, w := range armCode {
		binary.LittleEndian.PutUint32(bus.ram[a:], w)
	}
	for a, h := range thumbCode {
		binary.LittleEndian.PutUint16(bus.ram[a:], h)
	}
	c := arm.New(bus)
	tr, err := New(c, NewSymbols(syms), roots, depth)
	if err != nil {
		t.Fatal(err)
	}
	h := tr.Hooks()
	exc := h.Exception
	h.Exception = func(kind int, from, vector uint32) {
		exc(kind, from, vector)
		if kind == 5 {
			c.SetIRQ(false) // the interrupt controller, in effect
		}
	}
	c.SetHooks(h)
	c.SetIRQ(true)
	c.Run(200)
	if pc := c.Reg(15); pc != stop {
		t.Fatalf("program ended at pc %#x", pc)
	}
	return tr
}

func format(t *testing.T, tr *Tracer, f string) string {
	t.Helper()
	var b bytes.Buffer
	if err := tr.Write(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const wantTree = `# main: 2 entries
main
  a
    b x2
      d (tail call)
    [irq]
      h
    c
      e
main
  a
    b x2
      d (tail call)
    c
      e
`

func TestTree(t *testing.T) {
	tr := runProg(t, []string{"main"}, 0)
	if got := format(t, tr, "tree"); got != wantTree {
		t.Errorf("tree:\n%s\nwant:\n%s", got, wantTree)
	}
	if n := tr.open(); n != 0 {
		t.Errorf("frames left open on %d stacks", n)
	}
}

func TestNestedRootAndDepth(t *testing.T) {
	tr := runProg(t, []string{"a", "c"}, 1)
	// c, a root called from a (another root), is a leaf of a's trees
	// and has trees of its own, limited to depth 1 from c.
	want := `# a: 2 entries
a
  b x2
  [irq]
  c (own tree)
a
  b x2
  c (own tree)
# c: 2 entries
c x2
  e
`
	if got := format(t, tr, "tree"); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}

func TestBoxes(t *testing.T) {
	tr := runProg(t, []string{"main"}, 0)
	want := `# main: 2 entries
+------+
| main |
+------+
  |--> a x2

+---+
| a |
+---+
  |--> b x4
  |--> [irq]
  |--> c x2

+---+
| b |
+---+
  |--> d x4 (tail call)

+-------+
| [irq] |
+-------+
  |--> h

+---+
| c |
+---+
  |--> e x2

+---+
| d |
+---+

+---+
| h |
+---+

+---+
| e |
+---+

`
	if got := format(t, tr, "boxes"); got != want {
		t.Errorf("boxes:\n%s\nwant:\n%s", got, want)
	}
}

func TestDot(t *testing.T) {
	tr := runProg(t, []string{"main"}, 2)
	want := `digraph calls {
  rankdir=LR;
  node [shape=box, fontname="monospace"];
  subgraph cluster_0 {
    label="main (2 entries)";
    "0:main" [label="main"];
    "0:a" [label="a"];
    "0:b" [label="b"];
    "0:[irq]" [label="[irq]", shape=ellipse];
    "0:c" [label="c"];
    "0:main" -> "0:a" [label="2"];
    "0:a" -> "0:b" [label="4"];
    "0:a" -> "0:[irq]" [label="1"];
    "0:a" -> "0:c" [label="2"];
  }
}
`
	if got := format(t, tr, "dot"); got != want {
		t.Errorf("dot:\n%s\nwant:\n%s", got, want)
	}
}

func TestJSON(t *testing.T) {
	tr := runProg(t, []string{"main"}, 0)
	out := format(t, tr, "json")
	var rs []Root
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Root != "main" || rs[0].Entries != 2 || len(rs[0].Trees) != 2 {
		t.Fatalf("json: %s", out)
	}
	a := rs[0].Trees[0].Calls[0]
	if a.Name != "a" || len(a.Calls) != 3 || a.Calls[0].Count != 2 || !a.Calls[0].Calls[0].Tail ||
		a.Calls[1].Exception != 5 || a.Calls[1].Calls[0].Name != "h" || a.Calls[2].Calls[0].Name != "e" {
		t.Fatalf("json: %s", out)
	}
	if !strings.Contains(out, `"tail": true`) {
		t.Errorf("json lacks tail flag: %s", out)
	}
}

func TestBadInput(t *testing.T) {
	s := NewSymbols(progSyms)
	if _, err := New(nil, s, []string{"mian"}, 0); err == nil || !strings.Contains(err.Error(), "main") {
		t.Fatalf("unknown root: %v", err)
	}
	if _, err := New(nil, s, nil, 0); err == nil {
		t.Fatal("no roots accepted")
	}
	tr := runProg(t, []string{"main"}, 0)
	if err := tr.Write(&bytes.Buffer{}, "svg"); err == nil || !strings.Contains(err.Error(), "tree, boxes, dot, json") {
		t.Fatalf("bad format: %v", err)
	}
}

// A context switch in the middle of a traced call: sw moves to another
// kernel stack (another task) and runs g there, as __switch_to resumes
// another task. g's calls belong to that task, not to main's tree; f,
// entered on the other task, is an entry of root f of its own.
//
//	_start (0x00): mov sp,#0x8000; bl main; stop: b stop
//	main   (0x40): push {lr}; bl sw; bl f; pop {pc}
//	sw     (0x80): push {r5,lr}; mov r5,sp; mov sp,#0x6000; bl g; mov sp,r5; pop {r5,pc}
//	g      (0xc0): push {lr}; bl f; pop {pc}
//	f     (0x100): bx lr
func TestContextSwitch(t *testing.T) {
	code := map[uint32]uint32{
		0x0: 0xe3a0d902, 0x4: 0xeb00000d, 0x8: 0xeafffffe,
		0x40: 0xe52de004, 0x44: 0xeb00000d, 0x48: 0xeb00002c, 0x4c: 0xe49df004,
		0x80: 0xe92d4020, 0x84: 0xe1a0500d, 0x88: 0xe3a0da06, 0x8c: 0xeb00000b, 0x90: 0xe1a0d005, 0x94: 0xe8bd8020,
		0xc0: 0xe52de004, 0xc4: 0xeb00000d, 0xc8: 0xe49df004,
		0x100: 0xe12fff1e,
	}
	syms := []Symbol{{0, 0xc, "_start"}, {0x40, 0x10, "main"}, {0x80, 0x18, "sw"}, {0xc0, 0xc, "g"}, {0x100, 4, "f"}}
	tr := runCode(t, code, nil, syms, []string{"main", "f"}, 0, 0x8)
	want := `# main: 1 entries
main
  sw
  f (own tree)
# f: 2 entries
f x2
`
	if got := format(t, tr, "tree"); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
	if n := tr.open(); n != 0 {
		t.Errorf("frames left open on %d stacks", n)
	}
}
