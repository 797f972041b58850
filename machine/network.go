package machine

// Network plumbing: MAC0's frames go to NC-SI (romulus) or to the network
// backend, MAC1's to its own backend, and every frame a MAC sends or
// receives is recorded in that MAC's pcap file, timestamped with guest
// time. Frames from a backend arrive on backend goroutines and are handed
// to the MAC on the machine goroutine.

import (
	"time"

	"github.com/ast2500emu/ast2500emu/devices/ncsi"
	"github.com/ast2500emu/ast2500emu/network"
	"github.com/ast2500emu/ast2500emu/network/pcap"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// NetConfig attaches a MAC to the outside.
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
	mac     int
	cfg     NetConfig
	ncsi    *ncsi.Responder
	pending [][]byte // NC-SI replies waiting for ncsiTimer
	timer   *vclock.Timer
}

func (m *Machine) setupNetwork() error {
	m.net.mac, m.net.cfg = 0, m.cfg.Net
	m.net1.mac, m.net1.cfg = 1, m.cfg.Net1
	m.net1.cfg.NCSI = false // NC-SI is MAC0's (RMII to the host NIC)
	for _, n := range []*netState{&m.net, &m.net1} {
		if err := m.setupMAC(n); err != nil {
			return err
		}
	}
	return nil
}

func (m *Machine) setupMAC(n *netState) error {
	if n.cfg.Backend == nil {
		n.cfg.Backend = network.NewNone()
	}
	b := n.cfg.Backend
	mac := m.SoC.MAC[n.mac]
	if n.cfg.NCSI {
		n.ncsi = ncsi.New(ncsi.Config{MAC: n.cfg.NICMAC, Link: b.LinkUp})
		n.timer = m.Clock.NewTimer("ncsi", m.deliverNCSI)
		mac.SetLink(true) // RMII to the NIC's management controller
	} else {
		mac.SetLink(b.LinkUp())
	}
	return b.Start(func(frame []byte) {
		m.Clock.Post(func() { m.receive(n, frame) })
	})
}

// receive delivers a frame from the network to n's MAC.
func (m *Machine) receive(n *netState, frame []byte) {
	m.capture(n, frame)
	if nc := n.ncsi; nc != nil && !ncsi.IsNCSI(frame) {
		nc.CountPassThrough(false, len(frame))
	}
	m.SoC.MAC[n.mac].Receive(frame)
}

func (m *Machine) capture(n *netState, frame []byte) {
	if w := n.cfg.PCAP; w != nil {
		w.Write(frame, time.Unix(0, int64(m.Clock.Now())))
	}
}

// macTx routes a frame a MAC transmitted.
func (m *Machine) macTx(mac int, frame []byte) {
	n := &m.net
	if mac == 1 {
		n = &m.net1
	}
	m.capture(n, frame)
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
		m.receive(n, r)
	}
}

// closeNetwork releases the backends and flushes the captures.
func (m *Machine) closeNetwork() {
	for _, n := range []*netState{&m.net, &m.net1} {
		if b := n.cfg.Backend; b != nil {
			b.Close()
		}
		if w := n.cfg.PCAP; w != nil {
			w.Close()
		}
	}
}
