// Package peer is a deterministic network peer for tests, traces and CI:
// the "--nic peer" backend. It plays the gateway of QEMU's user-mode
// network (network/gateway: 10.0.2.2, MAC 52:55:0a:00:02:02) with a few
// services of its own, and nothing beyond it:
//
//   - ARP: answers requests for 10.0.2.2;
//   - DHCP: the same server as --nic user's (the guest gets 10.0.2.15,
//     router 10.0.2.2);
//   - ICMP: echo replies from 10.0.2.2;
//   - TCP on 10.0.2.2: port 7 echo (RFC 862), port 9 discard (RFC 863),
//     port ProbePort the UDP probe (below); a segment to any other port is
//     answered with a reset;
//   - UDP on 10.0.2.2: port 7 echo; other ports answer ICMP port
//     unreachable;
//   - the UDP probe: when the guest closes its side of a TCP connection to
//     ProbePort, the peer sends one datagram (ProbePayload) from
//     10.0.2.2:ProbePort to the guest's UDP port 7 and closes the
//     connection when the echo comes back (or after ProbeTimeout). It lets
//     a script start a UDP server in the guest, then have the peer talk to
//     it ("netstudy udpecho 7 & sleep 1; netstudy source 10.0.2.2 40007 1").
//
// Frames to other addresses (and IPv6) are dropped.
//
// Unlike --nic user, which NATs to host sockets on backend goroutines,
// the peer runs on the machine goroutine and the virtual clock
// (network.Clocked): a frame from the guest is handled when the MAC sends
// it, and everything the peer sends is delivered by one clock timer a
// fixed Latency of guest time later; a service's own action (the echo's
// data, a server's close) comes AppDelay after what caused it. What the
// guest receives, and when, follows from guest time alone, so a
// "smoke --deterministic --nic peer" run is byte-identical from run to
// run.
//
// The TCP side is a small RFC 9293 state machine for a lossless link:
// three-way handshake, in-order data with immediate ACKs, FIN both ways,
// resets; no retransmission, no options but MSS (so no window scaling,
// timestamps or SACK). A segment out of order is answered with a
// duplicate ACK and dropped. Frames are built and parsed with gopacket.
//
// References: RFC 826 (ARP), RFC 792 (ICMP), RFC 768 (UDP), RFC 9293
// (TCP), RFC 862/863 (echo, discard); QEMU docs "Network emulation".
package peer

