package i2cdev

// Epson RX8900 real-time clock (romulus: bus 11, address 0x32).
//
// Register map (one byte each, address auto-increments and wraps at 0x1f):
//
//	0x00 seconds  0x01 minutes  0x02 hours (24 h)  0x03 weekday (one-hot,
//	bit 0 Sunday)  0x04 day  0x05 month  0x06 year (00-99 = 2000-2099),
//	all BCD; 0x07 RAM; 0x08-0x0a alarm minute/hour/week-or-day;
//	0x0b-0x0c timer counter; 0x0d extension (TSEL, FSEL, TE, USEL, WADA);
//	0x0e flags (0 VDET, 1 VLF, 3 AF, 4 TF, 5 UF; a written 0 clears a
//	flag, a written 1 leaves it); 0x0f control (0 RESET, 2 EIE, 3 AIE,
//	4 TIE, 5 UIE, [7:6] CSEL); 0x10-0x16 aliases of 0x00-0x06;
//	0x17 temperature; 0x18 backup/power control (VDETOFF, SWOFF);
//	0x1b-0x1f aliases of 0x0b-0x0f.
//
// Time is a base Unix time plus the virtual clock. Like the chip, the time
// registers are latched when the device is addressed, so a multi-byte read
// is consistent; written time fields are collected in that latch and take
// effect at STOP (sub-seconds restart at zero). While control bit RESET is
// 1 the clock does not advance (the driver's rv8803_set_time sets it,
// writes the time, then clears it). The voltage-low flags start clear, so
// the driver finds the time valid at probe. Alarms, the timer counter and
// the /INT output are not modelled (romulus wires no RTC interrupt, so the
// driver disables alarms).
//
// Sources: Linux drivers/rtc/rtc-rv8803.c (register and bit names,
// probe/get_time/set_time sequences, RX8900 backup register 0x18);
// Epson RX8900SA/CE application manual (register table, alias block,
// flag write semantics, temperature formula); QEMU hw/timer/rx8900_regs.h
// (facts only: the 0x10-0x1f alias layout).

import (
	"time"

	"github.com/ast2500emu/ast2500emu/vclock"
)

// RX8900 register addresses.
const (
	RXSec    = 0x00
	RXMin    = 0x01
	RXHour   = 0x02
	RXWeek   = 0x03
	RXDay    = 0x04
	RXMonth  = 0x05
	RXYear   = 0x06
	RXRAM    = 0x07
	RXExt    = 0x0d
	RXFlag   = 0x0e
	RXCtrl   = 0x0f
	RXTemp   = 0x17
	RXBackup = 0x18

	RXFlagVDET = 1 << 0
	RXFlagVLF  = 1 << 1
	RXFlagAF   = 1 << 3
	RXFlagTF   = 1 << 4
	RXFlagUF   = 1 << 5
	RXCtrlRst  = 1 << 0

	rxFlagMask = RXFlagVDET | RXFlagVLF | RXFlagAF | RXFlagTF | RXFlagUF
)

// RX8900 is the RTC model.
type RX8900 struct {
	clk      *vclock.Clock
	regs     [0x20]byte // non-time registers (0x07-0x0f, 0x17-0x1f)
	epochNs  int64      // Unix time in ns = epochNs + clk.Now()
	stopped  bool       // control RESET set: time frozen at frozenNs
	frozenNs int64
	latch    [7]byte // time registers as seen by the current transfer
	dirty    bool    // latch written, commit at STOP
	ptr      byte
	wantPtr  bool // next written byte is the register address
}

// NewRX8900 returns an RTC whose time at guest time zero is baseUnix
// (seconds since 1970, UTC; the chip covers 2000-2099).
func NewRX8900(clk *vclock.Clock, baseUnix int64) *RX8900 {
	r := &RX8900{clk: clk, epochNs: baseUnix * 1e9}
	// Power-on: 2 s temperature compensation (CSEL=1), temperature ~25 C.
	r.regs[RXCtrl] = 1 << 6
	r.regs[RXTemp] = rxTempReg(25)
	return r
}

// rxTempReg encodes a temperature: T = (reg * 2 - 187.19) / 3.218.
func rxTempReg(c float64) byte { return byte((c*3.218 + 187.19) / 2) }

// Unix returns the RTC's current time in seconds.
func (r *RX8900) Unix() int64 { return r.nowNs() / 1e9 }

func (r *RX8900) nowNs() int64 {
	if r.stopped {
		return r.frozenNs
	}
	return r.epochNs + int64(r.clk.Now())
}

// setNs makes the current time ns.
func (r *RX8900) setNs(ns int64) {
	if r.stopped {
		r.frozenNs = ns
		return
	}
	r.epochNs = ns - int64(r.clk.Now())
}

func (r *RX8900) snapshot() {
	t := time.Unix(r.nowNs()/1e9, 0).UTC()
	r.latch = [7]byte{
		bcd(t.Second()), bcd(t.Minute()), bcd(t.Hour()),
		1 << uint(t.Weekday()), bcd(t.Day()), bcd(int(t.Month())),
		bcd(t.Year() % 100),
	}
	r.dirty = false
}

func (r *RX8900) commit() {
	if !r.dirty {
		return
	}
	r.dirty = false
	l := r.latch
	t := time.Date(2000+unbcd(l[RXYear]), time.Month(unbcd(l[RXMonth]&0x1f)),
		unbcd(l[RXDay]&0x3f), unbcd(l[RXHour]&0x3f), unbcd(l[RXMin]&0x7f),
		unbcd(l[RXSec]&0x7f), 0, time.UTC)
	r.setNs(t.Unix() * 1e9)
}

// Start implements i2c.Target.
func (r *RX8900) Start(read bool) bool {
	r.commit() // a repeated START ends a write like STOP does
	r.snapshot()
	r.wantPtr = !read
	return true
}

// Write implements i2c.Target.
func (r *RX8900) Write(b byte) bool {
	if r.wantPtr {
		r.ptr, r.wantPtr = b&0x1f, false
		return true
	}
	a := r.ptr
	r.ptr = (r.ptr + 1) & 0x1f
	switch {
	case a <= RXYear || (a >= 0x10 && a <= 0x16):
		r.latch[a&0x7] = b
		r.dirty = true
	case a == RXFlag || a == 0x1e:
		r.regs[RXFlag] &= b | ^byte(rxFlagMask)
	case a == RXCtrl || a == 0x1f:
		r.setCtrl(b)
	case a >= 0x1b:
		r.regs[a-0x10] = b
	case a == RXTemp:
		// read-only
	default:
		r.regs[a] = b
	}
	return true
}

func (r *RX8900) setCtrl(b byte) {
	was := r.regs[RXCtrl]&RXCtrlRst != 0
	r.regs[RXCtrl] = b
	now := b&RXCtrlRst != 0
	switch {
	case now && !was:
		r.commit()
		r.frozenNs = r.nowNs() / 1e9 * 1e9 // sub-second counter reset
		r.stopped = true
	case !now && was:
		r.commit() // time written in this transfer lands in frozenNs
		r.stopped = false
		r.epochNs = r.frozenNs - int64(r.clk.Now())
	}
}

// Read implements i2c.Target.
func (r *RX8900) Read() byte {
	a := r.ptr
	r.ptr = (r.ptr + 1) & 0x1f
	switch {
	case a <= RXYear || (a >= 0x10 && a <= 0x16):
		return r.latch[a&0x7]
	case a >= 0x1b:
		return r.regs[a-0x10]
	}
	return r.regs[a]
}

// Stop implements i2c.Target.
func (r *RX8900) Stop() {
	r.commit()
	r.wantPtr = false
}
