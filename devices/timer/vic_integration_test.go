package timer

import (
	"bytes"
	"testing"

	"github.com/ast2500emu/ast2500emu/devices/vic"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// TestLinuxPeriodicTickThroughVIC wires the timers to the VIC as in
// aspeed-g5.dtsi and runs Linux's periodic clockevent (HZ=100 at a 24 MHz
// PCLK) with the VIC's edge flow: every period the CPU's IRQ line rises,
// the handler finds source 16, acks its edge latch and the line drops.
// vicSources are VIC inputs for timers 1..8 (any distinct sources do; the
// SoC's memory map says which the AST2500 uses).
var vicSources = [NumTimers]int{16, 17, 18, 35, 36, 37, 38, 39}

func TestLinuxPeriodicTickThroughVIC(t *testing.T) {
	clk := vclock.New(1000)
	var insns uint64
	clk.Attach(&insns)
	log := mmio.NewLog(&bytes.Buffer{})
	v := vic.New(log)
	var irq bool
	v.ConnectCPU(mmio.LineFunc(func(l bool) { irq = l }), mmio.NoLine)
	var lines [NumTimers]mmio.Line
	for i := range lines {
		lines[i] = v.Input(vicSources[i])
	}
	const pclk = 24000000
	tm := New(clk, lines, pclk, log)

	// irq-aspeed-vic.c init, then unmask source 16 (request_irq).
	v.Write(vic.RegEnableClr, 4, 0xffffffff)
	v.Write(vic.RegEnableClr+4, 4, 0xffffffff)
	v.Write(vic.RegEdgeClr, 4, 0xffffffff)
	v.Write(vic.RegEdgeClr+4, 4, 0xffffffff)
	v.Write(vic.RegEnable, 4, 1<<16)

	// fttmr010_timer_set_periodic, aspeed variant.
	period := uint32((pclk + 50) / 100)
	tm.Write(RegCtrl, 4, tm.Read(RegCtrl, 4)&^(ctrlEnable|ctrlIntEn))
	tm.Write(RegReload, 4, period)
	tm.Write(RegCtrl, 4, tm.Read(RegCtrl, 4)|ctrlEnable|ctrlIntEn)

	ticks := 0
	var last uint64
	for step := 0; step < 200 && ticks < 10; step++ {
		next, ok := clk.Next()
		if !ok {
			t.Fatal("no deadline armed")
		}
		insns += next - clk.Now()
		clk.RunDue()
		if !irq {
			continue
		}
		st := v.Read(vic.RegIRQStatus, 4)
		if st != 1<<16 {
			t.Fatalf("IRQ status %#x", st)
		}
		v.Write(vic.RegEdgeClr, 4, 1<<16) // handle_edge_irq ack
		if irq {
			t.Fatal("IRQ still high after ack")
		}
		if ticks > 0 {
			d := clk.Now() - last
			want := uint64(period+1) * 1000000000 / pclk
			if d < want-1 || d > want+1 {
				t.Fatalf("tick interval %d ns, want ~%d", d, want)
			}
		}
		last = clk.Now()
		ticks++
	}
	if ticks != 10 {
		t.Fatalf("%d ticks", ticks)
	}
}
