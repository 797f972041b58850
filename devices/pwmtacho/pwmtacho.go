// Package pwmtacho models the AST2500 PWM and fan tachometer controller at
// 0x1e786000: eight PWM outputs (A-H) and sixteen tach inputs, measured one
// at a time through a shared result register.
//
// Registers (all stored and read back unless noted):
//
//	0x00 control: bit 0 clock enable, bit 1 clock source, [11:8] PWM A-D
//	     enable, PWM A-D clock type in bits 12-15 (type bit 0) and 4-7
//	     (type bit 1), [31:16] tach channel 0-15 enable
//	0x04 clock control: type M [15:0], type N [31:16] (unit, H, L divisors)
//	0x08/0x0c duty A,B / C,D: rising [7:0]/[23:16], falling [15:8]/[31:24]
//	0x10/0x14 type M tach control / control 1, 0x18/0x1c type N, 0x50/0x54
//	     type O: bit 0 enable, [3:1] clock division, [5:4] mode (bit 1 set:
//	     both edges), [31:16] period
//	0x20 tach source: channel n's PWM port bits 1:0 in [2n+1:2n];
//	     0x60 tach source ext: bit 2 of the port in bit 2n
//	0x28 trigger: writing bit n starts a measurement of tach channel n;
//	     writing 0 clears the result
//	0x2c result (read-only): bit 31 measurement done, [19:0] count
//	0x30 interrupt control, 0x34 interrupt status (write 1 to clear),
//	     0x38/0x3c/0x78 type M/N/O limit
//	0x40 control ext: PWM E-H enables and clock types, as 0x00 for A-D
//	0x44 clock control ext (type O), 0x48/0x4c duty E,F / G,H
//
// Measurements complete at once (there is no fan to wait for): a trigger
// of an enabled channel (its control bit and the clock enable set, and
// its clock type's tach enable set) loads the result register with the
// done bit and the count the fan's speed produces. The tach counter runs
// from the 24 MHz clock divided by 4 << (2 * division), halved again when
// both edges are counted, and a fan gives two pulses per revolution, so
// count = 24e6 * 60 / (2 * rpm * div) with div = (4 << both) << (2 *
// division); this is the inverse of the Linux driver's formula. A stopped
// fan (0 RPM) reports a count of 0, which Linux shows as 0 RPM. If several
// trigger bits are written, the lowest channel is measured. When the
// trigger names a disabled channel, the result never becomes ready (as on
// hardware, the driver then times out). Interrupts are not modelled (the
// block has no VIC line in the device tree).
//
// Sources: Linux 6.1 drivers/hwmon/aspeed-pwm-tacho.c (register map, bit
// layout, probe sequence, the RPM formula, the result status bit polled
// with a timeout); arch/arm/boot/dts/aspeed-bmc-opp-romulus.dts (tach
// channels 8-14 on PWM ports 0 and 1); the 24 MHz input is
// ASPEED_CLK_24M from aspeed-g5.dtsi.
package pwmtacho

import (
	"github.com/ast2500emu/ast2500emu/mmio"
)

// Register offsets.
const (
	RegCtrl          = 0x00
	RegClkCtrl       = 0x04
	RegDuty0         = 0x08
	RegDuty1         = 0x0c
	RegTypeMCtrl     = 0x10
	RegTypeMCtrl1    = 0x14
	RegTypeNCtrl     = 0x18
	RegTypeNCtrl1    = 0x1c
	RegTachSource    = 0x20
	RegTrigger       = 0x28
	RegResult        = 0x2c
	RegIntCtrl       = 0x30
	RegIntStatus     = 0x34
	RegTypeMLimit    = 0x38
	RegTypeNLimit    = 0x3c
	RegCtrlExt       = 0x40
	RegClkCtrlExt    = 0x44
	RegDuty2         = 0x48
	RegDuty3         = 0x4c
	RegTypeOCtrl     = 0x50
	RegTypeOCtrl1    = 0x54
	RegTachSourceExt = 0x60
	RegTypeOLimit    = 0x78
	Size             = 0x1000
)

// Bits.
const (
	CtrlClkEnable = 1 << 0
	ResultDone    = 1 << 31
	ResultMask    = 0xfffff
	typeEnable    = 1 << 0
)

// NumFans is the number of tach inputs; DefaultRPM is each one's speed at
// power-on.
const (
	NumFans    = 16
	DefaultRPM = 5000
	clockHz    = 24000000
	name       = "pwm-tacho"
)

