package machine

// Network plumbing: each MAC has a network.Port (network/port.go) that
// the machine attaches. The port carries the MAC's frames to its backend,
// with the pcap capture as a tap on it (stamped with guest time) and, for
// MAC0 of an NC-SI board (romulus), the NC-SI responder as a filter with
// its own reply timer (devices/ncsi/filter.go). Frames from a backend
// arrive on backend goroutines and reach the MAC on the machine goroutine;
// a clocked backend (network/peer) delivers from the clock's timers.

import (
	"time"

	"github.com/ast2500emu/ast2500emu/devices/ncsi"
	"github.com/ast2500emu/ast2500emu/network"
	"github.com/ast2500emu/ast2500emu/network/pcap"
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

// newPorts makes the MACs' ports on their backends (before the SoC, whose
// MACs transmit into them).
func (m *Machine) newPorts() {
	for i, nc := range []NetConfig{m.cfg.Net, m.cfg.Net1} {
		m.ports[i] = network.NewPort(nc.Backend)
		if w := nc.PCAP; w != nil {
			m.ports[i].AddTap(pcap.Tap(w, func() time.Time { return time.Unix(0, int64(m.Clock.Now())) }))
		}
	}
}

// setupNetwork connects the ports to the MACs, puts the NC-SI responder
// on MAC0's port when the board has one (MAC1 never: NC-SI is MAC0's RMII
// to the host NIC), and starts the backends.
func (m *Machine) setupNetwork() error {
	for i, p := range m.ports {
		mac := m.SoC.MAC[i]
		p.Connect(mac.Receive)
		b := p.Backend()
		if i == 0 && m.cfg.Net.NCSI {
			r := ncsi.New(ncsi.Config{MAC: m.cfg.Net.NICMAC, Link: b.LinkUp})
			m.ncsi = ncsi.NewFilter(r, m.Clock, p.Deliver)
			p.SetFilter(m.ncsi)
			mac.SetLink(true) // RMII to the NIC's management controller
		} else {
			mac.SetLink(b.LinkUp())
		}
		if err := p.StartOn(m.Clock); err != nil {
			return err
		}
	}
	return nil
}

// closeNetwork releases the backends and flushes the captures.
func (m *Machine) closeNetwork() {
	for _, p := range m.ports {
		if p != nil {
			p.Close()
		}
	}
}
