package rtc

import (
	"bytes"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// base is 2024-02-28 23:59:58 UTC.
var base = time.Date(2024, 2, 28, 23, 59, 58, 0, time.UTC).Unix()

func setup() (*RTC, *vclock.Clock) {
	clk := vclock.New(1000)
	return New(clk, base, mmio.NewLog(&bytes.Buffer{})), clk
}

// readTime decodes the counters like Linux's aspeed_rtc_read_time.
func readTime(r *RTC) time.Time {
	var reg1, reg2 uint32
	for {
		reg2 = r.Read(RegYear, 4)
		reg1 = r.Read(RegTime, 4)
		if reg2 == r.Read(RegYear, 4) {
			break
		}
	}
	cent := int(reg2>>16) & 0x1f
	year := int(reg2>>8) & 0x7f
	return time.Date(cent*100+year, time.Month(reg2&0xf), int(reg1>>24)&0x1f,
		int(reg1>>16)&0x1f, int(reg1>>8)&0x3f, int(reg1)&0x3f, 0, time.UTC)
}

func TestCountsWithGuestTime(t *testing.T) {
	r, clk := setup()
	if r.Read(RegControl, 4)&CtrlEnable == 0 {
		t.Fatal("RTC should be enabled at power-on")
	}
	if got := readTime(r); got.Unix() != base {
		t.Fatalf("time = %v, want %v", got, time.Unix(base, 0).UTC())
	}
	if got := r.Read(RegTime, 4); got != 28<<24|23<<16|59<<8|58 {
		t.Fatalf("COUNTER1 = %#x", got)
	}
	if got := r.Read(RegYear, 4); got != 20<<16|24<<8|2 {
		t.Fatalf("COUNTER2 = %#x", got)
	}
	clk.SkipTo(999_999_999)
	if readTime(r).Unix() != base {
		t.Fatal("advanced before a full second")
	}
	clk.SkipTo(3_000_000_000) // 3 s later: 2024-02-29 00:00:01 (leap day)
	got := readTime(r)
	want := time.Date(2024, 2, 29, 0, 0, 1, 0, time.UTC)
	if !got.Equal(want) {
		t.Fatalf("time = %v, want %v", got, want)
	}
}

// setTime follows Linux's aspeed_rtc_set_time.
func setTime(r *RTC, tm time.Time) {
	reg1 := uint32(tm.Day())<<24 | uint32(tm.Hour())<<16 | uint32(tm.Minute())<<8 | uint32(tm.Second())
	y := tm.Year()
	reg2 := uint32(y/100&0x1f)<<16 | uint32(y%100&0x7f)<<8 | uint32(tm.Month())
	ctrl := r.Read(RegControl, 4)
	r.Write(RegControl, 4, ctrl|CtrlUnlock)
	r.Write(RegTime, 4, reg1)
	r.Write(RegYear, 4, reg2)
	r.Write(RegControl, 4, ctrl|CtrlEnable)
}

func TestSetThenRead(t *testing.T) {
	r, clk := setup()
	clk.SkipTo(5e9)
	want := time.Date(2031, 12, 31, 23, 59, 30, 0, time.UTC)
	setTime(r, want)
	if got := readTime(r); !got.Equal(want) {
		t.Fatalf("read back %v, want %v", got, want)
	}
	clk.SkipTo(5e9 + 45e9)
	if got := readTime(r); !got.Equal(want.Add(45 * time.Second)) {
		t.Fatalf("after 45 s: %v", got)
	}
	if r.Unix() != want.Add(45*time.Second).Unix() {
		t.Fatal("Unix() disagrees")
	}
}

func TestLockedWritesIgnoredAndHold(t *testing.T) {
	r, clk := setup()
	r.Write(RegTime, 4, 0) // locked
	if readTime(r).Unix() != base {
		t.Fatal("locked write changed the time")
	}
	// Unlock holds the counters.
	r.Write(RegControl, 4, CtrlEnable|CtrlUnlock)
	clk.SkipTo(10e9)
	if readTime(r).Unix() != base {
		t.Fatal("counters ran while unlocked")
	}
	// Relock without writing: counting resumes from the held value.
	r.Write(RegControl, 4, CtrlEnable)
	clk.SkipTo(12e9)
	if got := readTime(r).Unix(); got != base+2 {
		t.Fatalf("time = %d, want base+2", got-base)
	}
	// Disabled: frozen; Linux's read_time would refuse.
	r.Write(RegControl, 4, 0)
	clk.SkipTo(20e9)
	if readTime(r).Unix() != base+2 || r.Read(RegControl, 4) != 0 {
		t.Fatal("disabled RTC kept counting")
	}
	// Linux set_time from a disabled RTC enables it.
	setTime(r, time.Unix(base, 0).UTC())
	if r.Read(RegControl, 4) != CtrlEnable {
		t.Fatalf("CONTROL = %#x", r.Read(RegControl, 4))
	}
}

func TestOddAccesses(t *testing.T) {
	var buf bytes.Buffer
	r := New(vclock.New(0), 0, mmio.NewLog(&buf))
	r.Read(RegAlarm, 4)
	if !bytes.Contains(buf.Bytes(), []byte("msg=unimplemented dev=rtc")) {
		t.Fatal("alarm access not logged")
	}
	if got := r.Read(RegYear+2, 1); got != 19 {
		t.Fatalf("century byte = %d, want 19", got)
	}
	for off := uint32(0); off < 0x40; off++ {
		for _, sz := range []int{0, 1, 2, 3, 4} {
			r.Read(off, sz)
			r.Write(off, sz, 0xffffffff)
		}
	}
	readTime(r) // garbage fields must not panic
}
