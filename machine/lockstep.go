package machine

// Lockstep mode (JITLockstep), for hunting JIT bugs on a whole guest: a
// second copy of the machine, built from the same configuration with the
// interpreter only and no outputs, runs its own loop on its own goroutine.
// Both loops meet at the top of every iteration (after each CPU slice and
// the idle skip that may follow it): the copy compares its CPU state with
// the leader's there, and the first difference ends the run with an error
// that names the slice (the instruction count where it started and
// ended), both register sets and every differing field.
//
// The two loops take the same slices because a deterministic run's loop
// depends only on guest state and the virtual clock. Console input is the
// one thing from outside: in lockstep the leader's Input does not post it
// to the clock but queues it, and both machines deliver the queue at the
// same meeting point. So the mode is for deterministic runs (no network
// peer, no pacing, no debugger), which the CLI enforces.

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/mmio"
)

type lockstep struct {
	shadow *Machine
	meet   chan lsMeet      // leader -> copy, one per loop iteration
	reply  chan *Divergence // copy -> leader
	done   chan struct{}    // closed when the copy's Run returned
	start  uint64           // the leader's count at the previous meeting
	mu     sync.Mutex       // guards input
	input  [][]byte         // console input waiting for the next meeting
	tamper func(m *Machine) // tests: changes the leader before a meeting
}

type lsMeet struct {
	start uint64 // count at the previous meeting: the slice's start
	st    arm.State
	input [][]byte
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
		meet:   make(chan lsMeet),
		reply:  make(chan *Divergence),
		done:   make(chan struct{}),
	}
	shadow.ls = ls
	return ls, nil
}

// lockstepInput queues console input for the next meeting.
func (ls *lockstep) lockstepInput(m *Machine, p []byte) {
	ls.mu.Lock()
	ls.input = append(ls.input, append([]byte(nil), p...))
	ls.mu.Unlock()
	m.Clock.Wake()
}

// startShadow runs the copy's loop; the leader's Run calls it.
func (ls *lockstep) startShadow() {
	ls.start = ls.shadow.CPU.Insns
	go func() {
		defer close(ls.done)
		ls.shadow.Run()
	}()
}

// stopShadow ends the copy when the leader's Run returns.
func (ls *lockstep) stopShadow() {
	close(ls.meet)
	ls.shadow.Stop() // wakes it from an idle wait
	<-ls.done
}

// meetLeader is the leader's side of a meeting. It reports false when the
// run must end (the states differ; m.lsErr says how).
func (ls *lockstep) meetLeader(m *Machine) bool {
	if ls.tamper != nil {
		ls.tamper(m)
	}
	ls.mu.Lock()
	in := ls.input
	ls.input = nil
	ls.mu.Unlock()
	msg := lsMeet{start: ls.start, st: m.CPU.State(), input: in}
	ls.start = m.CPU.Insns
	ls.shadow.Clock.Wake() // it may wait idle for this input, as m did
	select {
	case ls.meet <- msg:
	case <-ls.done:
		m.lsErr = fmt.Errorf("lockstep: the interpreter's copy stopped before the JIT's machine (at instruction %d)", m.CPU.Insns)
		m.finish(ExitStopped)
		return false
	}
	if d := <-ls.reply; d != nil {
		m.lsErr = d
		m.finish(ExitStopped)
		return false
	}
	m.deliverInput(in)
	return true
}

// meetShadow is the copy's side of a meeting.
func (ls *lockstep) meetShadow(m *Machine) bool {
	msg, ok := <-ls.meet
	if !ok {
		m.finish(ExitStopped)
		return false
	}
	st := m.CPU.State()
	if st != msg.st {
		ls.reply <- &Divergence{Start: msg.start, End: msg.st.Insns, JIT: msg.st, Interp: st, Fields: stateDiff(msg.st, st)}
		m.finish(ExitStopped)
		return false
	}
	ls.reply <- nil
	m.deliverInput(msg.input)
	return true
}

// meet is the meeting point of the loop (both machines).
func (m *Machine) meet() bool {
	if m == m.ls.shadow {
		return m.ls.meetShadow(m)
	}
	return m.ls.meetLeader(m)
}

// deliverInput gives console input to UART5, as Input's posted function
// does.
func (m *Machine) deliverInput(in [][]byte) {
	for _, b := range in {
		m.consoleActive()
		m.SoC.UART[4].Receive(b)
	}
}
