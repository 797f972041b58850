package peer

import (
	"bytes"
	"fmt"
	"net"
	"testing"

	"github.com/ast2500emu/ast2500emu/network"
	"github.com/ast2500emu/ast2500emu/network/gateway"
	"github.com/ast2500emu/ast2500emu/vclock"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

var (
	guestMAC = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x15}
	guestIP  = net.IPv4(10, 0, 2, 15).To4()
)

// rig is the peer on a clock of its own, driven like the machine does:
// the guest's frames go to Send, time skips to the next deadline and the
// due timers run.
type rig struct {
	t     *testing.T
	insns uint64
	clk   *vclock.Clock
	p     *Peer
	got   []rx
}

// rx is a frame the peer delivered and the guest time it arrived.
type rx struct {
	at    uint64
	frame []byte
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, clk: vclock.New(0)}
	r.clk.Attach(&r.insns)
	p, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	r.p = p
	var _ network.Clocked = p
	if err := p.StartClocked(r.clk, func(f []byte) {
		r.got = append(r.got, rx{r.clk.Now(), append([]byte(nil), f...)})
	}); err != nil {
		t.Fatal(err)
	}
	return r
}

// exchange sends frames from the guest and runs the clock until the peer
// has nothing left to do; it returns what the peer delivered meanwhile.
func (r *rig) exchange(frames ...[]byte) []rx { return r.exchangeFor(^uint64(0)>>1, frames...) }

// exchangeFor is exchange for at most d nanoseconds of guest time.
func (r *rig) exchangeFor(d uint64, frames ...[]byte) []rx {
	r.got = nil
	for _, f := range frames {
		r.p.Send(f)
	}
	end := r.clk.Now() + d
	for {
		ns, ok := r.clk.Next()
		if !ok || ns > end {
			break
		}
		r.clk.SkipTo(ns)
		r.clk.RunDue()
	}
	return r.got
}

// frame serializes the guest's layers (lengths and checksums computed).
func frame(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ipFrame is a frame from the guest to 10.0.2.2 carrying l4.
func ipFrame(t *testing.T, proto layers.IPProtocol, l4 gopacket.SerializableLayer, payload []byte) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: guestMAC, DstMAC: gateway.MAC, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: guestIP, DstIP: gateway.IP.AsSlice()}
	switch l := l4.(type) {
	case *layers.TCP:
		l.SetNetworkLayerForChecksum(ip)
	case *layers.UDP:
		l.SetNetworkLayerForChecksum(ip)
	}
	return frame(t, eth, ip, l4, gopacket.Payload(payload))
}

// decoded is one delivered frame, decoded, with its checksums verified.
type decoded struct {
	at  uint64
	eth *layers.Ethernet
	ip  *layers.IPv4
	tcp *layers.TCP
	udp *layers.UDP
	pkt gopacket.Packet
}

