package machine

// Lockstep mode (JITLockstep), for hunting JIT bugs on a whole guest: a
// second copy of the machine, built from the same configuration with the
// interpreter only and no outputs, runs its own loop on its own goroutine,
// a little behind the leader (the JIT's machine). After each of its CPU
// slices the leader sends a checkpoint (the instruction count, guest time
// and CPU state); the copy cuts its own slices at those counts and
// compares. The first difference ends the run with an error that names
// the slice (the counts where it started and ended), both register sets
// and every differing field.
//
// The slices of the two loops need not match: a deterministic guest does
// the same whatever its slices (smoke's deadlines and the profiler cut
// the leader's, the copy has none), so comparing at the same instruction
// count is enough. Console input is the one thing from outside: the
// leader sends each delivery (count, guest time, bytes) in the same
// stream, and the copy delivers it at that count and time. So the mode is
// for deterministic runs (no network peer, no pacing, no debugger), which
// the CLI enforces.

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

type lockstep struct {
	leader *Machine
	shadow *Machine
	recs   chan lsRecord // leader -> copy, in order
	done   chan struct{} // closed when the copy's Run returned
	start  uint64        // the leader's count at its previous checkpoint
	next   *lsRecord     // the copy's next record (peeked)
	input  *vclock.Timer // the copy's pending input delivery

	mu     sync.Mutex
	err    error            // the divergence found by the copy
	tamper func(m *Machine) // tests: changes the leader after a slice
}

// lsRecord is a checkpoint (input == nil) or an input delivery.
type lsRecord struct {
	insns, ns uint64
	start     uint64 // checkpoints: the slice's first count
	st        arm.State
	input     []byte
}

// Divergence is the first difference lockstep found.
type Divergence struct {
	Start, End  uint64    // the slice: instruction counts at its start and end
	JIT, Interp arm.State // the leader's (JIT) and the copy's (interpreter)
	Fields      []string  // differing fields, "R[3]: 0x1 (jit) != 0x2 (interpreter)"
}

func (d *Divergence) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "lockstep: the JIT and the interpreter differ after the slice from instruction %d (to %d)\n", d.Start, d.End)
	for _, f := range d.Fields {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	for _, s := range []struct {
		name string
		st   arm.State
	}{{"jit", d.JIT}, {"interpreter", d.Interp}} {
		fmt.Fprintf(&b, "  %-11s", s.name)
		for i, r := range s.st.R {
			if i == 8 {
				fmt.Fprintf(&b, "\n  %11s", "")
			}
			fmt.Fprintf(&b, " %3s=%08x", fmt.Sprint("r", i), r)
		}
		fmt.Fprintf(&b, " cpsr=%08x\n", s.st.CPSR)
	}
	return strings.TrimRight(b.String(), "\n")
}

// stateDiff lists the fields of two states that differ.
func stateDiff(a, b arm.State) []string {
	var out []string
	var walk func(name string, x, y reflect.Value)
	walk = func(name string, x, y reflect.Value) {
		switch x.Kind() {
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				n := x.Type().Field(i).Name
				if name != "" {
					n = name + "." + n
				}
				walk(n, x.Field(i), y.Field(i))
			}
		case reflect.Array:
			for i := 0; i < x.Len(); i++ {
				walk(fmt.Sprintf("%s[%d]", name, i), x.Index(i), y.Index(i))
			}
		default:
			if !x.Equal(y) {
				out = append(out, fmt.Sprintf("%s: %#x (jit) != %#x (interpreter)", name, x.Interface(), y.Interface()))
			}
		}
	}
	walk("", reflect.ValueOf(a), reflect.ValueOf(b))
	return out
}

// newLockstep builds the interpreter-only copy of a machine being built
// from cfg (before the leader, so that whatever the configuration's
// Attach keeps of the last chip it loaded, such as an --mtd image saved
// on exit, is the leader's). build makes a machine from a configuration.
func newLockstep(cfg Config, build func(Config) (*Machine, error)) (*lockstep, error) {
	sc := cfg
	sc.JIT = JITOff
	sc.Console, sc.Serial = nil, nil
	sc.Net.Backend, sc.Net.PCAP = nil, nil
	sc.Net1.Backend, sc.Net1.PCAP = nil, nil
	sc.SoC.Log = mmio.NewLog(io.Discard)
	shadow, err := build(sc)
	if err != nil {
		return nil, err
	}
	ls := &lockstep{
		shadow: shadow,
		recs:   make(chan lsRecord, 1024),
		done:   make(chan struct{}),
	}
	shadow.ls = ls
	ls.input = shadow.Clock.NewTimer("lockstep input", ls.deliver)
	return ls, nil
}

