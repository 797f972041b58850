package main

// Debugging flags of the boot command: --gdb tcp:HOST:PORT starts a GDB
// remote stub (gdbstub), -S holds the CPU before its first instruction
// until a debugger attaches.

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ast2500emu/ast2500emu/internal/hostfile"
	"github.com/ast2500emu/ast2500emu/machine"
)

type debugOptions struct {
	gdb       string
	waitGDB   bool
	traceFile string
	traceRng  string
	calls     callOptions             // --trace-calls and friends (calls.go)
	monitor   func(cmd string) string // GDB's monitor command (monitor.go)

	gdbNet, gdbAddr string       // parsed --gdb (validate)
	listener        net.Listener // opened by listen, taken by attach
}

func (d *debugOptions) register(f *pflag.FlagSet) {
	f.StringVar(&d.gdb, "gdb", "", "start a GDB remote stub: tcp:HOST:PORT (e.g. tcp:127.0.0.1:1234; HOST an IP address or localhost) or unix:PATH")
	f.BoolVarP(&d.waitGDB, "wait-gdb", "S", false, "with --gdb: wait for the debugger before the first instruction")
	d.registerTrace(f)
	d.calls.register(f)
}

// active reports whether any debugging or tracing flag is set.
func (d *debugOptions) active() bool {
	return d.gdb != "" || d.waitGDB || d.traceFile != "" || d.traceRng != "" || d.calls.roots != "" || d.calls.profile != ""
}

// parseGDBAddr checks --gdb: "tcp:HOST:PORT" (a bare ":PORT" or "PORT"
// means localhost; HOST is an IP address or localhost, never looked up in
// DNS) or "unix:PATH" (a Unix domain socket). It returns the network and
// address for net.Listen.
func parseGDBAddr(s string) (network, addr string, err error) {
	if p, ok := strings.CutPrefix(s, "unix:"); ok {
		if p == "" {
			return "", "", fmt.Errorf("want unix:PATH")
		}
		return "unix", p, nil
	}
	a := strings.TrimPrefix(s, "tcp:")
	if !strings.Contains(a, ":") {
		a = "127.0.0.1:" + a
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil || port == "" {
		return "", "", fmt.Errorf("want tcp:HOST:PORT or unix:PATH")
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", "", fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	switch {
	case host == "" || host == "localhost":
		host = "127.0.0.1"
	case net.ParseIP(host) == nil:
		return "", "", fmt.Errorf("host %q is not an IP address or localhost (host names are not looked up)", host)
	}
	return "tcp", net.JoinHostPort(host, port), nil
}

// validate checks the debugging flags before anything is built.
func (d *debugOptions) validate() error {
	if d.waitGDB && d.gdb == "" {
		return usage("-S needs --gdb")
	}
	if d.calls.vmlinux != "" {
		// Refuse a FIFO or device before the machine is built (the
		// symbols are read by attach).
		f, _, err := hostfile.Open("symbols", d.calls.vmlinux, hostfile.SymbolsLimit)
		if err != nil {
			return usage("--vmlinux: %v", err)
		}
		f.Close()
	}
	if d.gdb == "" {
		return nil
	}
	var err error
	if d.gdbNet, d.gdbAddr, err = parseGDBAddr(d.gdb); err != nil {
		return usage("--gdb %s: %v", d.gdb, err)
	}
	return nil
}

// listen opens the --gdb socket (after validate). A stale Unix socket (a
// socket file nobody listens on, left by a killed run) is replaced; any
// other existing file is refused.
func (d *debugOptions) listen() error {
	d.closeListener()
	if d.gdb == "" {
		return nil
	}
	if d.gdbNet == "unix" {
		if fi, err := os.Lstat(d.gdbAddr); err == nil {
			if fi.Mode()&os.ModeSocket == 0 {
				return usage("--gdb %s: %s exists and is not a socket", d.gdb, d.gdbAddr)
			}
			if c, err := net.Dial("unix", d.gdbAddr); err == nil {
				c.Close()
				return usage("--gdb %s: another process is listening on %s", d.gdb, d.gdbAddr)
			}
			os.Remove(d.gdbAddr)
		}
	}
	l, err := net.Listen(d.gdbNet, d.gdbAddr)
	if err != nil {
		return usage("--gdb %s: %v", d.gdb, err)
	}
	d.listener = l
	return nil
}

func (d *debugOptions) closeListener() {
	if d.listener != nil {
		d.listener.Close()
		d.listener = nil
	}
}

// attach sets up tracing and the GDB stub on m. The returned function
// ends them after the run (exit code for the debugger).
func (d *debugOptions) attach(m *machine.Machine) (func(code int), error) {
	if err := d.validate(); err != nil {
		return nil, err
	}
	hooks, closeInsns, err := d.setupTrace(m)
	if err != nil {
		return nil, err
	}
	callHooks, closeCalls, err := d.calls.setup(m)
	if err != nil {
		closeInsns()
		return nil, err
	}
	hooks = chainHooks(hooks, callHooks)
	closeTrace := func() { closeInsns(); closeCalls() }
	if d.gdb == "" {
		if hooks != nil {
			m.CPU.SetHooks(hooks)
		}
		return func(int) { closeTrace() }, nil
	}
	if d.listener == nil {
		if err := d.listen(); err != nil {
			closeTrace()
			return nil, err
		}
	}
	l := d.listener
	d.listener = nil
	stub := m.NewGDBStub(d.waitGDB, hooks, func(f string, a ...any) {
		fmt.Fprintf(os.Stderr, "ast2500emu: "+f+"\n", a...)
	})
	if d.monitor != nil {
		stub.SetMonitor(d.monitor)
	}
	go stub.Serve(l)
	if d.waitGDB {
		fmt.Fprintf(os.Stderr, "ast2500emu: waiting for gdb on %s\n", l.Addr())
	}
	return func(code int) {
		l.Close()
		stub.Exited(code)
		closeTrace()
	}, nil
}
