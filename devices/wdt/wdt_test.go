package wdt

import (
	"bytes"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
)

type rig struct {
	t      *testing.T
	clk    *devtest.Clock
	w      *WDT
	log    *bytes.Buffer
	resets []uint64 // guest times of reset pulses
	resetL bool
	irq    bool
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, clk: devtest.NewClock()}
	log, buf := devtest.Log()
	r.log = buf
	reset := mmio.LineFunc(func(l bool) {
		if l && !r.resetL {
			r.resets = append(r.resets, r.clk.Now())
		}
		r.resetL = l
	})
	r.w = New(r.clk.Clock, reset, mmio.LineFunc(func(l bool) { r.irq = l }), log)
	return r
}

func (r *rig) rd(off uint32) uint32    { return r.w.Read(off, 4) }
func (r *rig) wr(off uint32, v uint32) { r.w.Write(off, 4, v) }

func (r *rig) wantResets(want ...uint64) {
	r.t.Helper()
	if len(r.resets) != len(want) {
		r.t.Fatalf("resets at %v, want %v", r.resets, want)
	}
	for i := range want {
		if r.resets[i] != want[i] {
			r.t.Fatalf("resets at %v, want %v", r.resets, want)
		}
	}
	if r.resetL {
		r.t.Fatal("reset line left high")
	}
}

// linuxEnable is aspeed_wdt_enable with the driver's default control
// (SoC reset mode, reset system).
func (r *rig) linuxEnable(count uint32) {
	r.wr(RegCtrl, 0)
	r.wr(RegReload, count)
	r.wr(RegRestart, RestartMagic)
	r.wr(RegCtrl, CtrlEnable|CtrlResetSystem)
}

func TestPowerOnValues(t *testing.T) {
	r := newRig(t)
	want := map[uint32]uint32{
		RegStatus: 0x014FB180, RegReload: 0x014FB180, RegCtrl: Ctrl1MHz,
		RegTimeoutStatus: 0, RegResetWidth: 0xFF, RegResetMask: 0x023FFFF3,
		RegRestart: 0, RegClearTimeout: 0,
	}
	for off, v := range want {
		if got := r.rd(off); got != v {
			t.Errorf("reg 0x%02x = %#x, want %#x", off, got, v)
		}
	}
	if _, ok := r.clk.Next(); ok {
		t.Fatal("disabled watchdog armed a deadline")
	}
}

func TestExpiryResetsAtRightTime(t *testing.T) {
	r := newRig(t)
	r.clk.To(5000)
	r.linuxEnable(2000) // 2 ms
	r.clk.To(5000 + 1000*1000)
	if got := r.rd(RegStatus); got != 1000 {
		t.Fatalf("counter after 1 ms = %d", got)
	}
	r.clk.To(5000 + 2000*1000 - 1)
	r.wantResets()
	r.clk.To(5000 + 2000*1000)
	r.wantResets(5000 + 2000*1000)
	if r.rd(RegTimeoutStatus)&1 == 0 {
		t.Fatal("timeout status not set")
	}
}

func TestMagicRestartReloads(t *testing.T) {
	r := newRig(t)
	r.linuxEnable(1000)
	for i := 1; i <= 5; i++ {
		r.clk.To(uint64(i) * 900 * 1000)
		r.wr(RegRestart, RestartMagic)
		if got := r.rd(RegStatus); got != 1000 {
			t.Fatalf("counter after restart = %d", got)
		}
	}
	r.wantResets()
	r.clk.To(5*900*1000 + 1000*1000)
	r.wantResets(5*900*1000 + 1000*1000)
}

func TestWrongMagicIgnored(t *testing.T) {
	r := newRig(t)
	r.linuxEnable(1000)
	r.clk.To(500 * 1000)
	r.wr(RegRestart, 0x4756)
	r.wr(RegRestart, 0)
	r.w.Write(RegRestart, 1, 0x55) // byte: low half 0x0055
	if got := r.rd(RegStatus); got != 500 {
		t.Fatalf("counter after wrong magic = %d", got)
	}
	r.clk.To(1000 * 1000)
	r.wantResets(1000 * 1000)
}

