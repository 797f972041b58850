// Package gfx models the register block of the AST2500 graphics display
// controller (the "GFX" CRT engine, SoC display) at 0x1e6e6000, VIC line
// 25. It is also a syscon: the pinctrl driver reads (and may write) GFX064
// (CRT control II) bits 7:6 for the DVO pin functions.
//
// Registers 0x60-0xfc (CRT control I/II, status, misc, horizontal and
// vertical timing, start address, offset, threshold, scaling, cursor, OSD,
// scratch, BB addresses, OSD palette) are stored and read back; all reset
// to zero. Offsets below 0x60 and from 0x100 are not modelled (logged).
//
// CRT control I (0x60): bit 0 CRT enable, bit 30 vertical-retrace
// interrupt enable, bit 31 vertical-retrace interrupt status, write 1 to
// clear (on the AST2500 the Linux driver acks through this same register).
// The interrupt line is high while status and enable are both set.
//
// Vertical retrace: nothing is scanned out, but DRM's atomic commits wait
// for the vblank event, so once a clock is attached (AttachClock) the
// model sets the status bit every 1/60 s of guest time while the CRT and
// its interrupt are enabled. The real frame period depends on the mode
// timings and the D1CLK pixel clock from the SCU; a fixed 60 Hz is what a
// DRM client sees for the 800x600@60 mode the driver offers. Without a
// clock the status bit is never set.
//
// Sources: Linux 6.1 drivers/gpu/drm/aspeed/aspeed_gfx.h (register map and
// bits), aspeed_gfx_drv.c (ast2500 config: interrupt clear register 0x60;
// probe writing 0 to CRT_CTRL1/2; the IRQ handler), aspeed_gfx_crtc.c
// (enable/disable sequences, enable_vblank clearing the status first),
// aspeed_gfx_out.c (800x600 modes), drivers/pinctrl/aspeed/
// pinctrl-aspeed-g5.c (GFX064 bits 7:6), aspeed-g5.dtsi (interrupt 0x19).
package gfx

import (
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// Register offsets.
const (
	RegCtrl1   = 0x60
	RegCtrl2   = 0x64
	RegStatus  = 0x68
	RegHoriz0  = 0x70
	RegVert0   = 0x78
	RegAddr    = 0x80
	RegOffset  = 0x84
	RegThrod   = 0x88
	RegScratch = 0xbc
	Size       = 0x1000

	firstReg = 0x60
	endReg   = 0x100
)

// CRT control bits.
const (
	Ctrl1Enable    = 1 << 0
	Ctrl1VIntEn    = 1 << 30
	Ctrl1VIntSts   = 1 << 31
	Ctrl2DACEnable = 1 << 0
)

// FramePeriodNs is the vertical retrace period (60 Hz).
const FramePeriodNs = 1000000000 / 60

const name = "gfx"

// GFX is the display controller's register block. It implements
// mmio.Device and mmio.Resetter.
type GFX struct {
	mmio.Port
	irq   mmio.Line
	log   *mmio.Log
	level bool
	regs  *mmio.RegFile
	clk   *vclock.Clock
	tm    *vclock.Timer
}

// New returns the block in its power-on state driving irq. Vertical
// retrace interrupts need a clock: see AttachClock.
func New(irq mmio.Line, log *mmio.Log) *GFX {
	if irq == nil {
		irq = mmio.NoLine
	}
	g := &GFX{irq: irq, log: log, regs: mmio.NewRegFile(name, log, endReg)}
	g.regs.Span(mmio.Reg{Kind: mmio.RW}, firstReg, endReg-4)
	// CRT control 1: the vertical retrace status is write-1-to-clear.
	g.regs.Set(mmio.Reg{Kind: mmio.RW, W1C: Ctrl1VIntSts}, RegCtrl1)
	g.Port = mmio.NewPort(name, log, mmio.Access{}, g)
	g.Reset()
	return g
}

// AttachClock gives the model the virtual clock used to time vertical
// retraces.
func (g *GFX) AttachClock(clk *vclock.Clock) {
	if g.tm != nil {
		g.tm.Stop()
	}
	g.clk = clk
	g.tm = nil
	if clk != nil {
		g.tm = clk.NewTimer(name+" vblank", g.vblank)
	}
	g.schedule()
}

// Reset restores the power-on state.
func (g *GFX) Reset() {
	g.regs.Reset()
	g.schedule()
	g.update()
}

// IRQ reports the level of the interrupt line.
func (g *GFX) IRQ() bool { return g.level }

func (g *GFX) ctrl1() uint32 { return g.regs.Get(RegCtrl1) }

func (g *GFX) update() {
	c := g.ctrl1()
	lv := c&Ctrl1VIntSts != 0 && c&Ctrl1VIntEn != 0
	if lv != g.level {
		g.level = lv
		g.irq.Set(lv)
	}
}

// schedule runs the retrace timer while the CRT and its interrupt are
// enabled, keeping the phase of a running timer.
func (g *GFX) schedule() {
	if g.tm == nil {
		return
	}
	c := g.ctrl1()
	if c&Ctrl1Enable != 0 && c&Ctrl1VIntEn != 0 {
		if !g.tm.Active() {
			g.tm.SetAfter(FramePeriodNs)
		}
	} else {
		g.tm.Stop()
	}
}

func (g *GFX) vblank() {
	g.regs.Put(RegCtrl1, g.ctrl1()|Ctrl1VIntSts)
	g.update()
	g.tm.Set(g.tm.Deadline() + FramePeriodNs)
	if g.tm.Deadline() <= g.clk.Now() { // fell far behind: resynchronise
		g.tm.SetAfter(FramePeriodNs)
	}
}

// ReadReg implements mmio.Registers.
func (g *GFX) ReadReg(off, mask uint32) (uint32, bool) { return g.regs.ReadReg(off, mask) }

// WriteReg implements mmio.Registers.
func (g *GFX) WriteReg(off, val, mask uint32) bool {
	if !g.regs.WriteReg(off, val, mask) {
		return false
	}
	if off == RegCtrl1 {
		g.schedule()
		g.update()
	}
	return true
}
