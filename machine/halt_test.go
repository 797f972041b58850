package machine

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// runHalt runs scenario n of testdata/halt.S (see its header) on a bare
// machine and returns how the run ended and the console.
func runHalt(t *testing.T, n uint32, cfg Config) (*Machine, Exit, string) {
	t.Helper()
	var out strings.Builder
	m, err := New(haltConfig(t, n, cfg, &out))
	if err != nil {
		t.Fatal(err)
	}
	exit, err := m.Run()
	if err != nil {
		t.Fatal(err)
	}
	return m, exit, out.String()
}

// haltConfig is the configuration of runHalt's machine, printing to out.
func haltConfig(t *testing.T, n uint32, cfg Config, out *strings.Builder) Config {
	t.Helper()
	img, err := os.ReadFile("testdata/halt.bin")
	if err != nil {
		t.Fatal(err)
	}
	cfg.SoC = ast2500.Config{RAMSize: 128 << 20, SCUUnlocked: true, Log: mmio.NewLog(&strings.Builder{})}
	cfg.Console = func(b byte) { out.WriteByte(b) }
	cfg.Boot = func(m *Machine) error {
		m.SoC.WritePhys(ast2500.DRAMBase, img)
		m.CPU.SetCPSR(arm.ModeSVC | 0x1C0)
		m.CPU.SetReg(0, n)
		m.CPU.SetPC(ast2500.DRAMBase)
		return nil
	}
	if cfg.MaxInsns == 0 {
		cfg.MaxInsns = 50e6
	}
	return cfg
}

// Linux 6.9+ halts with "Power off not available: System halted instead"
// and machine_halt's cpsid i; b . -- the state ends the run.
func TestHaltLoopEndsRun(t *testing.T) {
	m, exit, out := runHalt(t, 0, Config{})
	if exit != ExitHalted {
		t.Fatalf("exit %v, want halted; console %q", exit, out)
	}
	if !strings.Contains(out, "System halted instead\n") {
		t.Errorf("console lost its last line: %q", out)
	}
	if m.CPU.Insns > 1e6 {
		t.Errorf("ran %d instructions after halting", m.CPU.Insns)
	}
}

// The halt is seen at the exact instruction of the first "b .", and the
// run ends haltDrain later, whatever timers slice the CPU's time (a
// profiler's sampling timer must not change the counts).
func TestHaltExactWithTimers(t *testing.T) {
	m1, exit1, _ := runHalt(t, 5, Config{})
	m2, exit2, _ := runHalt(t, 5, Config{Attach: func(s *ast2500.SoC) error {
		var tm *vclock.Timer
		tm = s.Clock().NewTimer("sampler", func() { tm.SetAfter(7000) })
		tm.SetAfter(7000)
		return nil
	}})
	if exit1 != ExitHalted || exit2 != ExitHalted || m1.CPU.Insns != m2.CPU.Insns || m1.Clock.Now() != m2.Clock.Now() {
		t.Errorf("plain run %v at %d insns %d ns; with a sampler %v at %d insns %d ns", exit1, m1.CPU.Insns, m1.Clock.Now(), exit2, m2.CPU.Insns, m2.Clock.Now())
	}
}

// Printing the kernel's last words does not end a running program.
func TestMagicTextDoesNotEndRun(t *testing.T) {
	_, exit, out := runHalt(t, 1, Config{MaxInsns: 5e6})
	if exit != ExitBudget {
		t.Fatalf("exit %v, want budget (the program keeps running); console %q", exit, out)
	}
	if !strings.Contains(out, "reboot: Power down") {
		t.Fatalf("console %q", out)
	}
}

// A halted CPU with a watchdog armed waits (in skipped guest time) for the
// watchdog, which resets the SoC; the reset is no software request.
func TestHaltWithWatchdogResets(t *testing.T) {
	m, exit, _ := runHalt(t, 2, Config{NoReboot: true})
	if exit != ExitReset {
		t.Fatalf("exit %v, want reset", exit)
	}
	if now := m.Clock.Now(); now < 2e9 || now > 2.1e9 {
		t.Errorf("reset at guest %d ns, want the 2 s expiry", now)
	}
	if m.CPU.Insns > 1e6 {
		t.Errorf("spun %d instructions instead of skipping to the expiry", m.CPU.Insns)
	}
	if r := m.LastReset(); r.WDT != 1 || r.Requested {
		t.Errorf("reset cause %+v, want watchdog 1 timeout", r)
	}
}

// WFI with IRQ and FIQ masked and no interrupt source enabled never wakes.
func TestWFIMaskedHalts(t *testing.T) {
	_, exit, _ := runHalt(t, 3, Config{})
	if exit != ExitHalted {
		t.Fatalf("exit %v, want halted", exit)
	}
}

