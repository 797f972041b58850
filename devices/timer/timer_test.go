package timer

import (
	"bytes"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
)

const apb = 25000000 // 40 ns per tick

type rig struct {
	t     *testing.T
	clk   *devtest.Clock
	tm    *Timer
	log   *bytes.Buffer
	level [NumTimers]bool
	edges [NumTimers][]uint64 // guest times of rising edges
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, clk: devtest.NewClock()}
	log, buf := devtest.Log()
	r.log = buf
	var lines [NumTimers]mmio.Line
	for i := range lines {
		lines[i] = mmio.LineFunc(func(l bool) {
			if l && !r.level[i] {
				r.edges[i] = append(r.edges[i], r.clk.Now())
			}
			r.level[i] = l
		})
	}
	r.tm = New(r.clk.Clock, lines, apb, log)
	return r
}

func (r *rig) rd(off uint32) uint32    { return r.tm.Read(off, 4) }
func (r *rig) wr(off uint32, v uint32) { r.tm.Write(off, 4, v) }

func (r *rig) wantEdges(i int, want ...uint64) {
	r.t.Helper()
	got := r.edges[i]
	if len(got) != len(want) {
		r.t.Fatalf("timer %d edges at %v, want %v", i+1, got, want)
	}
	for k := range want {
		if got[k] != want[k] {
			r.t.Fatalf("timer %d edges at %v, want %v", i+1, got, want)
		}
	}
	for i, l := range r.level {
		if l {
			r.t.Fatalf("timer %d line left high", i+1)
		}
	}
}

// Linux fttmr010 (aspeed) clockevent helpers on timer 1.
func (r *rig) linuxShutdown() { r.wr(RegCtrl, r.rd(RegCtrl)&^(ctrlEnable|ctrlIntEn)) }
func (r *rig) linuxNextEvent(cycles uint32) {
	r.linuxShutdown()
	r.wr(RegReload, cycles)
	r.wr(RegCtrl, r.rd(RegCtrl)|ctrlEnable|ctrlIntEn)
}

func TestCounterCountsDown(t *testing.T) {
	r := newRig(t)
	if r.rd(RegCount) != 0 {
		t.Fatal("count not zero at reset")
	}
	r.wr(RegReload, 1000)
	r.wr(RegCtrl, ctrlEnable)
	if got := r.rd(RegCount); got != 1000 {
		t.Fatalf("count after enable = %d, want reload 1000", got)
	}
	r.clk.To(100*40 + 39)
	if got := r.rd(RegCount); got != 900 {
		t.Fatalf("count after 100 ticks = %d", got)
	}
	if got := r.tm.Read(RegCount, 2); got != 900 {
		t.Fatalf("halfword count = %d", got)
	}
	r.wantEdges(0) // interrupt not enabled, matches are zero -> fires at 0 only
}

func TestOneShotInterruptTime(t *testing.T) {
	r := newRig(t)
	r.clk.To(1000)
	r.linuxNextEvent(250) // 250 ticks = 10 us
	r.clk.To(1000 + 250*40 - 1)
	r.wantEdges(0)
	r.clk.To(1000 + 250*40)
	r.wantEdges(0, 1000+250*40)
	if got := r.rd(RegCount); got != 0 {
		t.Fatalf("count at expiry = %d", got)
	}
	// Reprogram from the handler, as tick_handle_oneshot does.
	r.linuxNextEvent(100)
	r.clk.To(1000 + 350*40)
	r.wantEdges(0, 1000+250*40, 1000+350*40)
}

func TestPeriodicReload(t *testing.T) {
	r := newRig(t)
	const p = 1000
	r.linuxShutdown()
	r.wr(RegReload, p)
	r.wr(RegCtrl, r.rd(RegCtrl)|ctrlEnable|ctrlIntEn)
	r.clk.To(3 * (p + 1) * 40)
	r.wantEdges(0, p*40, (2*p+1)*40, (3*p+2)*40)
	// One tick after reaching zero the counter holds the reload value.
	r.clk.To((3*p+3)*40 + 1)
	if got := r.rd(RegCount); got != p {
		t.Fatalf("count after reload = %d", got)
	}
}

