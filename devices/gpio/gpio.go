// Package gpio models the ASPEED AST2500 GPIO controller at 0x1e780000.
//
// The controller has 232 pins in eight 32-pin banks (A-D, E-H, I-L, M-P,
// Q-T, U-X, Y-AB, AC); pin n is bit n%32 of bank n/32, the numbering the
// Linux driver and device trees use (ASPEED_GPIO(port, bit)). Each bank has
// a data register (read: pin levels, write: output latch), a direction
// register (1 = output), a data-read register returning the output latch,
// interrupt enable, three sensitivity registers, a write-1-to-clear
// interrupt status, reset tolerance, two debounce selects and two command
// source registers. Three debounce timer registers are shared.
//
// Interrupts: for an input pin with its enable bit set, the sensitivity
// bits select (type2,type1,type0): x00 falling edge, x01 rising edge, 010
// low level, 011 high level, 1x0/1x1 with type1 clear both edges (Linux's
// aspeed_gpio_set_type writes type2|type0 for both edges). A level
// interrupt stays pending while the level holds: clearing its status bit
// sets it again at once. All banks share one interrupt line, high while
// any enabled pin has its status bit set. Output pins do not interrupt.
// Debounce is register storage only (no filtering); command-source
// ownership is stored but the ARM always has access.
//
// Sources: Linux drivers/gpio/gpio-aspeed.c (bank register offset table,
// AST2500 input/output capability table: U-X outputs only on U/V, a 4-pin
// hole in AB, 8 pins in AC; sensitivity encoding; probe reading the
// data-read registers and writing the command source registers), QEMU
// hw/gpio/aspeed_gpio.c (interrupt evaluation: status set only for enabled
// input pins; data reads return input levels for inputs).
package gpio

import (
	"github.com/ast2500emu/ast2500emu/mmio"
)

// NumPins is the number of GPIO lines on the AST2500.
const NumPins = 232

const numBanks = 8

type field uint8

const (
	fData field = iota
	fDir
	fRData
	fIntEn
	fType0
	fType1
	fType2
	fStatus
	fTolerance
	fDeb1
	fDeb2
	fCmd0
	fCmd1
	fTimer
)

type regRef struct {
	bank  int
	field field
}

type bankLayout struct {
	val, rdata, irq, deb, tol, cmd uint32
	in, out                        uint32 // pin capability masks
}

// The per-bank register offsets (gpio-aspeed.c aspeed_gpio_banks) and the
// AST2500 capability masks (ast2500_bank_props).
var layout = [numBanks]bankLayout{
	{0x000, 0x0c0, 0x008, 0x040, 0x01c, 0x060, ^uint32(0), ^uint32(0)},
	{0x020, 0x0c4, 0x028, 0x048, 0x03c, 0x068, ^uint32(0), ^uint32(0)},
	{0x070, 0x0c8, 0x098, 0x0b0, 0x0ac, 0x090, ^uint32(0), ^uint32(0)},
	{0x078, 0x0cc, 0x0e8, 0x100, 0x0fc, 0x0e0, ^uint32(0), ^uint32(0)},
	{0x080, 0x0d0, 0x118, 0x130, 0x12c, 0x110, ^uint32(0), ^uint32(0)},
	{0x088, 0x0d4, 0x148, 0x160, 0x15c, 0x140, 0xffffffff, 0x0000ffff},
	{0x1e0, 0x0d8, 0x178, 0x190, 0x18c, 0x170, 0x0fffffff, 0x0fffffff},
	{0x1e8, 0x0dc, 0x1a8, 0x1c0, 0x1bc, 0x1a0, 0x000000ff, 0x000000ff},
}

var regMap = func() map[uint32]regRef {
	m := map[uint32]regRef{}
	for b, l := range layout {
		m[l.val] = regRef{b, fData}
		m[l.val+4] = regRef{b, fDir}
		m[l.rdata] = regRef{b, fRData}
		m[l.irq] = regRef{b, fIntEn}
		m[l.irq+0x4] = regRef{b, fType0}
		m[l.irq+0x8] = regRef{b, fType1}
		m[l.irq+0xc] = regRef{b, fType2}
		m[l.irq+0x10] = regRef{b, fStatus}
		m[l.tol] = regRef{b, fTolerance}
		m[l.deb] = regRef{b, fDeb1}
		m[l.deb+4] = regRef{b, fDeb2}
		m[l.cmd] = regRef{b, fCmd0}
		m[l.cmd+4] = regRef{b, fCmd1}
	}
	for i, off := range []uint32{0x50, 0x54, 0x58} {
		m[off] = regRef{i, fTimer}
	}
	return m
}()

type bank struct {
	latch, dir, ext         uint32
	ien, t0, t1, t2, status uint32
	tol, deb1, deb2         uint32
	cmd0, cmd1              uint32
}

// GPIO is the controller. It implements mmio.Device and mmio.Resetter.
type GPIO struct {
	mmio.Port
	irq    mmio.Line
	log    *mmio.Log
	banks  [numBanks]bank
	timers [3]uint32
	level  bool
}

// New returns a controller in its reset state, raising irq for interrupts.
// All inputs start low.
func New(irq mmio.Line, log *mmio.Log) *GPIO {
	if irq == nil {
		irq = mmio.NoLine
	}
	g := &GPIO{irq: irq, log: log}
	g.Port = mmio.NewPort("gpio", log, mmio.Access{}, g)
	return g
}

