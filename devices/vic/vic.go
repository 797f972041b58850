// Package vic models the AST2500 vectored interrupt controller ("new" ASPEED
// VIC) at 0x1e6c0000.
//
// The controller collects 64 interrupt sources (51 are wired on the
// AST2500) and drives the ARM1176's nIRQ and nFIQ inputs. Each source is
// either level sensed (active high or low, chosen by the event register) or
// edge sensed (rising or falling per the event register, or both edges when
// the both-edge bit is set); an edge latches the source's raw status until
// the guest writes 1 to its edge-clear bit. A software-trigger register can
// raise any source. A source is pending when its raw status is set and it is
// enabled; the select register routes it to FIQ (1) or IRQ (0).
//
// Register map. The block has a legacy register set at 0x00..0x7f covering
// sources 0..31 only, and the "new" set from 0x80 on, in which every
// register is a low/high pair (sources 0..31 at the listed offset, 32..63
// at offset+4):
//
//	0x80 IRQ status (RO)        0xb0 software trigger (W1S)
//	0x88 FIQ status (RO)        0xb8 software trigger clear (W1C)
//	0x90 raw status (RO)        0xc0 sense: 1 level, 0 edge (RO)
//	0x98 select: 1 FIQ (RW)     0xc8 both-edge (RO)
//	0xa0 enable (W1S, reads)    0xd0 event: 1 high/rising (RO but GPIO bits)
//	0xa8 enable clear (W1C)     0xd8 edge clear (W1C)
//	                            0xe0 edge status (RO)
//
// Linux (aspeed-g5.dtsi) maps the VIC at 0x1e6c0080 and uses only the new
// set; the sense, both-edge and event values are fixed by the hardware
// (Linux reads sense at init to choose edge or level flow handlers).
//
// Sources:
//   - Linux drivers/irqchip/irq-aspeed-vic.c: the new register layout,
//     the init sequence (clear enables and soft triggers, select all IRQ,
//     read sense, clear edge latches), the handler reading IRQ status low
//     then high, acks by edge-clear for edge sources only.
//   - Linux arch/arm/boot/dts/aspeed-g5.dtsi: base address, valid sources.
//   - QEMU hw/intc/aspeed_vic.c (facts only): the legacy offsets, the
//     power-on values of sense (0x00001F07_FFF8FFFF), both-edge
//     (0x000000F8_00070000) and event (0x00005F07_FFF8FFFF), and that only
//     event bits 47..50 (the GPIO direct inputs) are writable.
package vic

import "github.com/ast2500emu/ast2500emu/mmio"

// NumSources is the number of interrupt inputs.
const NumSources = 64

// Register offsets of the new register set (low word; +4 for the high
// word, sources 32..63).
const (
	RegIRQStatus  = 0x80
	RegFIQStatus  = 0x88
	RegRawStatus  = 0x90
	RegSelect     = 0x98
	RegEnable     = 0xa0
	RegEnableClr  = 0xa8
	RegTrigger    = 0xb0
	RegTriggerClr = 0xb8
	RegSense      = 0xc0
	RegDualEdge   = 0xc8
	RegEvent      = 0xd0
	RegEdgeClr    = 0xd8
	RegEdgeStatus = 0xe0
)

// Power-on values of the read-only configuration registers. Sources 51..63
// are not wired on the AST2500; they are modelled as level, active high.
const (
	resetSense    = 0xFFF8_0000_0000_0000 | 0x0000_1F07_FFF8_FFFF
	resetDualEdge = 0x0000_00F8_0007_0000
	resetEvent    = 0xFFF8_0000_0000_0000 | 0x0000_5F07_FFF8_FFFF
	// eventWritable: the four GPIO direct inputs (sources 47..50) have a
	// programmable polarity.
	eventWritable = 0x0007_8000 << 32
)

const name = "vic"

// VIC is the interrupt controller. It implements mmio.Device and
// mmio.Resetter.
type VIC struct {
	mmio.Port
	log *mmio.Log

	level    uint64 // current input line levels
	latch    uint64 // edge-detect latches
	trigger  uint64 // software triggers
	selectF  uint64 // 1: FIQ
	enable   uint64
	sense    uint64 // 1: level
	dualEdge uint64
	event    uint64 // 1: active high / rising

	irq, fiq       mmio.Line
	irqOut, fiqOut bool
}

// New returns a VIC in its power-on state, with its outputs unconnected.
func New(log *mmio.Log) *VIC {
	v := &VIC{log: log, irq: mmio.NoLine, fiq: mmio.NoLine}
	v.Port = mmio.NewPort(name, log, mmio.Access{}, v)
	v.Reset()
	return v
}

// ConnectCPU attaches the outputs. The VIC calls Set only when an output's
// level changes; the current levels are driven at once.
func (v *VIC) ConnectCPU(irq, fiq mmio.Line) {
	if irq == nil {
		irq = mmio.NoLine
	}
	if fiq == nil {
		fiq = mmio.NoLine
	}
	v.irq, v.fiq = irq, fiq
	v.irq.Set(v.irqOut)
	v.fiq.Set(v.fiqOut)
}

// Reset restores the power-on register values. Input line levels are wires
// driven by the devices and are kept; edge latches are cleared.
func (v *VIC) Reset() {
	v.latch, v.trigger, v.selectF, v.enable = 0, 0, 0, 0
	v.sense, v.dualEdge, v.event = resetSense, resetDualEdge, resetEvent
	v.update()
}

