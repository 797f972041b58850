package machine

// Debugger support: a GDB stub (gdbstub) attached to the machine. The run
// loop checks one pointer per slice; with a debugger attached it also
// honours a "halt requested" flag: the CPU is stopped at an instruction
// boundary and the stub serves the debugger on the machine goroutine, so
// the guest and its devices stay frozen (guest time does not advance)
// until the debugger resumes.

import (
	"sync/atomic"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/gdbstub"
)

type debugger struct {
	stub    *gdbstub.Stub
	haltReq atomic.Bool
}

// NewGDBStub creates a GDB stub for the machine's CPU and attaches it. With
// haltAtStart the machine stops before its first instruction and waits for
// a debugger to connect (-S). extra hooks (an instruction tracer) stay
// installed alongside the stub's. Call before Run.
func (m *Machine) NewGDBStub(haltAtStart bool, extra *arm.Hooks, logf func(string, ...any)) *gdbstub.Stub {
	d := &debugger{}
	d.stub = gdbstub.New(gdbstub.Config{
		CPU:         m.CPU,
		RequestHalt: m.RequestHalt,
		Extra:       extra,
		Log:         logf,
	})
	m.dbg = d
	if haltAtStart {
		d.haltReq.Store(true)
	}
	return d.stub
}

// RequestHalt stops the run at the next instruction boundary and hands
// control to the debugger. Safe from any goroutine; a no-op without one.
func (m *Machine) RequestHalt() {
	if m.dbg == nil {
		return
	}
	m.dbg.haltReq.Store(true)
	m.CPU.Stop()
	m.Clock.Wake()
}

// debugStop serves the debugger while the machine is halted. It returns
// when the debugger resumes (after single steps, if asked) or kills.
func (m *Machine) debugStop() {
	d := m.dbg
	c := m.CPU
	for {
		act := d.stub.Stopped()
		d.haltReq.Store(false)
		switch act {
		case gdbstub.Kill:
			m.finish(ExitStopped)
			return
		case gdbstub.Continue:
			return
		}
		// Single step: let due device events run, then one instruction.
		// A core idle in WFI waits for its next event instead.
		clk := m.Clock
		clk.RunPosted()
		clk.RunDue()
		if c.Halted() {
			if next, ok := clk.Next(); ok {
				clk.SkipTo(next)
				clk.RunDue()
			}
		}
		c.Run(1)
		if m.exitSet.Load() || m.resetReq != 0 {
			// Let the loop end the run or reset; stop again afterwards.
			d.haltReq.Store(true)
			return
		}
	}
}
