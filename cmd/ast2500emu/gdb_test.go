package main

import (
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func gdbFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestGDBPortInUse(t *testing.T) {
	exe := buildCLI(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, args := range [][]string{
		{"boot", "--nic", "none", "--gdb", "tcp:" + l.Addr().String()},
		{"boot", "--nic", "none", "--gdb", "tcp:nohost"},
		{"boot", "--nic", "none", "-S"},
	} {
		cmd := exec.Command(exe, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdin = strings.NewReader("")
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Errorf("%v: %v, want exit status 2", args, err)
		}
		if lines := strings.Count(strings.TrimSpace(stderr.String()), "\n") + 1; lines != 1 || !strings.Contains(stderr.String(), "ast2500emu: ") {
			t.Errorf("%v: stderr %q, want one line", args, stderr.String())
		}
	}
}

// TestGDBMultiarchKernel drives the real gdb-multiarch against the bundled
// kernel: -S holds the CPU at the first instruction, a breakpoint on
// start_kernel is reached, then a write watchpoint on jiffies fires in the
// timer code.
func TestGDBMultiarchKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the kernel")
	}
	gdb, err := exec.LookPath("gdb-multiarch")
	if err != nil {
		t.Skip("gdb-multiarch not installed")
	}
	vmlinux := filepath.Join("..", "..", "guest", "images", "vmlinux")
	sysmap := gdbReadSymbols(t, filepath.Join("..", "..", "guest", "images", "System.map"))
	exe := buildCLI(t)
	port := gdbFreePort(t)
	emu := exec.Command(exe, "boot", "--nic", "none", "--pace", "off", "--gdb", fmt.Sprintf("tcp:127.0.0.1:%d", port), "-S")
	var emuErr syncBuffer
	ready := make(chan struct{})
	emuErr.notify, emuErr.want = ready, "waiting for gdb"
	emu.Stderr = &emuErr
	emu.Stdin = strings.NewReader("")
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- emu.Wait() }()
	defer func() {
		emu.Process.Kill()
		<-done
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatalf("stub not listening: %s", emuErr.String())
	}
	g := exec.Command(gdb, "-batch", "-nx",
		"-ex", "set pagination off",
		"-ex", "set architecture arm",
		"-ex", "file "+vmlinux,
		"-ex", fmt.Sprintf("target remote 127.0.0.1:%d", port),
		"-ex", "printf \"START pc=%#x cpsr=%#x\\n\", $pc, $cpsr",
		"-ex", "break start_kernel",
		"-ex", "continue",
		"-ex", "printf \"BREAK pc=%#x\\n\", $pc",
		"-ex", "info registers d0 fpscr",
		"-ex", "delete",
		"-ex", "set $old = *(unsigned int *)&jiffies",
		"-ex", "watch *(unsigned int *)&jiffies",
		"-ex", "continue",
		"-ex", "printf \"WATCH pc=%#x old=%#x new=%#x\\n\", $pc, $old, *(unsigned int *)&jiffies",
		"-ex", "bt 1",
		"-ex", "kill")
	g.Stdin = strings.NewReader("")
	ch := make(chan []byte, 1)
	go func() {
		out, _ := g.CombinedOutput()
		ch <- out
	}()
	var out []byte
	select {
	case out = <-ch:
	case <-time.After(240 * time.Second):
		g.Process.Kill()
		t.Fatalf("gdb timed out; emulator: %s", emuErr.String())
	}
	s := string(out)
	t.Logf("gdb output:\n%s", s)
	if !strings.Contains(s, "START pc=0x80008000 cpsr=0x1d3") { // the kernel inflated on the host
		t.Errorf("-S did not stop at the first instruction (want pc 0x80008000: the host-inflated kernel; SVC mode, IRQs masked)")
	}
	// gdb puts the breakpoint after start_kernel's prologue when it can
	// read the function from the target: the kernel is already in RAM
	// when it was inflated on the host.
	var bpc uint64
	if m := regexp.MustCompile(`BREAK pc=(0x[0-9a-f]+)`).FindStringSubmatch(s); m != nil {
		bpc, _ = strconv.ParseUint(m[1], 0, 32)
	}
	if fn := sysmap["start_kernel"]; bpc < uint64(fn) || bpc >= uint64(fn)+0x40 {
		t.Errorf("breakpoint at %#x: want start_kernel (%#x) or just past its prologue", bpc, fn)
	}
	if !strings.Contains(s, "Breakpoint 1, ") || !strings.Contains(s, "in start_kernel ()") {
		t.Errorf("gdb did not report the breakpoint in start_kernel")
	}
	if !regexp.MustCompile(`(?m)^d0 .*\n^fpscr `).MatchString(s) {
		t.Errorf("VFP registers not shown")
	}
	m := regexp.MustCompile(`WATCH pc=(0x[0-9a-f]+) old=(0x[0-9a-f]+) new=(0x[0-9a-f]+)`).FindStringSubmatch(s)
	if m == nil || m[2] == m[3] {
		t.Fatalf("watchpoint on jiffies did not fire with a changed value")
	}
	if !strings.Contains(s, "Hardware watchpoint 2") || !strings.Contains(s, "New value") {
		t.Errorf("gdb did not report the watchpoint hit")
	}
	if !strings.Contains(s, "do_timer") && !strings.Contains(s, "tick") {
		t.Errorf("jiffies written outside the timer code")
	}
	select {
	case <-done:
		done <- nil
	case <-time.After(10 * time.Second):
		t.Errorf("emulator still running after gdb's kill")
	}
}

