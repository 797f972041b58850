// Package lpc models the BMC side of the AST2500 LPC controller at
// 0x1e789000 (4 KiB, one VIC line, 8, shared by all LPC sub-functions and,
// in the SoC, by the VUART).
//
// The block is a syscon that several Linux drivers share through one
// regmap:
//
//   - four KCS (IPMI keyboard controller style) channels. Each has an input
//     data register IDR (written by the host, read by the BMC), an output
//     data register ODR (written by the BMC, read by the host) and a status
//     register STR: bit 0 OBF (output buffer full), 1 IBF (input buffer
//     full), 3 C/D (last host write was to the command port); bit 2 and
//     bits 7:4 are free for firmware (SMS_ATN, the IPMI state). OBF, IBF and
//     C/D are read-only to the BMC. A BMC write to ODR sets OBF; a host read
//     of ODR clears it. A host write to the data or command port stores the
//     byte in IDR, sets IBF and sets/clears C/D; a BMC read of IDR clears IBF.
//     Channels 1-3 are enabled by HICR0 LPC1E/LPC2E/LPC3E (channel 3 also
//     needs HICR4 KCSENBL), channel 4 by HICRB LPC4E; the IBF interrupt is
//     enabled by HICR2 IBFIE1-3 and HICRB IBFIE4. The interrupt is a level:
//     high while IBF is set on an enabled channel with IBFIE set.
//     Host I/O addresses: channels 1 and 2 share the LADR12H/LADR12L
//     register pair, banked by HICR4 LADR12AS (0: channel 1, 1: channel 2);
//     their status port is data+4, or LSADR12 when HICRB EN16LADR1/2 is
//     set. Channel 3 uses LADR3H/LADR3L with status at data+1; channel 4
//     uses LADR4 (data in [15:0], status in [31:16]).
//   - the iBT (IPMI block transfer) interface at 0x140 (see bt.go).
//   - the LPC snoop (port 80 capture): HICR5 bits 0/2 enable snooping of
//     the host I/O write addresses in SNPWADR [15:0]/[31:16], bits 1/3
//     enable the interrupt; a matching host write stores the byte in SNPWDR
//     [7:0]/[15:8] and sets HICR6 bit 0/1 (write 1 to clear).
//   - the LPC-to-AHB firmware window (HICR5 ENFWH/ENL2H, HICR7, HICR8):
//     stored only, there is no host to issue firmware cycles.
//   - the LPC reset controller at 0x98 (reset-simple: bit set = in reset)
//     and the UART routing register HICRA at 0x9c: stored.
//   - the LPC host controller (LHC) registers LHCR0.. at 0xa0-0xc3 and
//     0xc8-0xcf, which the pinctrl driver reads back (LHCR0 bit 0): stored.
//   - SIRQCR0 at 0x70 (serial IRQ 1/12 assertion for KCS channel 1) and
//     HICRC at 0x104 (KCS4 SerIRQ setup): stored.
//
// There is no LPC host attached by default. The Host* methods act as the
// host for a future host model or for tests; they must be called on the
// machine goroutine (use vclock.Post from elsewhere).
//
// Sources: Linux 6.1 drivers/char/ipmi/kcs_bmc_aspeed.c (register map,
// enable/IBFIE bits, LADR12AS banking, address rules), kcs_bmc.h (STR
// bits), drivers/char/ipmi/bt-bmc.c (iBT), drivers/soc/aspeed/
// aspeed-lpc-ctrl.c, aspeed-lpc-snoop.c, aspeed-uart-routing.c,
// drivers/pinctrl/aspeed/pinctrl-aspeed-g5.c (LHCR0), drivers/reset/
// reset-simple.c, arch/arm/boot/dts/aspeed-g5.dtsi (sub-node offsets);
// QEMU hw/misc/aspeed_lpc.c for facts (IBF set on host IDR write and
// cleared by the BMC's IDR read, ODR write sets OBF, all registers reset
// to zero).
package lpc

import (
	"github.com/ast2500emu/ast2500emu/mmio"
)

