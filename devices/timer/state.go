package timer

// ChannelState is one timer's registers and counting anchor.
type ChannelState struct {
	Reload  uint32
	Match   [2]uint32
	Frozen  uint32
	T0      uint64
	C0      uint32
	Hz      uint64
	Handled uint64
}

// State is the timer block's registers and channels (snapshots). The
// channels' deadlines are saved with the clock; interrupts are pulses, so
// there is no level to drive.
type State struct {
	APBHz       uint64
	Ctrl, Ctrl2 uint32
	Unlocked    bool
	Ch          [NumTimers]ChannelState
}

// State returns the block's state.
func (t *Timer) State() State {
	s := State{APBHz: t.apbHz, Ctrl: t.ctrl, Ctrl2: t.ctrl2, Unlocked: t.unlocked}
	for i, c := range t.ch {
		s.Ch[i] = ChannelState{c.reload, c.match, c.frozen, c.t0, c.c0, c.hz, c.handled}
	}
	return s
}

// Restore sets the block's state.
func (t *Timer) Restore(s State) error {
	t.apbHz, t.ctrl, t.ctrl2, t.unlocked = s.APBHz, s.Ctrl, s.Ctrl2, s.Unlocked
	for i, cs := range s.Ch {
		c := &t.ch[i]
		c.reload, c.match, c.frozen, c.t0, c.c0, c.hz, c.handled = cs.Reload, cs.Match, cs.Frozen, cs.T0, cs.C0, cs.Hz, cs.Handled
	}
	return nil
}
