package usernet

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/link/ethernet"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

// guardTimeout only bounds how long a broken test may hang.
const guardTimeout = 20 * time.Second

var guestMAC = net.HardwareAddr{0x02, 0x00, 0x00, 0x12, 0x34, 0x56}

// fakeGuest is the guest side of a test: a gVisor TCP/IP stack on a
// channel link, wired to a User backend the way the MAC would be. DHCP
// replies are diverted to a channel so the test can drive DHCP by hand.
type fakeGuest struct {
	u      *User
	s      *stack.Stack
	ep     *channel.Endpoint
	dhcp   chan []byte
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newFakeGuest(t testing.TB, u *User, mac net.HardwareAddr) *fakeGuest {
	t.Helper()
	g := &fakeGuest{u: u, dhcp: make(chan []byte, 16)}
	g.s = stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, arp.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol},
	})
	g.ep = channel.New(512, uint32(u.mtu), tcpip.LinkAddress(mac))
	if err := g.s.CreateNIC(1, ethernet.New(g.ep)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g.cancel = cancel
	if err := u.Start(g.deliver); err != nil {
		t.Fatal(err)
	}
	g.wg.Add(1)
	go func() { // guest transmit path: netstack -> MAC -> backend
		defer g.wg.Done()
		for {
			pkt := g.ep.ReadContext(ctx)
			if pkt == nil {
				return
			}
			v := pkt.ToView()
			u.Send(v.AsSlice())
			v.Release()
			pkt.DecRef()
		}
	}()
	t.Cleanup(g.close)
	return g
}

func (g *fakeGuest) close() {
	g.cancel()
	g.wg.Wait()
	g.u.Close()
	g.s.Close()
}

// deliver is the backend's receive callback: the MAC's Receive.
func (g *fakeGuest) deliver(frame []byte) {
	if isUDPTo(frame, dhcpClientPort) {
		g.dhcp <- frame
		return
	}
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(frame)})
	g.ep.InjectInbound(0, pkt)
	pkt.DecRef()
}

func isUDPTo(frame []byte, port uint16) bool {
	if len(frame) < 42 || binary.BigEndian.Uint16(frame[12:14]) != 0x0800 || frame[23] != 17 {
		return false
	}
	ihl := int(frame[14]&0xf) * 4
	return len(frame) >= 14+ihl+8 && binary.BigEndian.Uint16(frame[14+ihl+2:]) == port
}

// configure gives the guest stack its address and routes, as the guest's
// DHCP client would after an ACK.
func (g *fakeGuest) configure(t testing.TB, ip net.IP) {
	t.Helper()
	addr := tcpip.AddrFrom4Slice(ip.To4())
	if err := g.s.AddProtocolAddress(1, tcpip.ProtocolAddress{
		Protocol:          ipv4.ProtocolNumber,
		AddressWithPrefix: tcpip.AddressWithPrefix{Address: addr, PrefixLen: 24},
	}, stack.AddressProperties{}); err != nil {
		t.Fatal(err)
	}
	sn, _ := tcpip.NewSubnet(tcpip.AddrFrom4([4]byte{10, 0, 2, 0}), tcpip.MaskFromBytes([]byte{255, 255, 255, 0}))
	g.s.SetRouteTable([]tcpip.Route{
		{Destination: sn, NIC: 1},
		{Destination: header.IPv4EmptySubnet, Gateway: tcpip.AddrFrom4([4]byte{10, 0, 2, 2}), NIC: 1},
	})
}

// dhcpFrame wraps a DHCP message from the guest in Ethernet/IPv4/UDP,
// built with gopacket's layers.
func dhcpFrame(t *testing.T, mac net.HardwareAddr, m *dhcpv4.DHCPv4) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: mac, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IPv4zero, DstIP: net.IPv4bcast}
	u := &layers.UDP{SrcPort: dhcpClientPort, DstPort: dhcpServerPort}
	if err := u.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, u, gopacket.Payload(m.ToBytes())); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// dhcpExchange sends a request and decodes the reply, checking its
