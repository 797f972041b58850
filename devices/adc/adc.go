// Package adc models the AST2500 ADC at 0x1e6e9000: one engine with 16
// 10-bit channels.
//
// Registers:
//
//	0x00 engine control: bit 0 engine enable, [3:1] operation mode (0 power
//	     down, 1 standby, 7 normal), bit 4 compensating-sensing mode, bit 5
//	     auto compensation (self-clearing here), [7:6] reference, bit 8
//	     "initial sequence complete" (read-only), [31:16] channel enables
//	0x04 interrupt control, 0x08 VGA detect control (stored)
//	0x0c clock control: prescaler [31:17], scaler [9:0] (stored; the
//	     driver's clock dividers read it back)
//	0x10-0x2c data: channel 2n in [9:0], 2n+1 in [25:16] (read-only)
//	0x30-0x6c bounds: lower [9:0], upper [25:16] per channel (stored)
//	0x70-0xac hysteresis: bit 31 enable, [9:0], [25:16] (stored)
//	0xc0 interrupt source [15:0], 0xc4 compensating/trimming [3:0] (stored)
//	0xc8, 0xcc read as zero without side effects
//
// Behaviour: the engine reports "initial sequence complete" (bit 8) as
// soon as it is enabled in a powered mode (the Linux probe polls for it)
// and clears it when disabled or powered down. Conversions are not timed:
// a data register returns the current value of each channel that is
// enabled while the engine runs in normal mode, and zero otherwise. In
// compensating-sensing mode the inputs are tied to half the reference, so
// enabled channels read 0x200 (an ideal part: compensation value 0).
// Channel values are deterministic: SetChannel sets one; the defaults are
// plausible mid-range voltages. Threshold interrupts are not modelled (the
// Linux driver does not use them; the block's VIC line is left low).
//
// Sources: Linux 6.1 drivers/iio/adc/aspeed_adc.c (register map and bits,
// ast2500 model data: vref 1800 mV, wait_init_sequence, prescaler+scaler
// clock, trim in 0xc4 from SCU154, compensation sequence reading channel 0
// in compensating mode, 16-bit reads of the data registers); QEMU
// hw/adc/aspeed_adc.c for facts (register masks, reset values 0xf of the
// VGA detect and clock control registers, INIT bit following the enable).
package adc

import (
	"github.com/ast2500emu/ast2500emu/mmio"
)

// Register offsets.
const (
	RegEngineCtrl = 0x00
	RegIntCtrl    = 0x04
	RegVGADetect  = 0x08
	RegClockCtrl  = 0x0c
	RegData       = 0x10 // 8 registers, two channels each
	RegBounds     = 0x30 // 16 registers
	RegHysteresis = 0x70 // 16 registers
	RegIntSource  = 0xc0
	RegCompTrim   = 0xc4
	Size          = 0x1000
)

// Engine control bits.
const (
	CtrlEnable     = 1 << 0
	CtrlModeMask   = 7 << 1
	CtrlModeNormal = 7 << 1
	CtrlCompensate = 1 << 4
	CtrlAutoComp   = 1 << 5
	CtrlInitReady  = 1 << 8
	chanEnShift    = 16
)

// NumChannels is the number of ADC channels.
const NumChannels = 16

const (
	dataMask = 0x3ff
	lhMask   = dataMask<<16 | dataMask
	halfRef  = 0x200
	name     = "adc"
)

// ADC is the ADC engine. It implements mmio.Device and mmio.Resetter.
type ADC struct {
	mmio.Port
	log *mmio.Log

	ctrl, intCtrl, vga, clock uint32
	bounds, hyst              [NumChannels]uint32
	intSrc, trim              uint32
	raw                       [NumChannels]uint16
}

// DefaultRaw returns the power-on input value of channel ch: a spread of
// mid-range readings (0x180 + 0x18*ch, i.e. 675 to 1308 mV with the
// AST2500's 1.8 V reference).
func DefaultRaw(ch int) uint16 { return uint16(0x180 + 0x18*ch) }

