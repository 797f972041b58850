package rtc

// State is the RTC's control register and time base (snapshots). The
// time base is in guest time, so a restored clock continues where the
// saved one was.
type State struct {
	Ctrl         uint32
	AnchorSecs   int64
	AnchorNs     uint64
	Held1, Held2 uint32
}

// State returns the RTC's state.
func (r *RTC) State() State { return State{r.ctrl, r.anchorSecs, r.anchorNs, r.held1, r.held2} }

// Restore sets the RTC's state.
func (r *RTC) Restore(s State) error {
	r.ctrl, r.anchorSecs, r.anchorNs, r.held1, r.held2 = s.Ctrl, s.AnchorSecs, s.AnchorNs, s.Held1, s.Held2
	return nil
}
