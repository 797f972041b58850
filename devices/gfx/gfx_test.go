package gfx

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
)

type rig struct {
	g     *GFX
	clk   *devtest.Clock
	irq   bool
	edges int
	log   bytes.Buffer
}

func newRig(clocked bool) *rig {
	r := &rig{}
	r.g = New(mmio.LineFunc(func(l bool) {
		if l && !r.irq {
			r.edges++
		}
		r.irq = l
	}), mmio.NewLog(&r.log))
	if clocked {
		r.clk = devtest.NewClock()
		r.g.AttachClock(r.clk.Clock)
	}
	return r
}

// run advances guest time by ns, firing due timers.
func (r *rig) run(ns uint64) { r.clk.Advance(ns) }

// probeAndEnable replays aspeed_gfx_load's register writes and the first
// modeset of an 800x600@60 XRGB8888 mode with vblank enabled.
func probeAndEnable(g *GFX) {
	g.Write(RegCtrl1, 4, 0)
	g.Write(RegCtrl2, 4, 0)
	// mode_set_nofb.
	c := g.Read(RegCtrl1, 4)&^(7<<7) | 2<<7
	g.Write(RegCtrl1, 4, c)
	g.Write(RegHoriz0, 4, (1056-1)|(800-1)<<16)
	g.Write(RegHoriz0+4, 4, (840-1)|968<<16)
	g.Write(RegVert0, 4, (628-1)|(600-1)<<16)
	g.Write(RegVert0+4, 4, 601|605<<16)
	g.Write(RegOffset, 4, 3200|(3200/8)<<16)
	g.Write(RegThrod, 4, 0x24|0x3c<<8)
	// enable_controller.
	c1, c2 := g.Read(RegCtrl1, 4), g.Read(RegCtrl2, 4)
	g.Write(RegCtrl1, 4, c1|Ctrl1Enable)
	g.Write(RegCtrl2, 4, c2|Ctrl2DACEnable)
	// enable_vblank.
	reg := g.Read(RegCtrl1, 4)
	g.Write(RegCtrl1, 4, reg|Ctrl1VIntSts)
	g.Write(RegCtrl1, 4, reg|Ctrl1VIntEn)
	// pipe_update: scanout address.
	g.Write(RegAddr, 4, 0x9f000000)
}

// handler replays aspeed_gfx_irq_handler; it reports IRQ_HANDLED.
func handler(g *GFX) bool {
	reg := g.Read(RegCtrl1, 4)
	if reg&Ctrl1VIntSts != 0 {
		g.Write(RegCtrl1, 4, reg) // int_clr_reg is CRT_CTRL1 on the AST2500
		return true
	}
	return false
}

func TestProbeModesetAndVblank(t *testing.T) {
	r := newRig(true)
	g := r.g
	// Pinctrl reads GFX064 for the DVO functions: zero at reset.
	if g.Read(RegCtrl2, 4)&0xc0 != 0 {
		t.Fatal("GFX064 DVO bits set at reset")
	}
	probeAndEnable(g)
	if g.Read(RegCtrl1, 4) != 2<<7|Ctrl1Enable|Ctrl1VIntEn || g.Read(RegCtrl2, 4) != Ctrl2DACEnable {
		t.Fatalf("ctrl1 %#x ctrl2 %#x", g.Read(RegCtrl1, 4), g.Read(RegCtrl2, 4))
	}
	if g.Read(RegHoriz0, 4) != 1055|799<<16 || g.Read(RegAddr, 4) != 0x9f000000 {
		t.Fatal("timing/address readback")
	}
	if r.irq {
		t.Fatal("irq before the first retrace")
	}
	r.run(FramePeriodNs - 1)
	if r.irq {
		t.Fatal("retrace too early")
	}
	r.run(1)
	if !r.irq {
		t.Fatal("no retrace interrupt after one frame")
	}
	if !handler(g) || r.irq {
		t.Fatal("handler did not ack")
	}
	if handler(g) {
		t.Fatal("status still set after ack")
	}
	// One interrupt per frame over a second.
	n := r.edges
	for i := 0; i < 60; i++ {
		r.run(FramePeriodNs)
		handler(g)
	}
	if got := r.edges - n; got < 59 || got > 61 {
		t.Fatalf("%d retraces in 1 s", got)
	}
	// disable_vblank: no more interrupts.
	reg := g.Read(RegCtrl1, 4) &^ Ctrl1VIntEn
	g.Write(RegCtrl1, 4, reg)
	g.Write(RegCtrl1, 4, reg|Ctrl1VIntSts)
	n = r.edges
	r.run(10 * FramePeriodNs)
	if r.edges != n || r.irq {
		t.Fatal("interrupts after disable_vblank")
	}
	if _, ok := r.clk.Next(); ok {
		t.Fatal("retrace timer still armed")
	}
	if r.log.Len() != 0 {
		t.Fatalf("log: %s", &r.log)
	}
}

func TestNoClockNoVblank(t *testing.T) {
	r := newRig(false)
	probeAndEnable(r.g)
	if r.irq || r.g.Read(RegCtrl1, 4)&Ctrl1VIntSts != 0 {
		t.Fatal("vblank without a clock")
	}
}

func TestStatusW1CAndStorage(t *testing.T) {
	r := newRig(true)
	g := r.g
	g.Write(RegCtrl1, 4, Ctrl1Enable|Ctrl1VIntEn)
	r.run(FramePeriodNs)
	if !r.irq {
		t.Fatal("no interrupt")
	}
	// A write with the status bit clear keeps it pending.
	g.Write(RegCtrl1, 4, Ctrl1Enable|Ctrl1VIntEn)
	if !r.irq {
		t.Fatal("status cleared by writing 0")
	}
	// Byte write of the top byte with bit 31 set clears it.
	g.Write(RegCtrl1+3, 1, 0xc0)
	if r.irq || g.Read(RegCtrl1, 4) != Ctrl1Enable|Ctrl1VIntEn {
		t.Fatalf("byte ack: %#x", g.Read(RegCtrl1, 4))
	}
	for off := uint32(0x64); off < 0x100; off += 4 {
		g.Write(off, 4, off*0x01010101)
		if g.Read(off, 4) != off*0x01010101 {
			t.Fatalf("%#x readback", off)
		}
	}
	if g.Read(0x64, 1) != 0x64 || g.Read(0x66, 2) != 0x6464 {
		t.Fatal("sub-word reads")
	}
	g.Read(0x00, 4)
	g.Write(0x100, 4, 1)
	if !g.log.Seen(name, 0, false) || !g.log.Seen(name, 0x100, true) {
		t.Fatal("unknown registers not logged")
	}
	g.Reset()
	if g.Read(RegCtrl1, 4) != 0 || r.irq {
		t.Fatal("reset")
	}
	if _, ok := r.clk.Next(); ok {
		t.Fatal("timer armed after reset")
	}
}

func TestRandomAccessNoPanic(t *testing.T) {
	r := newRig(true)
	r.g.log.Quiet = true
	devtest.Fuzz{
		Seed: 4, Steps: 30000, Hot: 0x70, Sizes: []int{1, 2, 4, 3},
		Actions: []func(*rand.Rand){
			func(rng *rand.Rand) { r.run(uint64(rng.Intn(3 * FramePeriodNs))) },
		},
	}.Run(t, r.g)
}
