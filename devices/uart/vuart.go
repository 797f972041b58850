package uart

import "github.com/ast2500emu/ast2500emu/mmio"

// ASPEED Virtual UART (VUART), BMC side, at 0x1e787000 on the AST2500.
//
// The VUART is a 16550A pair joined back to back: the BMC sees a normal
// 16550A register file at 0x00..0x1c, and the host reaches the other half
// over LPC at a configurable I/O address with a configurable SerIRQ. The
// BMC side also has eight byte-wide control registers at 0x20..0x3c:
// GCRA (0x20: bit 0 VUART enable, bit 1 host SerIRQ polarity, bit 5 disable
// host TX discard), GCRB (0x24: bits 7:4 host SerIRQ number), ADDRL/ADDRH
// (0x28/0x2c: the host LPC I/O address) and GCRE..GCRH (0x30..0x3c).
//
// The emulator has no LPC host, so the BMC side's transmitted bytes go to
// Config.Out and host input arrives through Receive, exactly as for a
// physical UART; the control registers are plain read/write storage that
// the driver configures and reads back through sysfs.
//
// Sources: Linux drivers/tty/serial/8250/8250_aspeed_vuart.c (register
// offsets and bits, probe writes lpc address 0x3f8 and SerIRQ 4 / polarity
// by read-modify-write, startup/shutdown toggle DISABLE_HOST_TX_DISCARD,
// UPF_FIXED_TYPE so no autoconfig type probe, the throttle path rewriting
// IER); arch/arm/boot/dts/aspeed-g5.dtsi (reg size 0x40, IRQ 8, APB clock);
// ASPEED's SDK header regs-vuart.h for the names of 0x30..0x3c. The reset
// values of the control registers are not documented in any source at
// hand; they are modelled as zero (VUART disabled, address 0, SerIRQ 0),
// which the driver overwrites at probe.

// VUART control register bits used by Linux.
const (
	VUARTGCRAEnable           = 0x01
	VUARTGCRASIRQPolarity     = 0x02
	VUARTGCRADisableTXDiscard = 0x20
)

// VUART is the BMC side of the ASPEED Virtual UART: a UART plus the
// control registers at 0x20..0x3c. It implements mmio.Device and
// mmio.Resetter.
type VUART struct {
	mmio.Port // shadows the UART's, to reach the control registers
	*UART
	ctrl [8]uint8 // GCRA, GCRB, ADDRL, ADDRH, GCRE, GCRF, GCRG, GCRH
}

// NewVUART returns a VUART in its power-on state.
func NewVUART(cfg Config) *VUART {
	if cfg.Name == "" {
		cfg.Name = "vuart"
	}
	v := &VUART{UART: New(cfg)}
	v.Port = mmio.NewPort(cfg.Name, v.log, mmio.Access{}, v)
	return v
}

// Reset restores the power-on state of the UART and control registers.
func (v *VUART) Reset() {
	v.UART.Reset()
	v.ctrl = [8]uint8{}
}

// ReadReg implements mmio.Registers.
func (v *VUART) ReadReg(off, mask uint32) (uint32, bool) {
	if off >= 0x20 && off < 0x40 && mask&0xff != 0 {
		return uint32(v.ctrl[(off-0x20)>>2]), true
	}
	return v.UART.ReadReg(off, mask)
}

// WriteReg implements mmio.Registers.
func (v *VUART) WriteReg(off, val, mask uint32) bool {
	if off >= 0x20 && off < 0x40 && mask&0xff != 0 {
		v.ctrl[(off-0x20)>>2] = uint8(val)
		return true
	}
	return v.UART.WriteReg(off, val, mask)
}

// Enabled reports GCRA's VUART enable bit.
func (v *VUART) Enabled() bool { return v.ctrl[0]&VUARTGCRAEnable != 0 }

// LPCAddress returns the host I/O address programmed in ADDRH:ADDRL.
func (v *VUART) LPCAddress() uint16 { return uint16(v.ctrl[3])<<8 | uint16(v.ctrl[2]) }

// SIRQ returns the host SerIRQ number (GCRB bits 7:4).
func (v *VUART) SIRQ() int { return int(v.ctrl[1] >> 4) }
