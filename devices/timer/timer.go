// Package timer models the AST2500 timer block at 0x1e782000: eight 32-bit
// down counters derived from the Faraday FTTMR010.
//
// Each timer has a counter, a reload value and two match values. A timer
// counts down from its reload value at PCLK (the APB clock) or, when its
// clock-select bit is set, at the external 1 MHz clock. When the counter
// reaches zero it stays zero for one tick and then loads the reload value,
// so the period is reload+1 ticks and a reload of 0xffffffff makes a free
// running 32-bit down counter (Linux's clocksource and sched_clock, timer 2).
// Enabling a timer loads the reload value into the counter (Linux's
// clockevent, timer 1, relies on this: stop, write reload, start).
//
// Interrupts: a timer signals its interrupt when the counter reaches either
// match value (always; the AST2500 has no match interrupt mask) and when it
// reaches zero if the timer's interrupt-enable bit is set (a match value of
// 0 also fires at zero). The VIC senses the timer sources (16, 17, 18,
// 35..39) as edges, both edges at reset, so the model signals each event as
// a pulse (Set(true), Set(false)) on the timer's line: the VIC latches one
// edge whichever edge sensing the guest uses. A reload value of 0 holds the
// counter at zero after it gets there, firing once instead of every tick.
//
// Register map (timer n = 1..3 at 0x10*(n-1), n = 4..8 at 0x40+0x10*(n-4)):
//
//	+0x0 counter (reads the live count; a write sets it)
//	+0x4 reload   +0x8 match 1   +0xc match 2
//	0x30 control: 4 bits per timer, bit 4(n-1)+0 enable, +1 external 1 MHz
//	     clock, +2 zero (overflow) interrupt enable, +3 pulse mode (stored)
//	0x34 control 2 (stored, no modelled effect)
//	0x38 control 3: writing command 0xAE in bits [8:1] unlocks the control
//	     clear register, 0xEA locks it again; reads bit 0 = unlocked
//	0x3c control clear: when unlocked, each 1 bit clears that control bit
//
// The counter value is computed from the virtual clock on read; each enabled
// timer's next event is a single vclock.Timer deadline.
//
// Sources:
//   - Linux drivers/clocksource/timer-fttmr010.c (aspeed variant): control
//     bit layout, count-down operation, "loads TIMER1_LOAD into TIMER1_COUNT
//     when re-enabled", match interrupts always enabled, clocksource setup.
//   - Linux arch/arm/boot/dts/aspeed-g5.dtsi: base, size 0x90, interrupts
//     <16 17 18 35 36 37 38 39>, clocked by PCLK.
//   - QEMU hw/timer/aspeed_timer.c (facts only): timers 4..8 at 0x40, the
//     1 MHz external clock, control 2 at 0x34, the AST2500 control-3 unlock
//     commands and control-clear register at 0x3c.
package timer