// Register offsets.
const (
	RegHICR0   = 0x000
	RegHICR1   = 0x004
	RegHICR2   = 0x008
	RegHICR3   = 0x00c
	RegHICR4   = 0x010
	RegLADR3H  = 0x014
	RegLADR3L  = 0x018
	RegLADR12H = 0x01c
	RegLADR12L = 0x020
	RegIDR1    = 0x024
	RegIDR2    = 0x028
	RegIDR3    = 0x02c
	RegODR1    = 0x030
	RegODR2    = 0x034
	RegODR3    = 0x038
	RegSTR1    = 0x03c
	RegSTR2    = 0x040
	RegSTR3    = 0x044
	RegSIRQCR0 = 0x070
	RegHICR5   = 0x080
	RegHICR6   = 0x084
	RegHICR7   = 0x088
	RegHICR8   = 0x08c
	RegSNPWADR = 0x090
	RegSNPWDR  = 0x094
	RegHICR9   = 0x098 // LPC reset controller
	RegHICRA   = 0x09c // UART routing
	RegLHCR0   = 0x0a0
	RegHICRB   = 0x100
	RegHICRC   = 0x104
	RegLADR4   = 0x110
	RegIDR4    = 0x114
	RegODR4    = 0x118
	RegSTR4    = 0x11c
	RegLSADR12 = 0x120

	Size = 0x1000
)

// Bits.
const (
	HICR0LPC1E     = 1 << 5
	HICR0LPC2E     = 1 << 6
	HICR0LPC3E     = 1 << 7
	HICR2IBFIE1    = 1 << 1
	HICR2IBFIE2    = 1 << 2
	HICR2IBFIE3    = 1 << 3
	HICR4KCSENBL   = 1 << 2
	HICR4LADR12AS  = 1 << 7
	HICRBLPC4E     = 1 << 0
	HICRBIBFIE4    = 1 << 1
	HICRBEN16LADR1 = 1 << 4
	HICRBEN16LADR2 = 1 << 5

	HICR5EnSnp0W    = 1 << 0
	HICR5EnIntSnp0W = 1 << 1
	HICR5EnSnp1W    = 1 << 2
	HICR5EnIntSnp1W = 1 << 3
	HICR6StrSnp0W   = 1 << 0
	HICR6StrSnp1W   = 1 << 1

	STROBF = 1 << 0
	STRIBF = 1 << 1
	STRCD  = 1 << 3
	strRO  = STROBF | STRIBF | STRCD
)

// NumKCS is the number of KCS channels, numbered 1..NumKCS as in Linux.
const NumKCS = 4

const name = "lpc"

type kcs struct {
	idr, odr, str byte
}

// LPC is the LPC controller. It implements mmio.Device and mmio.Resetter.
type LPC struct {
	mmio.Port
	irq   mmio.Line
	log   *mmio.Log
	level bool

	hicr   [5]uint32 // HICR0..HICR4
	ladr3  uint16
	ladr12 [2]uint16 // channel 1, channel 2 (banked by LADR12AS)
	kcs    [NumKCS]kcs
	sirq   uint32
	hicr5  uint32
	hicr6  uint32
	hicr7  uint32
	hicr8  uint32
	snpadr uint32
	snpdr  uint32
	hicr9  uint32
	hicra  uint32
	lhc    [0x30 / 4]uint32 // 0xa0..0xcf (0xc4 is a hole)
	hicrb  uint32
	hicrc  uint32
	ladr4  uint32
	lsadr  uint32

	bt bt
}

// New returns an LPC controller in its power-on state driving irq.
func New(irq mmio.Line, log *mmio.Log) *LPC {
	if irq == nil {
		irq = mmio.NoLine
	}
	l := &LPC{irq: irq, log: log}
	l.Port = mmio.NewPort(name, log, mmio.Access{}, l)
	l.Reset()
	return l
}

