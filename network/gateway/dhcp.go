package gateway

// DHCP server of the gateway (RFC 2131, options from RFC 2132), with the
// answers QEMU's slirp gives: address 10.0.2.15 (then .16, .17, ... for
// further clients), server and router 10.0.2.2, DNS 10.0.2.3, mask
// 255.255.255.0. usernet answers guest frames to UDP port 67 with it
// before they reach gvisor-tap-vsock's switch; the peer answers them with
// it on the virtual clock.

import (
	"encoding/binary"
	"net"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

// The DHCP ports (RFC 2131 4.1).
const (
	DHCPServerPort = 67
	DHCPClientPort = 68
	leaseTime      = 24 * time.Hour
	firstLease     = 15 // 10.0.2.15
	lastLease      = 254
)

// DHCP is the gateway's DHCP server: one lease per client MAC. It is used
// from one goroutine at a time.
type DHCP struct {
	mtu    int
	leases map[[6]byte]netip.Addr
	next   byte
}

// NewDHCP returns a server that advertises mtu; guestMAC, when it is an
// Ethernet address, gets 10.0.2.15 (else the first client does).
func NewDHCP(guestMAC net.HardwareAddr, mtu int) *DHCP {
	s := &DHCP{mtu: mtu, leases: map[[6]byte]netip.Addr{}, next: firstLease}
	if len(guestMAC) == 6 {
		s.leases[[6]byte(guestMAC)] = GuestIP
		s.next++
	}
	return s
}

// lease returns the address of a client, assigning the next free one.
func (s *DHCP) lease(mac [6]byte) (netip.Addr, bool) {
	if a, ok := s.leases[mac]; ok {
		return a, true
	}
	if s.next > lastLease || s.next == 0 {
		return netip.Addr{}, false
	}
	a := netip.AddrFrom4([4]byte{10, 0, 2, s.next})
	s.next++
	s.leases[mac] = a
	return a, true
}

// Handle inspects a guest frame. If it is a DHCP request to the server it
// is consumed (consumed true) and reply, when not nil, is the Ethernet
// frame to deliver to the guest.
func (s *DHCP) Handle(frame []byte) (reply []byte, consumed bool) {
	// Ethernet II, IPv4, UDP to port 67.
	if len(frame) < 14+20+8 || binary.BigEndian.Uint16(frame[12:14]) != 0x0800 {
		return nil, false
	}
	ip := frame[14:]
	ihl := int(ip[0]&0x0f) * 4
	if ip[0]>>4 != 4 || ihl < 20 || len(ip) < ihl+8 || ip[9] != 17 {
		return nil, false
	}
	if binary.BigEndian.Uint16(ip[6:8])&0x3fff != 0 { // fragment
		return nil, false
	}
	dst := netip.AddrFrom4([4]byte(ip[16:20]))
	if dst != netip.AddrFrom4([4]byte{255, 255, 255, 255}) && dst != IP {
		return nil, false
	}
	udp := ip[ihl:]
	if binary.BigEndian.Uint16(udp[2:4]) != DHCPServerPort {
		return nil, false
	}
	ulen := int(binary.BigEndian.Uint16(udp[4:6]))
	if ulen < 8 || ulen > len(udp) {
		return nil, true
	}
	req, err := dhcpv4.FromBytes(udp[8:ulen])
	if err != nil || req.OpCode != dhcpv4.OpcodeBootRequest || len(req.ClientHWAddr) != 6 {
		return nil, true
	}
	mac := [6]byte(req.ClientHWAddr)

	var typ dhcpv4.MessageType
	yiaddr := net.IPv4zero
	switch req.MessageType() {
	case dhcpv4.MessageTypeDiscover:
		a, ok := s.lease(mac)
		if !ok {
			return nil, true
		}
		typ, yiaddr = dhcpv4.MessageTypeOffer, net.IP(a.AsSlice())
	case dhcpv4.MessageTypeRequest:
		if sid := req.ServerIdentifier(); sid != nil && !sid.Equal(net.IP(IP.AsSlice())) {
			return nil, true // the client chose another server
		}
		a, ok := s.lease(mac)
		want := req.RequestedIPAddress()
		if want == nil || want.IsUnspecified() {
			want = req.ClientIPAddr
		}
		if !ok || !want.Equal(net.IP(a.AsSlice())) {
			typ = dhcpv4.MessageTypeNak
		} else {
			typ, yiaddr = dhcpv4.MessageTypeAck, net.IP(a.AsSlice())
		}
	case dhcpv4.MessageTypeInform:
		typ = dhcpv4.MessageTypeAck
	default: // RELEASE, DECLINE: the lease stays reserved for that MAC
		return nil, true
	}

	mods := []dhcpv4.Modifier{
		dhcpv4.WithMessageType(typ),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IP(IP.AsSlice()))),
	}
	if typ != dhcpv4.MessageTypeNak {
		mods = append(mods,
			dhcpv4.WithYourIP(yiaddr),
			dhcpv4.WithServerIP(net.IP(IP.AsSlice())),
			dhcpv4.WithOption(dhcpv4.OptSubnetMask(net.CIDRMask(Subnet.Bits(), 32))),
			dhcpv4.WithOption(dhcpv4.OptRouter(net.IP(IP.AsSlice()))),
			dhcpv4.WithOption(dhcpv4.OptDNS(net.IP(DNSIP.AsSlice()))),
			dhcpv4.WithOption(dhcpv4.OptBroadcastAddress(net.IP(BroadcastIP.AsSlice()))),
			dhcpv4.WithOption(dhcpv4.Option{Code: dhcpv4.OptionInterfaceMTU, Value: dhcpv4.Uint16(s.mtu)}),
		)
		if typ != dhcpv4.MessageTypeAck || req.MessageType() != dhcpv4.MessageTypeInform {
			mods = append(mods, dhcpv4.WithOption(dhcpv4.OptIPAddressLeaseTime(leaseTime)))
		}
	}
	resp, err := dhcpv4.NewReplyFromRequest(req, mods...)
	if err != nil {
		return nil, true
	}
	if req.MessageType() == dhcpv4.MessageTypeInform {
		resp.YourIPAddr = net.IPv4zero
	}

	// Unicast to a client that already has its address (renewal, INFORM),
	// broadcast otherwise (RFC 2131 4.1).
	dstMAC := [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	dstIP := [4]byte{255, 255, 255, 255}
	if ci := req.ClientIPAddr.To4(); ci != nil && !ci.IsUnspecified() && typ != dhcpv4.MessageTypeNak {
		dstMAC, dstIP = mac, [4]byte(ci)
	}
	return udpFrame(dstMAC, dstIP, DHCPClientPort, resp.ToBytes()), true
}

// udpFrame builds an Ethernet/IPv4/UDP frame from the gateway (port 67).
func udpFrame(dstMAC [6]byte, dstIP [4]byte, dstPort uint16, payload []byte) []byte {
	ip := IPv4(IP, dstIP, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: DHCPServerPort, DstPort: layers.UDPPort(dstPort)}
	udp.SetNetworkLayerForChecksum(ip)
	return Serialize(Ethernet(dstMAC), ip, udp, gopacket.Payload(payload))
}
