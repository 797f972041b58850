// Package vclock is the machine's virtual clock and its single event queue.
//
// Guest time is derived from the CPU's retired-instruction count at a nominal
// rate (picoseconds per instruction), plus the time skipped while the CPU
// idles in WFI. Every device deadline (timer match, UART character time,
// watchdog expiry, network pacing) is a Timer on this queue; nothing ticks.
// Device models read time only through Now and never consult the host clock,
// so a run with the same inputs is reproducible instruction for instruction.
//
// Host-side producers (console input, network backends) run on other
// goroutines; they hand work to the machine thread with Post, which the
// machine loop drains between CPU slices.
package vclock

import (
	"sync"
	"sync/atomic"
)

// DefaultPsPerInsn is the nominal instruction period: 6000 ps (6 ns) per
// instruction, i.e. the guest sees a machine of about 167 MIPS. It is
// about what the interpreter achieves, so guest time runs close to wall
// time. It is the one source of the period: the machine uses it unless
// its Config says otherwise.
const DefaultPsPerInsn = 6000

// Clock is the virtual clock. It is used from the machine goroutine only,
// except for Post and Wake, which are safe from any goroutine.
type Clock struct {
	insns     *uint64 // the CPU's retired instruction counter
	own       uint64  // counter used when none is attached
	psPerInsn uint64
	baseNs    uint64 // guest time at baseInsns
	baseInsns uint64
	basePs    uint64 // sub-nanosecond remainder carried at rebase

	heap   timerHeap
	seq    uint64
	timers []*Timer // every timer made by NewTimer, in creation order (state.go)
	onDue  func()
	onArm  func(ns uint64)

	mu      sync.Mutex
	posted  []func()
	pending atomic.Bool
	wake    chan struct{}
}

// New returns a clock at time zero running at psPerInsn picoseconds per
// instruction (DefaultPsPerInsn when 0).
func New(psPerInsn uint64) *Clock {
	if psPerInsn == 0 {
		psPerInsn = DefaultPsPerInsn
	}
	c := &Clock{psPerInsn: psPerInsn, wake: make(chan struct{}, 1)}
	c.insns = &c.own
	return c
}

// Attach makes the clock follow counter, the CPU's instruction count.
func (c *Clock) Attach(counter *uint64) {
	now := c.Now()
	c.insns = counter
	c.baseNs, c.baseInsns, c.basePs = now, *counter, 0
}

// PsPerInsn returns the nominal instruction period.
func (c *Clock) PsPerInsn() uint64 { return c.psPerInsn }

// Insns returns the attached instruction counter's value.
func (c *Clock) Insns() uint64 { return *c.insns }

// Now returns the guest time in nanoseconds.
func (c *Clock) Now() uint64 {
	d := *c.insns - c.baseInsns
	return c.baseNs + (d*c.psPerInsn+c.basePs)/1000
}

// SkipTo moves guest time forward to ns without retiring instructions (WFI
// idle). It never moves time backwards.
func (c *Clock) SkipTo(ns uint64) {
	if ns <= c.Now() {
		return
	}
	c.baseNs, c.baseInsns, c.basePs = ns, *c.insns, 0
}

// Stall advances guest time by ns without retiring instructions: the time a
// bus access to a slow device takes. If that makes the earliest deadline
// due, the function set with OnDue is called (the machine uses it to end
// the CPU slice so the event is not late); otherwise the one set with
// OnArm is, to shorten the slice to the deadline.
func (c *Clock) Stall(ns uint64) {
	c.baseNs += ns
	if len(c.heap) == 0 {
		return
	}
	if d := c.heap[0].deadline; d <= c.Now() {
		if c.onDue != nil {
			c.onDue()
		}
	} else if c.onArm != nil {
		// The running slice was sized in instructions before the stall
		// moved time on: resize it to the deadline.
		c.onArm(d)
	}
}

// OnDue sets the function Stall calls when a deadline becomes due.
func (c *Clock) OnDue(fn func()) { c.onDue = fn }

// OnArm sets the function Set calls when a timer becomes the earliest
// deadline. A device arms timers from inside a CPU slice (an MMIO access);
// the slice was sized to the earliest deadline at its start, so the machine
// uses this to end the slice at the new one instead of firing it late.
func (c *Clock) OnArm(fn func(ns uint64)) { c.onArm = fn }

