// Package usernet is the "user" network backend: an in-process NAT network
// with QEMU's user-mode (slirp) addressing, so that guests and scripts
// written for "qemu -nic user" work unchanged:
//
//	10.0.2.0/24  the virtual network
//	10.0.2.2     gateway and host alias (connections to it reach the host's 127.0.0.1)
//	10.0.2.3     DNS only (UDP and TCP port 53, forwarded to the host's first
//	             IPv4 resolver in /etc/resolv.conf; other ports are refused)
//	10.0.2.15    the guest, handed out by DHCP (first client or UserConfig.GuestMAC)
//
// Other destinations are NATed through ordinary host sockets, and
// host-to-guest port forwards (QEMU's hostfwd) listen on host sockets.
//
// The gateway side is github.com/containers/gvisor-tap-vsock's
// virtualnetwork (its switch, gVisor TCP/IP stack, TCP/UDP forwarders and
// port forwarder). Frames cross into it through an in-process datagram
// connection (its "bess" framing: one Read or Write per frame), so no socket
// or length-prefix encoding is involved. gvisor-tap-vsock's own DHCP server
// always advertises the gateway as DNS server, so DHCP is answered here
// instead, with QEMU's options (network/gateway's server, which
// network/peer shares).
//
// References: QEMU docs "Network emulation" (user networking, hostfwd
// syntax); RFC 2131/2132 (DHCP); gvisor-tap-vsock pkg/virtualnetwork.
package usernet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ast2500emu/ast2500emu/network/gateway"
	"github.com/containers/gvisor-tap-vsock/pkg/types"
	"github.com/containers/gvisor-tap-vsock/pkg/virtualnetwork"
)

// QEMU-compatible addressing.
// (network/gateway).
var (
	subnet      = gateway.Subnet
	gatewayIP   = gateway.IP
	dnsIP       = gateway.DNSIP
	guestIP     = gateway.GuestIP
	broadcastIP = gateway.BroadcastIP
	// GatewayMAC is the Ethernet address of 10.0.2.2 and 10.0.2.3
	// (the one QEMU's slirp uses).
	GatewayMAC = gateway.MAC
)

const (
	dhcpServerPort = gateway.DHCPServerPort
	dhcpClientPort = gateway.DHCPClientPort
)

// Addresses of the virtual network, exported for tests and documentation.
var (
	Subnet    = subnet
	GatewayIP = gatewayIP
	DNSIP     = dnsIP
	GuestIP   = guestIP
)

// DefaultMTU is used when UserConfig.MTU is zero.
const DefaultMTU = 1500

// queueLen bounds the frames queued from the guest to the network; more
// are dropped (as a congested link would), never blocking the machine.
const queueLen = 1024

// UserConfig configures NewUser.
type UserConfig struct {
	HostFwds []HostFwd        // host-to-guest port forwards
	GuestMAC net.HardwareAddr // optional: the MAC that gets 10.0.2.15 (else the first DHCP client)
	MTU      int              // link MTU advertised by DHCP (0: 1500)
	// DNSServer is the host-side resolver 10.0.2.3 forwards to; empty
	// means the first IPv4 nameserver of /etc/resolv.conf.
	DNSServer string
}

// User is the user-mode NAT backend. It implements network.Backend.
type User struct {
	cfg UserConfig
	vn  *virtualnetwork.VirtualNetwork
	mtu int

	in      chan *[]byte // guest frames for the switch
	pool    sync.Pool    // frame buffers for in
	dropped atomic.Uint64

	deliver func([]byte) // set once by Start

	dhcp *gateway.DHCP // used only on the switch reader goroutine

	mu      sync.Mutex
	started bool
	closed  bool
	cancel  context.CancelFunc
	done    chan struct{} // closed by Close
	exited  chan struct{} // closed when the switch connection ends
}

