package vic

import (
	"bytes"
	"testing"

	"github.com/ast2500emu/ast2500emu/mmio"
)

// outputs records the CPU-side lines and counts level changes.
type outputs struct {
	irq, fiq         bool
	irqSets, fiqSets int
}

func newVIC(t *testing.T) (*VIC, *outputs, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	v := New(mmio.NewLog(&buf))
	o := &outputs{}
	v.ConnectCPU(
		mmio.LineFunc(func(l bool) { o.irq = l; o.irqSets++ }),
		mmio.LineFunc(func(l bool) { o.fiq = l; o.fiqSets++ }))
	o.irqSets, o.fiqSets = 0, 0
	return v, o, &buf
}

// linuxInit performs irq-aspeed-vic.c's vic_init_hw.
func linuxInit(v *VIC) (edge [2]uint32) {
	v.Write(RegEnableClr, 4, 0xffffffff)
	v.Write(RegEnableClr+4, 4, 0xffffffff)
	v.Write(RegTriggerClr, 4, 0xffffffff)
	v.Write(RegTriggerClr+4, 4, 0xffffffff)
	v.Write(RegSelect, 4, 0)
	v.Write(RegSelect+4, 4, 0)
	edge[0] = ^v.Read(RegSense, 4)
	edge[1] = ^v.Read(RegSense+4, 4)
	v.Write(RegEdgeClr, 4, 0xffffffff)
	v.Write(RegEdgeClr+4, 4, 0xffffffff)
	return edge
}

func TestResetValues(t *testing.T) {
	v, _, _ := newVIC(t)
	want := map[uint32]uint32{
		RegSense: 0xFFF8FFFF, RegDualEdge: 0x00070000, RegEvent: 0xFFF8FFFF,
		RegDualEdge + 4: 0x000000F8, RegEnable: 0, RegSelect: 0,
		RegIRQStatus: 0, RegRawStatus: 0,
	}
	for off, w := range want {
		if got := v.Read(off, 4); got != w {
			t.Errorf("reg 0x%x = %#x, want %#x", off, got, w)
		}
	}
	// Timer sources (16..18, 35..39 per aspeed-g5.dtsi) are edge sensed.
	edge := linuxInit(v)
	for _, n := range []int{16, 17, 18, 35, 36, 37, 38, 39} {
		if edge[n/32]&(1<<(n%32)) == 0 {
			t.Errorf("source %d is not edge sensed", n)
		}
	}
	// UART5 (source 10) is level sensed.
	if edge[0]&(1<<10) != 0 {
		t.Error("source 10 is edge sensed")
	}
}

func TestLevelSource(t *testing.T) {
	v, o, _ := newVIC(t)
	linuxInit(v)
	uart := v.Input(10)
	uart.Set(true)
	if o.irq || v.Read(RegIRQStatus, 4) != 0 {
		t.Fatal("masked source raised IRQ")
	}
	if v.Read(RegRawStatus, 4) != 1<<10 {
		t.Fatalf("raw = %#x", v.Read(RegRawStatus, 4))
	}
	v.Write(RegEnable, 4, 1<<10)
	if !o.irq || v.Read(RegIRQStatus, 4) != 1<<10 {
		t.Fatalf("enabled level source: irq=%v status=%#x", o.irq, v.Read(RegIRQStatus, 4))
	}
	// Edge clear does nothing to a level source.
	v.Write(RegEdgeClr, 4, 1<<10)
	if !o.irq {
		t.Fatal("edge clear dropped a level source")
	}
	uart.Set(false)
	if o.irq || v.Read(RegRawStatus, 4) != 0 {
		t.Fatal("level source still pending after input dropped")
	}
	if o.irqSets != 2 {
		t.Fatalf("IRQ Set called %d times, want 2 (only on changes)", o.irqSets)
	}
}

func TestEnableClearMasks(t *testing.T) {
	v, o, _ := newVIC(t)
	linuxInit(v)
	v.Input(10).Set(true)
	v.Write(RegEnable, 4, 1<<10)
	v.Write(RegEnable, 4, 1<<3) // W1S: does not disturb bit 10
	if v.Read(RegEnable, 4) != 1<<10|1<<3 {
		t.Fatalf("enable = %#x", v.Read(RegEnable, 4))
	}
	v.Write(RegEnableClr, 4, 1<<10)
	if o.irq || v.Read(RegEnable, 4) != 1<<3 {
		t.Fatalf("after enable-clear: irq=%v enable=%#x", o.irq, v.Read(RegEnable, 4))
	}
	if v.Read(RegRawStatus, 4) != 1<<10 {
		t.Fatal("masking changed raw status")
	}
}

