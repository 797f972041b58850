// Package network defines how the emulated Ethernet controller (the
// AST2500's FTGMAC100, devices/ftgmac100) exchanges frames with the outside
// world, and the simple backends that need no extra dependencies.
//
// A Backend carries whole Ethernet frames (destination MAC first, no FCS).
// The concrete backends live in subpackages:
//
//   - network/usernet: user-mode NAT network (QEMU "-nic user" addressing,
//     10.0.2.0/24) built on gvisor-tap-vsock and the gVisor TCP/IP stack;
//   - network/tap: a Linux TAP interface (/dev/net/tun, IFF_TAP|IFF_NO_PI);
//   - network/peer: a deterministic peer on the virtual clock (gateway
//     10.0.2.2 with DHCP, ARP, ping and a few TCP and UDP services), for
//     tests, traces and CI: a Clocked backend, so runs stay reproducible;
//   - network/pcap: a pcap writer and a Backend wrapper recording both
//     directions.
//
// NewNone is the "no cable" backend. ParseNIC splits a --nic option value.
package network

import (
	"fmt"
	"strings"

	"github.com/ast2500emu/ast2500emu/vclock"
)

// Backend moves Ethernet frames between the emulated NIC and the outside.
type Backend interface {
	// Send transmits one frame from the guest (destination MAC first, no FCS).
	// Called on the machine goroutine; it must not block for long (queue internally).
	Send(frame []byte)
	// Start begins delivering frames for the guest to deliver, from backend goroutines.
	// The machine wraps deliver so that frames reach the MAC on the machine goroutine.
	Start(deliver func(frame []byte)) error
	// LinkUp reports whether the backend has carrier (none: false).
	LinkUp() bool
	Close() error
}

// Clocked is a Backend that lives on the machine goroutine and the
// virtual clock instead of goroutines of its own: it answers frames from
// timers on the clock, so what the guest receives, and when, depends on
// guest time alone (a reproducible peer). The port starts it with
// StartClocked instead of Start.
type Clocked interface {
	Backend
	// StartClocked begins delivering frames with deliver (the port's
	// Deliver), always on the machine goroutine from timers on clk.
	StartClocked(clk *vclock.Clock, deliver func(frame []byte)) error
}

// Kinds of backend accepted by ParseNIC.
const (
	KindUser = "user"
	KindTap  = "tap"
	KindPeer = "peer"
	KindNone = "none"
)

// supported lists the --nic values for error messages.
const supported = "supported: user, tap:IFNAME, peer, none"

// ParseNIC splits a --nic value: "user", "tap:IFNAME", "peer" or "none".
// kind is one of KindUser, KindTap, KindPeer, KindNone; arg is the
// interface name for tap and empty otherwise.
func ParseNIC(spec string) (kind, arg string, err error) {
	mode, rest, hasArg := strings.Cut(spec, ":")
	switch mode {
	case KindUser, KindPeer, KindNone:
		if hasArg {
			return "", "", fmt.Errorf("--nic %q: mode %q takes no argument (%s)", spec, mode, supported)
		}
		return mode, "", nil
	case KindTap:
		if rest == "" {
			return "", "", fmt.Errorf("--nic %q: tap needs an interface name, e.g. tap:tap0", spec)
		}
		if len(rest) > 15 || strings.ContainsAny(rest, "/ \t\n:") {
			return "", "", fmt.Errorf("--nic %q: invalid interface name %q (at most 15 characters, no '/', ':' or spaces)", spec, rest)
		}
		return KindTap, rest, nil
	case "":
		return "", "", fmt.Errorf("--nic: empty backend (%s)", supported)
	default:
		return "", "", fmt.Errorf("--nic %q: unknown network backend %q (%s)", spec, mode, supported)
	}
}

// none is a Backend with no cable: it drops everything.
type none struct{}

// NewNone returns a Backend that drops every frame and reports no carrier.
func NewNone() Backend { return none{} }

func (none) Send([]byte)              {}
func (none) Start(func([]byte)) error { return nil }
func (none) LinkUp() bool             { return false }
func (none) Close() error             { return nil }
