package i2cdev

import (
	"bytes"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/devices/i2c"
	"github.com/ast2500emu/ast2500emu/vclock"
)

var (
	_ i2c.Target = (*RX8900)(nil)
	_ i2c.Target = (*W83773G)(nil)
	_ i2c.Target = (*LM75)(nil)
	_ i2c.Target = (*EEPROM)(nil)
	_ i2c.Target = (*EEPROMBlock)(nil)
)

// The transfers Linux's SMBus/regmap helpers produce on the wire.

// writeRegs: START(w) reg data... STOP (i2c_smbus_write_byte_data /
// write_i2c_block_data, regmap writes).
func writeRegs(t *testing.T, d i2c.Target, reg byte, vals ...byte) {
	t.Helper()
	if !d.Start(false) || !d.Write(reg) {
		t.Fatalf("address/register phase NAKed")
	}
	for _, v := range vals {
		if !d.Write(v) {
			t.Fatalf("data NAKed")
		}
	}
	d.Stop()
}

// readRegs: START(w) reg, repeated START(r), n bytes, STOP
// (i2c_smbus_read_byte_data / read_i2c_block_data, regmap reads).
func readRegs(t *testing.T, d i2c.Target, reg byte, n int) []byte {
	t.Helper()
	if !d.Start(false) || !d.Write(reg) || !d.Start(true) {
		t.Fatalf("NAK")
	}
	out := make([]byte, n)
	for i := range out {
		out[i] = d.Read()
	}
	d.Stop()
	return out
}

func readReg(t *testing.T, d i2c.Target, reg byte) byte {
	t.Helper()
	return readRegs(t, d, reg, 1)[0]
}

func rxTime(t *testing.T, r *RX8900) time.Time {
	t.Helper()
	d := readRegs(t, r, RXSec, 7)
	tm := time.Date(2000+unbcd(d[6]), time.Month(unbcd(d[5]&0x1f)), unbcd(d[4]&0x3f),
		unbcd(d[2]&0x3f), unbcd(d[1]&0x7f), unbcd(d[0]&0x7f), 0, time.UTC)
	if d[3] != 1<<uint(tm.Weekday()) {
		t.Errorf("weekday register %#x for %v", d[3], tm)
	}
	return tm
}

func TestRX8900ProbeAndTime(t *testing.T) {
	clk := vclock.New(0)
	base := time.Date(2023, 6, 15, 12, 34, 56, 0, time.UTC)
	r := NewRX8900(clk, base.Unix())

	// rv8803_probe: flags, then rv8803_regs_configure and the RX8900
	// trickle-charger setup.
	if f := readReg(t, r, RXFlag); f&(RXFlagVLF|RXFlagVDET|RXFlagAF) != 0 {
		t.Errorf("flags at probe %#x", f)
	}
	writeRegs(t, r, RXExt, 1<<6)
	bk := readReg(t, r, RXBackup)
	writeRegs(t, r, RXBackup, bk&^0x0c)
	if readReg(t, r, RXExt) != 1<<6 {
		t.Errorf("extension register not stored")
	}

	if got := rxTime(t, r); !got.Equal(base) {
		t.Errorf("time %v, want %v", got, base)
	}
	if d := readRegs(t, r, RXSec, 7); !bytes.Equal(d, []byte{0x56, 0x34, 0x12, 1 << 4, 0x15, 0x06, 0x23}) {
		t.Errorf("raw time % x", d)
	}
	clk.SkipTo(65e9 + 5e8)
	if got := rxTime(t, r); !got.Equal(base.Add(65 * time.Second)) {
		t.Errorf("after 65.5 s: %v", got)
	}
	// Aliases 0x10-0x16 read the same time.
	if a, b := readRegs(t, r, 0x10, 7), readRegs(t, r, 0x00, 7); !bytes.Equal(a, b) {
		t.Errorf("alias % x vs % x", a, b)
	}
}

