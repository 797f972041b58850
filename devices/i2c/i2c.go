// Package i2c models the AST2500 I2C/SMBus controller at 0x1e78a000 (4 KiB):
// fourteen independent bus engines that share one interrupt controller
// ("i2c-ic") and one 256-byte buffer pool.
//
// Layout of the 4 KiB block:
//
//	0x000-0x03f  global: 0x00 interrupt status (RO, bit n = bus n has an
//	             enabled interrupt pending), 0x08 interrupt target
//	             assignment (stored), 0x0c global control (bit 0 SRAM
//	             enable for buffer-pool mode; stored)
//	0x040-0x1ff  buses 0..6, 0x40 bytes each
//	0x200-0x2ff  buffer pool (RAM; bus n uses bytes n*16 .. n*16+15)
//	0x300-0x4bf  buses 7..13
//
// Per-bus registers (offsets within the bus window):
//
//	0x00 function control (bit 0 master enable, 1 slave enable, 15
//	     multi-master disable, ...)
//	0x04 clock/AC timing 1: [3:0] base divisor (APB / 2^n), [15:12] SCL
//	     low - 1, [19:16] SCL high - 1 (tBUF, tHDSTA, tACST above)
//	0x08 AC timing 2 (timeouts; stored)
//	0x0c interrupt enable, 0x10 interrupt status (write 1 to clear):
//	     0 TX_ACK, 1 TX_NAK, 2 RX_DONE, 3 ARBIT_LOSS, 4 NORMAL_STOP,
//	     5 ABNORMAL, 6 SCL_TIMEOUT, 7 SLAVE_MATCH, 13 BUS_RECOVER_DONE,
//	     14 SDA_DL_TIMEOUT
//	0x14 command/status: commands 0 START, 1 TX, 2 slave TX, 3 RX,
//	     4 RX_LAST (NAK after the byte), 5 STOP, 6 TX from pool buffer,
//	     7 RX into pool buffer, 8/9 DMA, 11 bus recovery; status 16 bus
//	     busy, 17 SDA line, 18 SCL line, [22:19] transfer state
//	0x18 slave address, 0x1c pool buffer control ([12:8] TX count - 1,
//	     [20:16] RX size - 1, [29:24] RX count), 0x20 byte buffer ([7:0]
//	     TX, [15:8] RX), 0x24/0x28 DMA address/length (stored)
//
// The model is driven the way Linux's byte-mode driver drives it: the
// guest writes the address or data byte to the byte buffer and a command
// word; the engine performs the phases the command asks for in bus order
// (START + address byte, TX byte, RX byte, STOP) and sets an interrupt
// status bit as each completes. Every phase takes bus time computed from
// the programmed SCL rate (about 9 bit times per byte) and completes on a
// vclock timer, never inside the register write: the driver expects the
// interrupt after its writel returns. An address nobody answers gets
// TX_NAK, so probes of absent devices fail at once with -ENXIO. An RX
// command written while RX_DONE is still pending waits until the guest
// clears RX_DONE (the driver queues the next RX before acking the last).
// Bus recovery (command bit 11) clocks the bus free and reports
// BUS_RECOVER_DONE. Buffer-pool mode (the AST2500's pool, used by
// Aspeed's vendor driver, not by mainline) is modelled; DMA mode is not
// (a device does not see memory) and is reported as a guest error. Slave
// mode only stores its registers.
//
// Sources:
//   - Linux drivers/i2c/busses/i2c-aspeed.c (6.1; 5.15 is the same in byte
//     mode): register map, command and interrupt bits, the interrupt
//     handler's ack order (all but RX_DONE first), master state machine,
//     aspeed_i2c_recover_bus (SDA/SCL line status, STOP or recovery
//     command), the clock divider formula in aspeed_i2c_get_clk_reg_val.
//   - Linux drivers/irqchip/irq-aspeed-i2c-ic.c: the global status
//     register, one bit per bus, one parent IRQ (VIC 12 per aspeed-g5.dtsi).
//   - Linux arch/arm/boot/dts/aspeed-g5.dtsi: bus offsets.
//   - QEMU hw/i2c/aspeed_i2c.c and include/hw/i2c/aspeed_i2c.h (facts
//     only): AST2500 pool at 0x200 of 0x100 bytes, 16 bytes per bus, SRAM
//     enable bit in global control 0x0c, pool control fields, RX deferred
//     while RX_DONE is pending, transfer state encoding.
package i2c

