package machine

// Control from outside the run: the host ends of the serial ports, a
// system reset, pausing and resuming the CPU (the monitor's stop and cont),
// and the hook that reports resets (the control socket's events). Every
// change to machine state is posted to the machine goroutine, so it lands
// between CPU slices like any device event.

import (
	"github.com/ast2500emu/ast2500emu/devices/scu"
)

// Reset kinds, as OnReset reports them.
const (
	ResetWatchdog = "watchdog" // a watchdog expired (Linux's reboot uses WDT1)
	ResetSystem   = "system"   // RequestReset (the monitor's system_reset)
)

// resetSystem is the resetReq value of a system reset (watchdogs use their
// index + 1).
const resetSystem = -1

// SerialInput delivers host input to the named UART ("uart1".."uart5",
// "vuart"). Safe from any goroutine; unknown names are ignored.
func (m *Machine) SerialInput(name string, p []byte) {
	b := append([]byte(nil), p...)
	m.Clock.Post(func() {
		if u := m.SoC.Serial(name); u != nil {
			u.Receive(b)
		}
	})
}

// SerialBreak sends a line break to the named UART after the input already
// queued. Safe from any goroutine.
func (m *Machine) SerialBreak(name string) {
	m.Clock.Post(func() {
		if u := m.SoC.Serial(name); u != nil {
			u.Break()
		}
	})
}

// RequestReset resets the SoC as its external reset pin would (SCU reset
// cause "external"), then boots again. Safe from any goroutine.
func (m *Machine) RequestReset() {
	m.Clock.Post(func() {
		m.resetReq = resetSystem
		m.CPU.EndSlice()
	})
}

// Pause stops the CPU and guest time at the next slice boundary; posted
// work (monitor commands, host input) still runs. Resume continues. Both
// are safe from any goroutine.
func (m *Machine) Pause() {
	m.paused.Store(true)
	m.CPU.Stop()
	m.Clock.Wake()
}

// Resume ends a Pause.
func (m *Machine) Resume() {
	m.paused.Store(false)
	m.Clock.Wake()
}

// Paused reports whether the machine is paused.
func (m *Machine) Paused() bool { return m.paused.Load() }

// handleReset performs a pending reset; it reports false when NoReboot
// ends the run instead.
func (m *Machine) handleReset() (Exit, bool, error) {
	req := m.resetReq
	m.resetReq = 0
	kind, cause := ResetWatchdog, scu.ResetExternal
	if req == resetSystem {
		kind = ResetSystem
		m.lastReset = ResetCause{Requested: true} // the user asked for it
	} else {
		cause = wdtCause(req - 1)
		m.noteReset(req - 1)
	}
	if m.OnReset != nil {
		m.OnReset(kind)
	}
	if m.cfg.NoReboot {
		return ExitReset, false, nil
	}
	if req != resetSystem {
		if m.lastReset.BeforeUser {
			m.loopResets++
		} else {
			m.loopResets = 0
		}
		if m.cfg.MaxBootLoop > 0 && m.loopResets >= m.cfg.MaxBootLoop {
			return ExitBootLoop, false, nil
		}
	}
	if err := m.reset(); err != nil {
		return ExitReset, false, err
	}
	m.SoC.SCU.SetResetCause(cause)
	return 0, true, nil
}

// waitPaused serves posted work while paused. It returns when the machine
// resumes or the run ends.
func (m *Machine) waitPaused() {
	for m.paused.Load() && !m.exitSet.Load() && m.resetReq == 0 {
		m.Clock.RunPosted()
		if !m.paused.Load() || m.exitSet.Load() || m.resetReq != 0 {
			return
		}
		<-m.Clock.WaitChan()
	}
}