// stored lists the plain read/write registers.
var stored = map[uint32]bool{
	RegCtrl: true, RegClkCtrl: true, RegDuty0: true, RegDuty1: true,
	RegTypeMCtrl: true, RegTypeMCtrl1: true, RegTypeNCtrl: true, RegTypeNCtrl1: true,
	RegTachSource: true, RegTrigger: true, RegIntCtrl: true,
	RegTypeMLimit: true, RegTypeNLimit: true, RegCtrlExt: true, RegClkCtrlExt: true,
	RegDuty2: true, RegDuty3: true, RegTypeOCtrl: true, RegTypeOCtrl1: true,
	RegTachSourceExt: true, RegTypeOLimit: true,
}

// PWMTacho is the controller. It implements mmio.Device and mmio.Resetter.
type PWMTacho struct {
	mmio.Port
	log    *mmio.Log
	regs   map[uint32]uint32
	result uint32
	intSts uint32
	rpm    [NumFans]uint32
}

// New returns a controller in its power-on state with every fan spinning
// at DefaultRPM.
func New(log *mmio.Log) *PWMTacho {
	p := &PWMTacho{log: log, regs: map[uint32]uint32{}}
	p.Port = mmio.NewPort(name, log, mmio.Access{}, p)
	for i := range p.rpm {
		p.rpm[i] = DefaultRPM
	}
	p.Reset()
	return p
}

// Reset clears every register. Fan speeds are external and survive.
func (p *PWMTacho) Reset() {
	for k := range stored {
		p.regs[k] = 0
	}
	p.result, p.intSts = 0, 0
}

// SetFanRPM sets the speed of the fan on tach input n (0..15).
func (p *PWMTacho) SetFanRPM(n int, rpm uint32) {
	if n >= 0 && n < NumFans {
		p.rpm[n] = rpm
	}
}

// FanRPM returns the speed set for tach input n.
func (p *PWMTacho) FanRPM(n int) uint32 {
	if n >= 0 && n < NumFans {
		return p.rpm[n]
	}
	return 0
}

// portType returns the clock type (0 M, 1 N, 2 O; 3 reserved) of PWM port
// 0..7.
func (p *PWMTacho) portType(port int) int {
	ctrl := p.regs[RegCtrl]
	if port >= 4 {
		ctrl = p.regs[RegCtrlExt]
		port -= 4
	}
	return int(ctrl>>(12+port)&1 | (ctrl>>(4+port)&1)<<1)
}

func typeCtrlReg(typ int) (uint32, bool) {
	switch typ {
	case 0:
		return RegTypeMCtrl, true
	case 1:
		return RegTypeNCtrl, true
	case 2:
		return RegTypeOCtrl, true
	}
	return 0, false
}

// measure returns the result register after a trigger of channel ch, and
// false if the measurement never completes.
func (p *PWMTacho) measure(ch int) (uint32, bool) {
	if p.regs[RegCtrl]&CtrlClkEnable == 0 || p.regs[RegCtrl]&(1<<(16+ch)) == 0 {
		return 0, false
	}
	port := int(p.regs[RegTachSource]>>(2*ch)&3 | (p.regs[RegTachSourceExt]>>(2*ch)&1)<<2)
	reg, ok := typeCtrlReg(p.portType(port))
	if !ok {
		return 0, false
	}
	tc := p.regs[reg]
	if tc&typeEnable == 0 {
		return 0, false
	}
	division := tc >> 1 & 7
	both := tc >> 5 & 1
	div := uint64(4<<both) << (2 * division)
	rpm := uint64(p.rpm[ch])
	if rpm == 0 {
		return ResultDone, true
	}
	count := uint64(clockHz) * 60 / (2 * rpm * div)
	if count > ResultMask {
		count = ResultMask
	}
	if count == 0 {
		count = 1
	}
	return ResultDone | uint32(count), true
}

func (p *PWMTacho) trigger(v uint32) {
	p.result = 0
	if v&0xffff == 0 {
		return
	}
	ch := 0
	for v&(1<<ch) == 0 {
		ch++
	}
	if r, ok := p.measure(ch); ok {
		p.result = r
	}
}

// ReadReg implements mmio.Registers.
func (p *PWMTacho) ReadReg(off, mask uint32) (uint32, bool) {
	switch off {
	case RegResult:
		return p.result, true
	case RegIntStatus:
		return p.intSts, true
	}
	if stored[off] {
		return p.regs[off], true
	}
	return 0, false
}

// WriteReg implements mmio.Registers.
func (p *PWMTacho) WriteReg(w, val, mask uint32) bool {
	old, ok := p.ReadReg(w, 0)
	if !ok {
		return false
	}
	v := mmio.Merge(old, val, mask)
	switch w {
	case RegResult:
		p.log.GuestError(name, "write 0x%x to the tach result register (read-only)", val)
	case RegIntStatus:
		p.intSts &^= val
	case RegTrigger:
		p.regs[w] = v
		p.trigger(v)
	default:
		p.regs[w] = v
	}
	return true
}