// Ethernet/IP/UDP envelope.
func (g *fakeGuest) dhcpExchange(t *testing.T, mac net.HardwareAddr, m *dhcpv4.DHCPv4) *dhcpv4.DHCPv4 {
	t.Helper()
	g.u.Send(dhcpFrame(t, mac, m))
	var frame []byte
	select {
	case frame = <-g.dhcp:
	case <-time.After(guardTimeout):
		t.Fatalf("no reply to DHCP %s", m.MessageType())
	}
	p := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.Default)
	eth, _ := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	ip, _ := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	u, _ := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
	if eth == nil || ip == nil || u == nil {
		t.Fatalf("DHCP reply is not Ethernet/IPv4/UDP: %v", p)
	}
	if !bytes.Equal(eth.SrcMAC, GatewayMAC) || !ip.SrcIP.Equal(net.IPv4(10, 0, 2, 2)) || u.SrcPort != 67 || u.DstPort != 68 {
		t.Errorf("DHCP reply from %v %v:%d to port %d", eth.SrcMAC, ip.SrcIP, u.SrcPort, u.DstPort)
	}
	if err := p.ErrorLayer(); err != nil {
		t.Errorf("DHCP reply decode error: %v", err.Error())
	}
	// The IPv4 and UDP checksums, checked by gVisor's header package.
	iph := header.IPv4(frame[14:])
	udph := header.UDP(iph.Payload())
	sum := header.PseudoHeaderChecksum(header.UDPProtocolNumber, iph.SourceAddress(), iph.DestinationAddress(), uint16(len(udph)))
	if !iph.IsChecksumValid() || checksum.Checksum(udph, sum) != 0xffff {
		t.Errorf("DHCP reply checksums: IPv4 ok %v, UDP ok %v", iph.IsChecksumValid(), checksum.Checksum(udph, sum) == 0xffff)
	}
	r, err := dhcpv4.FromBytes(u.Payload)
	if err != nil {
		t.Fatalf("DHCP reply: %v", err)
	}
	if r.TransactionID != m.TransactionID {
		t.Errorf("DHCP reply xid %v, want %v", r.TransactionID, m.TransactionID)
	}
	return r
}

