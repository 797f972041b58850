package machine

// Network plumbing: MAC0's frames go to NC-SI (romulus) or to the network
// backend, and every frame MAC0 sends or receives is recorded in the pcap
// file, timestamped with guest time. Frames from the backend arrive on
// backend goroutines and are handed to the MAC on the machine goroutine.

import (
	"time"

	"github.com/ast2500emu/ast2500emu/devices/ncsi"
	"github.com/ast2500emu/ast2500emu/network"
	"github.com/ast2500emu/ast2500emu/network/pcap"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// NetConfig attaches MAC0 to the outside.
type NetConfig struct {
	Backend network.Backend // nil: none
	PCAP    *pcap.Writer    // nil: no capture
	// NCSI makes MAC0 talk NC-SI to an emulated NIC (romulus); frames
	// NC-SI carries are answered here and never reach the backend.
	NCSI bool
	// NICMAC is the emulated NIC's address (NC-SI OEM Get MAC Address).
	NICMAC [6]byte
}

// ncsiDelay is how long the emulated NIC takes to answer an NC-SI command.
const ncsiDelay = 20_000 // ns

type netState struct {
	cfg     NetConfig
	ncsi    *ncsi.Responder
	pending [][]byte // NC-SI replies waiting for ncsiTimer
	timer   *vclock.Timer
}

func (m *Machine) setupNetwork() error {
	n := &m.net
	n.cfg = m.cfg.Net
	if n.cfg.Backend == nil {
		n.cfg.Backend = network.NewNone()
	}
	b := n.cfg.Backend
	if n.cfg.NCSI {
		n.ncsi = ncsi.New(ncsi.Config{MAC: n.cfg.NICMAC, Link: b.LinkUp})
		n.timer = m.Clock.NewTimer("ncsi", m.deliverNCSI)
		m.SoC.MAC[0].SetLink(true) // RMII to the NIC's management controller
	} else {
		m.SoC.MAC[0].SetLink(b.LinkUp())
	}
	return b.Start(func(frame []byte) {
		m.Clock.Post(func() { m.receive(frame) })
	})
}

// receive delivers a frame from the network to MAC0.
func (m *Machine) receive(frame []byte) {
	m.capture(frame)
	if n := m.net.ncsi; n != nil && !ncsi.IsNCSI(frame) {
		n.CountPassThrough(false, len(frame))
	}
	m.SoC.MAC[0].Receive(frame)
}

func (m *Machine) capture(frame []byte) {
	if w := m.net.cfg.PCAP; w != nil {
		w.Write(frame, time.Unix(0, int64(m.Clock.Now())))
	}
}

// macTx routes a frame a MAC transmitted.
func (m *Machine) macTx(mac int, frame []byte) {
	if mac != 0 {
		return // MAC1 is not connected
	}
	n := &m.net
	m.capture(frame)
	if n.ncsi != nil && ncsi.IsNCSI(frame) {
		if replies := n.ncsi.Handle(frame); len(replies) > 0 {
			n.pending = append(n.pending, replies...)
			if !n.timer.Active() {
				n.timer.SetAfter(ncsiDelay)
			}
		}
		return
	}
	if n.ncsi != nil {
		n.ncsi.CountPassThrough(true, len(frame))
	}
	n.cfg.Backend.Send(frame)
}

func (m *Machine) deliverNCSI() {
	n := &m.net
	replies := n.pending
	n.pending = nil
	for _, r := range replies {
		m.receive(r)
	}
}

// closeNetwork releases the backend and flushes the capture.
func (m *Machine) closeNetwork() {
	if b := m.net.cfg.Backend; b != nil {
		b.Close()
	}
	if w := m.net.cfg.PCAP; w != nil {
		w.Close()
	}
}
