package main

// Serial ports on the host: --serial PORT=BACKEND connects any of the
// AST2500's five UARTs or the VUART to stdio, a pty, a file, a Unix or TCP
// socket, or nothing. Without a PORT= prefix the specs fill the ports in
// QEMU's -serial order for the aspeed machines (UART5 first, then UART1 to
// UART4; hw/arm/aspeed_soc.c gives serial_hd(0) to the default UART and the
// rest in order). Linux names the ports by the aspeed-g5.dtsi aliases:
// serial0..serial3 = UART1..UART4, serial4 = UART5, serial5 = VUART.

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/ast2500emu/ast2500emu/machine"
)

// serialPort is one host-reachable serial port of the SoC.
type serialPort struct {
	name, tty string
	base      uint32
}

// serialPorts are in QEMU's -serial order; the VUART, which QEMU 7.2 does
// not connect, comes last and takes no positional spec.
var serialPorts = []serialPort{
	{"uart5", "ttyS4", 0x1E784000},
	{"uart1", "ttyS0", 0x1E783000},
	{"uart2", "ttyS1", 0x1E78D000},
	{"uart3", "ttyS2", 0x1E78E000},
	{"uart4", "ttyS3", 0x1E78F000},
	{"vuart", "ttyS5", 0x1E787000},
}

const positionalPorts = 5

// lookupPort accepts a port's name or its Linux tty name.
func lookupPort(s string) (serialPort, bool) {
	for _, p := range serialPorts {
		if s == p.name || s == p.tty {
			return p, true
		}
	}
	return serialPort{}, false
}

// serialBackend is a parsed backend spec.
type serialBackend struct {
	kind string // stdio, null, pty, file, unix, tcp
	arg  string // file or socket path, or HOST:PORT
}

// parseBackend parses stdio, mon:stdio, null, none, pty, file:PATH,
// unix:PATH[,OPTS] and tcp:[HOST]:PORT[,OPTS] (QEMU's server, nowait,
// wait=off and server=on options are accepted: the socket is always a
// listening server that does not wait).
func parseBackend(s string) (serialBackend, error) {
	switch s {
	case "stdio", "mon:stdio":
		return serialBackend{kind: "stdio"}, nil
	case "null", "none":
		return serialBackend{kind: "null"}, nil
	case "pty":
		return serialBackend{kind: "pty"}, nil
	}
	kind, arg, ok := strings.Cut(s, ":")
	switch {
	case !ok:
	case kind == "file":
		if arg == "" {
			return serialBackend{}, fmt.Errorf("file: needs a path")
		}
		return serialBackend{kind: "file", arg: arg}, nil
	case kind == "unix" || kind == "tcp":
		path, opts, _ := strings.Cut(arg, ",")
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "", "server", "server=on", "nowait", "wait=off":
			default:
				return serialBackend{}, fmt.Errorf("%s: option %q not supported (sockets always listen and never wait)", kind, o)
			}
		}
		if kind == "unix" {
			if path == "" {
				return serialBackend{}, fmt.Errorf("unix: needs a path")
			}
			return serialBackend{kind: kind, arg: path}, nil
		}
		addr, err := loopbackAddr(path)
		if err != nil {
			return serialBackend{}, err
		}
		return serialBackend{kind: kind, arg: addr}, nil
	case kind == "mon":
		return serialBackend{}, fmt.Errorf("only mon:stdio is supported (use --monitor for a socket)")
	}
	return serialBackend{}, fmt.Errorf("unknown backend %q (known: stdio, pty, file:PATH, unix:PATH, tcp:[HOST]:PORT, null)", s)
}