func checkLease(t *testing.T, r *dhcpv4.DHCPv4, typ dhcpv4.MessageType) {
	t.Helper()
	if r.MessageType() != typ {
		t.Fatalf("DHCP reply type %v, want %v", r.MessageType(), typ)
	}
	if !r.YourIPAddr.Equal(net.IPv4(10, 0, 2, 15)) {
		t.Errorf("yiaddr %v, want 10.0.2.15", r.YourIPAddr)
	}
	if sid := r.ServerIdentifier(); !sid.Equal(net.IPv4(10, 0, 2, 2)) {
		t.Errorf("server identifier %v, want 10.0.2.2", sid)
	}
	if rt := r.Router(); len(rt) != 1 || !rt[0].Equal(net.IPv4(10, 0, 2, 2)) {
		t.Errorf("router %v, want 10.0.2.2", rt)
	}
	if dns := r.DNS(); len(dns) != 1 || !dns[0].Equal(net.IPv4(10, 0, 2, 3)) {
		t.Errorf("DNS %v, want 10.0.2.3", dns)
	}
	if m := r.SubnetMask(); net.IP(m).String() != "255.255.255.0" {
		t.Errorf("mask %v, want 255.255.255.0", net.IP(m))
	}
	if lt := r.IPAddressLeaseTime(0); lt <= 0 {
		t.Errorf("lease time %v", lt)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func mustFwd(t testing.TB, s string) HostFwd {
	t.Helper()
	hf, err := ParseHostFwd(s)
	if err != nil {
		t.Fatal(err)
	}
	return hf
}

// TestUserNetwork boots a fake guest through DHCP, then checks outbound
// TCP to the host alias 10.0.2.2 and inbound TCP/UDP through hostfwd.
func TestUserNetwork(t *testing.T) {
	fwdTCP := freePort(t)
	udpProbe, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fwdUDP := udpProbe.LocalAddr().(*net.UDPAddr).Port
	udpProbe.Close()

	u, err := NewUser(UserConfig{HostFwds: []HostFwd{
		mustFwd(t, "tcp:127.0.0.1:"+strconv.Itoa(fwdTCP)+"-:8080"),
		mustFwd(t, "udp::"+strconv.Itoa(fwdUDP)+"-10.0.2.15:7777"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !u.LinkUp() {
		t.Error("LinkUp false before Close")
	}
	g := newFakeGuest(t, u, guestMAC)

	// DHCP: DISCOVER -> OFFER, REQUEST -> ACK.
	disc, err := dhcpv4.NewDiscovery(guestMAC)
	if err != nil {
		t.Fatal(err)
	}
	offer := g.dhcpExchange(t, guestMAC, disc)
	checkLease(t, offer, dhcpv4.MessageTypeOffer)
	req, err := dhcpv4.NewRequestFromOffer(offer)
	if err != nil {
		t.Fatal(err)
	}
	ack := g.dhcpExchange(t, guestMAC, req)
	checkLease(t, ack, dhcpv4.MessageTypeAck)
	g.configure(t, ack.YourIPAddr)

	t.Run("GuestToHostAlias", func(t *testing.T) {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		port := l.Addr().(*net.TCPAddr).Port
		got := make(chan string, 1)
		go func() {
			c, err := l.Accept()
			if err != nil {
				got <- "accept: " + err.Error()
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(guardTimeout))
			buf := make([]byte, 16)
			n, _ := io.ReadFull(c, buf)
			c.Write([]byte("hello from host!"))
			got <- string(buf[:n]) + " from " + c.RemoteAddr().(*net.TCPAddr).IP.String()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), guardTimeout)
		defer cancel()
		c, err := gonet.DialContextTCP(ctx, g.s, tcpip.FullAddress{NIC: 1, Addr: tcpip.AddrFrom4([4]byte{10, 0, 2, 2}), Port: uint16(port)}, ipv4.ProtocolNumber)
		if err != nil {
			t.Fatalf("guest dial 10.0.2.2:%d: %v", port, err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(guardTimeout))
		if _, err := c.Write([]byte("hello from guest")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 16)
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello from host!" {
			t.Fatalf("guest read %q, %v", buf, err)
		}
		if s := <-got; s != "hello from guest from 127.0.0.1" {
			t.Fatalf("host got %q", s)
		}
	})

	t.Run("HostFwdTCP", func(t *testing.T) {
		l, err := gonet.ListenTCP(g.s, tcpip.FullAddress{NIC: 1, Port: 8080}, ipv4.ProtocolNumber)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(guardTimeout))
			io.Copy(c, c) // echo
		}()
		c, err := net.DialTimeout("tcp4", "127.0.0.1:"+strconv.Itoa(fwdTCP), guardTimeout)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(guardTimeout))
		msg := bytes.Repeat([]byte("0123456789abcdef"), 20000) // 320 KB, many segments
		go c.Write(msg)
		buf := make([]byte, len(msg))
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatalf("echo through hostfwd: %v", err)
		}
		if !bytes.Equal(buf, msg) {
			t.Fatal("echo through hostfwd corrupted data")
		}
	})

	t.Run("HostFwdUDP", func(t *testing.T) {
		pc, err := gonet.DialUDP(g.s, &tcpip.FullAddress{NIC: 1, Port: 7777}, nil, ipv4.ProtocolNumber)
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		go func() {
			buf := make([]byte, 1500)
			pc.SetDeadline(time.Now().Add(guardTimeout))
			n, from, err := pc.ReadFrom(buf)
			if err == nil {
				pc.WriteTo(append([]byte("echo:"), buf[:n]...), from)
			}
		}()
		c, err := net.Dial("udp4", "127.0.0.1:"+strconv.Itoa(fwdUDP))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(guardTimeout))
		c.Write([]byte("ping"))
		buf := make([]byte, 64)
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != "echo:ping" {
			t.Fatalf("UDP hostfwd reply %q, %v", buf[:n], err)
		}
	})

	if err := u.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if u.LinkUp() {
		t.Error("LinkUp true after Close")
	}
	// The forwarded host ports are released.
	l, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(fwdTCP))
	if err != nil {
		t.Errorf("host port still held after Close: %v", err)
	} else {
		l.Close()
	}
}

