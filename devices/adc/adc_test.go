package adc

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
)

func setup() (*ADC, *bytes.Buffer) {
	var buf bytes.Buffer
	return New(mmio.NewLog(&buf)), &buf
}

// probe replays aspeed_adc_probe for "aspeed,ast2500-adc" and returns the
// compensation value it computes.
func probe(t *testing.T, a *ADC) int {
	t.Helper()
	// Clock dividers read the clock control register; set the rate
	// (prescaler [31:17], scaler [9:0]).
	clk := a.Read(RegClockCtrl, 4)
	if clk != 0xf {
		t.Fatalf("clock control reset = %#x", clk)
	}
	a.Write(RegClockCtrl, 4, clk&^(0x7fff<<17)|(5<<17))
	a.Write(RegClockCtrl, 4, a.Read(RegClockCtrl, 4)&^0x3ff|0x40)
	// Trim from SCU154[31:28], 8 when unprogrammed.
	a.Write(RegCompTrim, 4, 8)
	// Enable the engine in normal mode.
	a.Write(RegEngineCtrl, 4, a.Read(RegEngineCtrl, 4)|CtrlModeNormal|CtrlEnable)
	// readl_poll_timeout for the init sequence: must succeed at once.
	if a.Read(RegEngineCtrl, 4)&CtrlInitReady == 0 {
		t.Fatal("init sequence never completes")
	}
	// aspeed_adc_compensation.
	c := a.Read(RegEngineCtrl, 4)&^CtrlModeMask | CtrlModeNormal | CtrlEnable
	a.Write(RegEngineCtrl, 4, c|CtrlCompensate|1<<16)
	sum := uint32(0)
	for i := 0; i < 16; i++ {
		sum += a.Read(RegData, 2)
	}
	cv := 512 - int(sum>>4)
	a.Write(RegEngineCtrl, 4, c)
	// Start all channels.
	a.Write(RegEngineCtrl, 4, a.Read(RegEngineCtrl, 4)|0xffff0000)
	return cv
}

func TestProbeAndRead(t *testing.T) {
	a, buf := setup()
	if cv := probe(t, a); cv != 0 {
		t.Fatalf("compensation value %d", cv)
	}
	if a.Read(RegCompTrim, 4) != 8 || a.Read(RegClockCtrl, 4) != 5<<17|0x40 {
		t.Fatal("trim/clock readback")
	}
	for ch := 0; ch < NumChannels; ch++ {
		got := a.Read(RegData+uint32(2*ch), 2)
		if got != uint32(DefaultRaw(ch)) {
			t.Fatalf("channel %d = %#x want %#x", ch, got, DefaultRaw(ch))
		}
	}
	a.SetChannel(12, 0x3ff)
	a.SetChannel(13, 0xffff) // clipped
	if v := a.Read(RegData+0x18, 4); v != 0x3ff|0x3ff<<16 {
		t.Fatalf("data 13:12 = %#x", v)
	}
	// Scaled as the IIO core does: raw * 1800 / 1024 mV.
	a.SetChannel(0, 0x200)
	if mv := a.Read(RegData, 2) * 1800 / 1024; mv != 900 {
		t.Fatalf("channel 0 = %d mV", mv)
	}
	if buf.Len() != 0 {
		t.Fatalf("log: %s", buf)
	}
	// Power down (devm action on unbind): data and init bit go away.
	a.Write(RegEngineCtrl, 4, 0)
	if a.Read(RegEngineCtrl, 4)&CtrlInitReady != 0 || a.Read(RegData, 4) != 0 {
		t.Fatal("power down")
	}
}

func TestDisabledChannelsReadZero(t *testing.T) {
	a, _ := setup()
	a.Write(RegEngineCtrl, 4, CtrlModeNormal|CtrlEnable|1<<(16+3))
	if a.Read(RegData+4, 4) != uint32(DefaultRaw(3))<<16 {
		t.Fatalf("only channel 3 should convert: %#x", a.Read(RegData+4, 4))
	}
	a.Write(RegEngineCtrl, 4, 1<<1|CtrlEnable|0xffff0000) // standby
	if a.Read(RegEngineCtrl, 4)&CtrlInitReady == 0 || a.Read(RegData, 4) != 0 {
		t.Fatal("standby: init ready, no conversions")
	}
	a.Write(RegEngineCtrl, 4, CtrlModeNormal|CtrlEnable|CtrlAutoComp|CtrlInitReady)
	if a.Read(RegEngineCtrl, 4) != CtrlModeNormal|CtrlEnable|CtrlInitReady {
		t.Fatalf("auto compensation should self-clear: %#x", a.Read(RegEngineCtrl, 4))
	}
}

func TestStoredRegisters(t *testing.T) {
	a, buf := setup()
	a.Write(RegBounds+4*15, 4, 0xffffffff)
	a.Write(RegHysteresis, 4, 0xffffffff)
	a.Write(RegIntSource, 4, 0xffffffff)
	a.Write(RegIntCtrl, 4, 0x12345678)
	a.Write(RegVGADetect+2, 2, 0xabcd)
	want := map[uint32]uint32{RegBounds + 60: lhMask, RegHysteresis: 1<<31 | lhMask,
		RegIntSource: 0xffff, RegIntCtrl: 0x12345678, RegVGADetect: 0xabcd000f, 0xc8: 0}
	for off, w := range want {
		if g := a.Read(off, 4); g != w {
			t.Errorf("%#x = %#x want %#x", off, g, w)
		}
	}
	if buf.Len() != 0 {
		t.Fatalf("log: %s", buf)
	}
	a.Write(RegData, 4, 1)
	a.Read(0xd0, 4)
	if !a.log.Seen(name, 0xd0, false) || a.Read(RegData, 4) != 0 {
		t.Fatal("unknown register / read-only data")
	}
	a.Reset()
	if a.Read(RegIntCtrl, 4) != 0 || a.Read(RegVGADetect, 4) != 0xf {
		t.Fatal("reset")
	}
}

func TestRandomAccessNoPanic(t *testing.T) {
	a, _ := setup()
	a.log.Quiet = true
	devtest.Fuzz{
		Seed: 2, Steps: 30000, Hot: 0xd8, Sizes: []int{1, 2, 4, 3},
		Actions: []func(*rand.Rand){
			func(rng *rand.Rand) { a.SetChannel(rng.Intn(20)-2, uint16(rng.Uint32())) },
		},
	}.Run(t, a)
}
