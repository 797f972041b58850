package smoke

import (
	"strings"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/machine"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// tinyMachine is a board that executes RAM full of zeros (ANDEQ r0,r0,r0,
// a no-op) from the start of DRAM: a guest that prints nothing, forever.
func tinyMachine(t *testing.T, maxInsns uint64) *machine.Machine {
	t.Helper()
	m, err := machine.New(machine.Config{
		SoC:      ast2500.Config{RAMSize: 128 << 20, Seed: 1, BaseUnix: 1700000000},
		Boot:     func(m *machine.Machine) error { m.CPU.SetPC(ast2500.DRAMBase); return nil },
		MaxInsns: maxInsns,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRunBudget(t *testing.T) {
	m := tinyMachine(t, 3_000_000)
	st, _ := NewExpect("never")
	r := Run(m, RunConfig{Session: Config{Steps: []Step{st}}})
	if r.Class != Timeout || r.Exit != "budget" || r.End.Insns != 3_000_000 || !strings.Contains(r.Reason, "instruction budget") {
		t.Errorf("result %+v", r)
	}
}

func TestRunGuestBudget(t *testing.T) {
	m := tinyMachine(t, 0)
	st, _ := NewExpect("never")
	r := Run(m, RunConfig{Session: Config{Steps: []Step{st}}, BudgetGuest: 20 * time.Millisecond})
	if r.Class != Timeout || !strings.Contains(r.Reason, "guest-time budget") || r.End.GuestNs < uint64(20*time.Millisecond) {
		t.Errorf("result %+v", r)
	}
}

// An internal fault on the machine goroutine becomes the emulator class
// with a stack, not a crash.
func TestRunEmulatorFault(t *testing.T) {
	m := tinyMachine(t, 50_000_000)
	calls := 0
	clock := func() time.Time {
		calls++
		if calls == 3 { // the first progress tick
			panic("injected fault")
		}
		return time.Unix(0, 0)
	}
	st, _ := NewExpect("never")
	r := Run(m, RunConfig{Session: Config{Steps: []Step{st}, Clock: clock}})
	if r.Class != Emulator || !strings.Contains(r.Reason, "injected fault") || !strings.Contains(r.Stack, "goroutine") {
		t.Errorf("result class %q reason %q stack %.200q", r.Class, r.Reason, r.Stack)
	}
}