func TestLinuxClocksource(t *testing.T) {
	r := newRig(t)
	// fttmr010_common_init, aspeed variant.
	r.wr(RegCtrl, 1<<4) // timer 2 enable
	b := TimerBase(1)
	r.wr(b+RegCount, 0)
	r.wr(b+RegMatch1, 0)
	r.wr(b+RegMatch2, 0)
	r.wr(b+RegReload, 0xffffffff)
	read := func() uint32 { return ^r.rd(b + RegCount) } // sched_clock_down
	r.clk.To(40)
	if got := read(); got != 0 {
		t.Fatalf("clocksource after 1 tick = %d", got)
	}
	r.clk.To(40 * 1001)
	if got := read(); got != 1000 {
		t.Fatalf("clocksource after 1001 ticks = %d", got)
	}
	// Wraps as a 32-bit up counter: 2^32 ticks later it reads the same.
	r.clk.To(40*1001 + 40<<32)
	if got := read(); got != 1000 {
		t.Fatalf("clocksource after a wrap = %d", got)
	}
	// The match registers are 0, so timer 2 signalled once per wrap.
	if len(r.edges[1]) != 1 {
		t.Fatalf("timer 2 edges %v", r.edges[1])
	}
	r.wantEdges(0)
}

func TestMatchRegisters(t *testing.T) {
	r := newRig(t)
	const p = 1000
	r.wr(RegReload, p)
	r.wr(RegMatch1, 700)
	r.wr(RegMatch2, 300)
	r.wr(RegCtrl, ctrlEnable) // zero interrupt disabled: matches only
	r.clk.To(2 * (p + 1) * 40)
	r.wantEdges(0, 300*40, 700*40, (p+1+300)*40, (p+1+700)*40)
	if r.rd(RegMatch1) != 700 || r.rd(RegMatch2) != 300 {
		t.Fatal("match registers do not read back")
	}
}

func TestDisableFreezesEnableReloads(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 500)
	r.wr(RegCtrl, ctrlEnable|ctrlIntEn)
	r.clk.To(100 * 40)
	r.wr(RegCtrl, 0)
	r.clk.To(1000 * 40)
	if got := r.rd(RegCount); got != 400 {
		t.Fatalf("disabled count = %d, want frozen 400", got)
	}
	r.wantEdges(0)
	r.wr(RegCtrl, ctrlEnable|ctrlIntEn)
	if got := r.rd(RegCount); got != 500 {
		t.Fatalf("count after re-enable = %d, want reload", got)
	}
	r.clk.To(1500 * 40)
	r.wantEdges(0, 1500*40)
}

func TestCountWriteWhileRunning(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 100000)
	r.wr(RegCtrl, ctrlEnable|ctrlIntEn)
	r.clk.To(400)
	r.wr(RegCount, 50)
	if got := r.rd(RegCount); got != 50 {
		t.Fatalf("count after write = %d", got)
	}
	r.clk.To(400 + 50*40)
	r.wantEdges(0, 400+50*40)
}

func TestReloadWriteAppliesAtNextReload(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 100)
	r.wr(RegCtrl, ctrlEnable|ctrlIntEn)
	r.clk.To(10 * 40)
	r.wr(RegReload, 200)
	if got := r.rd(RegCount); got != 90 {
		t.Fatalf("count after reload write = %d, want 90", got)
	}
	r.clk.To(100*40 + 201*40)
	r.wantEdges(0, 100*40, 301*40)
}

func TestInterruptEnableBit(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 100)
	r.wr(RegMatch1, 1000) // never reached
	r.wr(RegMatch2, 1000)
	r.wr(RegCtrl, ctrlEnable)
	r.clk.To(300 * 40)
	r.wantEdges(0)
	r.wr(RegCtrl, ctrlEnable|ctrlIntEn)
	r.clk.To(404 * 40)
	r.wantEdges(0, 302*40, 403*40)
}

func TestExternalClock(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 5000)
	r.wr(RegCtrl, ctrlEnable|ctrlExtClk)
	r.clk.To(1000000) // 1 ms
	if got := r.rd(RegCount); got != 4000 {
		t.Fatalf("1 MHz count after 1 ms = %d", got)
	}
	// Switch to PCLK while running: continues from 4000 at 40 ns/tick.
	r.wr(RegCtrl, ctrlEnable)
	r.clk.To(1000000 + 1000*40)
	if got := r.rd(RegCount); got != 3000 {
		t.Fatalf("count after switching to PCLK = %d", got)
	}
}

func TestSetAPBHz(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 10000)
	r.wr(RegCtrl, ctrlEnable|ctrlIntEn)
	r.clk.To(1000 * 40)
	r.tm.SetAPBHz(50000000) // 20 ns per tick
	r.clk.To(1000*40 + 1000*20)
	if got := r.rd(RegCount); got != 8000 {
		t.Fatalf("count after rate change = %d", got)
	}
	r.clk.To(1000*40 + 9000*20)
	r.wantEdges(0, 1000*40+9000*20)
}

