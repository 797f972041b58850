// Package uart models the AST2500's 16550A-compatible UARTs (UART1..UART5)
// and the BMC side of the ASPEED Virtual UART (VUART).
//
// The AST2500 UARTs are classic 16550A parts with their byte-wide registers
// on a 4-byte stride (device tree reg-shift = 2): RBR/THR/DLL at 0x00,
// IER/DLM at 0x04, IIR/FCR at 0x08, LCR 0x0c, MCR 0x10, LSR 0x14, MSR 0x18,
// SCR 0x1c. The model has 16-byte RX and TX FIFOs, the 16550A interrupt
// priority scheme, the character-timeout interrupt, loopback mode and the
// modem-status deltas. Characters move at the line rate: the transmitter
// shifts one character out per character time (derived from the divisor
// latch, LCR and the UART clock) on a virtual-clock timer, and host input is
// kept in an unbounded queue from which the receiver takes one character per
// character time while its FIFO has room, so host input is never dropped.
//
// Sources:
//   - Linux drivers/tty/serial/8250/8250_port.c: autoconfig() (IER scratch
//     test, MCR loopback -> MSR 0x90 test, FCR enable -> IIR[7:6] = 3 for a
//     16550A), autoconfig_16550a() (EFR/NatSemi/16750/XScale probes that a
//     plain 16550A must fail: IIR reads under LCR=0x80/0xbf/0xe0, IIR bit 5
//     never set, IER bit 6 not writable), serial8250_do_startup() (THRE
//     re-assertion test behind UART_BUG_THRE, TX-enable test, "LSR safety
//     check" for 0xff), serial8250_console_write() and the IRQ handler.
//   - Linux drivers/tty/serial/8250/8250_of.c: "ns16550a" ports, reg-shift.
//   - Linux drivers/clk/clk-aspeed.c: the UART clock is 24 MHz, or 24 MHz/13
//     when SCU2C bit 12 (UART_DIV13_EN) is set; the 8250 driver is told the
//     same rate, so baud = clock / (16 * divisor) on both sides (115200 is
//     divisor 13 at 24 MHz, divisor 1 at 24/13 MHz).
//   - Linux arch/arm/boot/dts/aspeed-g5.dtsi: addresses, IRQs, clocks.
//   - QEMU hw/char/serial.c, for facts about 16550A behaviour (THRE
//     interrupt pending semantics, timeout interrupt, loopback wiring).
//   - National Semiconductor PC16550D datasheet: register bits, interrupt
//     priorities, 4-character timeout, loopback connections (RTS->CTS,
//     DTR->DSR, OUT1->RI, OUT2->DCD).
//
// A break from the host (Break, the console's Ctrl-A b) enters the receiver
// in order with host input as a zero character with LSR BI set, which is how
// the 8250 driver's serial8250_read_char() sees a line break: it counts it
// (icount.brk, shown in /proc/tty/driver/serial), drops the zero and, on a
// console with CONFIG_MAGIC_SYSRQ_SERIAL, takes the next character as a
// sysrq command.
//
// Not modelled: parity/framing errors (the host link is an ideal byte pipe),
// the 16550 DMA mode signals, and auto flow control.
package uart

