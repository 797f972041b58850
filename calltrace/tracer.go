package calltrace

import (
	"fmt"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
)

const (
	modeUSR     = 0x10
	stackMask   = 8191 // THREAD_SIZE - 1 on 32-bit ARM Linux
	defMaxNodes = 1 << 21
)

// Node is one recorded call. A node with Exception > 0 stands for an
// exception of that kind (the Hooks.Exception numbering: 2 svc, 4 data
// abort, 5 irq, ...) taken while its parent ran; its children are what the
// handler called.
type Node struct {
	Name      string
	Tail      bool // entered by a tail call (a branch that kept LR)
	Exception int
	Root      bool // a root entered beneath another root: a leaf here, recorded as its own tree
	Children  []*Node
}

type frame struct {
	ret   uint32 // return address (Thumb bit cleared); exception: interrupted pc
	sp    uint32 // SP at entry (exception: interrupted mode's SP)
	mode  uint32 // exception frames: interrupted mode
	exc   bool
	fn    uint32 // current function start (for self-branches)
	node  *Node  // nil when beyond Depth or over the node budget
	depth int
}

// stack is one kernel stack's (one task's) open frames.
type stack struct{ frames []frame }

// Tracer records call trees beneath root functions. Install it with
// cpu.SetHooks(t.Hooks()). It is not safe for concurrent use; the CPU
// calls the hooks from its own goroutine and the results are read after
// Run returns.
type Tracer struct {
	cpu   *arm.CPU
	syms  *Symbols
	roots map[uint32]string
	order []string
	depth int

	// MaxNodes bounds the recorded nodes (default 2M); past it calls are
	// still followed but not recorded, and Truncated is set.
	MaxNodes  int
	Truncated bool
	nodes     int

	tasks   map[uint32]*stack
	lastKey uint32 // cache of the last tasks lookup
	last    *stack
	calls   map[string][]*Node // root name -> one node per entry

	// state of the instruction in flight
	pc, sp, mode uint32
	thumb, exc   bool
}

// New makes a tracer for the given root function names. depth limits how
// many call levels beneath a root are recorded (0: no limit). An unknown
// root is an error naming near matches.
func New(cpu *arm.CPU, syms *Symbols, roots []string, depth int) (*Tracer, error) {
	if len(roots) == 0 {
		return nil, fmt.Errorf("calltrace: no root functions")
	}
	t := &Tracer{cpu: cpu, syms: syms, roots: map[uint32]string{}, depth: depth,
		MaxNodes: defMaxNodes, tasks: map[uint32]*stack{}, calls: map[string][]*Node{}}
	for _, r := range roots {
		a, err := syms.Resolve(r)
		if err != nil {
			return nil, fmt.Errorf("calltrace: root: %w", err)
		}
		if _, dup := t.roots[a]; dup {
			continue
		}
		t.roots[a] = r
		t.order = append(t.order, r)
	}
	return t, nil
}

// Hooks returns the CPU hooks that drive the tracer.
func (t *Tracer) Hooks() *arm.Hooks {
	return &arm.Hooks{Before: t.before, After: t.after, Exception: t.exception}
}

// Roots returns the root names in the order given (duplicates dropped).
func (t *Tracer) Roots() []string { return t.order }

// Calls returns the recorded entries of a root, one tree per entry, in
// the order they happened (entries still running are included).
func (t *Tracer) Calls(root string) []*Node { return t.calls[root] }

func (t *Tracer) before(pc uint32) bool {
	t.pc = pc
	t.sp = t.cpu.Reg(13)
	t.mode = t.cpu.Mode()
	t.thumb = t.cpu.Thumb()
	t.exc = false
	return true
}

// newNode records a call beneath parent unless the depth limit or the
// node budget says no.
func (t *Tracer) newNode(parent *frame, name string, tail bool, exc int) *Node {
	if parent.node == nil || (t.depth > 0 && parent.depth >= t.depth) {
		return nil
	}
	if t.nodes >= t.MaxNodes {
		t.Truncated = true
		return nil
	}
	t.nodes++
	n := &Node{Name: name, Tail: tail, Exception: exc}
	parent.node.Children = append(parent.node.Children, n)
	return n
}

// stackOf returns the frames kept for the kernel stack key (creating an
// empty set).
func (t *Tracer) stackOf(key uint32) *stack {
	if t.last != nil && t.lastKey == key {
		return t.last
	}
	st := t.tasks[key]
	if st == nil {
		st = &stack{}
		t.tasks[key] = st
	}
	t.lastKey, t.last = key, st
	return st
}