// Reset restores the power-on state (every register zero) and lowers the
// interrupt.
func (l *LPC) Reset() {
	port, irq, log, was := l.Port, l.irq, l.log, l.level
	*l = LPC{Port: port, irq: irq, log: log}
	l.bt.reset()
	if was {
		// Only drive the line on a change: VIC input 8 is shared with the
		// VUART.
		irq.Set(false)
	}
}

// IRQ reports the current level of the interrupt line.
func (l *LPC) IRQ() bool { return l.level }

func (l *LPC) update() {
	lv := false
	for ch := 1; ch <= NumKCS; ch++ {
		if l.kcs[ch-1].str&STRIBF != 0 && l.kcsEnabled(ch) && l.kcsIBFIE(ch) {
			lv = true
		}
	}
	if l.hicr6&HICR6StrSnp0W != 0 && l.hicr5&HICR5EnIntSnp0W != 0 {
		lv = true
	}
	if l.hicr6&HICR6StrSnp1W != 0 && l.hicr5&HICR5EnIntSnp1W != 0 {
		lv = true
	}
	if l.bt.irqPending() {
		lv = true
	}
	if lv != l.level {
		l.level = lv
		l.irq.Set(lv)
	}
}

func (l *LPC) kcsEnabled(ch int) bool {
	switch ch {
	case 1:
		return l.hicr[0]&HICR0LPC1E != 0
	case 2:
		return l.hicr[0]&HICR0LPC2E != 0
	case 3:
		return l.hicr[0]&HICR0LPC3E != 0 && l.hicr[4]&HICR4KCSENBL != 0
	case 4:
		return l.hicrb&HICRBLPC4E != 0
	}
	return false
}

func (l *LPC) kcsIBFIE(ch int) bool {
	switch ch {
	case 1:
		return l.hicr[2]&HICR2IBFIE1 != 0
	case 2:
		return l.hicr[2]&HICR2IBFIE2 != 0
	case 3:
		return l.hicr[2]&HICR2IBFIE3 != 0
	case 4:
		return l.hicrb&HICRBIBFIE4 != 0
	}
	return false
}

// kcsReg maps an offset to a KCS channel (1-based) and register kind
// (0 IDR, 1 ODR, 2 STR).
func kcsReg(off uint32) (ch, kind int, ok bool) {
	switch {
	case off >= RegIDR1 && off <= RegSTR3:
		i := int(off-RegIDR1) / 4
		return i%3 + 1, i / 3, true
	case off >= RegIDR4 && off <= RegSTR4:
		return 4, int(off-RegIDR4) / 4, true
	}
	return 0, 0, false
}

func lhcIndex(off uint32) (int, bool) {
	if off >= RegLHCR0 && off < 0xd0 && off != 0xc4 {
		return int(off-RegLHCR0) / 4, true
	}
	return 0, false
}

func (l *LPC) ladr12Bank() int {
	if l.hicr[4]&HICR4LADR12AS != 0 {
		return 1
	}
	return 0
}

// ReadReg implements mmio.Registers. Reads that pop data (KCS IDR, the
// BT FIFO) do so only when the access covers the register's low byte.
func (l *LPC) ReadReg(off, mask uint32) (uint32, bool) {
	sideEffects := mask&0xff != 0
	if ch, kind, ok := kcsReg(off); ok {
		k := &l.kcs[ch-1]
		switch kind {
		case 0:
			v := k.idr
			if sideEffects && k.str&STRIBF != 0 {
				k.str &^= STRIBF
				l.update()
			}
			return uint32(v), true
		case 1:
			return uint32(k.odr), true
		default:
			return uint32(k.str), true
		}
	}
	if i, ok := lhcIndex(off); ok {
		return l.lhc[i], true
	}
	if off >= btBase && off < btBase+btSize {
		return l.btRead(off-btBase, sideEffects)
	}
	switch off {
	case RegHICR0, RegHICR1, RegHICR2, RegHICR3, RegHICR4:
		return l.hicr[off/4], true
	case RegLADR3H:
		return uint32(l.ladr3 >> 8), true
	case RegLADR3L:
		return uint32(l.ladr3 & 0xff), true
	case RegLADR12H:
		return uint32(l.ladr12[l.ladr12Bank()] >> 8), true
	case RegLADR12L:
		return uint32(l.ladr12[l.ladr12Bank()] & 0xff), true
	case RegSIRQCR0:
		return l.sirq, true
	case RegHICR5:
		return l.hicr5, true
	case RegHICR6:
		return l.hicr6, true
	case RegHICR7:
		return l.hicr7, true
	case RegHICR8:
		return l.hicr8, true
	case RegSNPWADR:
		return l.snpadr, true
	case RegSNPWDR:
		return l.snpdr, true
	case RegHICR9:
		return l.hicr9, true
	case RegHICRA:
		return l.hicra, true
	case RegHICRB:
		return l.hicrb, true
	case RegHICRC:
		return l.hicrc, true
	case RegLADR4:
		return l.ladr4, true
	case RegLSADR12:
		return l.lsadr, true
	}
	return 0, false
}