// InsnsUntil returns how many instructions may retire before guest time
// reaches ns (at least 1).
func (c *Clock) InsnsUntil(ns uint64) uint64 {
	now := c.Now()
	if ns <= now {
		return 1
	}
	n := ((ns-now)*1000 + c.psPerInsn - 1) / c.psPerInsn
	if n == 0 {
		n = 1
	}
	return n
}

// NsToInsns converts a duration to an instruction count at the nominal rate.
func (c *Clock) NsToInsns(ns uint64) uint64 { return ns * 1000 / c.psPerInsn }

// Timer is one deadline on the clock's queue. Create it once with NewTimer
// and re-arm it with Set; arming does not allocate.
type Timer struct {
	c        *Clock
	fn       func()
	deadline uint64
	seq      uint64
	index    int // position in heap, -1 when not armed
	Name     string
}

// NewTimer returns an unarmed timer that calls fn on the machine goroutine
// when it expires.
func (c *Clock) NewTimer(name string, fn func()) *Timer {
	t := &Timer{c: c, fn: fn, index: -1, Name: name}
	c.timers = append(c.timers, t)
	return t
}

// Set arms (or re-arms) the timer to fire at guest time ns. A deadline in the
// past fires at the next RunDue.
func (t *Timer) Set(ns uint64) {
	c := t.c
	c.seq++
	t.deadline, t.seq = ns, c.seq
	if t.index >= 0 {
		c.heap.fix(t.index)
	} else {
		c.heap.push(t)
	}
	if c.onArm != nil && c.heap[0] == t {
		c.onArm(ns)
	}
}

// SetAfter arms the timer d nanoseconds from now.
func (t *Timer) SetAfter(d uint64) { t.Set(t.c.Now() + d) }

// Stop disarms the timer.
func (t *Timer) Stop() {
	if t.index >= 0 {
		t.c.heap.remove(t.index)
	}
}

// Active reports whether the timer is armed.
func (t *Timer) Active() bool { return t.index >= 0 }

// Deadline returns the armed deadline (meaningless when not Active).
func (t *Timer) Deadline() uint64 { return t.deadline }

// Next returns the earliest armed deadline.
func (c *Clock) Next() (ns uint64, ok bool) {
	if len(c.heap) == 0 {
		return 0, false
	}
	return c.heap[0].deadline, true
}

// RunDue fires, in deadline order (ties in arming order), every timer whose
// deadline is not after Now. Callbacks may re-arm timers; a timer re-armed
// into the past fires again in the same call.
func (c *Clock) RunDue() {
	for len(c.heap) > 0 {
		t := c.heap[0]
		if t.deadline > c.Now() {
			return
		}
		c.heap.remove(0)
		t.fn()
	}
}

// Post queues fn to run on the machine goroutine at the next RunPosted. It
// is safe from any goroutine and wakes an idle machine.
func (c *Clock) Post(fn func()) {
	c.mu.Lock()
	c.posted = append(c.posted, fn)
	c.mu.Unlock()
	c.pending.Store(true)
	c.Wake()
}

// Pending reports whether posted work is waiting.
func (c *Clock) Pending() bool { return c.pending.Load() }

// RunPosted runs posted callbacks in the order they were posted.
func (c *Clock) RunPosted() {
	if !c.pending.Load() {
		return
	}
	c.mu.Lock()
	fns := c.posted
	c.posted = nil
	c.pending.Store(false)
	c.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Wake nudges a machine loop blocked in WaitChan. Safe from any goroutine.
func (c *Clock) Wake() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// WaitChan is signalled by Wake and Post; a paced or fully idle machine loop
// blocks on it.
func (c *Clock) WaitChan() <-chan struct{} { return c.wake }

// timerHeap is a binary min-heap on (deadline, seq).
type timerHeap []*Timer

func (h timerHeap) less(i, j int) bool {
	if h[i].deadline != h[j].deadline {
		return h[i].deadline < h[j].deadline
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) push(t *Timer) {
	t.index = len(*h)
	*h = append(*h, t)
	h.up(t.index)
}

func (h *timerHeap) remove(i int) {
	old := *h
	n := len(old) - 1
	t := old[i]
	if i != n {
		old.swap(i, n)
	}
	old[n] = nil
	*h = old[:n]
	if i != n {
		h.fix(i)
	}
	t.index = -1
}

func (h timerHeap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h timerHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h.swap(i, p)
		i = p
	}
}

func (h timerHeap) down(i int) bool {
	start := i
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			break
		}
		h.swap(i, m)
		i = m
	}
	return i > start
}
