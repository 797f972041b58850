package lpc

// The iBT (IPMI block transfer) interface, BMC side, at LPC offset 0x140.
//
//	0x140 BT_CR0   configuration: host I/O base [31:16], SerIRQ [15:12],
//	               bit 3/2 let the host clear the BMC's read/write
//	               pointers, bit 0 enables the interface (stored)
//	0x144 BT_CR1   BMC interrupt enables: bit 0 H2B, bit 6 HBUSY
//	0x148 BT_CR2   BMC interrupt status, write 1 to clear: bit 0 is set
//	               when the host sets H2B_ATN, bit 6 when the host clears
//	               H_BUSY
//	0x14c BT_CR3   stored
//	0x150 BT_CTRL  handshake bits. BMC writes of 1: bit 0 clears the BMC's
//	               write pointer (BMC-to-host buffer), bit 1 clears the
//	               BMC's read pointer (host-to-BMC buffer), bit 2 clears
//	               H2B_ATN, bit 3 sets B2H_ATN, bit 4 sets SMS_ATN, bit 5
//	               toggles OEM0, bit 7 toggles B_BUSY; bit 6 H_BUSY is the
//	               host's and read-only here
//	0x154 BT_BMC2HOST  a BMC read pops the next byte of the host-to-BMC
//	               buffer, a BMC write pushes into the BMC-to-host buffer
//	0x158 BT_INTMASK   bit 0 B2H IRQ enable, bit 1 B2H IRQ, bit 7 BMC
//	               hardware reset (stored)
//
// The two buffers are 256-byte rings addressed by 8-bit pointers. The
// interrupt (shared LPC line) is high while CR1 & CR2 has H2B or HBUSY
// set. Host cycles (BTHost*) are accepted only while BT_CR0 bit 0 is set.
//
// Sources: Linux drivers/char/ipmi/bt-bmc.c (register names and bits, the
// toggle semantics of B_BUSY implied by set_b_busy/clr_b_busy, the
// probe writing CR0 and enabling CR1 H2B|HBUSY, the IRQ handler acking
// CR2); IPMI v2.0 section 11 (BT handshake bits and who owns them).

const (
	btBase = 0x140
	btSize = 0x1c

	btCR0      = 0x00
	btCR1      = 0x04
	btCR2      = 0x08
	btCR3      = 0x0c
	btCTRL     = 0x10
	btBMC2HOST = 0x14
	btINTMASK  = 0x18

	// BT_CTRL bits.
	BTClrWrPtr = 1 << 0
	BTClrRdPtr = 1 << 1
	BTH2BAtn   = 1 << 2
	BTB2HAtn   = 1 << 3
	BTSMSAtn   = 1 << 4
	BTOEM0     = 1 << 5
	BTHBusy    = 1 << 6
	BTBBusy    = 1 << 7

	// BT_CR1/BT_CR2 bits.
	BTIrqH2B   = 1 << 0
	BTIrqHBusy = 1 << 6

	btCR0Enable = 1 << 0
	btIrqMask   = BTIrqH2B | BTIrqHBusy
)

type bt struct {
	cr0, cr1, cr2, cr3, intmask uint32
	ctrl                        byte
	h2b, b2h                    [256]byte
	hostWr, bmcRd               uint8 // host-to-BMC buffer
	bmcWr, hostRd               uint8 // BMC-to-host buffer
}

func (b *bt) reset() { *b = bt{} }

func (b *bt) irqPending() bool { return b.cr1&b.cr2&btIrqMask != 0 }

func (l *LPC) btRead(off uint32, sideEffects bool) (uint32, bool) {
	b := &l.bt
	switch off {
	case btCR0:
		return b.cr0, true
	case btCR1:
		return b.cr1, true
	case btCR2:
		return b.cr2, true
	case btCR3:
		return b.cr3, true
	case btCTRL:
		return uint32(b.ctrl), true
	case btBMC2HOST:
		v := b.h2b[b.bmcRd]
		if sideEffects {
			b.bmcRd++
		}
		return uint32(v), true
	case btINTMASK:
		return b.intmask, true
	}
	return 0, false
}

