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
//   - network/pcap: a pcap writer and a Backend wrapper recording both
//     directions.
//
// NewNone is the "no cable" backend. ParseNIC splits a --nic option value.
package network

import (
	"fmt"
	"strings"
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

// Kinds of backend accepted by ParseNIC.
const (
	KindUser = "user"
	KindTap  = "tap"
	KindNone = "none"
)

// ParseNIC splits a --nic value: "user", "tap:IFNAME" or "none". kind is
// one of KindUser, KindTap, KindNone; arg is the interface name for tap and
// empty otherwise.
func ParseNIC(spec string) (kind, arg string, err error) {
	mode, rest, hasArg := strings.Cut(spec, ":")
	switch mode {
	case KindUser, KindNone:
		if hasArg {
			return "", "", fmt.Errorf("--nic %q: mode %q takes no argument (supported: user, tap:IFNAME, none)", spec, mode)
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
		return "", "", fmt.Errorf("--nic: empty backend (supported: user, tap:IFNAME, none)")
	default:
		return "", "", fmt.Errorf("--nic %q: unknown network backend %q (supported: user, tap:IFNAME, none)", spec, mode)
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