import (
	"errors"
	"net"
	"sync/atomic"

	"github.com/ast2500emu/ast2500emu/network/gateway"
	"github.com/ast2500emu/ast2500emu/vclock"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Timing of the peer, in guest nanoseconds.
const (
	// DefaultLatency is how long a frame from the peer takes to reach
	// the guest after what caused it (one hop of a fast LAN).
	DefaultLatency = 50_000
	// AppDelay is how long a service takes to act on what it received
	// (echo the data, close after the guest's FIN).
	AppDelay = 500_000
	// ProbeTimeout bounds the wait for the echo of the UDP probe.
	ProbeTimeout = 1_000_000_000
)

// Ports of the peer's services on 10.0.2.2.
const (
	EchoPort    = 7     // TCP and UDP echo
	DiscardPort = 9     // TCP discard
	ProbePort   = 40007 // TCP: the guest's FIN triggers the UDP probe
	// ProbeGuestPort is the guest's UDP port the probe is sent to.
	ProbeGuestPort = 7
)

// ProbePayload is the datagram of the UDP probe.
var ProbePayload = []byte("hello from the peer\n")

// maxConns bounds the TCP connections the peer keeps.
const maxConns = 64

// Config configures New.
type Config struct {
	GuestMAC net.HardwareAddr // optional: the MAC that gets 10.0.2.15 (else the first DHCP client)
	MTU      int              // link MTU (DHCP option, TCP MSS); 0: 1500
	Latency  uint64           // guest ns; 0: DefaultLatency
}

// Stats counts what the peer's services did.
type Stats struct {
	TCPConns    int // connections accepted
	TCPReceived int // data bytes received in order
	TCPSent     int // data bytes sent
	UDPEchoes   int // datagrams echoed (UDP port 7)
	ProbeEchoes int // echoes of the UDP probe received
	Pings       int // ICMP echo requests answered
	Resets      int // resets sent
}

// Peer is the deterministic peer. It implements network.Clocked; it is
// used from the machine goroutine only (Close excepted).
type Peer struct {
	mtu     int
	latency uint64
	dhcp    *gateway.DHCP

	clk     *vclock.Clock
	timer   *vclock.Timer
	deliver func([]byte)
	queue   []event // by due time, then in order of scheduling

	conns  []*conn
	nconns uint32 // connections ever made (initial sequence numbers)
	ipID   uint16
	stats  Stats
	closed atomic.Bool
}

// event is a frame to deliver, or an action to run, at a guest time.
type event struct {
	at    uint64
	frame []byte
	fn    func()
}

// New returns a peer; it does nothing until StartClocked.
func New(cfg Config) (*Peer, error) {
	mtu := cfg.MTU
	if mtu == 0 {
		mtu = 1500
	}
	if mtu < 576 || mtu > 9000 {
		return nil, errors.New("peer: MTU out of range 576-9000")
	}
	if cfg.GuestMAC != nil && len(cfg.GuestMAC) != 6 {
		return nil, errors.New("peer: guest MAC is not an Ethernet address")
	}
	lat := cfg.Latency
	if lat == 0 {
		lat = DefaultLatency
	}
	return &Peer{mtu: mtu, latency: lat, dhcp: gateway.NewDHCP(cfg.GuestMAC, mtu)}, nil
}

// Start refuses: the peer runs on the virtual clock (StartClocked).
func (p *Peer) Start(func([]byte)) error {
	return errors.New("peer: needs the machine's virtual clock (start it with StartClocked)")
}

// StartClocked makes the peer deliver its frames with deliver from the
// clock timer "netpeer".
func (p *Peer) StartClocked(clk *vclock.Clock, deliver func(frame []byte)) error {
	if p.clk != nil {
		return errors.New("peer: already started")
	}
	p.clk, p.deliver = clk, deliver
	p.timer = clk.NewTimer("netpeer", p.run)
	return nil
}

// LinkUp is true until Close.
func (p *Peer) LinkUp() bool { return !p.closed.Load() }

// Close stops the peer: nothing more is delivered.
func (p *Peer) Close() error {
	p.closed.Store(true)
	return nil
}

// Stats returns the services' counters.
func (p *Peer) Stats() Stats { return p.stats }

// Pending reports how many frames and actions wait for their time.
func (p *Peer) Pending() int { return len(p.queue) }

// at schedules e (frame or fn) d guest nanoseconds from now, after every
// event already due at that time.
func (p *Peer) at(d uint64, frame []byte, fn func()) {
	if p.clk == nil || p.closed.Load() || (frame == nil && fn == nil) {
		return
	}
	e := event{at: p.clk.Now() + d, frame: frame, fn: fn}
	i := len(p.queue)
	for i > 0 && p.queue[i-1].at > e.at {
		i--
	}
	p.queue = append(p.queue, event{})
	copy(p.queue[i+1:], p.queue[i:])
	p.queue[i] = e
	if i == 0 {
		p.timer.Set(e.at)
	}
}

// send delivers a frame after the link's latency.
func (p *Peer) send(frame []byte) { p.at(p.latency, frame, nil) }

// run is the timer: deliver every frame and run every action now due.
func (p *Peer) run() {
	for len(p.queue) > 0 && p.queue[0].at <= p.clk.Now() {
		e := p.queue[0]
		p.queue = p.queue[1:]
		if p.closed.Load() {
			p.queue = nil
			return
		}
		if e.frame != nil {
			p.deliver(e.frame)
		}
		if e.fn != nil {
			e.fn()
		}
	}
	if len(p.queue) > 0 {
		p.timer.Set(p.queue[0].at)
	}
}

// Send takes one frame from the guest (on the machine goroutine) and
// answers it on the clock.
func (p *Peer) Send(frame []byte) {
	if p.clk == nil || p.closed.Load() || len(frame) < 14 {
		return
	}
	if reply, consumed := p.dhcp.Handle(frame); consumed {
		if reply != nil {
			p.send(reply)
		}
		return
	}
	pkt := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
	eth, _ := pkt.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	if eth == nil || len(eth.SrcMAC) != 6 {
		return
	}
	src := [6]byte(eth.SrcMAC)
	if arp, _ := pkt.Layer(layers.LayerTypeARP).(*layers.ARP); arp != nil {
		p.arp(src, arp)
		return
	}
	ip, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if ip == nil || ip.DstIP.To4() == nil || !ip.DstIP.Equal(gateway.IP.AsSlice()) || ip.SrcIP.To4() == nil {
		return
	}
	if ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
		return // the peer does not reassemble
	}
	h := hop{mac: src, ip: [4]byte(ip.SrcIP.To4())}
	switch l4 := pkt.Layer(ip.NextLayerType()).(type) {
	case *layers.ICMPv4:
		if l4.TypeCode.Type() == layers.ICMPv4TypeEchoRequest {
			p.stats.Pings++
			p.sendIP(h, layers.IPProtocolICMPv4, &layers.ICMPv4{
				TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoReply, 0), Id: l4.Id, Seq: l4.Seq,
			}, gopacket.Payload(l4.Payload))
		}
	case *layers.UDP:
		p.udp(h, ip, frame, l4)
	case *layers.TCP:
		p.tcp(h, l4)
	}
}

