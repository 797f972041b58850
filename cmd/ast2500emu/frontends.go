package main

// The boot command's host-side front ends: where each serial port goes
// (--serial, serial.go), the monitor socket (--monitor, monitor.go) and the
// control socket (--qmp, qmp.go). configure wires the ports into the
// machine configuration; start serves the sockets once the machine exists;
// finish reports the end of the run and closes everything.

import (
	"net"

	"github.com/spf13/pflag"

	"github.com/ast2500emu/ast2500emu/machine"
)

type frontOptions struct {
	serial  []string
	monitor string
	qmp     string
}

func (f *frontOptions) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.serial, "serial", nil, "connect a serial port: [PORT=]BACKEND, PORT uart1..uart5, vuart (or ttyS0..ttyS5), BACKEND stdio, pty, file:PATH, unix:PATH, tcp:[HOST]:PORT, null; repeatable; unnamed ports fill UART5, UART1..UART4 as QEMU's -serial (default: uart5=stdio)")
	fs.StringVar(&f.monitor, "monitor", "", "serve the monitor on unix:PATH or tcp:[HOST]:PORT (loopback by default); on the console it is Ctrl-A c")
	fs.StringVar(&f.qmp, "qmp", "", "serve the JSON control socket (QMP's shape) on unix:PATH or tcp:[HOST]:PORT")
}

type frontends struct {
	ports map[string]serialBackend
	hosts serialHosts
	con   *console
	mon   *monitor
	monLn net.Listener
	qmp   *qmpServer
	done  chan struct{}
}

// configure parses the flags, opens the serial backends and the sockets,
// and points the machine's UART outputs at them.
func (f *frontOptions) configure(cfg *machine.Options, con *console) (*frontends, error) {
	ports, err := parseSerial(f.serial)
	if err != nil {
		return nil, usageError{err}
	}
	fe := &frontends{ports: ports, con: con, done: make(chan struct{})}
	outs, err := fe.hosts.open(ports)
	if err != nil {
		return nil, usageError{err}
	}
	if p := stdioPort(ports); p != "" {
		con.port = p
		outs[p] = con.out
	}
	cfg.Console = outs["uart5"] // nil: the console's output is discarded
	delete(outs, "uart5")
	cfg.Serial = outs
	if f.monitor != "" && f.monitor != "stdio" { // stdio: the console's Ctrl-A c
		if fe.monLn, err = listenSocket("--monitor", f.monitor); err != nil {
			fe.hosts.close()
			return nil, err
		}
	}
	if f.qmp != "" {
		ln, err := listenSocket("--qmp", f.qmp)
		if err != nil {
			fe.close()
			return nil, err
		}
		fe.qmp = newQMPServer(ln, nil)
	}
	return fe, nil
}

// start connects input and serves the sockets for m.
func (fe *frontends) start(m *machine.Machine) {
	port := fe.con.port
	if stdioPort(fe.ports) == "" {
		port = "uart5"
	}
	fe.mon = &monitor{m: m, done: fe.done, port: port, ports: fe.ports}
	fe.con.mon = fe.mon
	fe.hosts.start(m)
	if fe.monLn != nil {
		go serveMonitor(fe.monLn, fe.mon)
	}
	if fe.qmp != nil {
		fe.qmp.mon = fe.mon
		fe.mon.event = fe.qmp.event
		m.OnReset = fe.qmp.resetEvent
		go fe.qmp.serve()
	}
}

// finish reports the end of the run (SHUTDOWN) and closes the front ends.
func (fe *frontends) finish(exit machine.Exit) {
	close(fe.done)
	if fe.qmp != nil {
		fe.qmp.shutdown(exit)
		fe.qmp = nil
	}
	fe.close()
}

func (fe *frontends) close() {
	fe.hosts.close()
	if fe.monLn != nil {
		fe.monLn.Close()
	}
	if fe.qmp != nil {
		fe.qmp.ln.Close()
	}
}