func decode(t *testing.T, f rx) decoded {
	t.Helper()
	p := gopacket.NewPacket(f.frame, layers.LayerTypeEthernet, gopacket.Default)
	if el := p.ErrorLayer(); el != nil {
		t.Fatalf("frame does not decode: %v", el.Error())
	}
	d := decoded{at: f.at, pkt: p}
	d.eth, _ = p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	d.ip, _ = p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	d.tcp, _ = p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	d.udp, _ = p.Layer(layers.LayerTypeUDP).(*layers.UDP)
	if !bytes.Equal(d.eth.SrcMAC, gateway.MAC) {
		t.Errorf("frame from %v, want the gateway's MAC", d.eth.SrcMAC)
	}
	if d.ip != nil {
		if !d.ip.SrcIP.Equal(gateway.IP.AsSlice()) || !d.ip.DstIP.Equal(guestIP) || !bytes.Equal(d.eth.DstMAC, guestMAC) {
			t.Errorf("packet %v -> %v (MAC %v)", d.ip.SrcIP, d.ip.DstIP, d.eth.DstMAC)
		}
		// The checksums: the IPv4 header's, and the transport's over the
		// pseudo-header, recomputed by serializing the decoded layers.
		again := gopacket.NewSerializeBuffer()
		ls := []gopacket.SerializableLayer{d.ip}
		switch {
		case d.tcp != nil:
			d.tcp.SetNetworkLayerForChecksum(d.ip)
			ls = append(ls, d.tcp, gopacket.Payload(d.tcp.Payload))
		case d.udp != nil:
			d.udp.SetNetworkLayerForChecksum(d.ip)
			ls = append(ls, d.udp, gopacket.Payload(d.udp.Payload))
		}
		ipCk, tcpCk, udpCk := d.ip.Checksum, uint16(0), uint16(0)
		if d.tcp != nil {
			tcpCk = d.tcp.Checksum
		}
		if d.udp != nil {
			udpCk = d.udp.Checksum
		}
		if err := gopacket.SerializeLayers(again, gopacket.SerializeOptions{ComputeChecksums: true}, ls...); err != nil {
			t.Fatal(err)
		}
		if d.ip.Checksum != ipCk || (d.tcp != nil && d.tcp.Checksum != tcpCk) || (d.udp != nil && d.udp.Checksum != udpCk) {
			t.Errorf("bad checksum in %v", p)
		}
	}
	return d
}

// one expects exactly one delivered frame, Latency after now.
func (r *rig) one(sent uint64, got []rx, delay uint64) decoded {
	r.t.Helper()
	if len(got) != 1 {
		r.t.Fatalf("peer delivered %d frames, want 1", len(got))
	}
	d := decode(r.t, got[0])
	if d.at != sent+delay {
		r.t.Errorf("frame at %d ns, want %d (sent %d + %d)", d.at, sent+delay, sent, delay)
	}
	return d
}

func TestARP(t *testing.T) {
	r := newRig(t)
	req := func(target net.IP) []byte {
		return frame(t, &layers.Ethernet{SrcMAC: guestMAC, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeARP},
			&layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
				Operation: layers.ARPRequest, SourceHwAddress: guestMAC, SourceProtAddress: guestIP,
				DstHwAddress: make([]byte, 6), DstProtAddress: target.To4()})
	}
	d := r.one(0, r.exchange(req(net.IPv4(10, 0, 2, 2))), DefaultLatency)
	a, _ := d.pkt.Layer(layers.LayerTypeARP).(*layers.ARP)
	if a == nil || a.Operation != layers.ARPReply || !bytes.Equal(a.SourceHwAddress, gateway.MAC) ||
		!net.IP(a.SourceProtAddress).Equal(net.IPv4(10, 0, 2, 2)) || !bytes.Equal(a.DstHwAddress, guestMAC) ||
		!net.IP(a.DstProtAddress).Equal(guestIP) || !bytes.Equal(d.eth.DstMAC, guestMAC) {
		t.Errorf("ARP reply: %v", d.pkt)
	}
	if got := r.exchange(req(net.IPv4(10, 0, 2, 99))); len(got) != 0 {
		t.Errorf("ARP for another address answered: %d frames", len(got))
	}
}