func TestDisabledNeverFires(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 10)
	r.wr(RegRestart, RestartMagic)
	r.wr(RegCtrl, CtrlResetSystem) // reset armed but not enabled
	r.clk.To(100 * 1000 * 1000)
	r.wantResets()
	if r.rd(RegStatus) != 10 || r.rd(RegTimeoutStatus) != 0 {
		t.Fatal("disabled watchdog counted")
	}
	// Stopping a running watchdog freezes it (aspeed_wdt_stop).
	r.linuxEnable(1000)
	r.clk.To(100*1000*1000 + 300*1000)
	r.wr(RegCtrl, r.rd(RegCtrl)&^CtrlEnable)
	r.clk.To(200 * 1000 * 1000)
	r.wantResets()
	if got := r.rd(RegStatus); got != 700 {
		t.Fatalf("stopped counter = %d, want frozen 700", got)
	}
}

// TestLinuxRestart runs aspeed_wdt_probe's control setup and then the
// reboot path, aspeed_wdt_restart: a reset must follow 128 ms later.
func TestLinuxRestart(t *testing.T) {
	r := newRig(t)
	// probe: reset-width magics (ast2500), then register; not running.
	reg := r.rd(RegResetWidth) & 0xfffff
	r.wr(RegResetWidth, reg|0x5A<<24)
	r.wr(RegResetWidth, reg|0x8A<<24)
	if r.rd(RegResetWidth) != 0xFF {
		t.Fatalf("reset width = %#x", r.rd(RegResetWidth))
	}
	r.clk.To(1000000)
	r.linuxEnable(128 * 1000000 / 1000)
	if r.w.ResetMode() != ResetSoC {
		t.Fatal("reset mode not SoC")
	}
	r.clk.To(1000000 + 128*1000000) // mdelay(1000) would run past this
	r.wantResets(1000000 + 128*1000000)
}

func TestContinuesAfterExpiryWithoutReset(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 100)
	r.wr(RegCtrl, CtrlEnable|CtrlInterrupt|CtrlBootSecond)
	r.clk.To(100 * 1000)
	if !r.irq {
		t.Fatal("interrupt not raised on timeout")
	}
	r.wantResets()
	if r.rd(RegTimeoutStatus) != 3 {
		t.Fatalf("timeout status = %#x, want timeout+second boot", r.rd(RegTimeoutStatus))
	}
	if got := r.rd(RegStatus); got != 100 {
		t.Fatalf("counter after expiry = %d, want reloaded", got)
	}
	r.wr(RegTimeoutStatus, 0) // read-only
	if !bytes.Contains(r.log.Bytes(), []byte("guest-error")) {
		t.Fatal("write to read-only register not reported")
	}
	r.wr(RegClearTimeout, 0)
	if r.rd(RegTimeoutStatus) != 3 || !r.irq {
		t.Fatal("clear without bit 0 cleared status")
	}
	r.wr(RegClearTimeout, 1)
	if r.rd(RegTimeoutStatus) != 0 || r.irq {
		t.Fatal("clear timeout status failed")
	}
	r.clk.To(200 * 1000)
	if !r.irq || r.rd(RegTimeoutStatus)&1 == 0 {
		t.Fatal("second timeout not signalled")
	}
}

func TestControlRegister(t *testing.T) {
	r := newRig(t)
	r.wr(RegCtrl, 0x0f00|ResetARMCPU<<5|CtrlExtSignal)
	if got := r.rd(RegCtrl); got != ResetARMCPU<<5|CtrlExtSignal|Ctrl1MHz {
		t.Fatalf("control = %#x", got)
	}
	if r.w.ResetMode() != ResetARMCPU {
		t.Fatal("reset mode")
	}
}

func TestResetWidthMagics(t *testing.T) {
	r := newRig(t)
	r.wr(RegResetWidth, 0xA5<<24|0x123)
	r.wr(RegResetWidth, 0xA8<<24|0x123)
	if got := r.rd(RegResetWidth); got != 0xC0000123 {
		t.Fatalf("width = %#x", got)
	}
	r.wr(RegResetWidth, 0x12<<24|0x456) // not a magic: polarity unchanged
	if got := r.rd(RegResetWidth); got != 0xC0000456 {
		t.Fatalf("width = %#x", got)
	}
	r.wr(RegResetWidth, 0x5A<<24|0x456)
	r.wr(RegResetWidth, 0x8A<<24|0x456)
	if got := r.rd(RegResetWidth); got != 0x456 {
		t.Fatalf("width = %#x", got)
	}
	r.wr(RegResetMask, 0x3)
	if r.rd(RegResetMask) != 3 {
		t.Fatal("reset mask not stored")
	}
}

