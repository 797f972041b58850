package machine

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/snapshot"
)

// A snapshot taken with one tier restores with the other: the
// translation cache is not machine state. Scenario 1 of halt.S prints,
// then counts in a loop the JIT translates; the run is saved half way
// and the restored run must end in the same state as the one that went
// on.
func TestSnapshotAcrossTiers(t *testing.T) {
	for _, c := range []struct {
		name     string
		from, to JITMode
	}{{"jit-to-interpreter", JITOn, JITOff}, {"interpreter-to-jit", JITOff, JITOn}} {
		t.Run(c.name, func(t *testing.T) {
			const at, end = 2e6, 5e6
			var out strings.Builder
			m, err := New(haltConfig(t, 1, Config{JIT: c.from, MaxInsns: end}, &out))
			if err != nil {
				t.Fatal(err)
			}
			var snap bytes.Buffer
			m.SnapshotAt(at, func() {
				if err := m.Save(&snap, snapshot.Header{Board: "test"}); err != nil {
					t.Error(err)
				}
			})
			if exit, err := m.Run(); exit != ExitBudget || err != nil {
				t.Fatalf("first run: %v %v", exit, err)
			}
			s, err := snapshot.Parse(snap.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			var out2 strings.Builder
			r, err := Restore(haltConfig(t, 1, Config{JIT: c.to, MaxInsns: end}, &out2), s)
			if err != nil {
				t.Fatal(err)
			}
			if exit, err := r.Run(); exit != ExitBudget || err != nil {
				t.Fatalf("restored run: %v %v", exit, err)
			}
			if a, b := m.CPU.State(), r.CPU.State(); a != b {
				t.Fatalf("states differ:\n%s", strings.Join(stateDiff(a, b), "\n"))
			}
			if m.Clock.Now() != r.Clock.Now() {
				t.Errorf("guest time %d, restored %d", m.Clock.Now(), r.Clock.Now())
			}
			t.Logf("%s -> %s; %s", m.Tier(), r.Tier(), FormatJITStats(r.JITStats()))
		})
	}
}

// lockstepRun runs scenario n of halt.S in lockstep mode; tamper, when
// set, changes the JIT's machine before each meeting.
func lockstepRun(t *testing.T, n uint32, cfg Config, tamper func(m *Machine)) (*Machine, Exit, error) {
	t.Helper()
	var out strings.Builder
	cfg.JIT = JITLockstep
	m, err := buildMode(haltConfig(t, n, cfg, &out), New)
	if err != nil {
		t.Fatal(err)
	}
	m.ls.tamper = tamper
	exit, err := m.Run()
	return m, exit, err
}

func TestLockstepAgrees(t *testing.T) {
	// Scenario 1 counts in a loop; scenario 2 resets through the
	// watchdog and boots again.
	for _, c := range []struct {
		n   uint32
		cfg Config
	}{{1, Config{MaxInsns: 3e6}}, {2, Config{MaxInsns: 3e6}}} {
		m, exit, err := lockstepRun(t, c.n, c.cfg, nil)
		if err != nil || exit != ExitBudget {
			t.Fatalf("scenario %d: %v, %v", c.n, exit, err)
		}
		if a, b := m.CPU.State(), m.ls.shadow.CPU.State(); a != b {
			t.Fatalf("scenario %d: states differ at the end:\n%s", c.n, strings.Join(stateDiff(a, b), "\n"))
		}
		if c.n == 2 && (m.Resets == 0 || m.ls.shadow.Resets != m.Resets) {
			t.Errorf("resets: %d, copy %d", m.Resets, m.ls.shadow.Resets)
		}
		t.Log(m.Tier())
	}
}

// A register changed in the JIT's copy only (as a JIT bug would) is
// reported at the next meeting, with the slice and the field.
func TestLockstepReportsDivergence(t *testing.T) {
	meetings := 0
	var corruptAt uint64
	m, exit, err := lockstepRun(t, 1, Config{MaxInsns: 3e6}, func(m *Machine) {
		meetings++
		if meetings == 5 {
			corruptAt = m.CPU.Insns
			m.CPU.R[3] ^= 0x40
		}
	})
	var d *Divergence
	if !errors.As(err, &d) {
		t.Fatalf("exit %v, error %v: want a divergence", exit, err)
	}
	if exit != ExitStopped || m.CPU.Insns < corruptAt {
		t.Errorf("exit %v at %d, corrupted at %d", exit, m.CPU.Insns, corruptAt)
	}
	if d.End != corruptAt || d.Start >= d.End || len(d.Fields) != 1 || !strings.HasPrefix(d.Fields[0], "R[3]: ") {
		t.Errorf("divergence %+v", d)
	}
	msg := d.Error()
	for _, w := range []string{"slice from instruction", "R[3]:", "jit ", "interpreter ", "r3="} {
		if !strings.Contains(msg, w) {
			t.Errorf("report lacks %q:\n%s", w, msg)
		}
	}
	t.Log(msg)
}