func (l *LPC) btWrite(off uint32, val, mask uint32) {
	b := &l.bt
	merge := func(old uint32) uint32 { return old&^mask | val&mask }
	switch off {
	case btCR0:
		b.cr0 = merge(b.cr0)
	case btCR1:
		b.cr1 = merge(b.cr1)
	case btCR2:
		b.cr2 &^= val & mask
	case btCR3:
		b.cr3 = merge(b.cr3)
	case btCTRL:
		if mask&0xff == 0 {
			return
		}
		v := byte(val)
		if v&BTClrWrPtr != 0 {
			b.bmcWr = 0
		}
		if v&BTClrRdPtr != 0 {
			b.bmcRd = 0
		}
		if v&BTH2BAtn != 0 {
			b.ctrl &^= BTH2BAtn
		}
		if v&BTB2HAtn != 0 {
			b.ctrl |= BTB2HAtn
		}
		if v&BTSMSAtn != 0 {
			b.ctrl |= BTSMSAtn
		}
		if v&BTOEM0 != 0 {
			b.ctrl ^= BTOEM0
		}
		if v&BTBBusy != 0 {
			b.ctrl ^= BTBBusy
		}
	case btBMC2HOST:
		if mask&0xff == 0 {
			return
		}
		b.b2h[b.bmcWr] = byte(val)
		b.bmcWr++
	case btINTMASK:
		b.intmask = merge(b.intmask)
	default:
		l.log.Unimplemented(name, btBase+off, true, val)
		return
	}
	l.update()
}

// BTEnabled reports whether the BMC has enabled the iBT interface.
func (l *LPC) BTEnabled() bool { return l.bt.cr0&btCR0Enable != 0 }

// BTHostCtrl acts as the host reading its BT_CTRL register.
func (l *LPC) BTHostCtrl() byte { return l.bt.ctrl }

// BTHostWriteCtrl acts as the host writing v to its BT_CTRL register.
// Writes of 1: bit 0 clears the host's write pointer, bit 1 the host's
// read pointer, bit 2 sets H2B_ATN (interrupting the BMC), bit 3 clears
// B2H_ATN, bit 4 clears SMS_ATN, bit 5 clears OEM0, bit 6 toggles H_BUSY
// (clearing it interrupts the BMC); bit 7 B_BUSY is the BMC's. It returns
// false while the interface is disabled.
func (l *LPC) BTHostWriteCtrl(v byte) bool {
	if !l.BTEnabled() {
		return false
	}
	b := &l.bt
	if v&BTClrWrPtr != 0 {
		b.hostWr = 0
	}
	if v&BTClrRdPtr != 0 {
		b.hostRd = 0
	}
	if v&BTH2BAtn != 0 {
		b.ctrl |= BTH2BAtn
		b.cr2 |= BTIrqH2B
	}
	if v&BTB2HAtn != 0 {
		b.ctrl &^= BTB2HAtn
	}
	if v&BTSMSAtn != 0 {
		b.ctrl &^= BTSMSAtn
	}
	if v&BTOEM0 != 0 {
		b.ctrl &^= BTOEM0
	}
	if v&BTHBusy != 0 {
		b.ctrl ^= BTHBusy
		if b.ctrl&BTHBusy == 0 {
			b.cr2 |= BTIrqHBusy
		}
	}
	l.update()
	return true
}

// BTHostWrite acts as the host writing one byte into the host-to-BMC
// buffer.
func (l *LPC) BTHostWrite(v byte) bool {
	if !l.BTEnabled() {
		return false
	}
	l.bt.h2b[l.bt.hostWr] = v
	l.bt.hostWr++
	return true
}

// BTHostRead acts as the host reading one byte from the BMC-to-host
// buffer.
func (l *LPC) BTHostRead() (byte, bool) {
	if !l.BTEnabled() {
		return 0, false
	}
	v := l.bt.b2h[l.bt.hostRd]
	l.bt.hostRd++
	return v, true
}
