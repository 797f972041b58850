package main

// Debugging flags of the boot command: --gdb tcp:HOST:PORT starts a GDB
// remote stub (gdbstub), -S holds the CPU before its first instruction
// until a debugger attaches.

import (
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ast2500emu/ast2500emu/machine"
)

type debugOptions struct {
	gdb       string
	waitGDB   bool
	traceFile string
	traceRng  string
	calls     callOptions             // --trace-calls and friends (calls.go)
	monitor   func(cmd string) string // GDB's monitor command (monitor.go)
}

func (d *debugOptions) register(f *pflag.FlagSet) {
	f.StringVar(&d.gdb, "gdb", "", "start a GDB remote stub: tcp:HOST:PORT (e.g. tcp:127.0.0.1:1234)")
	f.BoolVarP(&d.waitGDB, "wait-gdb", "S", false, "with --gdb: wait for the debugger before the first instruction")
	d.registerTrace(f)
	d.calls.register(f)
}

// active reports whether any debugging or tracing flag is set.
func (d *debugOptions) active() bool {
	return d.gdb != "" || d.waitGDB || d.traceFile != "" || d.traceRng != "" || d.calls.roots != "" || d.calls.profile != ""
}

// parseGDBAddr checks "tcp:HOST:PORT" (a bare ":PORT" or "PORT" means
// localhost).
func parseGDBAddr(s string) (string, error) {
	a := strings.TrimPrefix(s, "tcp:")
	if !strings.Contains(a, ":") {
		a = "127.0.0.1:" + a
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil || port == "" {
		return "", fmt.Errorf("want tcp:HOST:PORT")
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// attach sets up tracing and the GDB stub on m. The returned function
// ends them after the run (exit code for the debugger).
func (d *debugOptions) attach(m *machine.Machine) (func(code int), error) {
	if d.waitGDB && d.gdb == "" {
		return nil, usage("-S needs --gdb")
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
	addr, err := parseGDBAddr(d.gdb)
	if err != nil {
		closeTrace()
		return nil, usage("--gdb %s: %v", d.gdb, err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		closeTrace()
		return nil, usage("--gdb %s: %v", d.gdb, err)
	}
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