func TestControlClearRegister(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 100)
	r.wr(RegCtrl, ctrlEnable|ctrlIntEn|(ctrlEnable<<4))
	r.wr(RegCtrlClr, ctrlEnable) // locked: ignored
	if r.rd(RegCtrl) != ctrlEnable|ctrlIntEn|(ctrlEnable<<4) || !bytes.Contains(r.log.Bytes(), []byte("guest-error")) {
		t.Fatalf("locked clear changed control: %#x", r.rd(RegCtrl))
	}
	r.wr(RegCtrl3, cmdUnlock<<1)
	if r.rd(RegCtrl3) != 1 {
		t.Fatal("control 3 not unlocked")
	}
	r.wr(RegCtrlClr, ctrlEnable)
	if r.rd(RegCtrl) != ctrlIntEn|(ctrlEnable<<4) {
		t.Fatalf("control after clear = %#x", r.rd(RegCtrl))
	}
	r.clk.To(200 * 40)
	r.wantEdges(0) // timer 1 stopped
	r.wr(RegCtrl3, cmdLock<<1)
	if r.rd(RegCtrl3) != 0 {
		t.Fatal("control 3 not locked")
	}
	r.wr(RegCtrl2, 0x1234)
	if r.rd(RegCtrl2) != 0x1234 {
		t.Fatal("control 2 not stored")
	}
}

func TestAllTimersAndOffsets(t *testing.T) {
	r := newRig(t)
	want := []uint32{0x00, 0x10, 0x20, 0x40, 0x50, 0x60, 0x70, 0x80}
	var ctrl uint32
	for i := 0; i < NumTimers; i++ {
		if TimerBase(i) != want[i] {
			t.Fatalf("TimerBase(%d) = %#x", i, TimerBase(i))
		}
		r.wr(TimerBase(i)+RegReload, uint32(100*(i+1)))
		ctrl |= (ctrlEnable | ctrlIntEn) << (4 * uint(i))
	}
	r.wr(RegCtrl, ctrl)
	r.clk.To(850 * 40)
	for i := 0; i < NumTimers; i++ {
		n := uint64(100 * (i + 1))
		if len(r.edges[i]) != int((850+1)/(n+1)) || r.edges[i][0] != n*40 {
			t.Fatalf("timer %d edges %v", i+1, r.edges[i])
		}
	}
	if r.rd(0x90) != 0 || r.rd(0x3c) != 0 {
		t.Fatal("unknown/write-only offsets not zero")
	}
	r.wr(0x100, 1)
	if !bytes.Contains(r.log.Bytes(), []byte("msg=unimplemented dev=timer")) {
		t.Fatal("unknown offset not logged")
	}
}

func TestZeroReloadDoesNotStorm(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 0)
	r.wr(RegCount, 5)
	r.wr(RegCtrl, ctrlEnable|ctrlIntEn) // loads 0
	r.clk.To(1000000)
	r.wantEdges(0)
	if _, ok := r.clk.Next(); ok {
		t.Fatal("a deadline is still armed")
	}
	r.wr(RegCount, 3)
	r.clk.To(2000000)
	r.wantEdges(0, 1000000+3*40)
}

func TestSubWordWrites(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 0x11223344)
	r.tm.Write(RegReload+1, 1, 0xaa)
	if got := r.rd(RegReload); got != 0x1122aa44 {
		t.Fatalf("byte write merged to %#x", got)
	}
	r.tm.Write(RegCtrl, 1, ctrlEnable)
	if r.rd(RegCount) != 0x1122aa44 {
		t.Fatal("byte write to control did not enable timer 1")
	}
}

func TestReset(t *testing.T) {
	r := newRig(t)
	r.wr(RegReload, 100)
	r.wr(RegMatch1, 50)
	r.wr(RegCtrl, ctrlEnable|ctrlIntEn)
	r.wr(RegCtrl3, cmdUnlock<<1)
	r.tm.Reset()
	if r.rd(RegCtrl) != 0 || r.rd(RegReload) != 0 || r.rd(RegMatch1) != 0 || r.rd(RegCtrl3) != 0 || r.rd(RegCount) != 0 {
		t.Fatal("registers not cleared by reset")
	}
	if _, ok := r.clk.Next(); ok {
		t.Fatal("deadline armed after reset")
	}
	r.clk.To(1000 * 40)
	r.wantEdges(0)
}