// Reset restores power-on register values. External input levels are board
// wiring and are kept.
func (g *GPIO) Reset() {
	for i := range g.banks {
		ext := g.banks[i].ext
		g.banks[i] = bank{ext: ext}
	}
	g.timers = [3]uint32{}
	g.updateIRQ()
}

func (b *bank) pins(in uint32) uint32 {
	return b.dir&b.latch | ^b.dir&b.ext&in
}

// SetInput drives the external level of an input-capable pin. Pins that do
// not exist or cannot be inputs ignore it. Like Read and Write it must run
// on the machine goroutine (host-side producers go through vclock.Post).
func (g *GPIO) SetInput(pin int, level bool) {
	if pin < 0 || pin >= NumPins {
		return
	}
	bi, bit := pin/32, uint32(1)<<(pin%32)
	if layout[bi].in&bit == 0 {
		return
	}
	b := &g.banks[bi]
	old := b.pins(layout[bi].in)
	if level {
		b.ext |= bit
	} else {
		b.ext &^= bit
	}
	g.changed(bi, old)
}

// Level returns the current level of a pin: the output latch for outputs,
// the external level for inputs.
func (g *GPIO) Level(pin int) bool {
	if pin < 0 || pin >= NumPins {
		return false
	}
	bi := pin / 32
	return g.banks[bi].pins(layout[bi].in)&(1<<(pin%32)) != 0
}

// changed latches edge and level interrupts of bank bi after a state change
// (old is the bank's pin levels before it) and updates the line.
func (g *GPIO) changed(bi int, old uint32) {
	b := &g.banks[bi]
	in := layout[bi].in
	now := b.pins(in)
	armed := b.ien & ^b.dir & in
	edge := armed & ^(b.t1 &^ b.t2)
	diff := (old ^ now) & edge
	rising, falling := diff&now, diff&^now
	both := b.t2
	b.status |= rising & (both | b.t0)
	b.status |= falling & (both | ^b.t0)
	g.levelLatch(bi)
	g.updateIRQ()
}

// levelLatch sets the status of level-sensitive pins whose level holds.
func (g *GPIO) levelLatch(bi int) {
	b := &g.banks[bi]
	in := layout[bi].in
	now := b.pins(in)
	lvl := b.ien & ^b.dir & in & b.t1 &^ b.t2
	b.status |= lvl & (b.t0&now | ^b.t0&^now)
}

func (g *GPIO) updateIRQ() {
	level := false
	for i := range g.banks {
		if g.banks[i].status&g.banks[i].ien != 0 {
			level = true
			break
		}
	}
	if level != g.level {
		g.level = level
		g.irq.Set(level)
	}
}

// ReadReg implements mmio.Registers.
func (g *GPIO) ReadReg(base, mask uint32) (uint32, bool) {
	ref, ok := regMap[base]
	if !ok {
		return 0, false
	}
	var v uint32
	if ref.field == fTimer {
		v = g.timers[ref.bank]
	} else {
		b := &g.banks[ref.bank]
		switch ref.field {
		case fData:
			v = b.pins(layout[ref.bank].in)
		case fDir:
			v = b.dir
		case fRData:
			v = b.latch
		case fIntEn:
			v = b.ien
		case fType0:
			v = b.t0
		case fType1:
			v = b.t1
		case fType2:
			v = b.t2
		case fStatus:
			v = b.status
		case fTolerance:
			v = b.tol
		case fDeb1:
			v = b.deb1
		case fDeb2:
			v = b.deb2
		case fCmd0:
			v = b.cmd0
		case fCmd1:
			v = b.cmd1
		}
	}
	return v, true
}

// WriteReg implements mmio.Registers.
func (g *GPIO) WriteReg(base, val, mask uint32) bool {
	ref, ok := regMap[base]
	if !ok {
		return false
	}
	if ref.field == fTimer {
		g.timers[ref.bank] = mmio.Merge(g.timers[ref.bank], val, mask)
		return true
	}
	bi := ref.bank
	b := &g.banks[bi]
	l := layout[bi]
	valid := l.in | l.out
	old := b.pins(l.in)
	switch ref.field {
	case fData:
		b.latch = mmio.Merge(b.latch, val, mask) & l.out
	case fDir:
		b.dir = mmio.Merge(b.dir, val, mask) & l.out
	case fRData:
		g.log.GuestError("gpio", "write 0x%x to read-only data-read register 0x%03x", val, base)
		return true
	case fIntEn:
		b.ien = mmio.Merge(b.ien, val, mask) & l.in
	case fType0:
		b.t0 = mmio.Merge(b.t0, val, mask) & l.in
	case fType1:
		b.t1 = mmio.Merge(b.t1, val, mask) & l.in
	case fType2:
		b.t2 = mmio.Merge(b.t2, val, mask) & l.in
	case fStatus:
		// Write 1 to clear; only the written byte lanes count.
		b.status &^= val
	case fTolerance:
		b.tol = mmio.Merge(b.tol, val, mask) & valid
	case fDeb1:
		b.deb1 = mmio.Merge(b.deb1, val, mask) & l.in
	case fDeb2:
		b.deb2 = mmio.Merge(b.deb2, val, mask) & l.in
	case fCmd0:
		b.cmd0 = mmio.Merge(b.cmd0, val, mask) & 0x01010101
	case fCmd1:
		b.cmd1 = mmio.Merge(b.cmd1, val, mask) & 0x01010101
	}
	g.changed(bi, old)
	return true
}