// TestDNSForward checks that UDP to 10.0.2.3:53 reaches the configured
// host resolver. It needs to bind port 53 on a loopback address.
func TestDNSForward(t *testing.T) {
	dns, err := net.ListenPacket("udp4", "127.0.0.77:53")
	if err != nil {
		t.Skipf("cannot bind a fake resolver on 127.0.0.77:53 (needs root): %v", err)
	}
	defer dns.Close()
	go func() {
		buf := make([]byte, 512)
		dns.SetDeadline(time.Now().Add(guardTimeout))
		n, from, err := dns.ReadFrom(buf)
		if err == nil {
			dns.WriteTo(append([]byte("answer:"), buf[:n]...), from)
		}
	}()
	u, err := NewUser(UserConfig{DNSServer: "127.0.0.77", GuestMAC: guestMAC})
	if err != nil {
		t.Fatal(err)
	}
	g := newFakeGuest(t, u, guestMAC)
	g.configure(t, net.IPv4(10, 0, 2, 15))
	c, err := gonet.DialUDP(g.s, nil, &tcpip.FullAddress{NIC: 1, Addr: tcpip.AddrFrom4([4]byte{10, 0, 2, 3}), Port: 53}, ipv4.ProtocolNumber)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(guardTimeout))
	c.Write([]byte("query"))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "answer:query" {
		t.Fatalf("DNS reply %q, %v", buf[:n], err)
	}
}

// A second client MAC gets the next address; a REQUEST for an address that
// is not the client's lease is refused with a NAK.
func TestDHCPLeases(t *testing.T) {
	u, err := NewUser(UserConfig{GuestMAC: guestMAC})
	if err != nil {
		t.Fatal(err)
	}
	g := newFakeGuest(t, u, guestMAC)
	other := net.HardwareAddr{0x02, 0, 0, 0, 0, 0x99}
	disc, _ := dhcpv4.NewDiscovery(other)
	r := g.dhcpExchange(t, other, disc)
	if !r.YourIPAddr.Equal(net.IPv4(10, 0, 2, 16)) {
		t.Errorf("second client offered %v, want 10.0.2.16", r.YourIPAddr)
	}
	req, _ := dhcpv4.NewRequestFromOffer(r)
	req.UpdateOption(dhcpv4.OptRequestedIPAddress(net.IPv4(10, 0, 2, 15)))
	if r := g.dhcpExchange(t, other, req); r.MessageType() != dhcpv4.MessageTypeNak {
		t.Errorf("REQUEST for another client's address: %v, want NAK", r.MessageType())
	}
	// The configured guest MAC gets 10.0.2.15 even when it asks second.
	disc, _ = dhcpv4.NewDiscovery(guestMAC)
	checkLease(t, g.dhcpExchange(t, guestMAC, disc), dhcpv4.MessageTypeOffer)
}

func TestHostPortInUse(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	_, err = NewUser(UserConfig{HostFwds: []HostFwd{mustFwd(t, "tcp:127.0.0.1:"+port+"-:22")}})
	if err == nil {
		t.Fatal("NewUser with a taken host port succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "already in use") || !strings.Contains(msg, "127.0.0.1:"+port) || strings.Contains(msg, "\n") {
		t.Errorf("unclear error: %q", msg)
	}

	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	uport := strconv.Itoa(pc.LocalAddr().(*net.UDPAddr).Port)
	_, err = NewUser(UserConfig{HostFwds: []HostFwd{mustFwd(t, "udp:127.0.0.1:"+uport+"-:53")}})
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Errorf("UDP port in use: %v", err)
	}

	p := strconv.Itoa(freePort(t))
	_, err = NewUser(UserConfig{HostFwds: []HostFwd{mustFwd(t, "tcp::"+p+"-:22"), mustFwd(t, "tcp:127.0.0.1:"+p+"-:23")}})
	if err == nil || !strings.Contains(err.Error(), "forwarded twice") {
		t.Errorf("duplicate forward: %v", err)
	}
}