// open counts the kernel stacks with open frames.
func (t *Tracer) open() int {
	n := 0
	for _, st := range t.tasks {
		if len(st.frames) > 0 {
			n++
		}
	}
	return n
}

// exception runs when the core takes an exception: synchronous ones from
// inside the instruction Before saw, interrupts between instructions
// (after the previous After). Either way t.sp and t.mode hold the
// interrupted state.
// exceptionLabel names an exception node in the output: "[irq]",
// "[data abort]", ... (Hooks.Exception numbering, cpu/arm exception.go).
func exceptionLabel(kind int) string {
	names := [...]string{"reset", "undef", "svc", "prefetch abort", "data abort", "irq", "fiq", "smc"}
	if kind >= 0 && kind < len(names) {
		return "[" + names[kind] + "]"
	}
	return fmt.Sprintf("[exception %d]", kind)
}

func (t *Tracer) exception(kind int, from, vector uint32) {
	t.exc = true
	if t.mode == modeUSR {
		return
	}
	st := t.stackOf(stackKey(t.sp))
	if len(st.frames) == 0 {
		return
	}
	top := &st.frames[len(st.frames)-1]
	n := t.newNode(top, exceptionLabel(kind), false, kind)
	st.frames = append(st.frames, frame{ret: from, sp: t.sp, mode: t.mode, exc: true, node: n, depth: top.depth + 1})
}

func (t *Tracer) after(pc uint32) {
	c := t.cpu
	sp := c.Reg(13)
	mode := c.Mode()
	prevMode := t.mode
	t.sp, t.mode = sp, mode
	if t.exc {
		// Exception entry; a system call from user space starts on an
		// empty kernel stack, so whatever was left there is stale.
		t.exc = false
		if prevMode == modeUSR && mode != modeUSR {
			t.stackOf(stackKey(sp)).frames = nil
		}
		return
	}
	npc := c.Reg(15)
	if npc == pc+4 || (t.thumb && npc == pc+2) || mode == modeUSR {
		return
	}
	st := t.stackOf(stackKey(sp))
	fs := st.frames
	// Returns: the innermost frame whose return this is; frames above it
	// were left without a return we saw (longjmp-like exits).
	for i := len(fs) - 1; i >= 0; i-- {
		f := &fs[i]
		if f.exc {
			if (npc == f.ret || npc == f.ret+2 || npc == f.ret+4) && sp == f.sp && mode == f.mode {
				st.frames = fs[:i]
				return
			}
		} else if npc&^1 == f.ret && sp >= f.sp {
			st.frames = fs[:i]
			return
		}
	}
	sym, ok := t.syms.At(npc)
	if !ok {
		return
	}
	lr := c.Reg(14) &^ 1
	call := lr == pc+4 || (t.thumb && lr == pc+2)
	if len(fs) == 0 {
		name, isRoot := t.roots[sym.Addr]
		if !isRoot {
			return
		}
		n := &Node{Name: name} // entered by a call or a wrapper's tail call
		t.nodes++
		t.calls[name] = append(t.calls[name], n)
		st.frames = append(fs, frame{ret: lr, sp: sp, fn: sym.Addr, node: n})
		return
	}
	top := &fs[len(fs)-1]
	if name, isRoot := t.roots[sym.Addr]; isRoot && (call || sym.Addr != top.fn) {
		// A root beneath another root (ip_queue_xmit beneath
		// ksys_write): a leaf in the outer tree, and a tree of its own,
		// so that each layer of a stack reads on its own.
		if leaf := t.newNode(top, name, !call, 0); leaf != nil {
			leaf.Root = true
		}
		n := &Node{Name: name}
		t.nodes++
		t.calls[name] = append(t.calls[name], n)
		if call {
			st.frames = append(fs, frame{ret: lr, sp: sp, fn: sym.Addr, node: n})
		} else {
			top.fn, top.node, top.depth = sym.Addr, n, 0
		}
		return
	}
	if call {
		n := t.newNode(top, sym.Name, false, 0)
		st.frames = append(fs, frame{ret: lr, sp: sp, fn: sym.Addr, node: n, depth: top.depth + 1})
		return
	}
	if sym.Addr == top.fn {
		return // a loop back to the function's own start
	}
	n := t.newNode(top, sym.Name, true, 0)
	top.fn, top.node, top.depth = sym.Addr, n, top.depth+1
}

// stackKey names the kernel stack SP is on. Stacks are full descending,
// so an SP at the very top of a stack (base+8192) belongs to that stack.
func stackKey(sp uint32) uint32 { return (sp - 1) &^ stackMask }