// readSymbols reads a System.map.
func gdbReadSymbols(t *testing.T, path string) map[string]uint64 {
	t.Helper()
	out, err := exec.Command("cat", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	syms := map[string]uint64{}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) == 3 {
			var v uint64
			fmt.Sscanf(f[0], "%x", &v)
			syms[f[2]] = v
		}
	}
	return syms
}

// syncBuffer collects a process's stderr and signals when want appears.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	want   string
	notify chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if b.notify != nil && strings.Contains(b.buf.String(), b.want) {
		close(b.notify)
		b.notify = nil
	}
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestTraceFlagsBadInput(t *testing.T) {
	exe := buildCLI(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"boot", "--nic", "none", "--trace-range", "0-100"},
		{"boot", "--nic", "none", "--trace-insn", filepath.Join(dir, "t"), "--trace-range", "100-0"},
		{"boot", "--nic", "none", "--trace-insn", filepath.Join(dir, "t"), "--trace-range", "zz"},
		{"boot", "--nic", "none", "--trace-insn", filepath.Join(dir, "no", "such", "dir")},
	} {
		cmd := exec.Command(exe, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdin = strings.NewReader("")
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
			t.Errorf("%v: %v, stderr %q; want exit status 2 and one line", args, err, stderr.String())
		}
	}
}

