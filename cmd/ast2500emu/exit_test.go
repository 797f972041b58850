package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/smoke"
)

func TestFormatVersion(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Version: "v0.3.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
	}}
	if v := formatVersion("", bi, true); v != "v0.3.0 0123456789ab-dirty (2026-01-02T03:04:05Z) go1.26" {
		t.Errorf("version %q", v)
	}
	bi = &debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Version: "(devel)"}}
	if v := formatVersion("", bi, true); v != "(devel) go1.26" {
		t.Errorf("version %q", v)
	}
	if v := formatVersion("1.2.3", bi, true); v != "1.2.3" {
		t.Errorf("override %q", v)
	}
}

func TestRawFlag(t *testing.T) {
	args := []string{"ast2500emu", "smoke", "--expect", "", "--report", "a.json", "--junit=b.xml", "--", "--report", "c"}
	if r, j := rawFlag(args, "report"), rawFlag(args, "junit"); r != "a.json" || j != "b.xml" {
		t.Errorf("report %q junit %q", r, j)
	}
}

// The status line shows on a terminal until the guest's first byte, which
// clears it; off a terminal there is none.
func TestStatusLine(t *testing.T) {
	var buf bytes.Buffer
	c := &console{w: bufio.NewWriter(&buf), outTTY: true, stop: make(chan struct{}), begin: time.Now()}
	done := make(chan struct{})
	go func() { c.status("romulus", "the bundled Linux guest"); close(done) }()
	for {
		c.mu.Lock()
		shown := c.shown
		c.mu.Unlock()
		if shown {
			break
		}
		time.Sleep(time.Millisecond)
	}
	c.out('L')
	close(c.stop)
	<-done
	c.w.Flush()
	out := buf.String()
	if !strings.HasPrefix(out, "\r\033[Kast2500emu: romulus: booting the bundled Linux guest... 0s") || !strings.HasSuffix(out, "\r\033[KL") {
		t.Errorf("terminal output %q", out)
	}
	buf.Reset()
	c = &console{w: bufio.NewWriter(&buf), stop: make(chan struct{})}
	c.out('L')
	c.w.Flush()
	if buf.String() != "L" {
		t.Errorf("pipe output %q", buf.String())
	}
}

func TestStallLines(t *testing.T) {
	r := smoke.Report{Class: "timeout", Steps: []smoke.StepResult{{Index: 1, Kind: "expect", Arg: "Password:", Status: smoke.StepFailed}},
		ConsoleTail: []string{"a", "b", "romulus login: root", ""}}
	got := stallLines(r)
	if !strings.Contains(got, "waiting for: step 1, expect Password:") || !strings.HasSuffix(got, "  | romulus login: root\n") {
		t.Errorf("stall lines:\n%s", got)
	}
}

// The bundled kernel is built with CONFIG_PANIC_TIMEOUT=-1: a panic asks
// for a reset at once. A kernel that cannot find its root panics before
// user space on every boot: with --no-reboot the first reset ends the run,
// without it the boot loop stops after three boots; both exit 4 with a
// one-line summary. With panic=0 the kernel spins in its panic loop: the
// machine sees no idle and no user space, and the run ends as hung.
func TestBootPanic(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	const noRoot = "console=ttyS4,115200 earlycon rdinit=/nonexistent root=/dev/null"
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no-reboot", []string{"--no-reboot", "--append", noRoot}, "reset itself before reaching user space after a kernel panic"},
		{"loop", []string{"--append", noRoot}, "reset 3 times in a row without reaching user space after a kernel panic"},
		{"panic-0", []string{"--append", noRoot + " panic=0"}, "hung after a kernel panic"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(exe, append([]string{"boot", "--nic", "none", "--pace", "off", "--log", "/dev/null"}, c.args...)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			t.Logf("exit %d in %v", code, time.Since(start).Round(time.Millisecond))
			if code != exitDead || !strings.Contains(stderr.String(), c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q\nconsole tail: %s", code, stderr.String(), exitDead, c.want, tail(stdout.String(), 600))
			}
			if n := strings.Count(stdout.String(), "Booting Linux on physical CPU"); c.name == "loop" && n != 3 || c.name != "loop" && n != 1 {
				t.Errorf("%d boots", n)
			}
		})
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