func TestDHCP(t *testing.T) {
	r := newRig(t)
	disc, err := dhcpv4.NewDiscovery(guestMAC)
	if err != nil {
		t.Fatal(err)
	}
	dhcpFrame := func(m *dhcpv4.DHCPv4) []byte {
		ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IPv4zero, DstIP: net.IPv4bcast}
		u := &layers.UDP{SrcPort: gateway.DHCPClientPort, DstPort: gateway.DHCPServerPort}
		u.SetNetworkLayerForChecksum(ip)
		return frame(t, &layers.Ethernet{SrcMAC: guestMAC, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeIPv4},
			ip, u, gopacket.Payload(m.ToBytes()))
	}
	reply := func(got []rx) *dhcpv4.DHCPv4 {
		t.Helper()
		if len(got) != 1 {
			t.Fatalf("%d DHCP replies", len(got))
		}
		p := gopacket.NewPacket(got[0].frame, layers.LayerTypeEthernet, gopacket.Default)
		u, _ := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
		if u == nil || u.SrcPort != gateway.DHCPServerPort || u.DstPort != gateway.DHCPClientPort {
			t.Fatalf("DHCP reply: %v", p)
		}
		m, err := dhcpv4.FromBytes(u.Payload)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	offer := reply(r.exchange(dhcpFrame(disc)))
	if offer.MessageType() != dhcpv4.MessageTypeOffer || !offer.YourIPAddr.Equal(guestIP) {
		t.Fatalf("offer: %v", offer.Summary())
	}
	reqm, err := dhcpv4.NewRequestFromOffer(offer)
	if err != nil {
		t.Fatal(err)
	}
	ack := reply(r.exchange(dhcpFrame(reqm)))
	if ack.MessageType() != dhcpv4.MessageTypeAck || !ack.YourIPAddr.Equal(guestIP) ||
		len(ack.Router()) != 1 || !ack.Router()[0].Equal(net.IPv4(10, 0, 2, 2)) {
		t.Errorf("ack: %v", ack.Summary())
	}
}

func TestPing(t *testing.T) {
	r := newRig(t)
	d := r.one(0, r.exchange(ipFrame(t, layers.IPProtocolICMPv4,
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 77, Seq: 3}, []byte("ping!"))), DefaultLatency)
	ic, _ := d.pkt.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
	if ic == nil || ic.TypeCode.Type() != layers.ICMPv4TypeEchoReply || ic.Id != 77 || ic.Seq != 3 || string(ic.Payload) != "ping!" {
		t.Errorf("echo reply: %v", d.pkt)
	}
	if r.p.Stats().Pings != 1 {
		t.Errorf("stats: %+v", r.p.Stats())
	}
}

func TestUDP(t *testing.T) {
	r := newRig(t)
	d := r.one(0, r.exchange(ipFrame(t, layers.IPProtocolUDP, &layers.UDP{SrcPort: 40000, DstPort: EchoPort}, []byte("hello"))), DefaultLatency)
	if d.udp == nil || d.udp.SrcPort != EchoPort || d.udp.DstPort != 40000 || string(d.udp.Payload) != "hello" {
		t.Errorf("UDP echo: %v", d.pkt)
	}
	now := r.clk.Now()
	d = r.one(now, r.exchange(ipFrame(t, layers.IPProtocolUDP, &layers.UDP{SrcPort: 40000, DstPort: 53}, []byte("query"))), DefaultLatency)
	ic, _ := d.pkt.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
	if ic == nil || ic.TypeCode != layers.CreateICMPv4TypeCode(layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodePort) || len(ic.Payload) != 28 {
		t.Errorf("port unreachable: %v", d.pkt)
	}
}

// guestTCP is the guest's side of one connection in a test.
type guestTCP struct {
	r          *rig
	port, dst  layers.TCPPort
	seq, ack   uint32
	peerWindow uint16
}

func (g *guestTCP) seg(flags string, payload []byte) []rx {
	t := &layers.TCP{SrcPort: g.port, DstPort: g.dst, Seq: g.seq, Ack: g.ack, Window: 64240}
	for _, f := range flags {
		switch f {
		case 'S':
			t.SYN = true
			t.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}}}
		case 'A':
			t.ACK = true
		case 'F':
			t.FIN = true
		case 'R':
			t.RST = true
		case 'P':
			t.PSH = true
		}
	}
	g.seq += uint32(len(payload))
	if t.SYN || t.FIN {
		g.seq++
	}
	return g.r.exchange(ipFrame(g.r.t, layers.IPProtocolTCP, t, payload))
}

