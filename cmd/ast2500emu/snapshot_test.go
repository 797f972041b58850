package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ast2500emu/ast2500emu/guest"
	"github.com/ast2500emu/ast2500emu/machine"
)

// snapMachine builds a machine the way boot does from args (plus
// --snapshot FILE when from is set), unpaced, its console captured.
func snapMachine(t *testing.T, args []string, from string) (*machine.Machine, *snapOptions, *bytes.Buffer) {
	t.Helper()
	o := &bootOptions{}
	s := &snapOptions{}
	cmd := &cobra.Command{Use: "boot"}
	o.register(cmd)
	s.registerLoad(cmd.Flags())
	s.registerSave(cmd.Flags())
	if from != "" {
		args = append(args, "--snapshot", from)
	} else {
		// Makes newMachine record the header (no trigger is armed).
		args = append(args, "--save-snapshot", filepath.Join(t.TempDir(), "unused"))
	}
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	if err := s.prepare(cmd, o); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	m, err := o.buildMachine(cmd, s, func(b byte) { out.WriteByte(b) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, s, &out
}

// point is a place in a run: an instruction count and what happens there.
type point struct {
	at    uint64
	save  int    // save snapshot[save] (-1: none)
	end   int    // record the end of run[end] (-1: none)
	input string // console input typed here
}

// runPoints runs m through the points in order (each cut exactly at its
// instruction count, at a slice boundary) and stops after the last.
func runPoints(t *testing.T, m *machine.Machine, s *snapOptions, out *bytes.Buffer, pts []point, snaps, ends [][]byte, consoleAt, consoleEnd []int) {
	t.Helper()
	sort.Slice(pts, func(i, j int) bool { return pts[i].at < pts[j].at })
	i := 0
	var step func()
	step = func() {
		p := pts[i]
		i++
		if p.save >= 0 || p.end >= 0 {
			var b bytes.Buffer
			if err := m.Save(&b, s.header); err != nil {
				t.Error(err)
			}
			if p.save >= 0 {
				snaps[p.save] = b.Bytes()
				consoleAt[p.save] = out.Len()
			}
			if p.end >= 0 {
				ends[p.end] = b.Bytes()
				consoleEnd[p.end] = out.Len()
			}
		}
		if p.input != "" {
			m.Input([]byte(p.input))
		}
		if i == len(pts) {
			m.StopHere()
			return
		}
		m.SnapshotAt(pts[i].at, step)
	}
	m.SnapshotAt(pts[0].at, step)
	if exit, err := m.Run(); err != nil || exit != machine.ExitStopped {
		t.Fatalf("run: %v %v\n%s", exit, err, tailLog(out.String()))
	}
}

func tailLog(s string) string {
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return s
}

// checkExact runs a machine from boot through the save points, M
// instructions past each, then restores each snapshot into a fresh
// machine and runs the same M instructions: the console output and the
// whole machine (a snapshot taken at the end: CPU, devices, clock events,
// RAM, flash) must be identical. Input typed at a save point is typed
// again right after the restore.
func checkExact(t *testing.T, args []string, saves []uint64, M uint64, input map[uint64]string) {
	t.Helper()
	m, s, out := snapMachine(t, args, "")
	var pts []point
	for i, n := range saves {
		pts = append(pts, point{at: n, save: i, end: -1, input: input[n]}, point{at: n + M, save: -1, end: i})
	}
	snaps, ends := make([][]byte, len(saves)), make([][]byte, len(saves))
	consoleAt, consoleEnd := make([]int, len(saves)), make([]int, len(saves))
	runPoints(t, m, s, out, pts, snaps, ends, consoleAt, consoleEnd)
	whole := out.String()
	dir := t.TempDir()
	for i, n := range saves {
		path := filepath.Join(dir, fmt.Sprintf("s%d.snap", i))
		if err := os.WriteFile(path, snaps[i], 0o644); err != nil {
			t.Fatal(err)
		}
		r, rs, rout := snapMachine(t, args, path)
		if r.CPU.Insns != n {
			t.Fatalf("restored at %d instructions, saved at %d", r.CPU.Insns, n)
		}
		if in := input[n]; in != "" {
			// Typed right after the save in the original run; here
			// before the run starts: the same loop iteration.
			r.Input([]byte(in))
		}
		got := make([][]byte, 1)
		runPoints(t, r, rs, rout, []point{{at: n + M, save: -1, end: 0}}, nil, got, nil, make([]int, 1))
		want := whole[consoleAt[i]:consoleEnd[i]]
		if rout.String() != want || !bytes.Equal(got[0], ends[i]) {
			t.Errorf("%v at %d+%d: console or machine differs after restore (console %d bytes vs %d; machine state equal: %v)\nrestored console: %q",
				args, n, M, rout.Len(), len(want), bytes.Equal(got[0], ends[i]), tailLog(rout.String()))
		}
		t.Logf("%v: saved at %d (%.1f MiB), %d console bytes in the next %d instructions: identical after restore",
			strings.Join(args, " "), n, float64(len(snaps[i]))/(1<<20), rout.Len(), M)
	}
}

// TestSnapshotExactRomulus: the bundled guest on romulus (NC-SI on MAC0,
// --nic none), saved in the zImage's decompressor, while the kernel
// probes its devices and NC-SI, and at the shell while the guest pings
// (ARP and NC-SI traffic through MAC0).
func TestSnapshotExactRomulus(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest")
	}
	const prompt = 1_760_000_000
	checkExact(t, []string{"-M", "romulus", "--nic", "none"},
		[]uint64{900_000_000, 1_600_000_000, prompt, prompt + 30_000_000}, 20_000_000,
		map[uint64]string{prompt: "ping -c 2 10.0.2.2; uname -a\n"})
}

// TestSnapshotExactEVBAndFirmware: the ast2500-evb (MDIO PHYs on both
// MACs) during the kernel's boot, and romulus booting the OpenBMC-layout
// flash image from the reset vector (--mtd: first-stage loader, FIT,
// squashfs/jffs2 read from the emulated flash), early in the loader and
// later in Linux: flash arrays and controller state come back exactly.
func TestSnapshotExactEVBAndFirmware(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest")
	}
	checkExact(t, []string{"-M", "ast2500-evb", "--nic", "none"}, []uint64{1_650_000_000}, 20_000_000, nil)
	img, err := guest.RomulusMTD()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "obmc-romulus.mtd")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	checkExact(t, []string{"-M", "romulus", "--mtd", path, "--nic", "none"}, []uint64{50_000_000, 1_700_000_000}, 20_000_000, nil)
}
