package network

import (
	"bytes"
	"testing"
)

type recBackend struct {
	sent    [][]byte
	deliver func([]byte)
	closed  bool
}

func (r *recBackend) Send(f []byte)              { r.sent = append(r.sent, f) }
func (r *recBackend) Start(d func([]byte)) error { r.deliver = d; return nil }
func (r *recBackend) LinkUp() bool               { return true }
func (r *recBackend) Close() error               { r.closed = true; return nil }

type recTap struct {
	frames [][]byte
	closed bool
}

func (t *recTap) Frame(f []byte) { t.frames = append(t.frames, f) }
func (t *recTap) Close() error   { t.closed = true; return nil }

// eats consumes frames starting with 0xEE and records what it sees.
type eats struct{ rx [][]byte }

func (e *eats) Transmit(f []byte) bool { return f[0] == 0xEE }
func (e *eats) Receive(f []byte)       { e.rx = append(e.rx, f) }

// A port's taps see both directions, including frames its filter
// consumes; the backend sees only what the filter passes; frames from the
// backend reach the MAC through the posting function.
func TestPortTapsFilterBackend(t *testing.T) {
	be := &recBackend{}
	p := NewPort(be)
	tap := &recTap{}
	filt := &eats{}
	p.AddTap(tap)
	p.SetFilter(filt)
	var mac [][]byte
	p.Connect(func(f []byte) { mac = append(mac, f) })
	posted := 0
	if err := p.Start(func(fn func()) { posted++; fn() }); err != nil {
		t.Fatal(err)
	}
	p.Send([]byte{0xEE, 1})
	p.Send([]byte{0x01, 2})
	be.deliver([]byte{0x02, 3})
	if len(be.sent) != 1 || !bytes.Equal(be.sent[0], []byte{0x01, 2}) {
		t.Errorf("backend got %x, want only the frame the filter passed", be.sent)
	}
	if len(tap.frames) != 3 {
		t.Errorf("tap saw %d frames, want 3", len(tap.frames))
	}
	if posted != 1 || len(mac) != 1 || len(filt.rx) != 1 {
		t.Errorf("posted %d, MAC got %d, filter saw %d; want 1 each", posted, len(mac), len(filt.rx))
	}
	if err := p.Close(); err != nil || !be.closed || !tap.closed {
		t.Errorf("Close: %v, backend closed %v, tap closed %v", err, be.closed, tap.closed)
	}
}

// A port without a backend has no cable.
func TestPortNilBackend(t *testing.T) {
	p := NewPort(nil)
	if p.Backend().LinkUp() {
		t.Error("no backend but a link")
	}
	p.Send([]byte{1})
}