// check decodes the delivered frames, checks their flags (S A F R,
// P for data) and takes the peer's sequence numbers into g.ack.
func (g *guestTCP) check(got []rx, want ...string) []decoded {
	g.r.t.Helper()
	var have []string
	var ds []decoded
	for _, f := range got {
		d := decode(g.r.t, f)
		if d.tcp == nil {
			have = append(have, "not TCP")
			continue
		}
		s := ""
		for _, x := range []struct {
			on bool
			c  string
		}{{d.tcp.SYN, "S"}, {d.tcp.ACK, "A"}, {d.tcp.FIN, "F"}, {d.tcp.RST, "R"}, {len(d.tcp.Payload) > 0, "D"}} {
			if x.on {
				s += x.c
			}
		}
		have = append(have, s)
		if d.tcp.SrcPort != g.dst || d.tcp.DstPort != g.port {
			g.r.t.Errorf("segment %d -> %d", d.tcp.SrcPort, d.tcp.DstPort)
		}
		if d.tcp.ACK && d.tcp.Ack != g.seq && !d.tcp.RST {
			g.r.t.Errorf("peer acks %d, guest is at %d", d.tcp.Ack, g.seq)
		}
		if d.tcp.SYN {
			g.ack = d.tcp.Seq + 1
		} else if !d.tcp.RST {
			if d.tcp.Seq != g.ack {
				g.r.t.Errorf("peer segment seq %d, want %d", d.tcp.Seq, g.ack)
			}
			g.ack += uint32(len(d.tcp.Payload))
			if d.tcp.FIN {
				g.ack++
			}
		}
		g.peerWindow = d.tcp.Window
		ds = append(ds, d)
	}
	if fmt.Sprint(have) != fmt.Sprint(want) {
		g.r.t.Fatalf("peer sent %v, want %v", have, want)
	}
	return ds
}

func TestTCPDiscard(t *testing.T) {
	r := newRig(t)
	g := &guestTCP{r: r, port: 51000, dst: DiscardPort, seq: 1000}
	t0 := r.clk.Now()
	ds := g.check(g.seg("S", nil), "SA")
	if ds[0].at != t0+DefaultLatency {
		t.Errorf("SYN-ACK at %d, want %d", ds[0].at, t0+DefaultLatency)
	}
	if o := ds[0].tcp.Options; len(o) != 1 || o[0].OptionType != layers.TCPOptionKindMSS || o[0].OptionData[0] != 0x05 || o[0].OptionData[1] != 0xb4 {
		t.Errorf("SYN-ACK options %v, want MSS 1460 only", o)
	}
	g.check(g.seg("A", nil)) // the handshake's ACK: nothing to answer
	data := bytes.Repeat([]byte{0x5a}, 1000)
	g.check(g.seg("PA", data), "A")
	t1 := r.clk.Now()
	ds = g.check(g.seg("FA", nil), "A", "AF")
	if ds[0].at != t1+DefaultLatency || ds[1].at != t1+AppDelay+DefaultLatency {
		t.Errorf("ACK of the FIN at %d, FIN at %d; want %d and %d", ds[0].at, ds[1].at, t1+DefaultLatency, t1+AppDelay+DefaultLatency)
	}
	g.check(g.seg("A", nil))
	if len(r.p.conns) != 0 {
		t.Errorf("%d connections left after both FINs", len(r.p.conns))
	}
	if s := r.p.Stats(); s.TCPConns != 1 || s.TCPReceived != 1000 || s.TCPSent != 0 {
		t.Errorf("stats: %+v", s)
	}
}