// NewUser builds the virtual network and opens the host sockets of every
// port forward. A host port that is already taken is an error here.
func NewUser(cfg UserConfig) (*User, error) {
	installLogFilter()
	mtu := cfg.MTU
	if mtu == 0 {
		mtu = DefaultMTU
	}
	if mtu < 576 || mtu > 9000 {
		return nil, fmt.Errorf("usernet: MTU %d out of range 576-9000", mtu)
	}
	if cfg.GuestMAC != nil && len(cfg.GuestMAC) != 6 {
		return nil, fmt.Errorf("usernet: guest MAC %q is not an Ethernet address", cfg.GuestMAC)
	}

	forwards := map[string]string{}
	seen := map[string]bool{}
	for _, hf := range cfg.HostFwds {
		if hf.Proto != "tcp" && hf.Proto != "udp" {
			return nil, fmt.Errorf("hostfwd %s: unknown protocol %q", hf, hf.Proto)
		}
		if seen[hf.hostKey()] {
			return nil, fmt.Errorf("hostfwd %s: host port %s/%s is forwarded twice", hf, netip.AddrPortFrom(hf.HostAddr, hf.HostPort), hf.Proto)
		}
		seen[hf.hostKey()] = true
		if err := probeHostPort(hf); err != nil {
			return nil, err
		}
		local := netip.AddrPortFrom(hf.HostAddr, hf.HostPort).String()
		if hf.Proto == "udp" {
			local = "udp:" + local
		}
		forwards[local] = netip.AddrPortFrom(hf.GuestAddr, hf.GuestPort).String()
	}

	nat := map[string]string{gatewayIP.String(): "127.0.0.1"}
	dns := cfg.DNSServer
	if dns == "" {
		dns = hostResolver("/etc/resolv.conf")
	}
	if dns != "" {
		nat[dnsIP.String()] = dns
	}

	vn, err := virtualnetwork.New(&types.Configuration{
		MTU:               mtu,
		Subnet:            subnet.String(),
		GatewayIP:         gatewayIP.String(),
		GatewayMacAddress: GatewayMAC.String(),
		GatewayVirtualIPs: []string{dnsIP.String()},
		NAT:               nat,
		Forwards:          forwards,
	})
	if err != nil {
		if strings.Contains(err.Error(), "address already in use") {
			return nil, fmt.Errorf("usernet: a hostfwd host port is already in use: %v", err)
		}
		return nil, fmt.Errorf("usernet: %v", err)
	}
	u := &User{
		cfg:    cfg,
		vn:     vn,
		mtu:    mtu,
		in:     make(chan *[]byte, queueLen),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	u.pool.New = func() any { b := make([]byte, 0, 2048); return &b }
	u.dhcp = gateway.NewDHCP(cfg.GuestMAC, mtu)
	return u, nil
}

// probeHostPort reports a clear error when the forward's host socket
// cannot be opened (port taken, address not local, privileged port).
func probeHostPort(hf HostFwd) error {
	ap := netip.AddrPortFrom(hf.HostAddr, hf.HostPort).String()
	var err error
	if hf.Proto == "udp" {
		var c net.PacketConn
		if c, err = net.ListenPacket("udp4", ap); err == nil {
			c.Close()
		}
	} else {
		var l net.Listener
		if l, err = net.Listen("tcp4", ap); err == nil {
			l.Close()
		}
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("hostfwd %s: host port %s/%s is already in use", hf, ap, hf.Proto)
	}
	return fmt.Errorf("hostfwd %s: cannot listen on host %s/%s: %v", hf, ap, hf.Proto, unwrapOp(err))
}

func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// hostResolver returns the first IPv4 nameserver listed in a resolv.conf.
func hostResolver(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "nameserver" {
			if a, err := netip.ParseAddr(f[1]); err == nil && a.Is4() {
				return a.String()
			}
		}
	}
	return ""
}

// Send queues one guest frame for the network. It never blocks: when the
// queue is full (or the backend is closed) the frame is dropped. Before
// Start frames wait in the queue.
func (u *User) Send(frame []byte) {
	if len(frame) < 14 || len(frame) > 65535 {
		return
	}
	select {
	case <-u.done:
		return
	default:
	}
	bp := u.pool.Get().(*[]byte)
	*bp = append((*bp)[:0], frame...)
	select {
	case u.in <- bp:
	default:
		u.dropped.Add(1)
		u.pool.Put(bp)
	}
}