// New returns an ADC in its power-on state.
func New(log *mmio.Log) *ADC {
	a := &ADC{log: log}
	a.Port = mmio.NewPort(name, log, mmio.Access{}, a)
	for ch := range a.raw {
		a.raw[ch] = DefaultRaw(ch)
	}
	a.Reset()
	return a
}

// Reset restores the power-on register values. Channel inputs (set with
// SetChannel) are external and survive a reset.
func (a *ADC) Reset() {
	a.ctrl, a.intCtrl = 0, 0
	a.vga, a.clock = 0xf, 0xf
	a.bounds = [NumChannels]uint32{}
	a.hyst = [NumChannels]uint32{}
	a.intSrc, a.trim = 0, 0
}

// SetChannel sets the input of channel ch (0..15) as a raw 10-bit
// conversion result; out-of-range channels are ignored and values are
// clipped to 10 bits.
func (a *ADC) SetChannel(ch int, raw uint16) {
	if ch < 0 || ch >= NumChannels {
		return
	}
	if raw > dataMask {
		raw = dataMask
	}
	a.raw[ch] = raw
}

func (a *ADC) sample(ch int) uint32 {
	if a.ctrl&CtrlEnable == 0 || a.ctrl&CtrlModeMask != CtrlModeNormal ||
		a.ctrl&(1<<(chanEnShift+ch)) == 0 {
		return 0
	}
	if a.ctrl&CtrlCompensate != 0 {
		return halfRef
	}
	return uint32(a.raw[ch])
}

// ReadReg implements mmio.Registers.
func (a *ADC) ReadReg(off, mask uint32) (uint32, bool) {
	switch {
	case off >= RegData && off < RegBounds:
		ch := int(off-RegData) / 2
		return a.sample(ch) | a.sample(ch+1)<<16, true
	case off >= RegBounds && off < RegHysteresis:
		return a.bounds[(off-RegBounds)/4], true
	case off >= RegHysteresis && off < 0xb0:
		return a.hyst[(off-RegHysteresis)/4], true
	}
	switch off {
	case RegEngineCtrl:
		return a.ctrl, true
	case RegIntCtrl:
		return a.intCtrl, true
	case RegVGADetect:
		return a.vga, true
	case RegClockCtrl:
		return a.clock, true
	case RegIntSource:
		return a.intSrc, true
	case RegCompTrim:
		return a.trim, true
	case 0xc8, 0xcc:
		return 0, true
	}
	return 0, false
}

// WriteReg implements mmio.Registers.
func (a *ADC) WriteReg(w, val, mask uint32) bool {
	old, ok := a.ReadReg(w, 0)
	if !ok {
		return false
	}
	v := mmio.Merge(old, val, mask)
	switch {
	case w >= RegData && w < RegBounds:
		a.log.GuestError(name, "write 0x%x to data register 0x%02x (read-only)", val, w)
		return true
	case w >= RegBounds && w < RegHysteresis:
		a.bounds[(w-RegBounds)/4] = v & lhMask
		return true
	case w >= RegHysteresis && w < 0xb0:
		a.hyst[(w-RegHysteresis)/4] = v & (1<<31 | lhMask)
		return true
	}
	switch w {
	case RegEngineCtrl:
		v &^= CtrlInitReady | CtrlAutoComp
		if v&CtrlEnable != 0 && v&CtrlModeMask != 0 {
			v |= CtrlInitReady
		}
		a.ctrl = v
	case RegIntCtrl:
		a.intCtrl = v
	case RegVGADetect:
		a.vga = v
	case RegClockCtrl:
		a.clock = v
	case RegIntSource:
		a.intSrc = v & 0xffff
	case RegCompTrim:
		a.trim = v & 0xf
	default: // 0xc8, 0xcc
		a.log.GuestError(name, "write 0x%x to read-only register 0x%02x", val, w)
	}
	return true
}