func TestTCPEcho(t *testing.T) {
	r := newRig(t)
	g := &guestTCP{r: r, port: 51001, dst: EchoPort, seq: 7}
	g.check(g.seg("S", nil), "SA")
	g.check(g.seg("A", nil))
	// 3000 bytes come back in segments of the guest's MSS (1460).
	data := make([]byte, 3000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	ds := g.check(g.seg("PA", data), "A", "AD", "AD", "AD")
	var back []byte
	for _, d := range ds[1:] {
		back = append(back, d.tcp.Payload...)
	}
	if !bytes.Equal(back, data) || len(ds[1].tcp.Payload) != 1460 {
		t.Errorf("echo: %d bytes back (first segment %d)", len(back), len(ds[1].tcp.Payload))
	}
	g.check(g.seg("A", nil))
	// An old segment again: a duplicate ACK, nothing echoed twice.
	g.seq -= 10
	g.check(g.seg("PA", data[:10]), "A")
	g.check(g.seg("FA", nil), "A", "AF")
	g.check(g.seg("A", nil))
	if len(r.p.conns) != 0 {
		t.Errorf("%d connections left", len(r.p.conns))
	}
	if s := r.p.Stats(); s.TCPSent != 3000 || s.TCPReceived != 3000 {
		t.Errorf("stats: %+v", s)
	}
}

// TestTCPEchoWindow: the echo never sends past the guest's window.
func TestTCPEchoWindow(t *testing.T) {
	r := newRig(t)
	g := &guestTCP{r: r, port: 51002, dst: EchoPort, seq: 1}
	g.check(g.seg("S", nil), "SA")
	// The handshake's ACK shrinks the window to 1000 bytes.
	r.exchange(ipFrame(t, layers.IPProtocolTCP, &layers.TCP{SrcPort: g.port, DstPort: g.dst, Seq: g.seq, Ack: g.ack, ACK: true, Window: 1000}, nil))
	tcp := &layers.TCP{SrcPort: g.port, DstPort: g.dst, Seq: g.seq, Ack: g.ack, ACK: true, Window: 1000}
	g.seq += 2000
	ds := g.check(r.exchange(ipFrame(t, layers.IPProtocolTCP, tcp, make([]byte, 2000))), "A", "AD")
	if len(ds[1].tcp.Payload) != 1000 {
		t.Errorf("sent %d bytes into a window of 1000", len(ds[1].tcp.Payload))
	}
	ds = g.check(g.seg("A", nil), "AD") // the window opens: the rest
	if len(ds[0].tcp.Payload) != 1000 {
		t.Errorf("sent %d bytes, want the remaining 1000", len(ds[0].tcp.Payload))
	}
}

func TestTCPResets(t *testing.T) {
	r := newRig(t)
	// A SYN to a port without a service.
	g := &guestTCP{r: r, port: 51003, dst: 80, seq: 500}
	ds := g.check(g.seg("S", nil), "AR")
	if ds[0].tcp.Ack != 501 {
		t.Errorf("reset acks %d, want 501", ds[0].tcp.Ack)
	}
	// A segment of no connection: a reset with its acknowledgment number.
	g = &guestTCP{r: r, port: 51004, dst: DiscardPort, seq: 9, ack: 1234}
	ds = g.check(g.seg("A", nil), "R")
	if ds[0].tcp.Seq != 1234 {
		t.Errorf("reset seq %d, want 1234", ds[0].tcp.Seq)
	}
	// A reset is never answered, and ends a connection.
	g = &guestTCP{r: r, port: 51005, dst: DiscardPort, seq: 1}
	g.check(g.seg("S", nil), "SA")
	g.check(g.seg("R", nil))
	if len(r.p.conns) != 0 {
		t.Errorf("connection survives a reset")
	}
	// A retransmitted SYN gets the SYN-ACK again.
	g = &guestTCP{r: r, port: 51006, dst: DiscardPort, seq: 1}
	g.check(g.seg("S", nil), "SA")
	g.seq = 1
	g.check(g.seg("S", nil), "SA")
}

// TestProbe: the guest's FIN on the probe port makes the peer send a
// datagram to the guest's UDP port 7; the echo lets it close.
func TestProbe(t *testing.T) {
	r := newRig(t)
	g := &guestTCP{r: r, port: 51007, dst: ProbePort, seq: 1}
	g.check(g.seg("S", nil), "SA")
	g.check(g.seg("A", nil))
	g.check(g.seg("PA", []byte{0x5a}), "A")
	g.seq++
	got := r.exchangeFor(AppDelay+DefaultLatency, ipFrame(t, layers.IPProtocolTCP,
		&layers.TCP{SrcPort: g.port, DstPort: g.dst, Seq: g.seq - 1, Ack: g.ack, ACK: true, FIN: true, Window: 64240}, nil))
	if len(got) != 2 {
		t.Fatalf("after the FIN: %d frames, want the ACK and the probe", len(got))
	}
	g.check(got[:1], "A")
	d := decode(t, got[1])
	if d.udp == nil || d.udp.SrcPort != ProbePort || d.udp.DstPort != ProbeGuestPort || !bytes.Equal(d.udp.Payload, ProbePayload) {
		t.Fatalf("probe: %v", d.pkt)
	}
	g.check(r.exchange(ipFrame(t, layers.IPProtocolUDP, &layers.UDP{SrcPort: ProbeGuestPort, DstPort: ProbePort}, ProbePayload)), "AF")
	g.check(g.seg("A", nil))
	if s := r.p.Stats(); s.ProbeEchoes != 1 || len(r.p.conns) != 0 {
		t.Errorf("stats %+v, %d connections", s, len(r.p.conns))
	}

	// Without an echo the peer closes after ProbeTimeout.
	g = &guestTCP{r: r, port: 51008, dst: ProbePort, seq: 1}
	g.check(g.seg("S", nil), "SA")
	g.check(g.seg("A", nil))
	t0 := r.clk.Now()
	got = g.seg("FA", nil)
	if len(got) != 3 {
		t.Fatalf("after the FIN without an echo: %d frames, want ACK, probe, FIN", len(got))
	}
	g.check(got[2:], "AF")
	if got[2].at != t0+AppDelay+ProbeTimeout+DefaultLatency {
		t.Errorf("FIN at %d, want %d", got[2].at, t0+AppDelay+ProbeTimeout+DefaultLatency)
	}
}

// TestDeterministic: the same frames at the same guest times give the
// same frames back at the same guest times.
func TestDeterministic(t *testing.T) {
	run := func() []rx {
		r := newRig(t)
		var all []rx
		g := &guestTCP{r: r, port: 52000, dst: EchoPort, seq: 1}
		all = append(all, g.seg("S", nil)...)
		all = append(all, g.seg("A", nil)...)
		all = append(all, g.seg("PA", []byte("some data"))...)
		all = append(all, g.seg("FA", nil)...)
		all = append(all, r.exchange(ipFrame(t, layers.IPProtocolUDP, &layers.UDP{SrcPort: 1, DstPort: EchoPort}, []byte("x")))...)
		return all
	}
	a, b := run(), run()
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("%d and %d frames", len(a), len(b))
	}
	for i := range a {
		if a[i].at != b[i].at || !bytes.Equal(a[i].frame, b[i].frame) {
			t.Fatalf("frame %d differs", i)
		}
	}
}