// send passes a record to the copy (false: the copy has stopped).
func (ls *lockstep) send(r lsRecord) bool {
	select {
	case ls.recs <- r:
		ls.shadow.Clock.Wake() // it may wait idle for this
		return true
	case <-ls.done:
		return false
	}
}

// startShadow runs the copy's loop; the leader's Run calls it.
func (ls *lockstep) startShadow(m *Machine) {
	ls.leader, ls.start = m, m.CPU.Insns
	go func() {
		defer close(ls.done)
		ls.shadow.Run()
	}()
}

// stopShadow ends the copy when the leader's Run returns, once it has
// checked every checkpoint, and returns what it found.
func (ls *lockstep) stopShadow() error {
	close(ls.recs)
	ls.shadow.Clock.Wake()
	<-ls.done
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.err
}

// afterSlice runs after each slice. The leader sends a checkpoint if the
// slice ran; the copy checks the checkpoint it stopped at (before its
// loop goes idle or resets). It reports false when the run must end.
func (ls *lockstep) afterSlice(m *Machine) bool {
	if m == ls.shadow {
		if r := ls.peek(); r != nil && r.input == nil && r.insns == m.CPU.Insns {
			return ls.check(m, r)
		}
		return true
	}
	if ls.tamper != nil {
		ls.tamper(m)
	}
	if m.CPU.Insns == ls.start {
		return true
	}
	r := lsRecord{insns: m.CPU.Insns, ns: m.Clock.Now(), start: ls.start, st: m.CPU.State()}
	ls.start = m.CPU.Insns
	if !ls.send(r) {
		m.finish(ExitStopped)
		return false
	}
	return true
}

// leaderInput delivers console input on the leader and records it.
func (ls *lockstep) leaderInput(m *Machine, b []byte) {
	m.deliverInput(b)
	if !ls.send(lsRecord{insns: m.CPU.Insns, ns: m.Clock.Now(), input: b}) {
		m.finish(ExitStopped)
	}
}

// peek returns the copy's next record, waiting for it (nil: the leader
// has finished).
func (ls *lockstep) peek() *lsRecord {
	if ls.next == nil {
		r, ok := <-ls.recs
		if !ok {
			return nil
		}
		ls.next = &r
	}
	return ls.next
}

// shadowBudget is the copy's side before a slice: it schedules the input
// deliveries due at this count and cuts the slice at the next
// checkpoint. It reports false when the run must end.
func (ls *lockstep) shadowBudget(m *Machine, budget *uint64) bool {
	for {
		r := ls.peek()
		if r == nil {
			m.finish(ExitStopped)
			return false
		}
		if r.input == nil {
			if r.insns <= m.CPU.Insns {
				return ls.check(m, r)
			}
			*budget = min(*budget, r.insns-m.CPU.Insns)
			return true
		}
		if r.insns == m.CPU.Insns && !ls.input.Active() {
			// The leader went idle until then: so is this copy.
			ls.input.Set(r.ns)
		}
		return true
	}
}

// shadowTop is the copy's side at the top of its loop, where the leader
// delivers console input: it delivers what the leader did at this count
// and time. It reports false when the run must end.
func (ls *lockstep) shadowTop(m *Machine) bool {
	for {
		r := ls.peek()
		if r == nil {
			m.finish(ExitStopped)
			return false
		}
		if r.input == nil || r.insns != m.CPU.Insns || r.ns > m.Clock.Now() {
			return true
		}
		ls.next = nil
		m.deliverInput(r.input)
	}
}

// deliver is the copy's input timer.
func (ls *lockstep) deliver() {
	r := ls.next
	ls.next = nil
	ls.shadow.deliverInput(r.input)
}

// check compares the copy with a checkpoint at its count.
func (ls *lockstep) check(m *Machine, r *lsRecord) bool {
	ls.next = nil
	st := m.CPU.State()
	fields := stateDiff(r.st, st)
	if now := m.Clock.Now(); now != r.ns {
		fields = append(fields, fmt.Sprintf("guest time: %d ns (jit) != %d ns (interpreter)", r.ns, now))
	}
	if len(fields) == 0 {
		return true
	}
	ls.mu.Lock()
	ls.err = &Divergence{Start: r.start, End: r.insns, JIT: r.st, Interp: st, Fields: fields}
	ls.mu.Unlock()
	m.finish(ExitStopped)
	ls.leader.Stop()
	return false
}

// deliverInput gives console input to UART5, as Input's posted function
// does.
func (m *Machine) deliverInput(b []byte) {
	m.consoleActive()
	m.SoC.UART[4].Receive(b)
}
