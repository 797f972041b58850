package smoke

import (
	"fmt"
	"runtime/debug"
	"time"

	"github.com/ast2500emu/ast2500emu/machine"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// RunConfig are the limits and displays of one run.
type RunConfig struct {
	Session Config
	// Timeout is the wall-clock limit of the whole run (0: none).
	Timeout time.Duration
	// BudgetGuest is the guest-time limit of the whole run (0: none).
	BudgetGuest time.Duration
	// Tick is the guest-time period at which progress is sampled (0: 50 ms).
	// It is a guest timer, present in every run so that runs with and
	// without a display are the same.
	Tick time.Duration
	// Progress, if set, is called about every 250 ms of wall time from a
	// host goroutine (the live display).
	Progress func(Progress)
}

// machineEnv adapts a Machine to Env.
type machineEnv struct{ m *machine.Machine }

func (e machineEnv) GuestNow() uint64    { return e.m.Clock.Now() }
func (e machineEnv) Insns() uint64       { return e.m.CPU.Insns }
func (e machineEnv) UserEntries() uint64 { return e.m.CPU.UserEntries }
func (e machineEnv) Stop()               { e.m.StopHere() } // session callbacks run on the machine goroutine

// Send goes through the clock's post queue, which the machine loop drains
// between CPU slices: the input reaches the UART at a point fixed by guest
// execution alone.
func (e machineEnv) Send(p []byte) { e.m.Input(p) }

func (e machineEnv) After(d uint64, fn func()) func() {
	t := e.m.Clock.NewTimer("smoke", fn)
	t.SetAfter(d)
	return t.Stop
}

// Run runs the machine through the session's script and returns the
// result. It never panics: an emulator fault becomes the emulator class.
// The machine must not have been run yet; its ConsoleHook is taken.
func Run(m *machine.Machine, rc RunConfig) (res Result) {
	env := machineEnv{m}
	s := NewSession(rc.Session, env)
	m.ConsoleHook = s.Feed
	m.OnStuck = s.Halted
	tick := rc.Tick
	if tick == 0 {
		tick = 50 * time.Millisecond
	}
	var t *vclock.Timer
	t = m.Clock.NewTimer("smoke-tick", func() {
		s.Tick()
		t.SetAfter(uint64(tick))
	})
	t.SetAfter(uint64(tick))
	if rc.BudgetGuest > 0 {
		env.After(uint64(rc.BudgetGuest), func() {
			s.Fail(Timeout, "guest-time budget "+rc.BudgetGuest.String()+" exhausted", "")
			m.Stop()
		})
	}

	done := make(chan struct{})
	defer close(done)
	start := time.Now()
	go func() {
		w := time.NewTicker(50 * time.Millisecond)
		defer w.Stop()
		lastShow := time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-w.C:
				if rc.Timeout > 0 && now.Sub(start) >= rc.Timeout {
					s.Fail(Timeout, "wall-clock limit "+rc.Timeout.String()+" for the run", "")
					m.Stop()
				}
				if s.CheckWall() {
					m.Stop()
				}
				if rc.Progress != nil && now.Sub(lastShow) >= 250*time.Millisecond {
					lastShow = now
					rc.Progress(s.Progress())
				}
			}
		}
	}()

	type outcome struct {
		exit string
		err  error
	}
	ran := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if r := recover(); r != nil {
				s.Fail(Emulator, fmt.Sprintf("emulator panic: %v", r), string(debug.Stack()))
				o.exit = "emulator fault"
			}
			ran <- o
		}()
		s.Start()
		e, err := m.Run()
		o.exit, o.err = e.String(), err
	}()
	var o outcome
	if rc.Timeout > 0 {
		// A machine loop that does not notice Stop (an emulator bug) must
		// not hang CI: give up on it a while after the run's limit.
		hard := time.NewTimer(rc.Timeout + HardStopGrace)
		defer hard.Stop()
		select {
		case o = <-ran:
		case <-hard.C:
			return s.abandon()
		}
	} else {
		o = <-ran
	}
	if o.err != nil {
		s.Fail(Emulator, "emulator error: "+o.err.Error(), "")
	}
	return s.Finish(o.exit, m.Clock.Now(), m.CPU.Insns)
}

// HardStopGrace is how long Run waits for a stopped machine after the
// run's wall-clock limit before abandoning it.
var HardStopGrace = 30 * time.Second
