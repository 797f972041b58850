package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/calltrace"
)

// Bad --trace-calls input is a usage error (exit 2) with a clear message,
// before the guest starts.
func TestTraceCallsBadInput(t *testing.T) {
	exe := buildCLI(t)
	vmlinux := "../../guest/images/vmlinux"
	if _, err := os.Stat(vmlinux); err != nil {
		t.Skip("no vmlinux")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--trace-calls", "__sys_socket"}, "--trace-calls needs --vmlinux"},
		{[]string{"--vmlinux", vmlinux}, "--vmlinux needs --trace-calls or --profile"},
		{[]string{"--profile", filepath.Join(t.TempDir(), "p"), "--profile-period", "0"}, "--profile-period 0"},
		{[]string{"--profile", filepath.Join(t.TempDir(), "no", "such", "p")}, "--profile: open"},
		{[]string{"--profile", filepath.Join(t.TempDir(), "p"), "--vmlinux", self}, "not an ARM ELF"},
		{[]string{"--trace-calls", "__sys_sockett", "--vmlinux", vmlinux}, "did you mean __sys_socket"},
		{[]string{"--trace-calls", "__sys_socket", "--vmlinux", self}, "not an ARM ELF"},
		{[]string{"--trace-calls", "__sys_socket", "--vmlinux", vmlinux, "--trace-format", "svg"}, "--trace-format svg"},
		{[]string{"--trace-calls", "__sys_socket", "--vmlinux", vmlinux, "--trace-depth", "-1"}, "--trace-depth -1"},
	}
	for _, c := range cases {
		cmd := exec.Command(exe, append([]string{"boot"}, c.args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdin = strings.NewReader("")
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: err %v, stderr %q; want exit 2 and %q", c.args, err, stderr.String(), c.want)
		}
	}
}

// TestTraceCallsStudy is the network-stack study reproduced: the bundled
// guest runs netstudy selftest (a TCP server and client over loopback)
// with the socket syscalls as roots, and each root's graph must reach the
// functions of the study. In 6.1 close(2) only drops the file reference
// (close_fd); the socket is released from task work on the way back to
// user space, in __fput, so __fput is the root for the close row.
func TestTraceCallsStudy(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest")
	}
	vmlinux, err := filepath.Abs("../../guest/images/vmlinux")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(vmlinux); err != nil {
		t.Skip("no vmlinux")
	}
	exe := buildCLI(t)
	out := filepath.Join(t.TempDir(), "calls.json")
	const long = 5 * time.Minute
	g := startGuest(t, exe, "trace-calls", "boot", "--nic", "none", "--pace", "off",
		"--trace-calls", "__sys_socket,__sys_bind,__sys_listen,__sys_connect,__sys_accept4,ksys_write,ksys_read,close_fd,__fput",
		"--vmlinux", vmlinux, "--trace-depth", "8", "--trace-format", "json", "--trace-out", out)
	g.expect(prompt, long)
	if o := sh(g, "netstudy selftest", long); !strings.Contains(o, "netstudy selftest ok") {
		t.Fatalf("netstudy selftest:\n%s", o)
	}
	g.send("poweroff\n")
	if code := g.wait(long); code != 0 {
		t.Fatalf("exit status after poweroff: %d", code)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var roots []calltrace.Root
	if err := json.Unmarshal(b, &roots); err != nil {
		t.Fatal(err)
	}
	reached := map[string]map[string]bool{}
	var walk func(m map[string]bool, c *calltrace.Call)
	walk = func(m map[string]bool, c *calltrace.Call) {
		m[c.Name] = true
		for _, k := range c.Calls {
			walk(m, k)
		}
	}
	for _, r := range roots {
		m := map[string]bool{}
		for _, c := range r.Trees {
			walk(m, c)
		}
		reached[r.Root] = m
	}
	want := map[string][]string{
		"__sys_socket":  {"inet_create", "tcp_v4_init_sock"},
		"__sys_bind":    {"inet_bind", "inet_csk_get_port"},
		"__sys_listen":  {"inet_listen", "inet_csk_listen_start", "inet_hash"},
		"__sys_connect": {"tcp_v4_connect", "tcp_connect", "__tcp_transmit_skb"},
		"__sys_accept4": {"inet_accept", "inet_csk_accept"},
		"ksys_write":    {"sock_write_iter", "inet_sendmsg", "tcp_sendmsg", "tcp_write_xmit"},
		"ksys_read":     {"sock_read_iter", "inet_recvmsg", "tcp_recvmsg"},
		"__fput":        {"sock_close", "inet_release", "tcp_close"},
	}
	for root, names := range want {
		for _, n := range names {
			if !reached[root][n] {
				t.Errorf("%s does not reach %s", root, n)
			}
		}
	}
}

// TestGuestProfile samples the bundled guest running netstudy selftest
// (paced, so idle time is real) and checks the flat profile: the summary,
// kernel functions by name from the vmlinux, the user-space line.
func TestGuestProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest")
	}
	vmlinux, err := filepath.Abs("../../guest/images/vmlinux")
	if err != nil {
		t.Fatal(err)
	}
	exe := buildCLI(t)
	out := filepath.Join(t.TempDir(), "profile.txt")
	const long = 5 * time.Minute
	g := startGuest(t, exe, "profile", "boot", "--nic", "none", "--pace", "on", "--profile", out, "--vmlinux", vmlinux)
	g.expect(prompt, long)
	if o := sh(g, "netstudy selftest", long); !strings.Contains(o, "netstudy selftest ok") {
		t.Fatalf("netstudy selftest:\n%s", o)
	}
	g.send("poweroff\n")
	if code := g.wait(long); code != 0 {
		t.Fatalf("exit status after poweroff: %d", code)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	t.Logf("profile head:\n%s", s[:min(len(s), 1500)])
	m := regexp.MustCompile(`# guest profile: (\d+) samples of a busy CPU, one every 10000 ns`).FindStringSubmatch(s)
	if m == nil || m[1] == "0" {
		t.Fatalf("no samples")
	}
	if !regexp.MustCompile(`# busy: kernel [0-9.]+% \(of which IRQ/FIQ mode [0-9.]+%\), user [0-9.]+%; idle \(WFI\) [0-9.]+% of [0-9.]+ s of guest time`).MatchString(s) {
		t.Errorf("summary line missing")
	}
	// Functions the guest certainly runs after init: the scheduler, and
	// process creation for the commands typed.
	for _, f := range []string{"__schedule", "copy_page"} {
		if !regexp.MustCompile(`(?m)^ +\d+ +[0-9.]+% +[0-9.]+%  ` + f + `$`).MatchString(s) {
			t.Errorf("no samples in %s", f)
		}
	}
	if !regexp.MustCompile(`(?m)^ +\d+ +[0-9.]+% +\[user\]$`).MatchString(s) {
		t.Errorf("no [user] line")
	}
}