// loopbackAddr parses [HOST]:PORT; an empty host is 127.0.0.1.
func loopbackAddr(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil || port == "" {
		return "", fmt.Errorf("tcp: want tcp:[HOST]:PORT")
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// parseSerial turns the --serial specs into a backend per port. UART5 is
// on stdio unless a spec says otherwise; at most one port is on stdio.
func parseSerial(specs []string) (map[string]serialBackend, error) {
	out := map[string]serialBackend{}
	next := 0
	for _, s := range specs {
		var p serialPort
		rest := s
		if name, r, ok := strings.Cut(s, "="); ok {
			if q, ok := lookupPort(name); ok {
				p, rest = q, r
			} else if !strings.ContainsAny(name, ":,/") {
				return nil, fmt.Errorf("--serial %s: unknown port %q (uart1..uart5, vuart, or ttyS0..ttyS5)", s, name)
			}
		}
		if p.name == "" {
			if next >= positionalPorts {
				return nil, fmt.Errorf("--serial %s: all five UARTs are taken; name the port (vuart=%s)", s, s)
			}
			p = serialPorts[next]
			next++
		}
		if _, dup := out[p.name]; dup {
			return nil, fmt.Errorf("--serial %s: %s (%s) is already connected", s, p.name, p.tty)
		}
		b, err := parseBackend(rest)
		if err != nil {
			return nil, fmt.Errorf("--serial %s: %v", s, err)
		}
		out[p.name] = b
	}
	if _, ok := out["uart5"]; !ok {
		stdio := false
		for _, b := range out {
			stdio = stdio || b.kind == "stdio"
		}
		if !stdio {
			out["uart5"] = serialBackend{kind: "stdio"}
		}
	}
	n := 0
	for _, b := range out {
		if b.kind == "stdio" {
			n++
		}
	}
	if n > 1 {
		return nil, fmt.Errorf("--serial: only one port can be on stdio")
	}
	return out, nil
}

// stdioPort returns the port on stdio, or "".
func stdioPort(ports map[string]serialBackend) string {
	for name, b := range ports {
		if b.kind == "stdio" {
			return name
		}
	}
	return ""
}

// serialLink is the host end of one port that is not on stdio. Output from
// the machine goroutine goes into a bounded buffer that a writer goroutine
// drains, so a slow or absent reader (a pty nobody opened, a socket with
// no client) never stalls the guest; what does not fit is dropped.
type serialLink struct {
	port string
	mu   sync.Mutex
	buf  []byte
	dst  io.Writer // current destination; nil: discard
	kick chan struct{}
	done chan struct{}
	wg   sync.WaitGroup

	closers []io.Closer
	input   func(p []byte) // set by start
	readers []io.Reader    // input sources started by start
	accept  net.Listener
	conn    net.Conn
}

const serialBufMax = 1 << 20

func (l *serialLink) out(b byte) {
	l.mu.Lock()
	if len(l.buf) < serialBufMax {
		l.buf = append(l.buf, b)
	}
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

func (l *serialLink) writer() {
	defer l.wg.Done()
	var spare []byte
	for {
		stop := false
		select {
		case <-l.kick:
		case <-l.done:
			stop = true
		}
		l.mu.Lock()
		p, dst := l.buf, l.dst
		l.buf = spare[:0]
		l.mu.Unlock()
		if dst != nil && len(p) > 0 {
			if _, err := dst.Write(p); err != nil {
				l.drop(dst)
			}
		}
		spare = p
		if stop {
			return
		}
	}
}

// drop forgets a destination that failed (a socket client that left).
func (l *serialLink) drop(w io.Writer) {
	l.mu.Lock()
	if l.dst == w {
		l.dst = nil
	}
	l.mu.Unlock()
	if c, ok := w.(net.Conn); ok {
		c.Close()
	}
}

// openSerial opens the host side of a port (not stdio).
func openSerial(port string, b serialBackend) (*serialLink, error) {
	l := &serialLink{port: port, kick: make(chan struct{}, 1), done: make(chan struct{})}
	switch b.kind {
	case "null":
	case "file":
		f, err := os.Create(b.arg)
		if err != nil {
			return nil, err
		}
		l.dst = f
		l.closers = append(l.closers, f)
	case "pty":
		master, slave, path, err := openPTY()
		if err != nil {
			return nil, err
		}
		l.dst = master
		l.readers = append(l.readers, master)
		l.closers = append(l.closers, master, slave)
		fmt.Fprintf(os.Stderr, "ast2500emu: %s on %s\n", port, path)
	case "unix", "tcp":
		if b.kind == "unix" {
			os.Remove(b.arg) // a stale socket from an earlier run
		}
		ln, err := net.Listen(b.kind, b.arg)
		if err != nil {
			return nil, err
		}
		l.accept = ln
		l.closers = append(l.closers, ln)
	}
	l.wg.Add(1)
	go l.writer()
	return l, nil
}

// start connects host input to the machine.
func (l *serialLink) start(m *machine.Machine) {
	port := l.port
	l.input = func(p []byte) { m.SerialInput(port, p) }
	for _, r := range l.readers {
		go l.pump(r)
	}
	if l.accept != nil {
		go l.serve()
	}
}

func (l *serialLink) pump(r io.Reader) {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			l.input(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// serve accepts one client at a time; a new client replaces the old one.
func (l *serialLink) serve() {
	for {
		c, err := l.accept.Accept()
		if err != nil {
			return
		}
		l.mu.Lock()
		old := l.conn
		l.conn, l.dst = c, c
		l.mu.Unlock()
		if old != nil {
			old.Close()
		}
		go l.pump(c)
	}
}

// close flushes what the guest wrote (for at most a second) and closes
// the host side.
func (l *serialLink) close() {
	close(l.done)
	fin := make(chan struct{})
	go func() { l.wg.Wait(); close(fin) }()
	select {
	case <-fin:
	case <-time.After(time.Second):
	}
	l.mu.Lock()
	if l.conn != nil {
		l.conn.Close()
	}
	l.mu.Unlock()
	for _, c := range l.closers {
		c.Close()
	}
	if ln, ok := l.accept.(*net.UnixListener); ok {
		os.Remove(ln.Addr().String())
	}
}

// openPTY opens a pseudo-terminal pair; the emulator keeps the slave open
// (in raw mode, so guest output is not echoed back as input) so that the
// master stays usable while terminal programs come and go.
func openPTY() (master, slave *os.File, path string, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, "", err
	}
	fd := int(master.Fd())
	if err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err == nil {
		var n int
		if n, err = unix.IoctlGetInt(fd, unix.TIOCGPTN); err == nil {
			path = filepath.Join("/dev/pts", fmt.Sprint(n))
			slave, err = os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
		}
	}
	if err != nil {
		master.Close()
		return nil, nil, "", fmt.Errorf("pty: %v", err)
	}
	if _, err := term.MakeRaw(int(slave.Fd())); err != nil {
		master.Close()
		slave.Close()
		return nil, nil, "", fmt.Errorf("pty: %v", err)
	}
	return master, slave, path, nil
}

// serialHosts are the opened host sides of the ports not on stdio.
type serialHosts struct {
	links []*serialLink
}

// open opens every non-stdio backend and fills the machine's outputs.
// The stdio port's output is the console's (set by the caller).
func (h *serialHosts) open(ports map[string]serialBackend) (map[string]func(byte), error) {
	outs := map[string]func(byte){}
	for _, p := range serialPorts {
		b, ok := ports[p.name]
		if !ok || b.kind == "stdio" {
			continue
		}
		l, err := openSerial(p.name, b)
		if err != nil {
			h.close()
			return nil, fmt.Errorf("--serial %s: %v", p.name, err)
		}
		h.links = append(h.links, l)
		outs[p.name] = l.out
	}
	return outs, nil
}

func (h *serialHosts) start(m *machine.Machine) {
	for _, l := range h.links {
		l.start(m)
	}
}

func (h *serialHosts) close() {
	for _, l := range h.links {
		l.close()
	}
	h.links = nil
}
