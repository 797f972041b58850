package usernet

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// HostFwd is one port forward from a host socket to a guest port, the
// equivalent of QEMU's "hostfwd=" user-network option.
type HostFwd struct {
	Proto     string     // "tcp" or "udp"
	HostAddr  netip.Addr // host address to listen on (default 127.0.0.1)
	HostPort  uint16
	GuestAddr netip.Addr // guest address inside 10.0.2.0/24 (default 10.0.2.15)
	GuestPort uint16
}

// String returns the rule in canonical QEMU syntax.
func (h HostFwd) String() string {
	return fmt.Sprintf("%s:%s:%d-%s:%d", h.Proto, h.HostAddr, h.HostPort, h.GuestAddr, h.GuestPort)
}

// hostKey is the host socket the rule listens on (one per protocol).
func (h HostFwd) hostKey() string {
	return h.Proto + ":" + netip.AddrPortFrom(h.HostAddr, h.HostPort).String()
}

const hostFwdSyntax = "want [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport"

// ParseHostFwd parses a forward rule in QEMU syntax:
//
//	[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport
//
// The protocol defaults to tcp, the host address to 127.0.0.1 (loopback
// only; give 0.0.0.0 to listen on every interface) and the guest address to
// 10.0.2.15. Addresses are IPv4 literals. Errors are one line naming the rule.
func ParseHostFwd(s string) (HostFwd, error) {
	bad := func(format string, args ...any) (HostFwd, error) {
		return HostFwd{}, fmt.Errorf("hostfwd %q: %s (%s)", s, fmt.Sprintf(format, args...), hostFwdSyntax)
	}
	hostPart, guestPart, ok := strings.Cut(s, "-")
	if !ok {
		return bad("missing '-' between host and guest side")
	}
	if strings.Contains(guestPart, "-") {
		return bad("more than one '-'")
	}
	hf := HostFwd{Proto: "tcp", HostAddr: netip.AddrFrom4([4]byte{127, 0, 0, 1}), GuestAddr: guestIP}

	hp := strings.Split(hostPart, ":")
	if len(hp) != 3 {
		return bad("host side %q must be proto:addr:port (proto and addr may be empty)", hostPart)
	}
	switch hp[0] {
	case "", "tcp":
	case "udp":
		hf.Proto = "udp"
	default:
		return bad("unknown protocol %q", hp[0])
	}
	if hp[1] != "" {
		a, err := netip.ParseAddr(hp[1])
		if err != nil || !a.Is4() {
			return bad("host address %q is not an IPv4 address", hp[1])
		}
		hf.HostAddr = a
	}
	port, err := parsePort(hp[2])
	if err != nil {
		return bad("host port: %v", err)
	}
	hf.HostPort = port

	gp := strings.Split(guestPart, ":")
	if len(gp) != 2 {
		return bad("guest side %q must be addr:port (addr may be empty)", guestPart)
	}
	if gp[0] != "" {
		a, err := netip.ParseAddr(gp[0])
		if err != nil || !a.Is4() {
			return bad("guest address %q is not an IPv4 address", gp[0])
		}
		if !subnet.Contains(a) || a == subnet.Addr() || a == gatewayIP || a == dnsIP || a == broadcastIP {
			return bad("guest address %s is not a guest address in %s", a, subnet)
		}
		hf.GuestAddr = a
	}
	port, err = parsePort(gp[1])
	if err != nil {
		return bad("guest port: %v", err)
	}
	hf.GuestPort = port
	return hf, nil
}

func parsePort(s string) (uint16, error) {
	if s == "" {
		return 0, fmt.Errorf("missing")
	}
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%q is not a port number 1-65535", s)
	}
	return uint16(n), nil
}