// hop is where a reply goes: the guest's MAC and IPv4 address.
type hop struct {
	mac [6]byte
	ip  [4]byte
}

// arp answers a request for the gateway's address.
func (p *Peer) arp(src [6]byte, a *layers.ARP) {
	if a.Operation != layers.ARPRequest || a.AddrType != layers.LinkTypeEthernet || a.Protocol != layers.EthernetTypeIPv4 ||
		len(a.DstProtAddress) != 4 || [4]byte(a.DstProtAddress) != gateway.IP.As4() || len(a.SourceProtAddress) != 4 {
		return
	}
	p.send(gateway.Serialize(
		&layers.Ethernet{SrcMAC: gateway.MAC, DstMAC: net.HardwareAddr(src[:]), EthernetType: layers.EthernetTypeARP},
		&layers.ARP{
			AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
			Operation:       layers.ARPReply,
			SourceHwAddress: gateway.MAC, SourceProtAddress: gateway.IP.AsSlice(),
			DstHwAddress: a.SourceHwAddress, DstProtAddress: a.SourceProtAddress,
		}))
}

// sendIP sends an IPv4 packet from 10.0.2.2 to h; a TCP or UDP layer gets
// its checksum's pseudo-header.
func (p *Peer) sendIP(h hop, proto layers.IPProtocol, l4 gopacket.SerializableLayer, payload gopacket.Payload) {
	ip := gateway.IPv4(gateway.IP, h.ip, proto)
	p.ipID++
	ip.Id = p.ipID
	switch l := l4.(type) {
	case *layers.TCP:
		l.SetNetworkLayerForChecksum(ip)
	case *layers.UDP:
		l.SetNetworkLayerForChecksum(ip)
	}
	p.send(gateway.Serialize(gateway.Ethernet(h.mac), ip, l4, payload))
}

// udp answers a datagram to 10.0.2.2: the echo service, the echo of the
// probe, or port unreachable.
func (p *Peer) udp(h hop, ip *layers.IPv4, frame []byte, u *layers.UDP) {
	switch {
	case u.DstPort == EchoPort:
		p.stats.UDPEchoes++
		p.sendIP(h, layers.IPProtocolUDP, &layers.UDP{SrcPort: EchoPort, DstPort: u.SrcPort}, gopacket.Payload(u.Payload))
	case u.DstPort == ProbePort && u.SrcPort == ProbeGuestPort:
		p.stats.ProbeEchoes++
		for _, c := range p.conns {
			if c.probing && c.peer.ip == h.ip {
				c.probing = false
				p.at(AppDelay, nil, func() { p.closeConn(c) })
			}
		}
	default:
		// ICMP port unreachable quotes the IP header and 8 bytes.
		quote := frame[14:]
		if n := len(ip.Contents) + 8; n <= len(quote) {
			quote = quote[:n]
		}
		p.sendIP(h, layers.IPProtocolICMPv4, &layers.ICMPv4{
			TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodePort),
		}, gopacket.Payload(quote))
	}
}
