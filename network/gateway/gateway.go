// Package gateway is what the emulator's in-process networks share: QEMU's
// user-mode (slirp) addressing of 10.0.2.0/24, the Ethernet and IPv4
// headers of frames from the gateway, and the gateway's DHCP server.
// network/usernet (NAT to the host) and network/peer (a deterministic
// peer on the virtual clock) both answer as this gateway, so a guest
// configures itself the same way on either:
//
//	10.0.2.0/24  the virtual network
//	10.0.2.2     the gateway (MAC 52:55:0a:00:02:02)
//	10.0.2.3     DNS (usernet only)
//	10.0.2.15    the guest, handed out by DHCP
//
// Frames are serialized with gopacket's layers, which compute lengths and
// the IPv4, TCP, UDP and ICMP checksums.
//
// References: QEMU docs "Network emulation" (user networking); RFC 2131
// and 2132 (DHCP).
package gateway

import (
	"net"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// QEMU-compatible addressing.
var (
	Subnet      = netip.MustParsePrefix("10.0.2.0/24")
	IP          = netip.MustParseAddr("10.0.2.2")
	DNSIP       = netip.MustParseAddr("10.0.2.3")
	GuestIP     = netip.MustParseAddr("10.0.2.15")
	BroadcastIP = netip.MustParseAddr("10.0.2.255")
	// MAC is the Ethernet address of 10.0.2.2 and 10.0.2.3 (the one
	// QEMU's slirp uses).
	MAC = net.HardwareAddr{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}
)

// Serialize encodes the layers into one frame (lengths and checksums
// computed). Callers build the layers themselves; a layer that cannot
// serialize (a programming error) yields nil.
func Serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		return nil
	}
	return buf.Bytes()
}

// Ethernet is the Ethernet header of an IPv4 frame from the gateway.
func Ethernet(dst [6]byte) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: MAC, DstMAC: net.HardwareAddr(dst[:]), EthernetType: layers.EthernetTypeIPv4}
}

// IPv4 is the IPv4 header of a packet from one of the gateway's addresses
// (10.0.2.2, 10.0.2.3) to dst.
func IPv4(src netip.Addr, dst [4]byte, proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: src.AsSlice(), DstIP: net.IP(dst[:])}
}