// Dropped reports how many guest frames were dropped on a full queue.
func (u *User) Dropped() uint64 { return u.dropped.Load() }

// Start connects the guest side to the virtual switch; frames for the
// guest are passed to deliver from the switch's goroutines.
func (u *User) Start(deliver func(frame []byte)) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return errors.New("usernet: Start after Close")
	}
	if u.started {
		return errors.New("usernet: already started")
	}
	u.started = true
	u.deliver = deliver
	ctx, cancel := context.WithCancel(context.Background())
	u.cancel = cancel
	go func() {
		defer close(u.exited)
		_ = u.vn.AcceptBess(ctx, &frameConn{u: u})
	}()
	return nil
}

// LinkUp is true until Close: the virtual cable is always plugged.
func (u *User) LinkUp() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return !u.closed
}

// Close stops the guest connection and closes every port forward's host
// socket. (gvisor-tap-vsock offers no way to tear down its stack; its idle
// goroutines stay until the process exits.)
func (u *User) Close() error {
	u.mu.Lock()
	if u.closed {
		u.mu.Unlock()
		return nil
	}
	u.closed = true
	started := u.started
	if u.cancel != nil {
		u.cancel()
	}
	close(u.done)
	u.mu.Unlock()

	var errs []error
	for _, hf := range u.cfg.HostFwds {
		local := netip.AddrPortFrom(hf.HostAddr, hf.HostPort).String()
		body, _ := json.Marshal(types.UnexposeRequest{Local: local, Protocol: types.TransportProtocol(hf.Proto)})
		req := httptest.NewRequest(http.MethodPost, "/services/forwarder/unexpose", bytes.NewReader(body))
		rec := httptest.NewRecorder()
		u.vn.ServicesMux().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			errs = append(errs, fmt.Errorf("usernet: closing hostfwd %s: %s", hf, strings.TrimSpace(rec.Body.String())))
		}
	}
	if started {
		select {
		case <-u.exited:
		case <-time.After(2 * time.Second):
			errs = append(errs, errors.New("usernet: switch connection did not stop"))
		}
	}
	return errors.Join(errs...)
}

// frameConn is the guest's port on gvisor-tap-vsock's switch: a datagram
// net.Conn where each Read returns one guest frame and each Write carries
// one frame for the guest.
type frameConn struct {
	u *User
}

// stopFrame is returned by Read after Close so that the switch's reader
// loop sees its cancelled context and returns without an error. It is a
// minimal frame between two locally administered addresses nobody uses,
// which the switch drops.
var stopFrame = []byte{0x02, 0, 0, 0, 0, 0xfe, 0x02, 0, 0, 0, 0, 0xff, 0x88, 0xb5}

func (c *frameConn) Read(b []byte) (int, error) {
	u := c.u
	for {
		select {
		case <-u.done:
			return copy(b, stopFrame), nil
		case bp := <-u.in:
			reply, consumed := u.dhcp.Handle(*bp)
			if !consumed {
				reply, consumed = dnsOnly(*bp)
			}
			if consumed {
				u.pool.Put(bp)
				if reply != nil {
					u.deliver(reply)
				}
				continue
			}
			n := copy(b, *bp)
			u.pool.Put(bp)
			return n, nil
		}
	}
}

func (c *frameConn) Write(b []byte) (int, error) {
	select {
	case <-c.u.done:
		return 0, net.ErrClosed
	default:
	}
	f := make([]byte, len(b))
	copy(f, b)
	c.u.deliver(f)
	return len(b), nil
}

func (c *frameConn) Close() error                       { return nil }
func (c *frameConn) LocalAddr() net.Addr                { return frameAddr("usernet-gateway") }
func (c *frameConn) RemoteAddr() net.Addr               { return frameAddr("usernet-guest") }
func (c *frameConn) SetDeadline(t time.Time) error      { return nil }
func (c *frameConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *frameConn) SetWriteDeadline(t time.Time) error { return nil }

type frameAddr string

func (a frameAddr) Network() string { return "usernet" }
func (a frameAddr) String() string  { return string(a) }