func TestResetAndSoCReset(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 10)
	r.wr(RegCtrl, CtrlEnable|CtrlResetSystem|CtrlBootSecond)
	r.clk.To(10 * 1000)
	r.wantResets(10 * 1000)
	r.w.SoCReset()
	if r.rd(RegTimeoutStatus) != 3 || r.rd(RegCtrl) != Ctrl1MHz {
		t.Fatalf("after SoC reset: status %#x ctrl %#x", r.rd(RegTimeoutStatus), r.rd(RegCtrl))
	}
	if _, ok := r.clk.Next(); ok {
		t.Fatal("deadline armed after reset")
	}
	r.w.Reset()
	if r.rd(RegTimeoutStatus) != 0 || r.rd(RegStatus) != 0x014FB180 {
		t.Fatal("power-on reset incomplete")
	}
}

func TestUnknownAndSubWord(t *testing.T) {
	r := newRig(t)
	if r.rd(0x20) != 0 {
		t.Fatal("unknown offset not zero")
	}
	r.wr(0x24, 1)
	if !bytes.Contains(r.log.Bytes(), []byte("msg=unimplemented dev=wdt")) {
		t.Fatal("unknown offset not logged")
	}
	r.w.Write(RegReload+2, 2, 0x0001)
	if got := r.rd(RegReload); got != 0x0001B180 {
		t.Fatalf("halfword reload write = %#x", got)
	}
	r.w.Write(RegRestart, 2, RestartMagic)
	if got := r.w.Read(RegStatus+2, 2); got != 1 {
		t.Fatalf("halfword status read = %#x", got)
	}
}

// TestMaskedSoCReset replays U-Boot's ast_wdt_reset_masked (v2019.04
// drivers/watchdog/ast_wdt.c, used by sdram_ast2500.c to reset only the
// SDRAM controller): mask = SDRAM, SoC mode, reload 1, restart, enable with
// reset, then spin until the enable bit clears. Only the masked blocks are
// reset (the CPU runs on, no reset pulse) and the watchdog stops itself.
func TestMaskedSoCReset(t *testing.T) {
	r := newRig(t)
	var masks []uint32
	r.w.SetMaskedReset(func(m uint32) { masks = append(masks, m) })
	r.wr(RegResetMask, 1<<2)
	r.wr(RegCtrl, r.rd(RegCtrl)&^(3<<5))
	r.wr(RegReload, 1)
	r.wr(RegRestart, RestartMagic)
	r.wr(RegCtrl, r.rd(RegCtrl)|CtrlEnable|CtrlResetSystem|1<<4)
	spins := 0
	for r.rd(RegCtrl)&CtrlEnable != 0 {
		if spins++; spins > 100 {
			t.Fatal("enable bit never cleared: firmware would spin forever")
		}
		r.clk.To(r.clk.Now() + 1000)
	}
	if len(masks) != 1 || masks[0] != 1<<2 {
		t.Fatalf("masked resets %v, want [0x4]", masks)
	}
	r.wantResets()
	if c := r.rd(RegCtrl); c&(CtrlEnable|CtrlResetSystem) != 0 {
		t.Errorf("control %#x after the masked reset, want enable and reset clear", c)
	}
	// Stopped: nothing more happens.
	r.clk.To(r.clk.Now() + 10_000_000)
	if len(masks) != 1 {
		t.Errorf("watchdog fired again: %v", masks)
	}

	// platform.S reset_mmc: WDT3-style control 0x13 (enable, reset, 1 MHz),
	// polled on the reset bit.
	r.wr(RegReload, 0x10)
	r.wr(RegRestart, RestartMagic)
	r.wr(RegCtrl, 0x13)
	for spins = 0; r.rd(RegCtrl)&CtrlResetSystem != 0; spins++ {
		if spins > 100 {
			t.Fatal("reset bit never cleared")
		}
		r.clk.To(r.clk.Now() + 1000)
	}
	if len(masks) != 2 {
		t.Errorf("masked resets %v after platform.S's sequence", masks)
	}

	// With the ARM in the mask (the power-on mask), a SoC reset is a
	// machine reset, as before.
	r.wr(RegResetMask, 0x023FFFF3)
	at := r.clk.Now()
	r.linuxEnable(5)
	r.clk.To(at + 5000)
	r.wantResets(at + 5000)
	if len(masks) != 2 {
		t.Errorf("full reset went through the masked path")
	}
}
