package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// guestConsole drives a running ast2500emu process through its console
// pipes, expect-style, and keeps the whole console log.
type guestConsole struct {
	t     *testing.T
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	buf   bytes.Buffer
	pos   int // matched up to here
	done  chan error
}

func startGuest(t *testing.T, exe, name string, args ...string) *guestConsole {
	t.Helper()
	g := &guestConsole{t: t, name: name, done: make(chan error, 1)}
	g.cmd = exec.Command(exe, args...)
	g.cmd.Stderr = io.Discard
	var err error
	if g.stdin, err = g.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := g.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go g.collect(out, g.cmd.Wait)
	t.Cleanup(func() {
		if g.cmd.ProcessState == nil {
			g.cmd.Process.Kill()
		}
		if t.Failed() {
			g.saveLog()
		}
	})
	return g
}

// collect keeps what r delivers until it ends, then reports end().
func (g *guestConsole) collect(r io.Reader, end func() error) {
	b := make([]byte, 4096)
	for {
		n, err := r.Read(b)
		g.mu.Lock()
		g.buf.Write(b[:n])
		g.mu.Unlock()
		if err != nil {
			break
		}
	}
	g.done <- end()
}

// saveLog keeps the console log of a failed run.
func (g *guestConsole) saveLog() {
	dir := os.Getenv("AST2500EMU_TESTLOGS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ast2500emu-testlogs")
	}
	os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, g.name+".console.log")
	g.mu.Lock()
	os.WriteFile(p, g.buf.Bytes(), 0o644)
	g.mu.Unlock()
	g.t.Logf("console log kept in %s", p)
}

// text returns the console output so far.
func (g *guestConsole) text() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.String()
}

// expect waits for re to match the output after the last match.
func (g *guestConsole) expect(re string, timeout time.Duration) []string {
	g.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for {
		g.mu.Lock()
		s := g.buf.String()[g.pos:]
		if loc := rx.FindStringSubmatchIndex(s); loc != nil {
			m := make([]string, 0, len(loc)/2)
			for i := 0; i < len(loc); i += 2 {
				if loc[i] >= 0 {
					m = append(m, s[loc[i]:loc[i+1]])
				} else {
					m = append(m, "")
				}
			}
			g.pos += loc[1]
			g.mu.Unlock()
			return m
		}
		g.mu.Unlock()
		if time.Now().After(deadline) {
			tail := s
			if len(tail) > 2000 {
				tail = tail[len(tail)-2000:]
			}
			g.t.Fatalf("%s: timed out after %v waiting for %q; console tail:\n%s", g.name, timeout, re, tail)
		}
		select {
		case <-g.done:
			g.done <- nil
			g.mu.Lock()
			s := g.buf.String()[g.pos:]
			g.mu.Unlock()
			if !rx.MatchString(s) {
				g.t.Fatalf("%s: emulator exited while waiting for %q", g.name, re)
			}
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (g *guestConsole) send(s string) {
	g.t.Helper()
	if _, err := io.WriteString(g.stdin, s); err != nil {
		g.t.Fatalf("%s: send: %v", g.name, err)
	}
}

// run sends a shell command and returns its output (up to the next prompt).
func (g *guestConsole) run(cmd string, timeout time.Duration) string {
	g.t.Helper()
	n := time.Now().UnixNano() % 100000
	marker := fmt.Sprintf("__END%d__", n)
	// The command line is echoed back; quote the marker so that only the
	// shell's output of it matches.
	g.send(fmt.Sprintf("%s; echo __END''%d__\n", cmd, n))
	m := g.expect(`(?s)\n(.*?)`+marker+`\r?\n`, timeout)
	return strings.ReplaceAll(m[1], "\r", "")
}

// wait waits for the process to exit and returns its exit status.
func (g *guestConsole) wait(timeout time.Duration) int {
	g.t.Helper()
	select {
	case <-g.done:
	case <-time.After(timeout):
		g.t.Fatalf("%s: emulator did not exit within %v", g.name, timeout)
	}
	return g.cmd.ProcessState.ExitCode()
}