// WriteReg implements mmio.Registers.
func (l *LPC) WriteReg(w, val, mask uint32) bool {
	merge := func(old uint32) uint32 { return mmio.Merge(old, val, mask) }

	if ch, kind, ok := kcsReg(w); ok {
		if mask&0xff == 0 {
			return true // only the low byte exists
		}
		k := &l.kcs[ch-1]
		b := byte(val)
		switch kind {
		case 0:
			l.log.GuestError(name, "write 0x%02x to KCS%d IDR (read-only for the BMC)", b, ch)
		case 1:
			k.odr = b
			k.str |= STROBF
		default:
			k.str = k.str&strRO | b&^strRO
		}
		return true
	}
	if i, ok := lhcIndex(w); ok {
		l.lhc[i] = merge(l.lhc[i])
		return true
	}
	if w >= btBase && w < btBase+btSize {
		l.btWrite(w-btBase, val, mask)
		return true
	}
	switch w {
	case RegHICR0, RegHICR1, RegHICR2, RegHICR3, RegHICR4:
		l.hicr[w/4] = merge(l.hicr[w/4])
	case RegLADR3H:
		if mask&0xff != 0 {
			l.ladr3 = l.ladr3&0xff | uint16(val&0xff)<<8
		}
	case RegLADR3L:
		if mask&0xff != 0 {
			l.ladr3 = l.ladr3&0xff00 | uint16(val&0xff)
		}
	case RegLADR12H:
		if mask&0xff != 0 {
			a := &l.ladr12[l.ladr12Bank()]
			*a = *a&0xff | uint16(val&0xff)<<8
		}
	case RegLADR12L:
		if mask&0xff != 0 {
			a := &l.ladr12[l.ladr12Bank()]
			*a = *a&0xff00 | uint16(val&0xff)
		}
	case RegSIRQCR0:
		l.sirq = merge(l.sirq)
	case RegHICR5:
		l.hicr5 = merge(l.hicr5)
	case RegHICR6:
		// Snoop status bits are write-1-to-clear; the rest is stored.
		st := HICR6StrSnp0W | HICR6StrSnp1W
		l.hicr6 = (merge(l.hicr6) &^ uint32(st)) | (l.hicr6 & uint32(st) &^ (val & mask))
	case RegHICR7:
		l.hicr7 = merge(l.hicr7)
	case RegHICR8:
		l.hicr8 = merge(l.hicr8)
	case RegSNPWADR:
		l.snpadr = merge(l.snpadr)
	case RegSNPWDR:
		l.log.GuestError(name, "write 0x%x to SNPWDR (read-only)", val)
	case RegHICR9:
		l.hicr9 = merge(l.hicr9)
	case RegHICRA:
		l.hicra = merge(l.hicra)
	case RegHICRB:
		l.hicrb = merge(l.hicrb)
	case RegHICRC:
		l.hicrc = merge(l.hicrc)
	case RegLADR4:
		l.ladr4 = merge(l.ladr4)
	case RegLSADR12:
		l.lsadr = merge(l.lsadr)
	default:
		return false
	}
	l.update()
	return true
}

// ---- Host side -------------------------------------------------------