// TestGarbage: truncated and malformed frames are dropped, never panic.
func TestGarbage(t *testing.T) {
	r := newRig(t)
	good := [][]byte{
		ipFrame(t, layers.IPProtocolTCP, &layers.TCP{SrcPort: 1, DstPort: EchoPort, SYN: true}, nil),
		ipFrame(t, layers.IPProtocolUDP, &layers.UDP{SrcPort: 1, DstPort: EchoPort}, []byte("abc")),
		ipFrame(t, layers.IPProtocolICMPv4, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0)}, nil),
	}
	for _, f := range good {
		for n := 0; n <= len(f); n++ {
			r.exchange(f[:n])
			g := append([]byte(nil), f...)
			if n < len(g) {
				g[n] ^= 0xff
			}
			r.exchange(g)
		}
	}
	r.exchange(nil, []byte{1, 2, 3})
}

func TestStartNeedsClock(t *testing.T) {
	p, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Start(func([]byte) {}) == nil {
		t.Error("Start without the clock succeeded")
	}
	p.Send(make([]byte, 60)) // before StartClocked: dropped
	if !p.LinkUp() || p.Close() != nil || p.LinkUp() {
		t.Error("link state")
	}
	if _, err := New(Config{MTU: 100}); err == nil {
		t.Error("MTU 100 accepted")
	}
}
