package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/gdbstub"
)

// A file backend gets every byte the guest sent, flushed on close.
func TestSerialFileBackend(t *testing.T) {
	p := filepath.Join(t.TempDir(), "out.txt")
	l, err := openSerial("uart1", serialBackend{kind: "file", arg: p})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []byte("hello from ttyS0\n") {
		l.out(b)
	}
	l.close()
	if b, _ := os.ReadFile(p); string(b) != "hello from ttyS0\n" {
		t.Fatalf("file has %q", b)
	}
}

// dialRetry connects to a socket the emulator is about to open.
func dialRetry(t *testing.T, network, addr string) net.Conn {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial(network, addr)
		if err == nil {
			t.Cleanup(func() { c.Close() })
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("dial %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// streamConsole is a guestConsole over a socket (a serial port or the
// monitor).
func streamConsole(t *testing.T, name string, c net.Conn) *guestConsole {
	g := &guestConsole{t: t, name: name, stdin: c, done: make(chan error, 1)}
	go g.collect(c, func() error { return nil })
	t.Cleanup(func() {
		if t.Failed() {
			g.saveLog()
		}
	})
	return g
}

// qmpTestClient is a QMP client that keeps the events it reads.
type qmpTestClient struct {
	t      *testing.T
	c      net.Conn
	r      *bufio.Reader
	events []string
}

func (q *qmpTestClient) read() map[string]any {
	q.t.Helper()
	q.c.SetReadDeadline(time.Now().Add(5 * time.Minute))
	line, err := q.r.ReadString('\n')
	if err != nil {
		q.t.Fatalf("qmp read: %v (events so far %v)", err, q.events)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		q.t.Fatalf("qmp: bad JSON %q: %v", line, err)
	}
	return m
}

// do sends a command and returns its answer, keeping events met on the way.
func (q *qmpTestClient) do(cmd string) map[string]any {
	q.t.Helper()
	fmt.Fprintf(q.c, "%s\n", cmd)
	for {
		m := q.read()
		if ev, ok := m["event"]; ok {
			q.events = append(q.events, ev.(string))
			continue
		}
		return m
	}
}

// waitEvent reads until the named event arrives.
func (q *qmpTestClient) waitEvent(name string) {
	q.t.Helper()
	for _, e := range q.events {
		if e == name {
			return
		}
	}
	for {
		m := q.read()
		if ev, ok := m["event"]; ok {
			q.events = append(q.events, ev.(string))
			if ev == name {
				return
			}
		}
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestSerialMonitorQMP boots once with the kernel console on ttyS0 (UART1)
// over a Unix socket and the VUART on another, the monitor and the control
// socket and a GDB stub; it checks traffic both ways on both ports, a
// serial break as the 8250 driver counts it, the monitor's commands on its
// socket, on the console (Ctrl-A c) and through GDB's monitor command, and
// a QMP session with the WATCHDOG, RESET and SHUTDOWN events of a guest
// reboot and a quit.
func TestSerialMonitorQMP(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the kernel")
	}
	exe := buildCLI(t)
	dir, err := os.MkdirTemp("", "h10") // short: Unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s0, vu, mon, qmp := filepath.Join(dir, "s0"), filepath.Join(dir, "vu"), filepath.Join(dir, "mon"), filepath.Join(dir, "qmp")
	gdbPort := gdbFreePort(t)
	g := startGuest(t, exe, "serial-ports", "boot", "--nic", "none", "--pace", "off",
		"--append", "console=ttyS0,115200",
		"--serial", "uart1=unix:"+s0, "--serial", "vuart=unix:"+vu,
		"--monitor", "unix:"+mon, "--qmp", "unix:"+qmp, "--gdb", fmt.Sprintf("tcp:127.0.0.1:%d", gdbPort))

	sh := streamConsole(t, "serial-ttyS0", dialRetry(t, "unix", s0))
	vc := streamConsole(t, "serial-vuart", dialRetry(t, "unix", vu))
	qc := dialRetry(t, "unix", qmp)
	q := &qmpTestClient{t: t, c: qc, r: bufio.NewReader(qc)}
	if greet := q.read(); greet["QMP"] == nil {
		t.Fatalf("QMP greeting: %v", greet)
	}
	if r := q.do(`{"execute":"query-status"}`); jsonText(r["error"]) == "null" || !strings.Contains(jsonText(r), "CommandNotFound") {
		t.Errorf("command before qmp_capabilities: %v", r)
	}
	if r := q.do(`{"execute":"qmp_capabilities","id":1}`); jsonText(r) != `{"id":1,"return":{}}` {
		t.Errorf("qmp_capabilities: %v", jsonText(r))
	}

	// The kernel's console and the shell are on ttyS0.
	sh.expect(`Booting Linux on physical CPU`, 2*time.Minute)
	sh.expect(`ast2500emu:/# `, 5*time.Minute)
	if out := sh.run("echo hi-vuart > /dev/ttyS5; echo sent", time.Minute); !strings.Contains(out, "sent") {
		t.Fatalf("write to the VUART: %q", out)
	}
	vc.expect(`hi-vuart`, time.Minute)
	sh.run("exec 3<>/dev/ttyS5", time.Minute)
	vc.send("ping-vuart\n")
	if out := sh.run("head -n1 <&3", time.Minute); !strings.Contains(out, "ping-vuart") {
		t.Errorf("input from the VUART: %q", out)
	}

	// The monitor on its socket.
	mc := dialRetry(t, "unix", mon)
	m := streamConsole(t, "monitor", mc)
	m.expect(`\(ast2500emu\) `, time.Minute)
	monCmd := func(cmd string) string {
		t.Helper()
		m.send(cmd + "\n")
		return m.expect(`(?s)^(.*?)\(ast2500emu\) `, time.Minute)[1]
	}
	for cmd, want := range map[string]string{
		"info registers":         `R15=[0-9a-f]{8}\n.*PSR=[0-9a-f]{8} .* (svc|usr|irq|sys)32`,
		"info mtree":             `1e784000-1e784fff uart5 \(uart\)\n(?s:.*)80000000-9fffffff dram \(512 MiB\)`,
		"info irq":               `\n\s+9\s+[01]\s+1\s+0\s+uart1\n`,
		"info serial":            `uart1\s+ttyS0\s+0x1e783000\s+unix:` + regexp.QuoteMeta(s0),
		"xp /1xw 0x1e6e207c":     `^1e6e207c: 0x04010303\n$`, // SCU7C: AST2500 A1 silicon revision
		"frobnicate":             `unknown command "frobnicate"`,
		"x /2xb 0x00000001 junk": `want \[/FMT\] ADDR`,
	} {
		if out := monCmd(cmd); !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("monitor %q: %q does not match %q", cmd, out, want)
		}
	}
	xv, xpv := monCmd("x /4xw 0x80008000"), monCmd("xp /4xw 0x80008000")
	if xv != xpv || !strings.HasPrefix(xv, "80008000: 0x") {
		t.Errorf("x and xp of the kernel's first page (mapped 1:1): %q vs %q", xv, xpv)
	}
	monCmd("stop")
	if out := monCmd("info status"); out != "VM status: paused\n" {
		t.Errorf("after stop: %q", out)
	}
	if r := q.do(`{"execute":"query-status"}`); !strings.Contains(jsonText(r), `"status":"paused"`) {
		t.Errorf("QMP query-status while paused: %v", jsonText(r))
	}
	monCmd("cont")
	if r := q.do(`{"execute":"query-status"}`); jsonText(r["return"]) != `{"running":true,"singlestep":false,"status":"running"}` {
		t.Errorf("QMP query-status: %v", jsonText(r))
	}

	// A break on ttyS0 (monitor) and on ttyS4 (the console's Ctrl-A b,
	// with the port held open so the driver's interrupt path runs).
	sh.run("exec 4<>/dev/ttyS4", time.Minute)
	monCmd("break uart1")
	g.send("\x01b")
	time.Sleep(200 * time.Millisecond)
	out := sh.run("cat /proc/tty/driver/serial", time.Minute)
	for _, want := range []string{`0: uart:16550A mmio:0x1E783000 .* brk:1`, `4: uart:16550A mmio:0x1E784000 .* brk:1`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("break not seen by the 8250 driver (%s):\n%s", want, out)
		}
	}

	// The monitor on the console: Ctrl-A c, a command, Ctrl-A c back.
	g.send("\x01c")
	g.send("info status\n")
	g.expect(`VM status: running`, time.Minute)
	g.send("\x01c")

	// GDB's monitor command: attaching stops the CPU.
	gc := dialRetry(t, "tcp", fmt.Sprintf("127.0.0.1:%d", gdbPort))
	rd := gdbstub.NewReader(gc)
	gdbDo := func(body string) []string {
		t.Helper()
		gc.Write(gdbstub.Encode([]byte(body)))
		var pkts []string
		for {
			gc.SetReadDeadline(time.Now().Add(time.Minute))
			ev, err := rd.Next()
			if err != nil {
				t.Fatalf("gdb %q: %v", body, err)
			}
			if ev.Kind != gdbstub.EvPacket {
				continue
			}
			gc.Write([]byte{'+'})
			pkts = append(pkts, string(ev.Data))
			if !strings.HasPrefix(string(ev.Data), "O") || string(ev.Data) == "OK" {
				return pkts
			}
		}
	}
	if r := gdbDo("?"); !strings.HasPrefix(r[0], "T") {
		t.Fatalf("gdb stop reply: %q", r)
	}
	var gdbOut strings.Builder
	for _, p := range gdbDo("qRcmd," + hex.EncodeToString([]byte("info registers"))) {
		if b, err := hex.DecodeString(strings.TrimPrefix(p, "O")); err == nil && p != "OK" {
			gdbOut.Write(b)
		}
	}
	if !strings.Contains(gdbOut.String(), "R15=") {
		t.Errorf("gdb monitor info registers: %q", gdbOut.String())
	}
	gdbDo("D")

	// QMP: the monitor through human-monitor-command, an unknown command,
	// then a guest reboot (WATCHDOG, RESET) and quit (SHUTDOWN).
	if r := q.do(`{"execute":"human-monitor-command","arguments":{"command-line":"info status"},"id":"h"}`); jsonText(r) != `{"id":"h","return":"VM status: running\n"}` {
		t.Errorf("human-monitor-command: %v", jsonText(r))
	}
	if r := q.do(`{"execute":"frobnicate","id":2}`); jsonText(r) != `{"error":{"class":"CommandNotFound","desc":"The command frobnicate has not been found"},"id":2}` {
		t.Errorf("unknown command: %v", jsonText(r))
	}
	sh.send("reboot\n")
	q.waitEvent("WATCHDOG")
	q.waitEvent("RESET")
	if r := q.do(`{"execute":"quit"}`); jsonText(r) != `{"return":{}}` {
		t.Errorf("quit: %v", jsonText(r))
	}
	q.waitEvent("SHUTDOWN")
	if code := g.wait(time.Minute); code != 0 {
		t.Errorf("exit status %d after quit", code)
	}
	if strings.Join(q.events, " ") != "STOP RESUME WATCHDOG RESET SHUTDOWN" {
		t.Errorf("events %v", q.events)
	}
}