import (
	"fmt"

	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// Target is an I2C device on a bus, addressed by a 7-bit address.
type Target interface {
	// Start is called when the device is addressed after a START (or
	// repeated START); read is the R/W bit. It returns the ACK.
	Start(read bool) bool
	// Write delivers a byte written by the master; it returns the ACK.
	Write(b byte) bool
	// Read returns the next byte for the master.
	Read() byte
	// Stop is called on a STOP condition (or when the master abandons the
	// device by addressing another one, or is disabled).
	Stop()
}

// Sizes and layout.
const (
	Size     = 0x1000
	NumBuses = 14
	BusSize  = 0x40
	PoolBase = 0x200
	PoolSize = 0x100
	// PoolPerBus is the slice of the pool each bus uses in buffer mode.
	PoolPerBus = 0x10
	// DefaultAPBHz is the PCLK assumed until SetAPBHz is called.
	DefaultAPBHz = 24750000
)

// BusOffsets are the register windows of buses 0..13.
var BusOffsets = [NumBuses]uint32{
	0x040, 0x080, 0x0c0, 0x100, 0x140, 0x180, 0x1c0,
	0x300, 0x340, 0x380, 0x3c0, 0x400, 0x440, 0x480,
}

// Global registers.
const (
	RegGlobalStatus = 0x00
	RegGlobalAssign = 0x08
	RegGlobalCtrl   = 0x0c

	GlobalSRAMEnable = 1 << 0
)

// Bus registers.
const (
	RegFunCtrl   = 0x00
	RegACTiming  = 0x04
	RegACTiming2 = 0x08
	RegIntrCtrl  = 0x0c
	RegIntrSts   = 0x10
	RegCmd       = 0x14
	RegDevAddr   = 0x18
	RegPoolCtrl  = 0x1c
	RegByteBuf   = 0x20
	RegDMAAddr   = 0x24
	RegDMALen    = 0x28
)

// Function control bits.
const (
	FunMasterEn = 1 << 0
	FunSlaveEn  = 1 << 1
)

// Interrupt status / enable bits.
const (
	IntTxAck       = 1 << 0
	IntTxNak       = 1 << 1
	IntRxDone      = 1 << 2
	IntArbitLoss   = 1 << 3
	IntNormalStop  = 1 << 4
	IntAbnormal    = 1 << 5
	IntSCLTimeout  = 1 << 6
	IntSlaveMatch  = 1 << 7
	IntRecoverDone = 1 << 13
	IntSDATimeout  = 1 << 14
)

// Command bits (RegCmd [15:0]) and status bits ([31:16]).
const (
	CmdStart     = 1 << 0
	CmdTx        = 1 << 1
	CmdSlaveTx   = 1 << 2
	CmdRx        = 1 << 3
	CmdRxLast    = 1 << 4
	CmdStop      = 1 << 5
	CmdTxBuf     = 1 << 6
	CmdRxBuf     = 1 << 7
	CmdTxDMA     = 1 << 8
	CmdRxDMA     = 1 << 9
	CmdRecover   = 1 << 11
	StsBusBusy   = 1 << 16
	StsSDALine   = 1 << 17
	StsSCLLine   = 1 << 18
	stsStateShft = 19

	masterCmds = CmdStart | CmdTx | CmdRx | CmdRxLast | CmdStop
)

// Transfer state machine values reported in RegCmd [22:19].
const (
	stateIdle    = 0x0
	stateRecover = 0x3
	stateMActive = 0x8
	stateMStart  = 0x9
	stateMStartR = 0xa
	stateMStop   = 0xb
	stateMTxD    = 0xc
	stateMRxD    = 0xe
)

// Bus-time costs of each phase, in SCL periods.
const (
	bitsStart   = 10 // START condition, 8 address bits, ACK
	bitsByte    = 9  // 8 data bits and ACK
	bitsStop    = 2
	bitsRecover = 9
)

const name = "i2c"

// Controller is the whole 4 KiB I2C block. It implements mmio.Device and
// mmio.Resetter.
type Controller struct {
	mmio.Port
	clk    *vclock.Clock
	irq    mmio.Line
	log    *mmio.Log
	apbHz  uint64
	assign uint32
	global uint32
	pool   [PoolSize]byte
	buses  [NumBuses]*bus
	level  bool
}

// phase is one step of a master command.
type phase int

const (
	phNone phase = iota
	phStart
	phTx
	phRx
	phStop
	phRecover
)

type bus struct {
	c   *Controller
	idx int
	dev string // name for the log

	fun, ac1, ac2, ictl, ists uint32
	cmd                       uint32 // pending command bits [15:0]
	devAddr, poolCtrl         uint32
	dmaAddr, dmaLen           uint32
	tx, rx                    byte

	targets map[uint8]Target
	cur     Target // addressed device (nil after a NAK)
	busy    bool   // START issued, no STOP yet
	state   uint32

	timer  *vclock.Timer
	flight phase // phase on the wire while timer is armed
}

// New returns the controller. irq is the i2c-ic output (VIC 12); log may be
// nil (mmio.Default).
func New(clk *vclock.Clock, irq mmio.Line, log *mmio.Log) *Controller {
	if irq == nil {
		irq = mmio.NoLine
	}
	c := &Controller{clk: clk, irq: irq, log: log, apbHz: DefaultAPBHz}
	c.Port = mmio.NewPort(name, log, mmio.Access{}, c)
	for i := range c.buses {
		b := &bus{c: c, idx: i, dev: fmt.Sprintf("i2c%d", i), targets: map[uint8]Target{}}
		b.timer = clk.NewTimer(b.dev, b.fire)
		c.buses[i] = b
	}
	return c
}

// SetAPBHz sets the PCLK rate the SCL divider is applied to (the SoC calls
// it from the SCU's clock-change notification).
func (c *Controller) SetAPBHz(hz uint64) {
	if hz != 0 {
		c.apbHz = hz
	}
}

// Attach puts target t at 7-bit address addr on bus 0..13. It panics on a
// bad bus number or address (a board wiring error).
func (c *Controller) Attach(busIdx int, addr uint8, t Target) {
	if busIdx < 0 || busIdx >= NumBuses || addr > 0x7f || t == nil {
		panic(fmt.Sprintf("i2c: bad Attach(bus %d, addr %#x)", busIdx, addr))
	}
	c.buses[busIdx].targets[addr] = t
}

// Target returns the device at addr on bus busIdx (nil: none, or no such
// bus), so callers can refuse to put two devices at one address.
func (c *Controller) Target(busIdx int, addr uint8) Target {
	if busIdx < 0 || busIdx >= NumBuses {
		return nil
	}
	return c.buses[busIdx].targets[addr]
}

// Reset returns every register to its power-on value and abandons any
// transfer in progress (targets keep their own state).
func (c *Controller) Reset() {
	c.assign, c.global = 0, 0
	c.pool = [PoolSize]byte{}
	for _, b := range c.buses {
		b.abort()
		b.fun, b.ac1, b.ac2, b.ictl, b.ists = 0, 0, 0, 0, 0
		b.devAddr, b.poolCtrl, b.dmaAddr, b.dmaLen = 0, 0, 0, 0
		b.tx, b.rx = 0, 0
	}
	c.update()
}

// busAt maps an offset to a bus and the offset within it.
func busAt(off uint32) (int, uint32, bool) {
	for i, base := range BusOffsets {
		if off >= base && off < base+BusSize {
			return i, off - base, true
		}
	}
	return 0, 0, false
}

// ReadReg implements mmio.Registers. The buffer pool is byte storage;
// the per-bus registers log their own unimplemented offsets, by bus.
func (c *Controller) ReadReg(off, mask uint32) (uint32, bool) {
	off &= Size - 1
	if off >= PoolBase && off < PoolBase+PoolSize {
		p := c.pool[off-PoolBase:]
		return uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16 | uint32(p[3])<<24, true
	}
	if i, r, ok := busAt(off); ok {
		return c.buses[i].read(r), true
	}
	switch off {
	case RegGlobalStatus:
		return c.status(), true
	case RegGlobalAssign:
		return c.assign, true
	case RegGlobalCtrl:
		return c.global, true
	}
	return 0, false
}

// WriteReg implements mmio.Registers.
func (c *Controller) WriteReg(off, val, mask uint32) bool {
	off &= Size - 1
	if off >= PoolBase && off < PoolBase+PoolSize {
		for i := range 4 {
			if mask>>(8*i)&0xff != 0 {
				c.pool[off-PoolBase+uint32(i)] = byte(val >> (8 * i))
			}
		}
		return true
	}
	if i, r, ok := busAt(off); ok {
		b := c.buses[i]
		if r == RegIntrSts {
			// Write-1-to-clear: only the lanes written count.
			b.write(RegIntrSts, val, true)
			return true
		}
		old, _ := b.peek(r)
		b.write(r, mmio.Merge(old, val, mask), mask&0xff != 0)
		return true
	}
	switch off {
	case RegGlobalStatus:
		c.log.GuestError(name, "write 0x%x to read-only interrupt status", val)
	case RegGlobalAssign:
		c.assign = mmio.Merge(c.assign, val, mask)
	case RegGlobalCtrl:
		c.global = mmio.Merge(c.global, val, mask)
	default:
		return false
	}
	return true
}

// status is the i2c-ic register: one bit per bus with an enabled
// interrupt pending.
func (c *Controller) status() uint32 {
	var s uint32
	for i, b := range c.buses {
		if b.ists&b.ictl != 0 {
			s |= 1 << i
		}
	}
	return s
}

// update drives the shared interrupt line.
func (c *Controller) update() {
	l := c.status() != 0
	if l != c.level {
		c.level = l
		c.irq.Set(l)
	}
}

func (b *bus) read(r uint32) uint32 {
	v, ok := b.peek(r)
	if !ok {
		b.c.log.Unimplemented(b.dev, r, false, 0)
	}
	return v
}

// peek returns a register's value and whether the register exists.
func (b *bus) peek(r uint32) (uint32, bool) {
	switch r {
	case RegFunCtrl:
		return b.fun, true
	case RegACTiming:
		return b.ac1, true
	case RegACTiming2:
		return b.ac2, true
	case RegIntrCtrl:
		return b.ictl, true
	case RegIntrSts:
		return b.ists, true
	case RegCmd:
		v := b.cmd & 0xffff
		if b.busy {
			v |= StsBusBusy | StsSDALine // master holds SCL low between bytes
		} else {
			v |= StsSDALine | StsSCLLine
		}
		return v | b.state<<stsStateShft, true
	case RegDevAddr:
		return b.devAddr, true
	case RegPoolCtrl:
		return b.poolCtrl, true
	case RegByteBuf:
		return uint32(b.tx) | uint32(b.rx)<<8, true
	case RegDMAAddr:
		return b.dmaAddr, true
	case RegDMALen:
		return b.dmaLen, true
	}
	return 0, false
}

// write handles a (merged, 32-bit) register write. lowLane says whether the
// access touched the command byte of RegCmd (a byte store to the status
// lanes must not re-issue commands).
func (b *bus) write(r uint32, v uint32, lowLane bool) {
	switch r {
	case RegFunCtrl:
		b.fun = v
		if v&FunMasterEn == 0 && (b.busy || b.timer.Active() || b.cmd != 0) {
			// Disabling the engine abandons the transfer.
			b.abort()
		}
	case RegACTiming:
		b.ac1 = v
	case RegACTiming2:
		b.ac2 = v
	case RegIntrCtrl:
		b.ictl = v
		b.c.update()
	case RegIntrSts:
		hadRx := b.ists&IntRxDone != 0
		b.ists &^= v
		b.c.update()
		if hadRx && b.ists&IntRxDone == 0 {
			b.kick() // a deferred RX may go now
		}
	case RegCmd:
		if !lowLane {
			b.cmd = b.cmd&0xff | v&0xff00
			return
		}
		b.command(v & 0xffff)
	case RegDevAddr:
		b.devAddr = v
	case RegPoolCtrl:
		// RX count [29:24] is set by the engine.
		b.poolCtrl = b.poolCtrl&0xff000000 | v&0x00ffffff
	case RegByteBuf:
		b.tx = byte(v)
	case RegDMAAddr:
		b.dmaAddr = v
	case RegDMALen:
		b.dmaLen = v
	default:
		b.c.log.Unimplemented(b.dev, r, true, v)
	}
}

// command handles a write to the command register.
func (b *bus) command(v uint32) {
	if v&(CmdTxDMA|CmdRxDMA) != 0 {
		b.c.log.GuestError(b.dev, "DMA mode not modelled (command 0x%x ignored)", v)
		return
	}
	if v&(CmdTxBuf|CmdRxBuf) != 0 && b.c.global&GlobalSRAMEnable == 0 {
		b.c.log.GuestError(b.dev, "buffer mode with pool SRAM disabled (command 0x%x ignored)", v)
		return
	}
	if v&(masterCmds|CmdRecover) != 0 && b.fun&FunMasterEn == 0 {
		b.c.log.GuestError(b.dev, "master command 0x%x with master mode disabled", v)
		return
	}
	// Keep the bit of a phase already on the wire until it completes.
	b.cmd = v | b.flightBit()
	b.kick()
}

// flightBit is the command bit of the phase being performed.
func (b *bus) flightBit() uint32 {
	if !b.timer.Active() {
		return 0
	}
	switch b.flight {
	case phStart:
		return CmdStart
	case phTx:
		return CmdTx
	case phRx:
		return CmdRx
	case phStop:
		return CmdStop
	case phRecover:
		return CmdRecover
	}
	return 0
}

// next picks the next phase to perform from the pending command bits.
func (b *bus) next() phase {
	switch {
	case b.cmd&CmdRecover != 0:
		return phRecover
	case b.cmd&CmdStart != 0:
		return phStart
	case b.cmd&CmdTx != 0:
		return phTx
	case b.cmd&(CmdRx|CmdRxLast) != 0:
		if b.ists&IntRxDone != 0 {
			return phNone // waits for the guest to take the last byte
		}
		return phRx
	case b.cmd&CmdStop != 0:
		return phStop
	}
	return phNone
}

// kick starts the next pending phase if the engine is free.
func (b *bus) kick() {
	if b.timer.Active() {
		return
	}
	p := b.next()
	if p == phNone {
		return
	}
	bits := uint64(bitsByte)
	switch p {
	case phStart:
		bits = bitsStart
		if b.busy {
			b.state = stateMStartR
		} else {
			b.state = stateMStart
		}
		if b.cmd&CmdTxBuf != 0 {
			bits += bitsByte * uint64(b.txCount()-1)
		}
	case phTx:
		b.state = stateMTxD
		if b.cmd&CmdTxBuf != 0 {
			bits = bitsByte * uint64(b.txCount())
		}
	case phRx:
		b.state = stateMRxD
		if b.cmd&CmdRxBuf != 0 {
			bits = bitsByte * uint64(b.rxSize())
		}
	case phStop:
		bits = bitsStop
		b.state = stateMStop
	case phRecover:
		bits = bitsRecover
		b.state = stateRecover
	}
	b.flight = p
	b.timer.SetAfter(b.busNs(bits))
}

// busNs is the duration of n SCL periods; one period is
// 2^base * (high+1 + low+1) APB clocks.
func (b *bus) busNs(n uint64) uint64 {
	base := uint64(b.ac1 & 0xf)
	low := uint64(b.ac1>>12&0xf) + 1
	high := uint64(b.ac1>>16&0xf) + 1
	div := (uint64(1) << base) * (low + high)
	ns := n * div * 1000000000 / b.c.apbHz
	if ns == 0 {
		ns = 1
	}
	return ns
}

func (b *bus) txCount() int { return int(b.poolCtrl>>8&0x1f) + 1 }
func (b *bus) rxSize() int  { return int(b.poolCtrl>>16&0x1f) + 1 }

func (b *bus) poolAt(i int) *byte {
	return &b.c.pool[(b.idx*PoolPerBus+i)%PoolSize]
}

// fire completes the phase on the wire and starts the next one.
func (b *bus) fire() {
	p := b.flight
	b.flight = phNone
	switch p {
	case phStart:
		b.doStart()
	case phTx:
		b.doTx()
	case phRx:
		b.doRx()
	case phStop:
		b.doStop()
	case phRecover:
		b.doRecover()
	}
	b.c.update()
	b.kick()
}

func (b *bus) raise(bits uint32) { b.ists |= bits }

func (b *bus) doStart() {
	b.cmd &^= CmdStart
	addr := b.tx
	buffered := b.cmd&CmdTxBuf != 0
	if buffered {
		addr = *b.poolAt(0)
	}
	a7, rd := addr>>1, addr&1 != 0
	t := b.targets[a7]
	if b.cur != nil && b.cur != t {
		b.cur.Stop() // repeated START to another device
	}
	b.busy = true
	b.state = stateMActive
	if t == nil || !t.Start(rd) {
		b.cur = nil
		b.nak()
		return
	}
	b.cur = t
	if buffered {
		// The address was pool byte 0; the rest of the TX count follows.
		b.cmd &^= CmdTx | CmdTxBuf
		for i := 1; i < b.txCount(); i++ {
			if !t.Write(*b.poolAt(i)) {
				b.nak()
				return
			}
		}
		b.raise(IntTxAck)
		return
	}
	if b.cmd&CmdTx != 0 {
		// START's TX bit is the address byte itself.
		b.cmd &^= CmdTx
	}
	b.raise(IntTxAck)
}

// nak reports TX_NAK and drops the data phases still queued; a queued
// STOP still runs.
func (b *bus) nak() {
	b.cmd &^= CmdTx | CmdRx | CmdRxLast | CmdTxBuf | CmdRxBuf
	b.raise(IntTxNak)
}

func (b *bus) doTx() {
	buffered := b.cmd&CmdTxBuf != 0
	b.cmd &^= CmdTx | CmdTxBuf
	b.state = stateMActive
	if !b.busy {
		b.c.log.GuestError(b.dev, "TX without START")
		b.raise(IntAbnormal)
		return
	}
	if b.cur == nil {
		b.nak()
		return
	}
	if buffered {
		for i := 0; i < b.txCount(); i++ {
			if !b.cur.Write(*b.poolAt(i)) {
				b.nak()
				return
			}
		}
	} else if !b.cur.Write(b.tx) {
		b.nak()
		return
	}
	b.raise(IntTxAck)
}

func (b *bus) doRx() {
	buffered := b.cmd&CmdRxBuf != 0
	b.cmd &^= CmdRx | CmdRxLast | CmdRxBuf
	b.state = stateMActive
	if !b.busy {
		b.c.log.GuestError(b.dev, "RX without START")
		b.raise(IntAbnormal)
		return
	}
	read := func() byte {
		if b.cur == nil {
			return 0xff // nobody drives SDA
		}
		return b.cur.Read()
	}
	if buffered {
		n := b.rxSize()
		for i := 0; i < n; i++ {
			*b.poolAt(i) = read()
		}
		b.poolCtrl = b.poolCtrl&^(0x3f<<24) | uint32(n)<<24
	} else {
		b.rx = read()
	}
	b.raise(IntRxDone)
}

func (b *bus) doStop() {
	b.cmd &^= CmdStop
	if !b.busy {
		b.c.log.GuestError(b.dev, "STOP with the bus idle")
		b.state = stateIdle
		b.raise(IntAbnormal)
		return
	}
	if b.cur != nil {
		b.cur.Stop()
		b.cur = nil
	}
	b.busy = false
	b.state = stateIdle
	b.raise(IntNormalStop)
}

func (b *bus) doRecover() {
	b.cmd &^= CmdRecover
	if b.cur != nil {
		b.cur.Stop()
		b.cur = nil
	}
	b.busy = false
	b.state = stateIdle
	b.raise(IntRecoverDone)
}

// abort abandons whatever the engine was doing (engine disabled, reset).
func (b *bus) abort() {
	b.timer.Stop()
	b.flight = phNone
	b.cmd = 0
	if b.cur != nil {
		b.cur.Stop()
		b.cur = nil
	}
	b.busy = false
	b.state = stateIdle
}
