package network

// A Port is one MAC's side of the cable. The machine attaches one to each
// MAC: frames the MAC transmits go to Send, pass every tap, then a filter
// (which may consume them), then the backend; frames for the MAC (from the
// backend, or answers the filter makes) go to Deliver, pass every tap and
// the filter, then reach the MAC. The port runs on the machine goroutine:
// Start hands the backend's frames to it through post (StartOn: a
// Clocked backend's straight from the clock's timers).

import "github.com/ast2500emu/ast2500emu/vclock"

// Tap sees every frame crossing a port, in both directions (a capture).
type Tap interface {
	Frame(frame []byte)
	Close() error
}

// Filter sits between a MAC and its backend and may answer frames itself
// (the NC-SI responder of a board whose MAC0 talks to the host NIC's
// management controller).
type Filter interface {
	// Transmit sees a frame the MAC sent; true: the filter consumed it and
	// it never reaches the backend.
	Transmit(frame []byte) bool
	// Receive sees a frame on its way to the MAC.
	Receive(frame []byte)
}

// Port connects one MAC to a backend.
type Port struct {
	backend Backend
	taps    []Tap
	filter  Filter
	mac     func(frame []byte)
}

// NewPort returns a port on b (nil: no cable).
func NewPort(b Backend) *Port {
	if b == nil {
		b = NewNone()
	}
	return &Port{backend: b}
}

// Backend returns the port's backend.
func (p *Port) Backend() Backend { return p.backend }

// AddTap adds a tap; Close closes it.
func (p *Port) AddTap(t Tap) { p.taps = append(p.taps, t) }

// SetFilter puts f between the MAC and the backend.
func (p *Port) SetFilter(f Filter) { p.filter = f }

// Connect sets where Deliver hands frames: the MAC's receive path.
func (p *Port) Connect(mac func(frame []byte)) { p.mac = mac }

// StartOn starts the backend on the machine's clock: a Clocked backend
// delivers from the clock's timers, any other through clk.Post.
func (p *Port) StartOn(clk *vclock.Clock) error {
	if c, ok := p.backend.(Clocked); ok {
		return c.StartClocked(clk, p.Deliver)
	}
	return p.Start(clk.Post)
}

// Start starts the backend; post runs a function on the machine goroutine.
func (p *Port) Start(post func(func())) error {
	return p.backend.Start(func(frame []byte) {
		post(func() { p.Deliver(frame) })
	})
}

// Send carries a frame the MAC transmitted.
func (p *Port) Send(frame []byte) {
	for _, t := range p.taps {
		t.Frame(frame)
	}
	if p.filter != nil && p.filter.Transmit(frame) {
		return
	}
	p.backend.Send(frame)
}

// Deliver carries a frame to the MAC.
func (p *Port) Deliver(frame []byte) {
	for _, t := range p.taps {
		t.Frame(frame)
	}
	if p.filter != nil {
		p.filter.Receive(frame)
	}
	if p.mac != nil {
		p.mac(frame)
	}
}

// Close closes the backend, then the taps.
func (p *Port) Close() error {
	err := p.backend.Close()
	for _, t := range p.taps {
		if terr := t.Close(); err == nil {
			err = terr
		}
	}
	return err
}
