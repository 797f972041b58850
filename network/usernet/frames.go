package usernet

// Frames the user network builds itself (DHCP replies, network/gateway;
// refusals from 10.0.2.3, here) are serialized with gopacket's layers,
// which compute lengths and the IPv4, TCP, UDP and ICMP checksums.

import (
	"github.com/ast2500emu/ast2500emu/network/gateway"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// dnsOnly keeps 10.0.2.3 a DNS server and nothing else, as QEMU's is:
// gvisor-tap-vsock NATs every packet to that address to the host's
// resolver, so the guest could reach any port of it. Packets to 10.0.2.3
// other than DNS (UDP or TCP port 53) are consumed here: a TCP segment is
// answered with a reset and a UDP datagram with ICMP port unreachable (so
// the guest sees "connection refused" at once), anything else is dropped.
func dnsOnly(frame []byte) (reply []byte, consumed bool) {
	// A fast test first: IPv4 to 10.0.2.3 (the header's destination).
	if len(frame) < 14+20 || frame[12] != 0x08 || frame[13] != 0x00 || frame[14]>>4 != 4 ||
		[4]byte(frame[30:34]) != dnsIP.As4() {
		return nil, false
	}
	p := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
	eth, _ := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	ip, _ := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if eth == nil || ip == nil {
		return nil, true
	}
	if ip.FragOffset != 0 {
		return nil, true // a later fragment: only the first carries ports
	}
	var dst [6]byte
	copy(dst[:], eth.SrcMAC)
	var guest [4]byte
	copy(guest[:], ip.SrcIP.To4())
	switch l4 := p.TransportLayer().(type) {
	case *layers.UDP:
		if l4.DstPort == 53 {
			return nil, false
		}
		// ICMP port unreachable quotes the IP header and 8 bytes.
		quote := ip.Contents
		if n := len(ip.Contents) + 8; n <= len(frame)-14 {
			quote = frame[14 : 14+n]
		}
		return gateway.Serialize(gateway.Ethernet(dst), gateway.IPv4(dnsIP, guest, layers.IPProtocolICMPv4),
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodePort)},
			gopacket.Payload(quote)), true
	case *layers.TCP:
		if l4.DstPort == 53 {
			return nil, false
		}
		if l4.RST {
			return nil, true
		}
		// RFC 9293 3.10.7.1: a segment to a closed port gets a reset.
		rst := &layers.TCP{SrcPort: l4.DstPort, DstPort: l4.SrcPort, RST: true, Window: 0}
		if l4.ACK {
			rst.Seq = l4.Ack
		} else {
			rst.ACK = true
			rst.Ack = l4.Seq + uint32(len(l4.Payload))
			if l4.SYN {
				rst.Ack++
			}
			if l4.FIN {
				rst.Ack++
			}
		}
		ipr := gateway.IPv4(dnsIP, guest, layers.IPProtocolTCP)
		rst.SetNetworkLayerForChecksum(ipr)
		return gateway.Serialize(gateway.Ethernet(dst), ipr, rst), true
	}
	return nil, true
}
