package usernet

import (
	"context"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
)

const benchChunk = 64 << 10

// BenchmarkHostFwdTCP streams host -> guest through a hostfwd rule into the
// fake guest's netstack (which costs about as much as the backend itself).
func BenchmarkHostFwdTCP(b *testing.B) {
	port := freePort(b)
	u, err := NewUser(UserConfig{GuestMAC: guestMAC, HostFwds: []HostFwd{mustFwd(b, "tcp::"+strconv.Itoa(port)+"-:9000")}})
	if err != nil {
		b.Fatal(err)
	}
	g := newFakeGuest(b, u, guestMAC)
	g.configure(b, net.IPv4(10, 0, 2, 15))
	l, err := gonet.ListenTCP(g.s, tcpip.FullAddress{NIC: 1, Port: 9000}, ipv4.ProtocolNumber)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	total := int64(b.N) * benchChunk
	recv := make(chan int64, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			recv <- 0
			return
		}
		defer c.Close()
		n, _ := io.CopyN(io.Discard, c, total)
		recv <- n
	}()
	c, err := net.Dial("tcp4", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, benchChunk)
	b.SetBytes(benchChunk)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	if n := <-recv; n != total {
		b.Fatalf("guest received %d of %d bytes", n, total)
	}
	b.ReportMetric(float64(u.Dropped()), "dropped")
}

// BenchmarkGuestToHostTCP streams guest -> host through the 10.0.2.2 alias.
func BenchmarkGuestToHostTCP(b *testing.B) {
	u, err := NewUser(UserConfig{GuestMAC: guestMAC})
	if err != nil {
		b.Fatal(err)
	}
	g := newFakeGuest(b, u, guestMAC)
	g.configure(b, net.IPv4(10, 0, 2, 15))
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	total := int64(b.N) * benchChunk
	recv := make(chan int64, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			recv <- 0
			return
		}
		defer c.Close()
		n, _ := io.CopyN(io.Discard, c, total)
		recv <- n
	}()
	ctx, cancel := context.WithTimeout(context.Background(), guardTimeout)
	defer cancel()
	c, err := gonet.DialContextTCP(ctx, g.s, tcpip.FullAddress{NIC: 1, Addr: tcpip.AddrFrom4([4]byte{10, 0, 2, 2}), Port: uint16(l.Addr().(*net.TCPAddr).Port)}, ipv4.ProtocolNumber)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Minute))
	buf := make([]byte, benchChunk)
	b.SetBytes(benchChunk)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	if n := <-recv; n != total {
		b.Fatalf("host received %d of %d bytes", n, total)
	}
	b.ReportMetric(float64(u.Dropped()), "dropped")
}