import (
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// Register indices (offset >> 2).
const (
	regRBR = 0 // RBR (read) / THR (write) / DLL (DLAB)
	regIER = 1 // IER / DLM (DLAB)
	regIIR = 2 // IIR (read) / FCR (write)
	regLCR = 3
	regMCR = 4
	regLSR = 5
	regMSR = 6
	regSCR = 7
)

// Register bits.
const (
	ierRDI  = 0x01
	ierTHRI = 0x02
	ierRLSI = 0x04
	ierMSI  = 0x08

	iirNoInt   = 0x01
	iirMSI     = 0x00
	iirTHRI    = 0x02
	iirRDI     = 0x04
	iirRLSI    = 0x06
	iirTimeout = 0x0c
	iirFIFOs   = 0xc0

	fcrEnable  = 0x01
	fcrClearRX = 0x02
	fcrClearTX = 0x04

	lcrDLAB = 0x80

	mcrDTR  = 0x01
	mcrRTS  = 0x02
	mcrOUT1 = 0x04
	mcrOUT2 = 0x08
	mcrLoop = 0x10

	lsrDR     = 0x01
	lsrOE     = 0x02
	lsrPE     = 0x04
	lsrFE     = 0x08
	lsrBI     = 0x10
	lsrTHRE   = 0x20
	lsrTEMT   = 0x40
	lsrFIFOEr = 0x80
	lsrErrors = lsrOE | lsrPE | lsrFE | lsrBI

	msrDCTS = 0x01
	msrDDSR = 0x02
	msrTERI = 0x04
	msrDDCD = 0x08
	msrCTS  = 0x10
	msrDSR  = 0x20
	msrRI   = 0x40
	msrDCD  = 0x80
)

// fifoSize is the depth of the 16550A RX and TX FIFOs.
const fifoSize = 16

// DefaultClockHz is the AST2500 UART clock with SCU2C UART_DIV13_EN clear.
const DefaultClockHz = 24000000

// Config wires a UART into the machine.
type Config struct {
	Name        string        // device name for logs and timer names
	Clock       *vclock.Clock // virtual clock (required)
	IRQ         mmio.Line     // interrupt output (nil: not connected)
	UARTClockHz uint64        // UART reference clock (0: DefaultClockHz)
	Out         func(b byte)  // receives each transmitted byte (nil: discard)
	Log         *mmio.Log     // nil: mmio.Default
	// TxCharNs, when non-zero, is the transmit time of one character in
	// ns instead of the line rate: the machine's console uses a short
	// value so that kernels polling LSR for THRE do not spend most of the
	// boot waiting for a 115200-baud line (QEMU transmits instantly).
	TxCharNs uint64
}

// UART is a 16550A. It implements mmio.Device and mmio.Resetter. All methods
// must be called on the machine goroutine.
type UART struct {
	mmio.Port
	name     string
	clk      *vclock.Clock
	irq      mmio.Line
	clockHz  uint64
	txCharNs uint64
	out      func(byte)
	log      *mmio.Log

	ier, lcr, mcr, scr uint8
	dll, dlm           uint8
	fifoEn             bool
	fcr                uint8 // last FCR value written (bits 7:6 trigger)
	trigger            int
	lsrErr             uint8 // sticky OE/PE/FE/BI, cleared by reading LSR
	msrStatus          uint8 // MSR bits 7:4 as the receiver sees them
	msrDelta           uint8 // MSR bits 3:0
	extCTS, extDSR     bool  // external modem inputs
	extRI, extDCD      bool
	lastRBR            uint8

	rx      [fifoSize]byte
	rxHead  int
	rxCount int

	tx      [fifoSize]byte
	txHead  int
	txCount int
	tsr     byte
	tsrBusy bool

	thrIPending     bool // THRE interrupt identification pending
	timeoutPending  bool // character timeout indication pending
	irqLevel        bool
	lastRxDelivered uint64 // time of the last host character accepted

	hostQ    []byte // host input not yet accepted by the receiver
	hostHead int
	hostSeq  uint64          // host characters accepted so far
	hostBrk  map[uint64]bool // host characters (by sequence) that are breaks

	txTimer, rxTimer, toTimer *vclock.Timer
}

// New returns a UART in its power-on state.
func New(cfg Config) *UART {
	u := &UART{
		name:     cfg.Name,
		clk:      cfg.Clock,
		irq:      cfg.IRQ,
		clockHz:  cfg.UARTClockHz,
		txCharNs: cfg.TxCharNs,
		out:      cfg.Out,
		log:      cfg.Log,
		extCTS:   true,
		extDSR:   true,
		extDCD:   true,
	}
	if u.name == "" {
		u.name = "uart"
	}
	if u.irq == nil {
		u.irq = mmio.NoLine
	}
	if u.clockHz == 0 {
		u.clockHz = DefaultClockHz
	}
	if u.log == nil {
		u.log = mmio.Default
	}
	u.Port = mmio.NewPort(u.name, u.log, mmio.Access{}, u)
	u.txTimer = u.clk.NewTimer(u.name+".tx", u.txDone)
	u.rxTimer = u.clk.NewTimer(u.name+".rx", u.rxArrive)
	u.toTimer = u.clk.NewTimer(u.name+".rxtimeout", u.rxTimeout)
	u.Reset()
	return u
}

// Reset restores the power-on register state. Host input already queued
// with Receive is kept and delivered once the guest reads again.
func (u *UART) Reset() {
	u.txTimer.Stop()
	u.rxTimer.Stop()
	u.toTimer.Stop()
	u.ier, u.lcr, u.mcr, u.scr = 0, 0, 0, 0
	u.dll, u.dlm = 0, 0
	u.fifoEn, u.fcr, u.trigger = false, 0, 1
	u.lsrErr = 0
	u.msrDelta = 0
	u.msrStatus = u.modemInputs()
	u.lastRBR = 0
	u.rxHead, u.rxCount = 0, 0
	u.txHead, u.txCount = 0, 0
	u.tsrBusy = false
	u.thrIPending = false
	u.timeoutPending = false
	u.lastRxDelivered = 0
	u.update()
	u.kickRx()
}

// SetClockHz changes the UART reference clock (the SCU's UART_DIV13_EN
// selection). It affects characters started after the call.
func (u *UART) SetClockHz(hz uint64) {
	if hz == 0 {
		hz = DefaultClockHz
	}
	u.clockHz = hz
}

// Divisor returns the divisor latch value.
func (u *UART) Divisor() uint16 { return uint16(u.dlm)<<8 | uint16(u.dll) }

// CharTime returns the duration of one character on the line in ns, from
// the divisor latch, the LCR frame format and the UART clock. A zero
// divisor is treated as 1.
func (u *UART) CharTime() uint64 {
	div := uint64(u.Divisor())
	if div == 0 {
		div = 1
	}
	wlen := uint64(5 + u.lcr&3)
	half := 2 * (1 + wlen) // start bit + data bits, in half bits
	if u.lcr&0x08 != 0 {
		half += 2 // parity
	}
	switch {
	case u.lcr&0x04 == 0:
		half += 2
	case wlen == 5:
		half += 3 // 1.5 stop bits
	default:
		half += 4
	}
	ns := half * 16 * div * 1000000000 / (2 * u.clockHz)
	if ns == 0 {
		ns = 1
	}
	return ns
}

// txTime is the transmit time of one character.
func (u *UART) txTime() uint64 {
	if u.txCharNs != 0 {
		return u.txCharNs
	}
	return u.CharTime()
}

// Receive queues bytes arriving from the host. They enter the receiver one
// character time apart while the RX FIFO has room; nothing is ever dropped.
func (u *UART) Receive(p []byte) {
	if len(p) == 0 {
		return
	}
	if u.hostHead > 0 && u.hostHead >= len(u.hostQ)/2 {
		n := copy(u.hostQ, u.hostQ[u.hostHead:])
		u.hostQ = u.hostQ[:n]
		u.hostHead = 0
	}
	u.hostQ = append(u.hostQ, p...)
	u.kickRx()
}

// Break queues a line break after the host input already queued: the
// receiver sees a zero character with LSR BI (break interrupt) set.
func (u *UART) Break() {
	if u.hostBrk == nil {
		u.hostBrk = make(map[uint64]bool)
	}
	u.hostBrk[u.hostSeq+uint64(u.Pending())] = true
	u.Receive([]byte{0})
}

// Pending returns how many host bytes are queued but not yet in the FIFO.
func (u *UART) Pending() int { return len(u.hostQ) - u.hostHead }

// SetModemInputs sets the external modem status inputs (their power-on
// state is CTS, DSR and DCD asserted, RI deasserted). In loopback mode they
// are disconnected and take effect when loopback ends.
func (u *UART) SetModemInputs(cts, dsr, ri, dcd bool) {
	u.extCTS, u.extDSR, u.extRI, u.extDCD = cts, dsr, ri, dcd
	u.setModemStatus(u.modemInputs())
}

// ReadReg implements mmio.Registers. The registers are 8 bits wide at a
// 4-byte stride: an access that misses the low byte is unimplemented.
func (u *UART) ReadReg(off, mask uint32) (uint32, bool) {
	if mask&0xff == 0 || off >= 0x20 {
		return 0, false
	}
	return uint32(u.readReg(off >> 2)), true
}

// WriteReg implements mmio.Registers.
func (u *UART) WriteReg(off, val, mask uint32) bool {
	if mask&0xff == 0 || off >= 0x20 {
		return false
	}
	u.writeReg(off>>2, uint8(val))
	return true
}

func (u *UART) readReg(r uint32) uint8 {
	switch r {
	case regRBR:
		if u.lcr&lcrDLAB != 0 {
			return u.dll
		}
		return u.readRBR()
	case regIER:
		if u.lcr&lcrDLAB != 0 {
			return u.dlm
		}
		return u.ier
	case regIIR:
		id := u.iir()
		if id&0x0f == iirTHRI {
			// Reading IIR while it identifies THRE clears that source.
			u.thrIPending = false
			u.update()
		}
		return id
	case regLCR:
		return u.lcr
	case regMCR:
		return u.mcr
	case regLSR:
		v := u.lsr()
		if u.lsrErr != 0 {
			u.lsrErr = 0
			u.update()
		}
		return v
	case regMSR:
		v := u.msrStatus | u.msrDelta
		if u.msrDelta != 0 {
			u.msrDelta = 0
			u.update()
		}
		return v
	case regSCR:
		return u.scr
	}
	return 0
}

func (u *UART) writeReg(r uint32, v uint8) {
	switch r {
	case regRBR:
		if u.lcr&lcrDLAB != 0 {
			u.dll = v
			return
		}
		u.writeTHR(v)
	case regIER:
		if u.lcr&lcrDLAB != 0 {
			u.dlm = v
			return
		}
		u.ier = v & 0x0f
		// Enabling THRI while the holding register is empty raises a THRE
		// interrupt (Linux's start_tx and its UART_BUG_THRE probe rely on
		// this re-assertion).
		if u.ier&ierTHRI != 0 && u.txCount == 0 {
			u.thrIPending = true
		}
		u.update()
	case regIIR:
		u.writeFCR(v)
	case regLCR:
		u.lcr = v
	case regMCR:
		u.writeMCR(v & 0x1f)
	case regLSR:
		// LSR is read-only (factory test on some parts): ignore.
	case regMSR:
		// MSR is read-only: ignore.
	case regSCR:
		u.scr = v
	}
}

// lsr computes the line status register.
func (u *UART) lsr() uint8 {
	v := u.lsrErr
	if u.rxCount > 0 {
		v |= lsrDR
	}
	if u.txCount == 0 {
		v |= lsrTHRE
		if !u.tsrBusy {
			v |= lsrTEMT
		}
	}
	return v
}

// iir computes the interrupt identification register, highest priority
// source first.
func (u *UART) iir() uint8 {
	id := uint8(iirNoInt)
	switch {
	case u.ier&ierRLSI != 0 && u.lsrErr != 0:
		id = iirRLSI
	case u.ier&ierRDI != 0 && u.rxCount > 0 && u.rxCount >= u.trigger:
		id = iirRDI
	case u.ier&ierRDI != 0 && u.timeoutPending && u.rxCount > 0:
		id = iirTimeout
	case u.ier&ierTHRI != 0 && u.thrIPending:
		id = iirTHRI
	case u.ier&ierMSI != 0 && u.msrDelta != 0:
		id = iirMSI
	}
	if u.fifoEn {
		id |= iirFIFOs
	}
	return id
}

// update drives the interrupt line from the current state.
func (u *UART) update() {
	level := u.iir()&iirNoInt == 0
	if level != u.irqLevel {
		u.irqLevel = level
		u.irq.Set(level)
	}
}

func (u *UART) depth() int {
	if u.fifoEn {
		return fifoSize
	}
	return 1
}

// --- transmitter ---

func (u *UART) writeTHR(v uint8) {
	if u.txCount >= u.depth() {
		u.log.GuestError(u.name, "THR written while transmit FIFO full: 0x%02x dropped", v)
	} else {
		u.tx[(u.txHead+u.txCount)%fifoSize] = v
		u.txCount++
	}
	u.thrIPending = false
	if !u.tsrBusy {
		u.startTx()
	}
	u.update()
}

// startTx moves the next character from the holding register/FIFO into the
// shift register and schedules its completion one character time later.
func (u *UART) startTx() {
	if u.txCount == 0 {
		return
	}
	u.tsr = u.tx[u.txHead]
	u.txHead = (u.txHead + 1) % fifoSize
	u.txCount--
	u.tsrBusy = true
	u.txTimer.SetAfter(u.txTime())
	if u.txCount == 0 {
		u.thrIPending = true
	}
}

// txDone is the transmit timer: the shift register's character is on the
// line (or, in loopback, at the receiver).
func (u *UART) txDone() {
	if !u.tsrBusy {
		return
	}
	b := u.tsr
	u.tsrBusy = false
	if u.mcr&mcrLoop != 0 {
		u.pushRx(b)
	} else if u.out != nil {
		u.out(b)
	}
	u.startTx()
	u.update()
}

func (u *UART) resetTX() {
	u.txHead, u.txCount = 0, 0
	u.thrIPending = true
}

// --- receiver ---

// pushRx puts a received character in the RX FIFO (or RBR), flagging an
// overrun when there is no room. Only loopback can overrun: host input waits
// in the host queue.
func (u *UART) pushRx(b byte) {
	if u.rxCount >= u.depth() {
		u.lsrErr |= lsrOE
		if !u.fifoEn {
			// 16450 mode: the new character overwrites RBR.
			u.rx[u.rxHead] = b
		}
	} else {
		u.rx[(u.rxHead+u.rxCount)%fifoSize] = b
		u.rxCount++
	}
	u.rxActivity()
	u.update()
}

func (u *UART) readRBR() uint8 {
	if u.rxCount == 0 {
		return u.lastRBR
	}
	b := u.rx[u.rxHead]
	u.rxHead = (u.rxHead + 1) % fifoSize
	u.rxCount--
	u.lastRBR = b
	u.rxActivity()
	u.kickRx()
	u.update()
	return b
}

// rxActivity restarts the character-timeout measurement: the timeout
// indication is raised when the FIFO holds data and nothing has entered or
// left it for four character times.
func (u *UART) rxActivity() {
	u.timeoutPending = false
	if u.fifoEn && u.rxCount > 0 {
		u.toTimer.SetAfter(4 * u.CharTime())
	} else {
		u.toTimer.Stop()
	}
}

func (u *UART) rxTimeout() {
	if u.fifoEn && u.rxCount > 0 {
		u.timeoutPending = true
		u.update()
	}
}

func (u *UART) resetRX() {
	u.rxHead, u.rxCount = 0, 0
	u.timeoutPending = false
	u.toTimer.Stop()
	u.kickRx()
}

// kickRx arms the receive timer when host input is waiting, the receiver is
// connected to the line (not in loopback) and the FIFO has room.
func (u *UART) kickRx() {
	if u.rxTimer.Active() || u.Pending() == 0 || u.mcr&mcrLoop != 0 || u.rxCount >= u.depth() {
		return
	}
	ct := u.CharTime()
	at := u.clk.Now() + ct
	if u.lastRxDelivered != 0 && u.lastRxDelivered+ct > u.clk.Now() {
		at = u.lastRxDelivered + ct
	}
	u.rxTimer.Set(at)
}

// rxArrive is the receive timer: one host character has been shifted in.
func (u *UART) rxArrive() {
	if u.Pending() == 0 || u.mcr&mcrLoop != 0 {
		return
	}
	if u.rxCount >= u.depth() {
		return // readRBR re-arms us
	}
	b := u.hostQ[u.hostHead]
	u.hostHead++
	if u.hostHead == len(u.hostQ) {
		u.hostQ, u.hostHead = u.hostQ[:0], 0
	}
	if u.hostBrk[u.hostSeq] {
		delete(u.hostBrk, u.hostSeq)
		u.lsrErr |= lsrBI
	}
	u.hostSeq++
	u.lastRxDelivered = u.clk.Now()
	u.pushRx(b)
	u.kickRx()
}

// --- FIFO control, modem control ---

func (u *UART) writeFCR(v uint8) {
	en := v&fcrEnable != 0
	if en != u.fifoEn {
		// Switching between 16450 and FIFO mode empties both FIFOs.
		u.fifoEn = en
		u.resetRX()
		u.resetTX()
	}
	if en {
		if v&fcrClearRX != 0 {
			u.resetRX()
		}
		if v&fcrClearTX != 0 {
			u.resetTX()
		}
		u.trigger = [4]int{1, 4, 8, 14}[v>>6]
	} else {
		u.trigger = 1
	}
	u.fcr = v
	u.kickRx()
	u.update()
}

func (u *UART) writeMCR(v uint8) {
	wasLoop := u.mcr&mcrLoop != 0
	u.mcr = v
	u.setModemStatus(u.modemInputs())
	if wasLoop && v&mcrLoop == 0 {
		u.kickRx()
	}
	u.update()
}

// modemInputs returns MSR bits 7:4: the external inputs, or in loopback the
// MCR outputs wired back (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD).
func (u *UART) modemInputs() uint8 {
	var s uint8
	if u.mcr&mcrLoop != 0 {
		if u.mcr&mcrRTS != 0 {
			s |= msrCTS
		}
		if u.mcr&mcrDTR != 0 {
			s |= msrDSR
		}
		if u.mcr&mcrOUT1 != 0 {
			s |= msrRI
		}
		if u.mcr&mcrOUT2 != 0 {
			s |= msrDCD
		}
		return s
	}
	if u.extCTS {
		s |= msrCTS
	}
	if u.extDSR {
		s |= msrDSR
	}
	if u.extRI {
		s |= msrRI
	}
	if u.extDCD {
		s |= msrDCD
	}
	return s
}

// setModemStatus records new modem inputs and the resulting delta bits.
func (u *UART) setModemStatus(s uint8) {
	ch := s ^ u.msrStatus
	if ch&msrCTS != 0 {
		u.msrDelta |= msrDCTS
	}
	if ch&msrDSR != 0 {
		u.msrDelta |= msrDDSR
	}
	if ch&msrRI != 0 && s&msrRI == 0 {
		u.msrDelta |= msrTERI // trailing edge of RI only
	}
	if ch&msrDCD != 0 {
		u.msrDelta |= msrDDCD
	}
	u.msrStatus = s
	u.update()
}
