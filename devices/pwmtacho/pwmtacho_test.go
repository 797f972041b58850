package pwmtacho

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
)

func setup() (*PWMTacho, *bytes.Buffer) {
	var buf bytes.Buffer
	return New(mmio.NewLog(&buf)), &buf
}

func update(p *PWMTacho, off, mask, val uint32) {
	v := p.Read(off, 4)
	p.Write(off, 4, v&^mask|val&mask)
}

// romulusFans is the romulus device tree: PWM port -> tach channels.
var romulusFans = []struct {
	port int
	tach []int
}{{0, []int{8}}, {0, []int{9}}, {1, []int{10}}, {1, []int{11}},
	{0, []int{12}}, {0, []int{13}}, {1, []int{14}}}

// probe replays aspeed_pwm_tacho_probe for the romulus device tree.
func probe(p *PWMTacho) {
	p.Write(RegTachSource, 4, 0)
	p.Write(RegTachSourceExt, 4, 0)
	update(p, RegCtrl, 1, 1) // clock enable
	update(p, RegCtrl, 2, 0) // clock source
	update(p, RegClkCtrl, 0xffff, 0<<4|5<<0|0x5f<<8)
	update(p, RegTypeMCtrl, 1, 1) // tach type enable
	update(p, RegTypeMCtrl, 0x3e|0xffff0000, 2<<4|0x420<<16|0<<1)
	update(p, RegTypeMCtrl1, 0xffffffff, 0x420<<16)
	for _, f := range romulusFans {
		en := uint32(1) << (8 + f.port)
		update(p, RegCtrl, en, en)
		update(p, RegCtrl, 1<<(12+f.port)|1<<(4+f.port), 0) // type M
		// fan_ctrl 255: duty on for the full period: rise 0, fall 0.
		dreg, sh := uint32(RegDuty0), uint32(0)
		if f.port == 1 {
			sh = 16
		}
		update(p, dreg, 0xffff<<sh, 0)
		update(p, RegCtrl, en, en)
		for _, ch := range f.tach {
			update(p, RegCtrl, 1<<(16+ch), 1<<(16+ch))
			update(p, RegTachSource, 3<<(2*ch), uint32(f.port&3)<<(2*ch))
			update(p, RegTachSourceExt, 1<<(2*ch), uint32(f.port>>2)<<(2*ch))
		}
	}
}

// rpm replays aspeed_get_fan_tach_ch_rpm (clock 24 MHz, type M settings).
func rpm(t *testing.T, p *PWMTacho, ch int) int {
	t.Helper()
	p.Write(RegTrigger, 4, 0)
	p.Write(RegTrigger, 4, 1<<ch)
	var val uint32
	for i := 0; i < 400; i++ { // 200 ms timeout at 500 us steps
		if val = p.Read(RegResult, 4); val&ResultDone != 0 {
			break
		}
	}
	if val&ResultDone == 0 {
		return -110 // -ETIMEDOUT
	}
	raw := val & ResultMask
	tc := p.Read(RegTypeMCtrl, 4)
	both := tc >> 4 & 2 >> 1
	tachDiv := uint32(4<<both) << (2 * (tc >> 1 & 7))
	if raw == 0 {
		return 0
	}
	return int(uint64(24000000) * 60 / (2 * uint64(raw) * uint64(tachDiv)))
}

func TestRomulusProbeAndFanRead(t *testing.T) {
	p, buf := setup()
	probe(p)
	if c := p.Read(RegCtrl, 4); c != 0x7f000301 {
		t.Fatalf("control = %#x", c)
	}
	if s := p.Read(RegTachSource, 4); s != 0x10500000 {
		t.Fatalf("tach source = %#x", s)
	}
	for _, f := range romulusFans {
		for _, ch := range f.tach {
			if r := rpm(t, p, ch); r != DefaultRPM {
				t.Fatalf("fan %d = %d RPM", ch, r)
			}
		}
	}
	p.SetFanRPM(9, 7300)
	p.SetFanRPM(10, 0)
	if r := rpm(t, p, 9); r != 7300 {
		t.Fatalf("fan 9 = %d", r)
	}
	if r := rpm(t, p, 10); r != 0 {
		t.Fatalf("stopped fan 10 = %d", r)
	}
	// A channel the device tree did not enable never completes.
	if r := rpm(t, p, 0); r != -110 {
		t.Fatalf("disabled channel = %d", r)
	}
	// The result was cleared by the trigger write.
	if p.Read(RegResult, 4) != 0 {
		t.Fatal("stale result")
	}
	// pwm_store(1, 128): duty 128*96/255 = 48 -> falling point 48.
	update(p, RegDuty0, 0xffff, 48<<8)
	if p.Read(RegDuty0, 4) != 48<<8 {
		t.Fatal("duty readback")
	}
	if buf.Len() != 0 {
		t.Fatalf("log: %s", buf)
	}
}

func TestPortTypeAndExtSource(t *testing.T) {
	p, _ := setup()
	// PWM port G (6) on type O with both edges, division 1, tach ch 3.
	p.Write(RegCtrl, 4, 1|1<<(16+3))
	p.Write(RegCtrlExt, 4, 1<<(4+2)) // type bit 1 for port G -> type O
	p.Write(RegTypeOCtrl, 4, 1|1<<1|2<<4)
	p.Write(RegTachSource, 4, 2<<6)
	p.Write(RegTachSourceExt, 4, 1<<6)
	p.SetFanRPM(3, 6000)
	p.Write(RegTrigger, 4, 1<<3)
	r := p.Read(RegResult, 4)
	// div = (4 << 1) << 2 = 32; count = 1.44e9 / (2 * 6000 * 32) = 3750.
	if r != ResultDone|3750 {
		t.Fatalf("result = %#x", r)
	}
	p.Write(RegTypeOCtrl, 4, 0) // type disabled: no completion
	p.Write(RegTrigger, 4, 1<<3)
	if p.Read(RegResult, 4) != 0 {
		t.Fatal("measurement with the type disabled")
	}
}

func TestRegistersAndReset(t *testing.T) {
	p, _ := setup()
	for off := range stored {
		if off == RegTrigger {
			continue
		}
		p.Write(off, 4, 0xa5a50000|off)
		if g := p.Read(off, 4); g != 0xa5a50000|off {
			t.Fatalf("%#x readback %#x", off, g)
		}
	}
	p.Write(RegDuty1+1, 1, 0xff)
	if p.Read(RegDuty1, 4) != 0xa5a5ff0c {
		t.Fatalf("byte write: %#x", p.Read(RegDuty1, 4))
	}
	p.Write(RegResult, 4, 1)
	p.Read(0x24, 4)
	if !p.log.Seen(name, 0x24, false) {
		t.Fatal("unknown register not logged")
	}
	p.Reset()
	if p.Read(RegCtrl, 4) != 0 || p.FanRPM(0) != DefaultRPM {
		t.Fatal("reset")
	}
}

func TestRandomAccessNoPanic(t *testing.T) {
	p, _ := setup()
	p.log.Quiet = true
	devtest.Fuzz{
		Seed: 3, Steps: 30000, Hot: 0x80, Sizes: []int{1, 2, 4, 3},
		Actions: []func(*rand.Rand){
			func(rng *rand.Rand) {
				p.Write(RegTrigger, 4, rng.Uint32())
				p.Read(RegResult, 4)
			},
			func(rng *rand.Rand) { p.SetFanRPM(rng.Intn(20)-2, rng.Uint32()>>uint(rng.Intn(32))) },
		},
	}.Run(t, p)
}