func TestDualEdgeLatch(t *testing.T) {
	v, o, _ := newVIC(t)
	linuxInit(v)
	v.Write(RegEnable, 4, 1<<16)
	tmr := v.Input(16)
	mmio.Pulse(tmr)
	if !o.irq || v.Read(RegIRQStatus, 4) != 1<<16 {
		t.Fatal("pulse on edge source not latched")
	}
	if v.Read(RegEdgeStatus, 4) != 1<<16 {
		t.Fatalf("edge status = %#x", v.Read(RegEdgeStatus, 4))
	}
	v.Write(RegEdgeClr, 4, 1<<16) // Linux's ack
	if o.irq || v.Read(RegRawStatus, 4) != 0 {
		t.Fatal("edge clear did not drop the latch")
	}
	// Both edges: a rise latches, and after the ack the fall latches too.
	tmr.Set(true)
	v.Write(RegEdgeClr, 4, 1<<16)
	tmr.Set(false)
	if !o.irq {
		t.Fatal("falling edge not latched on a both-edge source")
	}
	v.Write(RegEdgeClr, 4, 1<<16)
	// Setting the same level again is not an edge.
	tmr.Set(false)
	if o.irq {
		t.Fatal("no-change Set latched an edge")
	}
}

func TestHighHalfEdgeSources(t *testing.T) {
	v, o, _ := newVIC(t)
	linuxInit(v)
	v.Write(RegEnable+4, 4, 1<<(35-32))
	mmio.Pulse(v.Input(35))
	if !o.irq || v.Read(RegIRQStatus, 4) != 0 || v.Read(RegIRQStatus+4, 4) != 1<<3 {
		t.Fatalf("source 35: irq=%v lo=%#x hi=%#x", o.irq, v.Read(RegIRQStatus, 4), v.Read(RegIRQStatus+4, 4))
	}
	v.Write(RegEdgeClr+4, 4, 1<<3)
	if o.irq {
		t.Fatal("high edge clear failed")
	}
}

func TestSingleEdgePolarity(t *testing.T) {
	v, o, _ := newVIC(t)
	linuxInit(v)
	// Source 47 is a GPIO direct input: edge, single, falling at reset,
	// polarity programmable.
	n := 47
	bit := uint32(1) << (n - 32)
	v.Write(RegEnable+4, 4, bit)
	in := v.Input(n)
	in.Set(true)
	if o.irq {
		t.Fatal("rising edge latched on a falling-edge source")
	}
	in.Set(false)
	if !o.irq {
		t.Fatal("falling edge not latched")
	}
	v.Write(RegEdgeClr+4, 4, bit)
	v.Write(RegEvent+4, 4, v.Read(RegEvent+4, 4)|bit) // make it rising
	if v.Read(RegEvent+4, 4)&bit == 0 {
		t.Fatal("GPIO event bit not writable")
	}
	in.Set(true)
	if !o.irq {
		t.Fatal("rising edge not latched after polarity change")
	}
	v.Write(RegEdgeClr+4, 4, bit)
	in.Set(false)
	if o.irq {
		t.Fatal("falling edge latched on a rising-edge source")
	}
}

func TestFixedRegistersReadOnly(t *testing.T) {
	v, _, buf := newVIC(t)
	v.Write(RegSense, 4, 0)
	v.Write(RegEvent, 4, 0)
	v.Write(RegDualEdge+4, 4, 0)
	if v.Read(RegSense, 4) != 0xFFF8FFFF || v.Read(RegEvent, 4) != 0xFFF8FFFF || v.Read(RegDualEdge+4, 4) != 0xF8 {
		t.Fatal("fixed registers changed")
	}
	if !bytes.Contains(buf.Bytes(), []byte("guest-error")) {
		t.Fatal("write to read-only register not reported")
	}
}

func TestFIQSelect(t *testing.T) {
	v, o, _ := newVIC(t)
	linuxInit(v)
	v.Write(RegSelect, 4, 1<<10)
	v.Write(RegEnable, 4, 1<<10|1<<9)
	v.Input(10).Set(true)
	if !o.fiq || o.irq {
		t.Fatalf("FIQ-selected source: irq=%v fiq=%v", o.irq, o.fiq)
	}
	if v.Read(RegFIQStatus, 4) != 1<<10 || v.Read(RegIRQStatus, 4) != 0 {
		t.Fatal("status registers disagree with select")
	}
	v.Input(9).Set(true)
	if !o.irq || !o.fiq {
		t.Fatal("IRQ source did not raise IRQ alongside FIQ")
	}
	v.Write(RegSelect, 4, 0)
	if o.fiq || !o.irq {
		t.Fatal("reselecting to IRQ did not move the output")
	}
}