// KCSPorts returns the host I/O addresses of KCS channel ch (1..4): its
// data and status (command) ports, as programmed by the BMC.
func (l *LPC) KCSPorts(ch int) (data, status uint16, ok bool) {
	switch ch {
	case 1, 2:
		data = l.ladr12[ch-1]
		status = data + 4
		en := uint32(HICRBEN16LADR1)
		sa := uint16(l.lsadr)
		if ch == 2 {
			en, sa = HICRBEN16LADR2, uint16(l.lsadr>>16)
		}
		if l.hicrb&en != 0 {
			status = sa
		}
	case 3:
		data = l.ladr3
		status = data + 1
	case 4:
		data, status = uint16(l.ladr4), uint16(l.ladr4>>16)
	default:
		return 0, 0, false
	}
	return data, status, true
}

// HostWrite acts as the LPC host writing b to KCS channel ch (1..4): to
// the command port when cmd is set, else to the data port. The byte lands
// in IDR, IBF is set and C/D records the port; the BMC is interrupted if
// IBFIE is set. It returns false when the channel does not exist or is not
// enabled (the host cycle is not decoded).
func (l *LPC) HostWrite(ch int, cmd bool, b byte) bool {
	if ch < 1 || ch > NumKCS || !l.kcsEnabled(ch) {
		return false
	}
	k := &l.kcs[ch-1]
	k.idr = b
	k.str |= STRIBF
	if cmd {
		k.str |= STRCD
	} else {
		k.str &^= STRCD
	}
	l.update()
	return true
}

// HostRead acts as the LPC host reading the data port of KCS channel ch:
// it returns ODR and clears OBF. ok is false when the channel does not
// exist or is not enabled.
func (l *LPC) HostRead(ch int) (b byte, ok bool) {
	if ch < 1 || ch > NumKCS || !l.kcsEnabled(ch) {
		return 0, false
	}
	k := &l.kcs[ch-1]
	k.str &^= STROBF
	return k.odr, true
}

// HostStatus acts as the LPC host reading the status port of KCS channel
// ch: it returns STR without side effects.
func (l *LPC) HostStatus(ch int) (b byte, ok bool) {
	if ch < 1 || ch > NumKCS || !l.kcsEnabled(ch) {
		return 0, false
	}
	return l.kcs[ch-1].str, true
}

// HostIOWrite acts as the LPC host performing an I/O write cycle of b to
// port: the snoop channels capture it, and a write to an enabled KCS data
// or status port reaches that channel. It reports whether any function
// claimed the cycle.
func (l *LPC) HostIOWrite(port uint16, b byte) bool {
	hit := false
	if l.hicr5&HICR5EnSnp0W != 0 && uint16(l.snpadr) == port {
		l.snpdr = l.snpdr&^0xff | uint32(b)
		l.hicr6 |= HICR6StrSnp0W
		hit = true
	}
	if l.hicr5&HICR5EnSnp1W != 0 && uint16(l.snpadr>>16) == port {
		l.snpdr = l.snpdr&^0xff00 | uint32(b)<<8
		l.hicr6 |= HICR6StrSnp1W
		hit = true
	}
	for ch := 1; ch <= NumKCS; ch++ {
		if !l.kcsEnabled(ch) {
			continue
		}
		d, s, _ := l.KCSPorts(ch)
		if port == d || port == s {
			l.HostWrite(ch, port == s && s != d, b)
			hit = true
			break
		}
	}
	l.update()
	return hit
}

// HostIORead acts as the LPC host performing an I/O read cycle of port:
// an enabled KCS data port returns ODR (clearing OBF), a status port
// returns STR. Unclaimed cycles read 0xff, like a floating bus.
func (l *LPC) HostIORead(port uint16) (byte, bool) {
	for ch := 1; ch <= NumKCS; ch++ {
		if !l.kcsEnabled(ch) {
			continue
		}
		d, s, _ := l.KCSPorts(ch)
		switch port {
		case d:
			return l.HostRead(ch)
		case s:
			return l.HostStatus(ch)
		}
	}
	return 0xff, false
}