func TestStartTwiceAndAfterClose(t *testing.T) {
	u, err := NewUser(UserConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Start(func([]byte) {}); err != nil {
		t.Fatal(err)
	}
	if err := u.Start(func([]byte) {}); err == nil {
		t.Error("second Start succeeded")
	}
	u.Send(make([]byte, 3)) // runt: ignored
	if err := u.Close(); err != nil {
		t.Fatal(err)
	}
	if err := u.Close(); err != nil {
		t.Fatal(err)
	}
	u.Send(make([]byte, 60)) // after Close: dropped, no panic
	u2, _ := NewUser(UserConfig{})
	u2.Close()
	if err := u2.Start(func([]byte) {}); err == nil {
		t.Error("Start after Close succeeded")
	}
	if _, err := NewUser(UserConfig{MTU: 100}); err == nil {
		t.Error("MTU 100 accepted")
	}
}

// TestDNSOnly: 10.0.2.3 serves DNS and nothing else. A TCP connection to
// another port of it is refused (a reset from 10.0.2.3, not a connection
// to the host resolver's address), and a UDP datagram gets ICMP port
// unreachable (TestDNSOnlyReplies); a host socket listening on the resolver's address sees
// neither.
func TestDNSOnly(t *testing.T) {
	resolver := "127.0.0.78"
	tl, err := net.Listen("tcp4", resolver+":0")
	if err != nil {
		t.Skipf("no %s: %v", resolver, err)
	}
	defer tl.Close()
	port := uint16(tl.Addr().(*net.TCPAddr).Port)
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := tl.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()
	ul, err := net.ListenPacket("udp4", net.JoinHostPort(resolver, strconv.Itoa(int(port))))
	if err != nil {
		t.Skipf("UDP port %d taken: %v", port, err)
	}
	defer ul.Close()

	u, err := NewUser(UserConfig{DNSServer: resolver, GuestMAC: guestMAC})
	if err != nil {
		t.Fatal(err)
	}
	g := newFakeGuest(t, u, guestMAC)
	g.configure(t, net.IPv4(10, 0, 2, 15))
	dns := tcpip.FullAddress{NIC: 1, Addr: tcpip.AddrFrom4([4]byte{10, 0, 2, 3}), Port: port}

	ctx, cancel := context.WithTimeout(context.Background(), guardTimeout)
	defer cancel()
	c, err := gonet.DialContextTCP(ctx, g.s, dns, ipv4.ProtocolNumber)
	if err == nil {
		c.Close()
		t.Fatalf("TCP to 10.0.2.3:%d connected (NATed to the host resolver's address)", port)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("TCP to 10.0.2.3:%d: %v, want connection refused", port, err)
	}

	uc, err := gonet.DialUDP(g.s, nil, &dns, ipv4.ProtocolNumber)
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	uc.Write([]byte("not dns"))
	buf := make([]byte, 64)
	select {
	case <-accepted:
		t.Error("the host resolver's address accepted a connection from the guest")
	default:
	}
	ul.SetDeadline(time.Now().Add(100 * time.Millisecond))
	if n, _, err := ul.ReadFrom(buf); err == nil {
		t.Errorf("the host resolver's address received a datagram from the guest: %q", buf[:n])
	}
}

// TestDNSOnlyReplies checks the frames dnsOnly answers with, decoded and
// checksummed by gVisor's header package.
func TestDNSOnlyReplies(t *testing.T) {
	guest := net.IPv4(10, 0, 2, 15)
	frame := func(l4 gopacket.SerializableLayer, proto layers.IPProtocol, payload []byte) []byte {
		eth := &layers.Ethernet{SrcMAC: guestMAC, DstMAC: GatewayMAC, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: guest, DstIP: net.IPv4(10, 0, 2, 3)}
		switch l := l4.(type) {
		case *layers.TCP:
			l.SetNetworkLayerForChecksum(ip)
		case *layers.UDP:
			l.SetNetworkLayerForChecksum(ip)
		}
		buf := gopacket.NewSerializeBuffer()
		gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, l4, gopacket.Payload(payload))
		return buf.Bytes()
	}
	check := func(name string, reply []byte, proto uint8) header.IPv4 {
		t.Helper()
		if len(reply) < 14+20 || !bytes.Equal(reply[:6], guestMAC) || !bytes.Equal(reply[6:12], GatewayMAC) {
			t.Fatalf("%s: reply %x", name, reply)
		}
		ip := header.IPv4(reply[14:])
		if !ip.IsValid(len(ip)) || !ip.IsChecksumValid() || ip.Protocol() != proto ||
			ip.SourceAddress() != tcpip.AddrFrom4([4]byte{10, 0, 2, 3}) || ip.DestinationAddress() != tcpip.AddrFrom4([4]byte{10, 0, 2, 15}) {
			t.Fatalf("%s: bad IPv4 header %x", name, []byte(ip))
		}
		return ip
	}

	if _, consumed := dnsOnly(frame(&layers.UDP{SrcPort: 4000, DstPort: 53}, layers.IPProtocolUDP, []byte("query"))); consumed {
		t.Error("a DNS query over UDP was consumed")
	}
	if _, consumed := dnsOnly(frame(&layers.TCP{SrcPort: 4000, DstPort: 53, SYN: true}, layers.IPProtocolTCP, nil)); consumed {
		t.Error("a DNS connection over TCP was consumed")
	}

	udp := frame(&layers.UDP{SrcPort: 4000, DstPort: 80}, layers.IPProtocolUDP, []byte("not dns"))
	reply, consumed := dnsOnly(udp)
	if !consumed {
		t.Fatal("UDP to 10.0.2.3:80 not consumed")
	}
	ip := check("UDP", reply, uint8(header.ICMPv4ProtocolNumber))
	icmp := header.ICMPv4(ip.Payload())
	if icmp.Type() != header.ICMPv4DstUnreachable || icmp.Code() != header.ICMPv4PortUnreachable || checksum.Checksum(icmp, 0) != 0xffff {
		t.Errorf("UDP: ICMP type %d code %d checksum ok %v", icmp.Type(), icmp.Code(), checksum.Checksum(icmp, 0) == 0xffff)
	}
	if q := icmp.Payload(); !bytes.Equal(q, udp[14:14+28]) {
		t.Errorf("ICMP quotes %x, want the IPv4 header and 8 bytes %x", q, udp[14:42])
	}

	reply, consumed = dnsOnly(frame(&layers.TCP{SrcPort: 4000, DstPort: 80, SYN: true, Seq: 1000}, layers.IPProtocolTCP, nil))
	if !consumed {
		t.Fatal("TCP SYN to 10.0.2.3:80 not consumed")
	}
	ip = check("TCP", reply, uint8(header.TCPProtocolNumber))
	tcph := header.TCP(ip.Payload())
	sum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, ip.SourceAddress(), ip.DestinationAddress(), uint16(len(tcph)))
	if tcph.Flags() != header.TCPFlagRst|header.TCPFlagAck || tcph.AckNumber() != 1001 || tcph.SourcePort() != 80 || tcph.DestinationPort() != 4000 || checksum.Checksum(tcph, sum) != 0xffff {
		t.Errorf("TCP reply flags %v ack %d ports %d->%d checksum ok %v", tcph.Flags(), tcph.AckNumber(), tcph.SourcePort(), tcph.DestinationPort(), checksum.Checksum(tcph, sum) == 0xffff)
	}
	if _, consumed := dnsOnly(frame(&layers.TCP{SrcPort: 4000, DstPort: 80, RST: true}, layers.IPProtocolTCP, nil)); !consumed {
		t.Error("a reset to 10.0.2.3:80 passed through")
	}
}