func TestSoftwareTrigger(t *testing.T) {
	v, o, _ := newVIC(t)
	linuxInit(v)
	v.Write(RegEnable+4, 4, 1<<1)
	v.Write(RegTrigger+4, 4, 1<<1)
	if !o.irq || v.Read(RegTrigger+4, 4) != 1<<1 || v.Read(RegIRQStatus+4, 4) != 1<<1 {
		t.Fatal("software trigger did not raise source 33")
	}
	v.Write(RegTriggerClr+4, 4, 1<<1)
	if o.irq || v.Read(RegTrigger+4, 4) != 0 {
		t.Fatal("software trigger clear failed")
	}
}

func TestLegacyAliases(t *testing.T) {
	v, o, _ := newVIC(t)
	v.Write(0x10, 4, 1<<10) // legacy enable
	v.Input(10).Set(true)
	if !o.irq || v.Read(0x00, 4) != 1<<10 || v.Read(RegEnable, 4) != 1<<10 {
		t.Fatal("legacy enable/status alias broken")
	}
	v.Write(0x14, 4, 1<<10)
	if o.irq {
		t.Fatal("legacy enable clear alias broken")
	}
}

func TestSubWordAccess(t *testing.T) {
	v, _, _ := newVIC(t)
	v.Write(RegEnable+1, 1, 0x01) // enables source 8 only
	if v.Read(RegEnable, 4) != 1<<8 {
		t.Fatalf("byte write to enable: %#x", v.Read(RegEnable, 4))
	}
	v.Write(RegSelect, 4, 0xffffffff)
	v.Write(RegSelect+2, 2, 0) // clear select bits 16..31 only
	if v.Read(RegSelect, 4) != 0x0000ffff {
		t.Fatalf("halfword write to select: %#x", v.Read(RegSelect, 4))
	}
	if got := v.Read(RegSense+2, 1); got != 0xf8 {
		t.Fatalf("byte read of sense = %#x", got)
	}
}

func TestUnknownAndReset(t *testing.T) {
	v, o, buf := newVIC(t)
	if v.Read(0x200, 4) != 0 || v.Read(0x40, 4) != 0 {
		t.Fatal("unknown register not zero")
	}
	v.Write(0x300, 4, 1)
	if !bytes.Contains(buf.Bytes(), []byte("msg=unimplemented dev=vic")) {
		t.Fatal("unknown access not logged")
	}
	v.Input(99).Set(true) // must not panic
	v.Write(RegEnable, 4, 1<<16)
	mmio.Pulse(v.Input(16))
	if !o.irq {
		t.Fatal("setup")
	}
	v.Reset()
	if o.irq || v.Read(RegEnable, 4) != 0 || v.Read(RegRawStatus, 4) != 0 {
		t.Fatal("reset did not clear state and drop IRQ")
	}
}

// TestLinuxHandlerLoop walks the dispatch loop of avic_handle_irq with
// handle_edge_irq's ack on edge sources and level sources cleared by their
// device.
func TestLinuxHandlerLoop(t *testing.T) {
	v, o, _ := newVIC(t)
	edge := linuxInit(v)
	v.Write(RegEnable, 4, 1<<16|1<<10)
	v.Write(RegEnable+4, 4, 1<<4)
	uart := v.Input(10)
	mmio.Pulse(v.Input(16))
	mmio.Pulse(v.Input(36))
	uart.Set(true)
	var seen []int
	for i := 0; i < 10; i++ {
		irq := 0
		stat := v.Read(RegIRQStatus, 4)
		if stat == 0 {
			stat = v.Read(RegIRQStatus+4, 4)
			irq = 32
		}
		if stat == 0 {
			break
		}
		for stat&1 == 0 {
			stat >>= 1
			irq++
		}
		seen = append(seen, irq)
		sidx, sbit := irq/32, uint32(1)<<(irq%32)
		if edge[sidx]&sbit != 0 {
			v.Write(RegEdgeClr+uint32(sidx)*4, 4, sbit)
		} else {
			uart.Set(false) // the driver services the device
		}
	}
	if len(seen) != 3 || seen[0] != 10 || seen[1] != 16 || seen[2] != 36 {
		t.Fatalf("dispatched %v, want [10 16 36]", seen)
	}
	if o.irq {
		t.Fatal("IRQ still asserted")
	}
}