// TestTraceCallsKallsyms is the recipe for a kernel without a vmlinux at
// hand: one run captures /proc/kallsyms through the console
// (--console-log; --allow stall because symbol names such as
// hung_task_panic look like a stall report), and a second run traces with
// that capture as the symbol source. The capture must agree with the
// bundled System.map and drive the same study as the vmlinux does.
func TestTraceCallsKallsyms(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest twice")
	}
	sysmap := "../../guest/images/System.map"
	if _, err := os.Stat(sysmap); err != nil {
		t.Skip("no System.map")
	}
	exe := buildCLI(t)
	dir := t.TempDir()
	capture := filepath.Join(dir, "kallsyms.txt")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(exe, append([]string{"smoke", "--deterministic", "--log", "/dev/null", "--timeout", "20m"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("smoke %v: %v\n%s", args, err, out)
		}
	}
	run("--allow", "stall", "--expect", "ast2500emu:/# $", "--send", `cat /proc/kallsyms\n`,
		"--expect", "ast2500emu:/# $", "--send", `poweroff\n`, "--expect", "System halted", "--console-log", capture)
	ks, err := calltrace.LoadSymbols(capture)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := calltrace.LoadSymbols(sysmap)
	if err != nil {
		t.Fatal(err)
	}
	if ks.Len() < sm.Len()*9/10 {
		t.Errorf("capture has %d functions, System.map %d", ks.Len(), sm.Len())
	}
	for _, n := range []string{"start_kernel", "__sys_socket", "inet_create", "tcp_v4_connect", "ftgmac100_poll"} {
		a, err1 := ks.Resolve(n)
		b, err2 := sm.Resolve(n)
		if err1 != nil || err2 != nil || a != b {
			t.Errorf("%s: kallsyms %#x %v, System.map %#x %v", n, a, err1, b, err2)
		}
	}
	out := filepath.Join(dir, "calls.tree")
	run("--expect", "ast2500emu:/# $", "--send", `netstudy selftest\n`, "--expect", "netstudy selftest ok",
		"--expect", "ast2500emu:/# $", "--send", `poweroff\n`, "--expect", "System halted",
		"--trace-calls", "__sys_socket,__sys_connect", "--vmlinux", capture, "--trace-depth", "6", "--trace-out", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"# __sys_socket:", "inet_create", "tcp_v4_init_sock", "# __sys_connect:", "tcp_v4_connect", "tcp_connect"} {
		if !strings.Contains(string(b), n) {
			t.Errorf("the kallsyms-driven trace lacks %q", n)
		}
	}
}
