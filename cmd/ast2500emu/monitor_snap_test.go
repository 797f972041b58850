package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/snapshot"
)

// TestMonitorSaveLoadVM boots the bundled guest to its shell, saves it
// with the monitor's savevm over --monitor, changes the guest, puts it
// back with loadvm (the change is gone, the machine runs on), checks that
// loadvm refuses bad files with one line and keeps running, quits, and
// starts a new process from the file with boot --snapshot.
func TestMonitorSaveLoadVM(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest")
	}
	exe := buildCLI(t)
	dir, err := os.MkdirTemp("", "h12") // short: Unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	mon, qmp, snap := filepath.Join(dir, "mon"), filepath.Join(dir, "qmp"), filepath.Join(dir, "shell.snap")
	g := startGuest(t, exe, "savevm", "boot", "--nic", "none", "--pace", "off", "--monitor", "unix:"+mon, "--qmp", "unix:"+qmp)
	g.expect(`ast2500emu:/# `, 5*time.Minute)

	m := streamConsole(t, "monitor", dialRetry(t, "unix", mon))
	m.expect(`\(ast2500emu\) `, time.Minute)
	monCmd := func(cmd string) string {
		t.Helper()
		m.send(cmd + "\n")
		return m.expect(`(?s)^(.*?)\(ast2500emu\) `, 2*time.Minute)[1]
	}
	if out := monCmd("savevm " + snap); !strings.HasPrefix(out, "snapshot saved to "+snap) {
		t.Fatalf("savevm: %q", out)
	}
	// QMP reaches them as human-monitor-command, as QEMU's does.
	qc := dialRetry(t, "unix", qmp)
	q := &qmpTestClient{t: t, c: qc, r: bufio.NewReader(qc)}
	q.read()
	q.do(`{"execute":"qmp_capabilities"}`)
	qsnap := filepath.Join(dir, "qmp.snap")
	if r := q.do(`{"execute":"human-monitor-command","arguments":{"command-line":"savevm ` + qsnap + `"}}`); !strings.Contains(jsonText(r["return"]), "snapshot saved to") {
		t.Errorf("QMP savevm: %v", jsonText(r))
	}
	if out := g.run("touch /tmp/after-savevm && echo made", time.Minute); !strings.Contains(out, "made") {
		t.Fatalf("touch: %q", out)
	}
	if out := monCmd("loadvm " + snap); !strings.HasPrefix(out, "restored from "+snap) {
		t.Fatalf("loadvm: %q", out)
	}
	// The guest is back at the prompt it was saved at, before the file.
	g.send("ls /tmp/after-savevm\n")
	g.expect(`No such file or directory`, time.Minute)
	if out := g.run("uname -a", time.Minute); !regexp.MustCompile(`Linux ast2500emu .*armv6l`).MatchString(out) {
		t.Errorf("uname -a after loadvm: %q", out)
	}

	junk := filepath.Join(dir, "junk.snap")
	os.WriteFile(junk, []byte(strings.Repeat("x", 100)), 0o644)
	for file, want := range map[string]string{
		junk:                         "magic",
		filepath.Join(dir, "nope"):   "no such file",
		filepath.Join(dir, "nope/x"): "",
	} {
		cmd := "loadvm " + file
		if want == "" {
			cmd, want = "savevm "+file, "no such directory"
		}
		out := monCmd(cmd)
		if strings.Count(out, "\n") != 1 || !strings.Contains(out, want) {
			t.Errorf("%s: %q (want one line mentioning %q)", cmd, out, want)
		}
	}
	if out := g.run("echo still-running", time.Minute); !strings.Contains(out, "still-running") {
		t.Errorf("after refused loadvm: %q", out)
	}
	m.send("quit\n")
	if code := g.wait(time.Minute); code != 0 {
		t.Errorf("quit: exit %d", code)
	}

	r := startGuest(t, exe, "restored", "boot", "--nic", "none", "--pace", "off", "--snapshot", snap)
	if out := r.run("uname -a", time.Minute); !regexp.MustCompile(`Linux ast2500emu .*armv6l`).MatchString(out) {
		t.Errorf("uname -a after boot --snapshot: %q", out)
	}
	if out := r.run("ls /tmp/after-savevm; echo rc=$?", time.Minute); !strings.Contains(out, "rc=1") {
		t.Errorf("the restored guest has the file made after savevm: %q", out)
	}
}

// TestLoadInPlace checks machine.Load, loadvm's restore, in process: a
// machine saved at N1 and N2, then put back to N1 in place and run to N2
// again, saves the same snapshot byte for byte. (Pages the guest wrote
// after N1 that N1's file leaves out as zero must be cleared: without
// that the kernel faulted on stale memory.)
func TestLoadInPlace(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest")
	}
	const n1, n2 = 40_000_000, 80_000_000
	m, s, _ := snapMachine(t, []string{"--nic", "none"}, "")
	save := func() []byte {
		var b bytes.Buffer
		if err := m.Save(&b, s.header); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	var s1, s2, s3 []byte
	m.SnapshotAt(n1, func() {
		s1 = save()
		m.SnapshotAt(n2, func() {
			s2 = save()
			snap, err := snapshot.Parse(s1)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Load(snap); err != nil {
				t.Fatal(err)
			}
			if m.CPU.Insns != n1 {
				t.Errorf("after Load: %d instructions, want %d", m.CPU.Insns, n1)
			}
			m.SnapshotAt(n2, func() {
				s3 = save()
				m.StopHere()
			})
		})
	})
	if _, err := m.Run(); err != nil {
		t.Fatal(err)
	}
	if s3 == nil {
		t.Fatal("the run ended before the second pass reached N2")
	}
	if !bytes.Equal(s2, s3) {
		t.Errorf("the snapshot at %d instructions after an in-place Load differs from the first pass's (%d vs %d bytes)", n2, len(s3), len(s2))
	}
}
