package usernet

// Frames the user network builds itself (DHCP replies, refusals from
// 10.0.2.3) are serialized with gopacket's layers, which compute lengths
// and the IPv4, TCP, UDP and ICMP checksums.

import (
	"net"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// serialize encodes the layers into one frame (lengths and checksums
// computed). The layers are built here and always serialize.
func serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		panic("usernet: serialize: " + err.Error())
	}
	return buf.Bytes()
}

// gatewayEthernet is the Ethernet header of a frame from the gateway.
func gatewayEthernet(dst [6]byte) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: GatewayMAC, DstMAC: net.HardwareAddr(dst[:]), EthernetType: layers.EthernetTypeIPv4}
}

// gatewayIPv4 is the IPv4 header of a packet from one of the gateway's
// addresses (10.0.2.2, 10.0.2.3).
func gatewayIPv4(src netip.Addr, dst [4]byte, proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: src.AsSlice(), DstIP: net.IP(dst[:])}
}

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
		return serialize(gatewayEthernet(dst), gatewayIPv4(dnsIP, guest, layers.IPProtocolICMPv4),
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
		ipr := gatewayIPv4(dnsIP, guest, layers.IPProtocolTCP)
		rst.SetNetworkLayerForChecksum(ipr)
		return serialize(gatewayEthernet(dst), ipr, rst), true
	}
	return nil, true
}