import (
	"math/bits"

	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// NumTimers is the number of timers in the block.
const NumTimers = 8

// Register offsets.
const (
	RegCount    = 0x00 // + TimerBase(i)
	RegReload   = 0x04
	RegMatch1   = 0x08
	RegMatch2   = 0x0c
	RegCtrl     = 0x30
	RegCtrl2    = 0x34
	RegCtrl3    = 0x38
	RegCtrlClr  = 0x3c
	Size        = 0x90
	ExtClockHz  = 1000000
	ctrlEnable  = 1 << 0
	ctrlExtClk  = 1 << 1
	ctrlIntEn   = 1 << 2
	cmdUnlock   = 0xAE
	cmdLock     = 0xEA
	nsPerSecond = 1000000000
)

// TimerBase returns the offset of timer i's registers (i = 0..7 for timers
// 1..8).
func TimerBase(i int) uint32 {
	if i < 3 {
		return uint32(i) * 0x10
	}
	return 0x40 + uint32(i-3)*0x10
}

const name = "timer"

type channel struct {
	reload uint32
	match  [2]uint32
	irq    mmio.Line
	tm     *vclock.Timer

	// While disabled the counter holds frozen. While enabled it is
	// derived from the anchor: at guest time t0 the counter was c0, and
	// it ticks at hz. Events at ticks 1..handled after the anchor have
	// been processed.
	frozen  uint32
	t0      uint64
	c0      uint32
	hz      uint64
	handled uint64
}

// Timer is the timer block. It implements mmio.Device and mmio.Resetter.
type Timer struct {
	mmio.Port
	clk      *vclock.Clock
	log      *mmio.Log
	apbHz    uint64
	ctrl     uint32
	ctrl2    uint32
	unlocked bool
	ch       [NumTimers]channel
}

// New returns the timer block at power-on. irqs[i] is timer i+1's line
// (nil: unconnected); apbHz is the PCLK rate.
func New(clk *vclock.Clock, irqs [NumTimers]mmio.Line, apbHz uint64, log *mmio.Log) *Timer {
	t := &Timer{clk: clk, log: log, apbHz: apbHz}
	t.Port = mmio.NewPort(name, log, mmio.Access{}, t)
	for i := range t.ch {
		c := &t.ch[i]
		c.irq = irqs[i]
		if c.irq == nil {
			c.irq = mmio.NoLine
		}
		c.tm = clk.NewTimer(timerNames[i], func() { t.expire(i) })
	}
	t.Reset()
	return t
}

var timerNames = [NumTimers]string{"timer1", "timer2", "timer3", "timer4", "timer5", "timer6", "timer7", "timer8"}

// Reset restores the power-on state: all timers stopped, registers zero.
func (t *Timer) Reset() {
	t.ctrl, t.ctrl2, t.unlocked = 0, 0, false
	for i := range t.ch {
		c := &t.ch[i]
		c.tm.Stop()
		c.reload, c.match, c.frozen = 0, [2]uint32{}, 0
		c.t0, c.c0, c.hz, c.handled = 0, 0, 0, 0
	}
}

// SetAPBHz changes the PCLK rate (the SCU's clock tree changed). Running
// timers on PCLK continue from their current count at the new rate.
func (t *Timer) SetAPBHz(hz uint64) {
	t.apbHz = hz
	for i := range t.ch {
		if t.enabled(i) && t.ctrlBits(i)&ctrlExtClk == 0 {
			t.reanchor(i)
		}
	}
}

func (t *Timer) ctrlBits(i int) uint32 { return (t.ctrl >> (4 * uint(i))) & 0xf }
func (t *Timer) enabled(i int) bool    { return t.ctrlBits(i)&ctrlEnable != 0 }

func (t *Timer) rate(i int) uint64 {
	if t.ctrlBits(i)&ctrlExtClk != 0 {
		return ExtClockHz
	}
	if t.apbHz == 0 {
		return 1
	}
	return t.apbHz
}

// mulDiv returns a*b/c rounded down (up when ceil), saturating.
func mulDiv(a, b, c uint64, ceil bool) uint64 {
	hi, lo := bits.Mul64(a, b)
	if ceil {
		var carry uint64
		lo, carry = bits.Add64(lo, c-1, 0)
		hi += carry
	}
	if hi >= c {
		return ^uint64(0)
	}
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// ticks returns the number of whole ticks since the anchor.
func (c *channel) ticks(now uint64) uint64 {
	if now <= c.t0 {
		return 0
	}
	return mulDiv(now-c.t0, c.hz, nsPerSecond, false)
}

// tickTime returns the guest time of tick k after the anchor.
func (c *channel) tickTime(k uint64) uint64 {
	d := mulDiv(k, nsPerSecond, c.hz, true)
	if d > ^uint64(0)-c.t0 {
		return ^uint64(0)
	}
	return c.t0 + d
}

// counterAt returns the counter value k ticks after the anchor.
func (c *channel) counterAt(k uint64) uint32 {
	c0 := uint64(c.c0)
	if k <= c0 {
		return uint32(c0 - k)
	}
	if c.reload == 0 {
		return 0
	}
	r := uint64(c.reload)
	return uint32(r - (k-c0-1)%(r+1))
}

// firstAfter returns the first tick after h at which the counter becomes v.
func (c *channel) firstAfter(v uint32, h uint64) (uint64, bool) {
	c0, vv, r := uint64(c.c0), uint64(v), uint64(c.reload)
	if vv <= c0 && c0-vv > h {
		return c0 - vv, true
	}
	if r == 0 || vv > r {
		return 0, false
	}
	base := c0 + 1 + (r - vv)
	if base > h {
		return base, true
	}
	n := (h-base)/(r+1) + 1
	return base + n*(r+1), true
}

// nextEvent returns the first interrupting tick after h.
func (t *Timer) nextEvent(i int, h uint64) (uint64, bool) {
	c := &t.ch[i]
	best, found := uint64(0), false
	try := func(v uint32) {
		if k, ok := c.firstAfter(v, h); ok && (!found || k < best) {
			best, found = k, true
		}
	}
	if t.ctrlBits(i)&ctrlIntEn != 0 || c.match[0] == 0 || c.match[1] == 0 {
		try(0)
	}
	for _, m := range c.match {
		if m != 0 {
			try(m)
		}
	}
	return best, found
}

// schedule arms timer i's deadline for its next event.
func (t *Timer) schedule(i int) {
	c := &t.ch[i]
	if !t.enabled(i) {
		c.tm.Stop()
		return
	}
	k, ok := t.nextEvent(i, c.handled)
	if !ok {
		c.tm.Stop()
		return
	}
	c.tm.Set(c.tickTime(k))
}

// catchUp processes any event that is due but whose deadline has not run
// yet, and records the ticks up to now as handled. It reports whether an
// event fired.
func (t *Timer) catchUp(i int) bool {
	c := &t.ch[i]
	kNow := c.ticks(t.clk.Now())
	k, ok := t.nextEvent(i, c.handled)
	fired := ok && k <= kNow
	if kNow > c.handled {
		c.handled = kNow
	}
	return fired
}

func (t *Timer) expire(i int) {
	if !t.enabled(i) {
		return
	}
	fired := t.catchUp(i)
	t.schedule(i)
	if fired {
		mmio.Pulse(t.ch[i].irq)
	}
}

// current returns timer i's counter value now.
func (t *Timer) current(i int) uint32 {
	c := &t.ch[i]
	if !t.enabled(i) {
		return c.frozen
	}
	return c.counterAt(c.ticks(t.clk.Now()))
}

// setCount re-anchors an enabled timer so that the counter is v now, after
// delivering any due event under the old parameters.
func (t *Timer) setCount(i int, v uint32) {
	c := &t.ch[i]
	fired := t.catchUp(i)
	c.t0, c.c0, c.hz, c.handled = t.clk.Now(), v, t.rate(i), 0
	t.schedule(i)
	if fired {
		mmio.Pulse(c.irq)
	}
}

func (t *Timer) reanchor(i int) { t.setCount(i, t.current(i)) }

// setCtrl applies a new control register value.
func (t *Timer) setCtrl(v uint32) {
	old := t.ctrl
	for i := range t.ch {
		c := &t.ch[i]
		ob, nb := (old>>(4*uint(i)))&0xf, (v>>(4*uint(i)))&0xf
		wasOn, isOn := ob&ctrlEnable != 0, nb&ctrlEnable != 0
		switch {
		case wasOn && !isOn:
			fired := t.catchUp(i)
			c.frozen = t.current(i)
			c.tm.Stop()
			t.ctrl = t.ctrl&^(0xf<<(4*uint(i))) | nb<<(4*uint(i))
			if fired {
				mmio.Pulse(c.irq)
			}
		case !wasOn && isOn:
			t.ctrl = t.ctrl&^(0xf<<(4*uint(i))) | nb<<(4*uint(i))
			c.t0, c.c0, c.hz, c.handled = t.clk.Now(), c.reload, t.rate(i), 0
			t.schedule(i)
		case isOn && ob != nb:
			// Running timer: clock or interrupt enable changed.
			fired := t.catchUp(i)
			cur := c.counterAt(c.ticks(t.clk.Now()))
			t.ctrl = t.ctrl&^(0xf<<(4*uint(i))) | nb<<(4*uint(i))
			if (ob^nb)&ctrlExtClk != 0 {
				c.t0, c.c0, c.hz, c.handled = t.clk.Now(), cur, t.rate(i), 0
			}
			t.schedule(i)
			if fired {
				mmio.Pulse(c.irq)
			}
		default:
			t.ctrl = t.ctrl&^(0xf<<(4*uint(i))) | nb<<(4*uint(i))
		}
	}
}

// decode maps an offset to a timer index and register (0..3), or -1 for
// the control registers and unknown offsets.
func decode(off uint32) (int, uint32) {
	switch {
	case off < 0x30:
		return int(off >> 4), off & 0xc
	case off >= 0x40 && off < Size:
		return int(off>>4) - 1, off & 0xc
	}
	return -1, 0
}

// ReadReg implements mmio.Registers.
func (t *Timer) ReadReg(off, mask uint32) (uint32, bool) {
	if i, r := decode(off); i >= 0 {
		c := &t.ch[i]
		switch r {
		case RegCount:
			return t.current(i), true
		case RegReload:
			return c.reload, true
		case RegMatch1:
			return c.match[0], true
		default:
			return c.match[1], true
		}
	}
	switch off {
	case RegCtrl:
		return t.ctrl, true
	case RegCtrl2:
		return t.ctrl2, true
	case RegCtrl3:
		if t.unlocked {
			return 1, true
		}
		return 0, true
	case RegCtrlClr:
		return 0, true // write-only
	}
	return 0, false
}

// WriteReg implements mmio.Registers.
func (t *Timer) WriteReg(reg, val, mask uint32) bool {
	cur, ok := t.ReadReg(reg, 0)
	if !ok {
		return false
	}
	v := mmio.Merge(cur, val, mask)
	if i, r := decode(reg); i >= 0 {
		c := &t.ch[i]
		switch r {
		case RegCount:
			if t.enabled(i) {
				t.setCount(i, v)
			} else {
				c.frozen = v
			}
		case RegReload:
			if t.enabled(i) {
				// The new value applies from the next reload.
				t.reanchor(i)
			}
			c.reload = v
			t.schedule(i)
		case RegMatch1, RegMatch2:
			c.match[(r-RegMatch1)/4] = v
			t.schedule(i)
		}
		return true
	}
	switch reg {
	case RegCtrl:
		t.setCtrl(v)
	case RegCtrl2:
		t.ctrl2 = v
	case RegCtrl3:
		switch (val >> 1) & 0xff {
		case cmdUnlock:
			t.unlocked = true
		case cmdLock:
			t.unlocked = false
		}
	case RegCtrlClr:
		if !t.unlocked {
			t.log.GuestError(name, "control clear 0x%08x written while locked", val)
			return true
		}
		t.setCtrl(t.ctrl &^ val)
	}
	return true
}
