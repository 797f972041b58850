// Package rtc models the ASPEED AST2500 real-time clock at 0x1e781000.
//
// The RTC keeps calendar time in two binary (not BCD) counter registers:
//
//	0x00 COUNTER1: day [28:24], hour [20:16], minute [13:8], second [5:0]
//	0x04 COUNTER2: century [20:16], year-in-century [14:8], month [3:0] (1-12)
//	0x10 CONTROL:  bit 0 enable (counting), bit 1 unlock (counters writable)
//
// The counters run while enabled and locked. Setting the unlock bit holds
// the counters so that software can write both; clearing it again (Linux
// writes CONTROL = old | enable) starts counting from the written time.
// 0x08 (alarm) and 0x14 (alarm status) are not modelled.
//
// Time comes from the virtual clock only: the counters show the base time
// given at construction plus the guest time elapsed since, so a run is
// reproducible. The RTC sits in the battery domain, so it has no Reset: a
// SoC reset does not stop or change it.
//
// Sources: Linux drivers/rtc/rtc-aspeed.c (register layout, binary fields,
// the unlock/enable sequence of aspeed_rtc_set_time, read_time failing when
// disabled), QEMU hw/rtc/aspeed_rtc.c (register offsets).
package rtc

import (
	"time"

	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// Register offsets and CONTROL bits.
const (
	RegTime    = 0x00
	RegYear    = 0x04
	RegAlarm   = 0x08
	RegControl = 0x10
	RegStatus  = 0x14

	CtrlEnable = 1 << 0
	CtrlUnlock = 1 << 1
)

// RTC is the real-time clock. It implements mmio.Device.
type RTC struct {
	mmio.Port
	clk *vclock.Clock
	log *mmio.Log

	ctrl uint32
	// While running, the time is anchorSecs + (clk.Now()-anchorNs)/1e9.
	anchorSecs int64
	anchorNs   uint64
	// While held (disabled or unlocked), the counters read these.
	held1, held2 uint32
}

// New returns an RTC that is enabled and reads baseUnix (seconds since the
// Unix epoch, UTC) at the clock's current guest time.
func New(clk *vclock.Clock, baseUnix int64, log *mmio.Log) *RTC {
	r := &RTC{
		clk:        clk,
		log:        log,
		ctrl:       CtrlEnable,
		anchorSecs: baseUnix,
		anchorNs:   clk.Now(),
	}
	r.Port = mmio.NewPort("rtc", log, mmio.Access{}, r)
	return r
}

func (r *RTC) running() bool {
	return r.ctrl&CtrlEnable != 0 && r.ctrl&CtrlUnlock == 0
}

// Unix returns the RTC's current time in Unix seconds (for the machine and
// tests); while held it returns the held counter value.
func (r *RTC) Unix() int64 {
	if r.running() {
		return r.now()
	}
	return decode(r.held1, r.held2)
}

func (r *RTC) now() int64 {
	return r.anchorSecs + int64((r.clk.Now()-r.anchorNs)/1e9)
}

func encode(secs int64) (uint32, uint32) {
	t := time.Unix(secs, 0).UTC()
	reg1 := uint32(t.Day())<<24 | uint32(t.Hour())<<16 | uint32(t.Minute())<<8 | uint32(t.Second())
	y := t.Year()
	if y < 0 {
		y = 0
	}
	cent, yy := uint32(y/100), uint32(y%100)
	reg2 := (cent&0x1f)<<16 | (yy&0x7f)<<8 | uint32(t.Month())&0xf
	return reg1, reg2
}

func decode(reg1, reg2 uint32) int64 {
	day := int(reg1>>24) & 0x1f
	hour := int(reg1>>16) & 0x1f
	min := int(reg1>>8) & 0x3f
	sec := int(reg1) & 0x3f
	cent := int(reg2>>16) & 0x1f
	year := int(reg2>>8) & 0x7f
	mon := int(reg2) & 0xf
	// time.Date normalises out-of-range fields (day 31 of a 30-day month,
	// month 0) the way a counter that is simply loaded would roll over.
	return time.Date(cent*100+year, time.Month(mon), day, hour, min, sec, 0, time.UTC).Unix()
}

// ReadReg implements mmio.Registers.
func (r *RTC) ReadReg(base, mask uint32) (uint32, bool) {
	var v uint32
	switch base {
	case RegTime, RegYear:
		reg1, reg2 := r.held1, r.held2
		if r.running() {
			reg1, reg2 = encode(r.now())
		}
		v = reg1
		if base == RegYear {
			v = reg2
		}
	case RegControl:
		v = r.ctrl
	default:
		return 0, false
	}
	return v, true
}

// WriteReg implements mmio.Registers.
func (r *RTC) WriteReg(base, val, mask uint32) bool {
	switch base {
	case RegTime, RegYear:
		if r.ctrl&CtrlUnlock == 0 {
			r.log.GuestError("rtc", "write 0x%x to counter 0x%02x while locked ignored", val, base)
			return true
		}
		if base == RegTime {
			r.held1 = mmio.Merge(r.held1, val, mask)
		} else {
			r.held2 = mmio.Merge(r.held2, val, mask)
		}
	case RegControl:
		was := r.running()
		if was {
			// Latch the current time before the counters may stop.
			r.held1, r.held2 = encode(r.now())
		}
		r.ctrl = mmio.Merge(r.ctrl, val, mask) & (CtrlEnable | CtrlUnlock)
		if !was && r.running() {
			r.anchorSecs = decode(r.held1, r.held2)
			r.anchorNs = r.clk.Now()
		}
	default:
		return false
	}
	return true
}