func TestRX8900SetTime(t *testing.T) {
	clk := vclock.New(0)
	r := NewRX8900(clk, time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	clk.SkipTo(7e8) // 0.7 s into a second
	want := time.Date(2030, 12, 31, 23, 59, 58, 0, time.UTC)

	// rv8803_set_time.
	ctrl := readReg(t, r, RXCtrl)
	writeRegs(t, r, RXCtrl, ctrl|RXCtrlRst)
	writeRegs(t, r, RXSec, bcd(want.Second()), bcd(want.Minute()), bcd(want.Hour()),
		1<<uint(want.Weekday()), bcd(want.Day()), bcd(int(want.Month())), bcd(want.Year()-2000))
	clk.SkipTo(5e9) // stopped: no time passes
	if got := rxTime(t, r); !got.Equal(want) {
		t.Errorf("while RESET: %v", got)
	}
	writeRegs(t, r, RXCtrl, ctrl&^RXCtrlRst)
	flags := readReg(t, r, RXFlag)
	writeRegs(t, r, RXFlag, flags&^(RXFlagVDET|RXFlagVLF))

	if got := rxTime(t, r); !got.Equal(want) {
		t.Errorf("just set: %v", got)
	}
	clk.SkipTo(8e9) // 3 s later: rolls over the year
	if got := rxTime(t, r); !got.Equal(want.Add(3 * time.Second)) {
		t.Errorf("3 s later: %v", got)
	}
	if r.Unix() != want.Unix()+3 {
		t.Errorf("Unix %d", r.Unix())
	}
	if readReg(t, r, RXCtrl) != ctrl&^RXCtrlRst {
		t.Errorf("control %#x", readReg(t, r, RXCtrl))
	}

	// A write of one field keeps the others.
	writeRegs(t, r, RXMin, bcd(30))
	if got := rxTime(t, r); got.Minute() != 30 || got.Year() != 2031 || got.Hour() != 0 {
		t.Errorf("after minute write: %v", got)
	}
}

func TestRX8900Registers(t *testing.T) {
	clk := vclock.New(0)
	r := NewRX8900(clk, 946684800) // 2000-01-01
	// Writing 1s cannot set flags.
	writeRegs(t, r, RXFlag, 0xff)
	if f := readReg(t, r, RXFlag); f&rxFlagMask != 0 {
		t.Errorf("flags set by writing 1: %#x", f)
	}
	// RAM, alarm registers, and 0x1d alias of the extension register.
	writeRegs(t, r, RXRAM, 0xaa, 0x12, 0x13, 0x14)
	if d := readRegs(t, r, RXRAM, 4); !bytes.Equal(d, []byte{0xaa, 0x12, 0x13, 0x14}) {
		t.Errorf("ram/alarm % x", d)
	}
	writeRegs(t, r, 0x1d, 0x48)
	if readReg(t, r, RXExt) != 0x48 {
		t.Errorf("0x1d alias")
	}
	// Temperature: T = (reg*2 - 187.19) / 3.218, about 25 C.
	if c := (float64(readReg(t, r, RXTemp))*2 - 187.19) / 3.218; c < 24 || c > 26 {
		t.Errorf("temperature %.1f C", c)
	}
	writeRegs(t, r, RXTemp, 0)
	if readReg(t, r, RXTemp) == 0 {
		t.Errorf("temperature writable")
	}
	// The address counter wraps from 0x1f to 0x00.
	if d := readRegs(t, r, 0x1f, 2); d[1] != 0x00 || d[0] != readReg(t, r, RXCtrl) {
		t.Errorf("wrap % x", d)
	}
}

func TestW83773G(t *testing.T) {
	w := NewW83773G()
	// w83773_probe: conversion rate 2 Hz.
	writeRegs(t, w, W83ConvWrite, 0x05)
	if v := readReg(t, w, W83ConvRead); v != 5 {
		t.Errorf("conversion rate %d", v)
	}
	if v := int8(readReg(t, w, W83LocalTemp)); v != 35 {
		t.Errorf("local %d", v)
	}
	remote := func(hi, lo byte) int { return (int(int8(readReg(t, w, hi)))<<3 | int(readReg(t, w, lo)>>5)) * 125 }
	if v := remote(W83Remote1High, W83Remote1Low); v != 40000 {
		t.Errorf("remote 1 %d", v)
	}
	if v := remote(W83Remote2High, W83Remote2Low); v != 38000 {
		t.Errorf("remote 2 %d", v)
	}
	if readReg(t, w, W83Status1)&4 != 0 || readReg(t, w, W83Status2)&4 != 0 {
		t.Errorf("diode fault reported")
	}
	if readReg(t, w, W83ManufacturID) != 0x5c {
		t.Errorf("manufacturer id")
	}
	// set_offset(1, 1500): 12 eighths -> high 1, low 4<<5.
	writeRegs(t, w, W83Remote1OffH, 1)
	writeRegs(t, w, W83Remote1OffL, 4<<5)
	if v := remote(W83Remote1OffH, W83Remote1OffL); v != 1500 {
		t.Errorf("offset %d", v)
	}
	if v := remote(W83Remote1High, W83Remote1Low); v != 41500 {
		t.Errorf("remote 1 with offset %d", v)
	}
	w.SetTemp(2, -2250)
	if v := remote(W83Remote2High, W83Remote2Low); v != -2250 {
		t.Errorf("negative remote %d", v)
	}
	// Limits written through 0x0b-0x0e read back at 0x05-0x08.
	writeRegs(t, w, 0x0b, 70)
	if readReg(t, w, 0x05) != 70 {
		t.Errorf("limit alias")
	}
	writeRegs(t, w, W83LocalTemp, 0)
	if readReg(t, w, W83LocalTemp) != 35 {
		t.Errorf("temperature writable")
	}
}

func TestLM75(t *testing.T) {
	l := NewLM75()
	word := func(reg byte) uint16 {
		d := readRegs(t, l, reg, 2)
		return uint16(d[0])<<8 | uint16(d[1])
	}
	// lm75_probe: byte read and write of the configuration register.
	if c := readReg(t, l, LM75Conf); c != 0 {
		t.Errorf("conf %#x", c)
	}
	writeRegs(t, l, LM75Conf, 0x02)
	if readReg(t, l, LM75Conf) != 0x02 {
		t.Errorf("conf not stored")
	}
	if v := word(LM75Temp); v != 30<<8 {
		t.Errorf("temp %#x", v)
	}
	if word(LM75Hyst) != 75<<8 || word(LM75OS) != 80<<8 {
		t.Errorf("limits %#x %#x", word(LM75Hyst), word(LM75OS))
	}
	writeRegs(t, l, LM75OS, 0x55, 0x80)
	if v := word(LM75OS); v != 0x5580 {
		t.Errorf("os %#x", v)
	}
	writeRegs(t, l, LM75Temp, 0, 0)
	l.SetTemp(-5500)
	if v := int16(word(LM75Temp)); int(v)/128*500 != -5500 {
		t.Errorf("negative temp %#x", uint16(v))
	}
}

func TestEEPROM24C08(t *testing.T) {
	e := NewEEPROM(1024, 1)
	e.SetPageSize(16)
	if e.Blocks() != 4 {
		t.Fatalf("blocks %d", e.Blocks())
	}
	// at24 probe: one-byte read at offset 0 of the erased part.
	if b := readRegs(t, e, 0, 1); b[0] != 0xff {
		t.Errorf("erased byte %#x", b[0])
	}
	// Offset 0x210 is block 2, byte 0x10.
	blk := e.Block(2)
	writeRegs(t, blk, 0x10, 1, 2, 3, 4)
	if !bytes.Equal(e.Data()[0x210:0x214], []byte{1, 2, 3, 4}) {
		t.Errorf("stored % x", e.Data()[0x20e:0x216])
	}
	if d := readRegs(t, blk, 0x10, 4); !bytes.Equal(d, []byte{1, 2, 3, 4}) {
		t.Errorf("read % x", d)
	}
	// Writes roll over within the 16-byte page.
	writeRegs(t, e, 0x0e, 0xa, 0xb, 0xc)
	if e.Data()[0x0e] != 0xa || e.Data()[0x0f] != 0xb || e.Data()[0x00] != 0xc || e.Data()[0x10] != 0xff {
		t.Errorf("page roll-over % x", e.Data()[:0x12])
	}
	// Sequential reads cross blocks and wrap at the end of the array.
	copy(e.Data()[0x3fe:], []byte{0x77, 0x88})
	if d := readRegs(t, e.Block(3), 0xfe, 3); !bytes.Equal(d, []byte{0x77, 0x88, 0x0c}) {
		t.Errorf("wrap read % x", d)
	}
	// A current-address read continues from the counter.
	e.Start(true)
	if b := e.Read(); b != e.Data()[1] {
		t.Errorf("current address read %#x", b)
	}
	e.Stop()
	e.ReadOnly = true
	writeRegs(t, e, 0x20, 0x55)
	if e.Data()[0x20] != 0xff {
		t.Errorf("write-protected part written")
	}
}

func TestEEPROMTwoByteAddress(t *testing.T) {
	e := NewEEPROM(4096, 2)
	if e.Blocks() != 1 {
		t.Errorf("blocks %d", e.Blocks())
	}
	if !e.Start(false) || !e.Write(0x0a) || !e.Write(0xbc) || !e.Write(0x42) {
		t.Fatal("NAK")
	}
	e.Stop()
	if e.Data()[0xabc] != 0x42 {
		t.Errorf("two-byte address write")
	}
	e.Start(false)
	e.Write(0x0a)
	e.Write(0xbc)
	e.Start(true)
	if e.Read() != 0x42 {
		t.Errorf("two-byte address read")
	}
	e.Stop()
}