// TestGDBMultiarchSocketBacktrace attaches gdb-multiarch to a running
// guest at its shell, breaks on __sys_socket for AF_INET (r0 == 2) while
// the guest runs netstudy selftest, and checks the backtrace: the
// breakpoint's frame is __sys_socket and the unwinder (DWARF from the
// vmlinux) walks out to the system call entry.
func TestGDBMultiarchSocketBacktrace(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the kernel")
	}
	gdb, err := exec.LookPath("gdb-multiarch")
	if err != nil {
		t.Skip("gdb-multiarch not installed")
	}
	vmlinux, err := filepath.Abs(filepath.Join("..", "..", "guest", "images", "vmlinux"))
	if err != nil {
		t.Fatal(err)
	}
	sysmap := gdbReadSymbols(t, filepath.Join("..", "..", "guest", "images", "System.map"))
	exe := buildCLI(t)
	port := gdbFreePort(t)
	const long = 4 * time.Minute
	g := startGuest(t, exe, "gdb-socket", "boot", "--nic", "none", "--pace", "off", "--gdb", fmt.Sprintf("tcp:127.0.0.1:%d", port))
	g.expect(prompt, long)

	dbg := exec.Command(gdb, "-batch", "-nx",
		"-ex", "set pagination off",
		"-ex", "set architecture arm",
		"-ex", "file "+vmlinux,
		"-ex", fmt.Sprintf("target remote 127.0.0.1:%d", port),
		"-ex", "break __sys_socket if $r0 == 2",
		"-ex", "echo READY\\n",
		"-ex", "continue",
		"-ex", "printf \"SOCKET pc=%#x family=%d type=%d\\n\", $pc, $r0, $r1",
		"-ex", "bt",
		"-ex", "delete",
		"-ex", "detach")
	dbg.Stdin = strings.NewReader("")
	var out syncBuffer
	ready := make(chan struct{})
	out.notify, out.want = ready, "READY"
	dbg.Stdout, dbg.Stderr = &out, &out
	if err := dbg.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- dbg.Wait() }()
	defer func() {
		dbg.Process.Kill()
		<-done
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatalf("gdb did not attach:\n%s", out.String())
	}
	// The breakpoint is in place before the guest gets the command.
	g.send("netstudy selftest\n")
	select {
	case <-done:
		done <- nil
	case <-time.After(long):
		t.Fatalf("gdb did not finish:\n%s", out.String())
	}
	s := out.String()
	t.Logf("gdb output:\n%s", s)
	// gdb puts the breakpoint after the prologue (the vmlinux has DWARF
	// line tables), a few instructions into the function.
	within := func(pc string, sym string, span uint64) bool {
		var v uint64
		fmt.Sscanf(pc, "0x%x", &v)
		return v >= sysmap[sym] && v < sysmap[sym]+span
	}
	m := regexp.MustCompile(`SOCKET pc=(0x[0-9a-f]+) family=2 type=1`).FindStringSubmatch(s)
	if m == nil || !within(m[1], "__sys_socket", 0x40) {
		t.Errorf("breakpoint not hit in __sys_socket (at %#x) for AF_INET SOCK_STREAM", sysmap["__sys_socket"])
	}
	if !regexp.MustCompile(`(?m)^#0 .* in __sys_socket \(`).MatchString(s) {
		t.Errorf("backtrace frame #0 is not __sys_socket")
	}
	// sys_socket tail-calls __sys_socket, so the caller is the system call
	// return path (ret_fast_syscall; gdb may name it by an alias at the
	// same address).
	m = regexp.MustCompile(`(?m)^#1 +(0x[0-9a-f]+) in `).FindStringSubmatch(s)
	if m == nil || !within(m[1], "ret_fast_syscall", 0x40) {
		t.Errorf("backtrace frame #1 is not in ret_fast_syscall (%#x)", sysmap["ret_fast_syscall"])
	}
	// After detach the guest runs on and finishes the study program.
	if o := g.expect(`netstudy selftest ok`, long); o == nil {
		t.Errorf("guest did not finish netstudy after detach")
	}
	g.send("poweroff\n")
	if code := g.wait(long); code != 0 {
		t.Errorf("exit status after poweroff: %d", code)
	}
}

// TestGDBUnixSocket: --gdb unix:PATH listens on a Unix socket (a stale
// socket file is replaced) and answers the remote protocol there.
func TestGDBUnixSocket(t *testing.T) {
	exe := buildCLI(t)
	sock := filepath.Join(t.TempDir(), "gdb.sock")
	stale, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	emu := exec.Command(exe, "boot", "--nic", "none", "--pace", "off", "--gdb", "unix:"+sock, "-S")
	var emuErr syncBuffer
	ready := make(chan struct{})
	emuErr.notify, emuErr.want = ready, "waiting for gdb"
	emu.Stderr = &emuErr
	emu.Stdin = strings.NewReader("")
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		emu.Process.Kill()
		emu.Wait()
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatalf("stub not listening: %s", emuErr.String())
	}
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write([]byte("$?#3f")); err != nil {
		t.Fatal(err)
	}
	var got []byte
	b := make([]byte, 256)
	for !bytes.Contains(got, []byte("#")) {
		n, err := c.Read(b)
		if err != nil {
			t.Fatalf("reply %q: %v", got, err)
		}
		got = append(got, b[:n]...)
	}
	if !bytes.HasPrefix(got, []byte("+$S")) && !bytes.HasPrefix(got, []byte("+$T")) {
		t.Errorf("reply to ? over the Unix socket: %q, want a stop reply", got)
	}
}
