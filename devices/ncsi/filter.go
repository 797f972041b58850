package ncsi

// Filter puts the Responder on a MAC's network.Port: NC-SI frames the MAC
// sends are answered after Delay (the emulated NIC's response time) and
// never reach the backend; other frames pass and are counted as
// pass-through traffic.

import "github.com/ast2500emu/ast2500emu/vclock"

// Delay is how long the emulated NIC takes to answer an NC-SI command.
const Delay = 20_000 // ns

// Filter is a Responder with its reply queue and the timer that delivers
// it.
type Filter struct {
	r       *Responder
	pending [][]byte
	timer   *vclock.Timer
}

// NewFilter returns a filter for r whose replies go to deliver (the
// port's Deliver) from the clock timer "ncsi".
func NewFilter(r *Responder, clk *vclock.Clock, deliver func(frame []byte)) *Filter {
	f := &Filter{r: r}
	f.timer = clk.NewTimer("ncsi", func() {
		replies := f.pending
		f.pending = nil
		for _, p := range replies {
			deliver(p)
		}
	})
	return f
}

// Responder returns the filter's responder.
func (f *Filter) Responder() *Responder { return f.r }

// Transmit answers an NC-SI frame (consuming it) and counts any other.
func (f *Filter) Transmit(frame []byte) bool {
	if !IsNCSI(frame) {
		f.r.CountPassThrough(true, len(frame))
		return false
	}
	if replies := f.r.Handle(frame); len(replies) > 0 {
		f.pending = append(f.pending, replies...)
		if !f.timer.Active() {
			f.timer.SetAfter(Delay)
		}
	}
	return true
}

// Receive counts a frame on its way to the MAC that is not NC-SI.
func (f *Filter) Receive(frame []byte) {
	if !IsNCSI(frame) {
		f.r.CountPassThrough(false, len(frame))
	}
}

// Pending returns a copy of the replies waiting for the timer.
func (f *Filter) Pending() [][]byte {
	var out [][]byte
	for _, p := range f.pending {
		out = append(out, append([]byte(nil), p...))
	}
	return out
}

// SetPending replaces the waiting replies (snapshot restore; the timer's
// state is the clock's).
func (f *Filter) SetPending(p [][]byte) { f.pending = p }

// Waiting reports whether replies wait for the timer.
func (f *Filter) Waiting() bool { return len(f.pending) > 0 && f.timer.Active() }