// Input returns source n as a line for a device to drive. n outside
// 0..63 gives a line connected to nothing.
func (v *VIC) Input(n int) mmio.Line {
	if n < 0 || n >= NumSources {
		v.log.GuestError(name, "input %d out of range", n)
		return mmio.NoLine
	}
	bit := uint64(1) << uint(n)
	return mmio.LineFunc(func(level bool) { v.setInput(bit, level) })
}

func (v *VIC) setInput(bit uint64, level bool) {
	old := v.level&bit != 0
	if level {
		v.level |= bit
	} else {
		v.level &^= bit
	}
	if old == level || v.sense&bit != 0 {
		v.update() // level sources are evaluated from v.level
		return
	}
	switch {
	case v.dualEdge&bit != 0:
		v.latch |= bit
	case v.event&bit != 0 && level: // rising
		v.latch |= bit
	case v.event&bit == 0 && !level: // falling
		v.latch |= bit
	}
	v.update()
}

// raw is the raw interrupt status: active level sources, latched edges and
// software triggers.
func (v *VIC) raw() uint64 {
	active := ^(v.level ^ v.event) // level equals polarity
	return (active & v.sense) | (v.latch &^ v.sense) | v.trigger
}

func (v *VIC) update() {
	p := v.raw() & v.enable
	irq := p&^v.selectF != 0
	fiq := p&v.selectF != 0
	if irq != v.irqOut {
		v.irqOut = irq
		v.irq.Set(irq)
	}
	if fiq != v.fiqOut {
		v.fiqOut = fiq
		v.fiq.Set(fiq)
	}
}

// IRQ reports the current IRQ output level.
func (v *VIC) IRQ() bool { return v.irqOut }

// Routes reports whether any enabled source is routed to IRQ and to FIQ:
// a source that is not enabled can never assert an output.
func (v *VIC) Routes() (irq, fiq bool) {
	return v.enable&^v.selectF != 0, v.enable&v.selectF != 0
}

// FIQ reports the current FIQ output level.
func (v *VIC) FIQ() bool { return v.fiqOut }

// legacy maps the legacy register set (sources 0..31) onto the new one.
var legacy = map[uint32]uint32{
	0x00: RegIRQStatus, 0x04: RegFIQStatus, 0x08: RegRawStatus,
	0x0c: RegSelect, 0x10: RegEnable, 0x14: RegEnableClr,
	0x18: RegTrigger, 0x1c: RegTriggerClr, 0x24: RegSense,
	0x28: RegDualEdge, 0x2c: RegEvent, 0x38: RegEdgeClr,
}

// decode maps an offset to the new-set register base and the half (0 for
// sources 0..31, 1 for 32..63). Legacy offsets alias the low half.
func decode(off uint32) (reg uint32, half uint, ok bool) {
	if off < 0x80 {
		r, ok := legacy[off]
		return r, 0, ok
	}
	if off > RegEdgeStatus+4 {
		return 0, 0, false
	}
	return off &^ 4, uint(off>>2) & 1, true
}

func (v *VIC) read64(reg uint32) (uint64, bool) {
	switch reg {
	case RegIRQStatus:
		return v.raw() & v.enable &^ v.selectF, true
	case RegFIQStatus:
		return v.raw() & v.enable & v.selectF, true
	case RegRawStatus:
		return v.raw(), true
	case RegSelect:
		return v.selectF, true
	case RegEnable:
		return v.enable, true
	case RegTrigger:
		return v.trigger, true
	case RegSense:
		return v.sense, true
	case RegDualEdge:
		return v.dualEdge, true
	case RegEvent:
		return v.event, true
	case RegEdgeStatus:
		return v.latch &^ v.sense, true
	case RegEnableClr, RegTriggerClr, RegEdgeClr:
		return 0, true // write-only: reads as zero
	}
	return 0, false
}

// ReadReg implements mmio.Registers: one 32-bit half of a 64-bit register.
func (v *VIC) ReadReg(off, mask uint32) (uint32, bool) {
	reg, half, ok := decode(off)
	if !ok {
		return 0, false
	}
	val, ok := v.read64(reg)
	return uint32(val >> (32 * half)), ok
}

// WriteReg implements mmio.Registers: one 32-bit half of a 64-bit
// register.
func (v *VIC) WriteReg(off, val, lanes uint32) bool {
	reg, half, ok := decode(off)
	if !ok {
		return false
	}
	// Bits written this access (for W1S/W1C registers, bytes not written
	// count as zeros) and the lanes it covers (for plain registers).
	sh := 32 * half
	bitsW := uint64(val) << sh
	mask := uint64(lanes) << sh
	switch reg {
	case RegSelect:
		v.selectF = v.selectF&^mask | bitsW
	case RegEnable:
		v.enable |= bitsW
	case RegEnableClr:
		v.enable &^= bitsW
	case RegTrigger:
		v.trigger |= bitsW
	case RegTriggerClr:
		v.trigger &^= bitsW
	case RegEdgeClr:
		v.latch &^= bitsW
	case RegEvent:
		w := mask & eventWritable
		if (v.event^bitsW)&mask&^eventWritable != 0 {
			v.log.GuestError(name, "write 0x%08x to event register at 0x%x changes fixed bits", val, off)
		}
		// Changing a polarity generates no edge by itself; level
		// sources are evaluated against the new polarity.
		v.event = v.event&^w | bitsW&w
	default:
		v.log.GuestError(name, "write 0x%08x to read-only register at 0x%x", val, off)
	}
	v.update()
	return true
}
