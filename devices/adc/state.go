package adc

// State is the ADC's register state (snapshots). It has no interrupt line
// or timers.
type State struct {
	Ctrl, IntCtrl, VGA, Clock uint32
	Bounds, Hyst              [NumChannels]uint32
	IntSrc, Trim              uint32
	Raw                       [NumChannels]uint16
}

// State returns the register state.
func (a *ADC) State() State {
	return State{a.ctrl, a.intCtrl, a.vga, a.clock, a.bounds, a.hyst, a.intSrc, a.trim, a.raw}
}

// Restore sets the register state.
func (a *ADC) Restore(s State) error {
	a.ctrl, a.intCtrl, a.vga, a.clock = s.Ctrl, s.IntCtrl, s.VGA, s.Clock
	a.bounds, a.hyst, a.intSrc, a.trim, a.raw = s.Bounds, s.Hyst, s.IntSrc, s.Trim, s.Raw
	return nil
}