// FIQ unmasked but no source routed to FIQ: still halted.
func TestHaltLoopFIQUnrouted(t *testing.T) {
	_, exit, _ := runHalt(t, 5, Config{})
	if exit != ExitHalted {
		t.Fatalf("exit %v, want halted", exit)
	}
}

// A system seen alive (it entered User mode) that then neither sleeps nor
// enters User mode again for HangAfter is hung.
func TestHungAfterSignsOfLife(t *testing.T) {
	old := HangAfter
	HangAfter = 50e6 // 50 ms of guest time
	defer func() { HangAfter = old }()
	m, exit, _ := runHalt(t, 4, Config{})
	if exit != ExitHung {
		t.Fatalf("exit %v, want hung", exit)
	}
	if now := m.Clock.Now(); now < 50e6 || now > 60e6 {
		t.Errorf("hung declared at %d ns", now)
	}
}

// A spin that never showed signs of an operating system (a boot loader
// polling its console with interrupts masked) is never taken for hung.
func TestNoHangBeforeSignsOfLife(t *testing.T) {
	old := HangAfter
	HangAfter = 1e6
	defer func() { HangAfter = old }()
	_, exit, _ := runHalt(t, 1, Config{MaxInsns: 5e6})
	if exit != ExitBudget {
		t.Fatalf("exit %v, want budget", exit)
	}
}

// An unpaced guest idle with a quiet console waits in wall time once the
// quiet stretch passes IdleWallAfter, instead of racing its timers.
func TestIdleWaitsInWallTime(t *testing.T) {
	var m *Machine
	var tick func()
	cfg := Config{IdleWallAfter: 100e6}
	img, _ := os.ReadFile("testdata/halt.bin")
	cfg.SoC = ast2500.Config{RAMSize: 128 << 20, SCUUnlocked: true, Log: mmio.NewLog(&strings.Builder{})}
	cfg.Boot = func(mm *Machine) error {
		mm.SoC.WritePhys(ast2500.DRAMBase, img)
		mm.CPU.SetCPSR(arm.ModeSVC | 0x1C0)
		mm.CPU.SetReg(0, 6)
		mm.CPU.SetPC(ast2500.DRAMBase)
		return nil
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tm := m.Clock.NewTimer("test", func() { tick() })
	tick = func() {
		if m.Clock.Now() >= 400e6 {
			m.StopHere()
			return
		}
		tm.SetAfter(50e6)
	}
	tm.SetAfter(50e6)
	start := time.Now()
	if exit, err := m.Run(); exit != ExitStopped || err != nil {
		t.Fatalf("exit %v %v", exit, err)
	}
	// 100 ms of the 400 are free; the rest waits.
	if wall := time.Since(start); wall < 250*time.Millisecond {
		t.Errorf("400 ms of idle guest time took %v of wall time, want at least 250 ms", wall)
	}
}

// A guest that resets again and again without ever reaching User mode
// (a kernel panicking before init with panic=-1) ends after MaxBootLoop.
func TestBootLoopEnds(t *testing.T) {
	m, exit, _ := runHalt(t, 2, Config{MaxBootLoop: 3})
	if exit != ExitBootLoop || m.Resets != 2 || !m.LastReset().BeforeUser {
		t.Fatalf("exit %v after %d resets (%+v), want boot-loop on the third", exit, m.Resets, m.LastReset())
	}
}

// A guest asleep in WFI through a long idle skip is not hung.
func TestLongIdleIsNotHung(t *testing.T) {
	old := HangAfter
	HangAfter = 1e9
	defer func() { HangAfter = old }()
	var m *Machine
	img, _ := os.ReadFile("testdata/halt.bin")
	cfg := Config{SoC: ast2500.Config{RAMSize: 128 << 20, SCUUnlocked: true, Log: mmio.NewLog(&strings.Builder{})}}
	cfg.Boot = func(mm *Machine) error {
		mm.SoC.WritePhys(ast2500.DRAMBase, img)
		mm.CPU.SetCPSR(arm.ModeSVC | 0x1C0)
		mm.CPU.SetReg(0, 6)
		mm.CPU.SetPC(ast2500.DRAMBase)
		return nil
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m.Clock.NewTimer("wake", func() {}).SetAfter(5e9) // a timer event mid-sleep, no interrupt
	m.Clock.NewTimer("end", m.StopHere).SetAfter(10e9)
	if exit, _ := m.Run(); exit != ExitStopped {
		t.Fatalf("exit %v, want stopped", exit)
	}
}
