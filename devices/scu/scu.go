// Package scu models the AST2500 System Control Unit at 0x1e6e2000.
//
// The SCU holds the SoC's clock tree (PLL parameters, clock selection and
// clock stop bits), the block reset controls, the hardware strapping
// register, the silicon revision, the pin-mux registers, a scratch/handshake
// area shared with the boot firmware, a small interrupt controller (SCU18)
// and the hardware random number generator (SCU78).
//
// Sources:
//   - Linux drivers/clk/clk-aspeed.c: which registers the kernel reads to
//     derive clkin (SCU70 bit 23), HPLL (SCU24), AHB (SCU70[11:9]) and APB
//     (SCU08[25:23]); clock gates in SCU0C and resets in SCU04/SCUD4.
//   - Linux drivers/soc/aspeed/aspeed-socinfo.c: silicon id at SCU7C and
//     the chip id pair at SCU150/SCU154.
//   - Linux drivers/pinctrl/aspeed/pinctrl-aspeed-g5.c: pin-mux registers
//     SCU2C..SCUAC and SCUD0; "set bits in SCU70 are cleared from SCU7C".
//   - Linux drivers/irqchip/irq-aspeed-scu-ic.c: SCU18 enable bits [6:0],
//     write-1-to-clear status bits [22:16].
//   - Linux arch/arm/boot/dts/aspeed-g5.dtsi: timeriomem_rng polls SCU78.
//   - U-Boot arch/arm/include/asm/arch-aspeed/scu_ast2500.h: register map,
//     and that registers from 0x100 on are not key protected.
//   - QEMU hw/misc/aspeed_scu.c: AST2500 A1 reset values, protection key
//     semantics, strap set/clear semantics, read-only registers, the RNG
//     returning data whatever the enable bit says.
//   - ASPEED SDK U-Boot (ast_scu_sys_rest_info): SCU3C reset flags, bit 0
//     power-on, bit 1 external, bits 2..4 watchdog 1..3, cleared by writing
//     the flag back.
package scu

import (
	"github.com/ast2500emu/ast2500emu/mmio"
)

// Register offsets.
const (
	RegProtKey     = 0x00
	RegResetCtrl   = 0x04
	RegClkSel      = 0x08
	RegClkStop     = 0x0C
	RegIntCtrl     = 0x18
	RegD2PLL       = 0x1C
	RegMPLL        = 0x20
	RegHPLL        = 0x24
	RegMiscCtrl    = 0x2C
	RegResetStatus = 0x3C
	RegScratch1    = 0x40
	RegStrap       = 0x70
	RegRNGCtrl     = 0x74
	RegRNGData     = 0x78
	RegSiliconRev  = 0x7C
	RegStrap2      = 0xD0
	RegResetCtrl2  = 0xD4
	RegClkSel2     = 0xD8
	RegClkStop2    = 0xDC
	RegChipID0     = 0x150
	RegChipID1     = 0x154
)

// Well-known values.
const (
	// ProtectionKey unlocks the SCU when written to SCU00.
	ProtectionKey = 0x1688A8A8
	// SiliconRevA1 is the AST2500 A1 silicon id ("ASPEED AST2500 rev A1").
	SiliconRevA1 = 0x04010303
	// StrapRomulus is SCU70 on the OpenPOWER Romulus BMC.
	StrapRomulus = 0xF10AD206
	// StrapEVB is SCU70 on the ASPEED AST2500 evaluation board.
	StrapEVB = 0xF100C2E6
)

const (
	strapClkin25MHz = 1 << 23
	hpllBypass      = 1 << 20
	scuICEnable     = 0x7f       // SCU18 [6:0]
	scuICStatus     = 0x7f << 16 // SCU18 [22:16], write 1 to clear
	resetFlagMask   = 0x1f       // SCU3C [4:0]
	protectedEnd    = 0x100      // SCU04..SCUFC are key protected
	regsSize        = 0x200
)

// ResetCause is the reason for the last reset, as latched in SCU3C.
type ResetCause int

// Reset causes; the value is the SCU3C flag bit number.
const (
	ResetPowerOn  ResetCause = 0
	ResetExternal ResetCause = 1
	ResetWDT1     ResetCause = 2
	ResetWDT2     ResetCause = 3
	ResetWDT3     ResetCause = 4
)

// Config describes one SCU instance.
type Config struct {
	Strap      uint32 // SCU70 hardware strapping (StrapRomulus, StrapEVB)
	SiliconRev uint32 // SCU7C; 0 means SiliconRevA1
	Seed       uint64 // seeds the RNG and the chip id
	Log        *mmio.Log
	// Unlocked makes SCU00 read 1 at power-on, as if firmware had written
	// the key. Use it when the kernel is started without U-Boot.
	Unlocked bool
}

// SCU is the System Control Unit. It implements mmio.Device (through its
// Port) and mmio.Resetter.
type SCU struct {
	mmio.Port
	cfg   Config
	log   *mmio.Log
	regs  *mmio.RegFile
	rng   uint64
	apb   uint64
	onAPB []func(hz uint64)
}

// resetValues are the AST2500 A1 power-on values (QEMU's AST2500 table,
// which follows the datasheet), for registers that do not reset to zero.
var resetValues = map[uint32]uint32{
	RegResetCtrl: 0xFFCFFEDC,
	RegClkSel:    0xF3F40000,
	RegClkStop:   0x19FC3E8B,
	RegD2PLL:     0x00026108,
	RegMPLL:      0x00030291,
	RegHPLL:      0x93000400,
	RegMiscCtrl:  0x00000010,
	0x30:         0x20001A03, // PCI configuration #1
	0x34:         0x20001A03, // PCI configuration #2
	0x38:         0x04000030, // PCI configuration #3
	RegScratch1:  0x000000C0, // SoC scratch: DRAM init already completed
	0x4C:         0x00000023, // misc control #2
	RegRNGCtrl:   0x0000000E,
	0x84:         0x0000F000, // pin-mux #2
	0x88:         0x03000000, // pin-mux #3
	0x90:         0x0000A000, // pin-mux #5
	0x9C:         0x023FFFF3, // external reset selection (WDT reset mask)
	0xA4:         0xFFFF0000, // pin-mux #8
	0xA8:         0x000FFFFF, // pin-mux #9
	0xE0:         0x000000FF, // free running counter
	0xE4:         0x000000FF, // free running counter extension
	0x104:        0x80000000, // CPU2 base segment 1
	0x110:        0x1E600000, // CPU2 base segment 4
	0x114:        0xC0000000, // CPU2 base segment 5
	0x160:        0x00001903, // UART clock from HPLL
	0x180:        0x0000007B, // PCIe configuration
	0x1A4:        0x00002402, // BMC device id
}

// New returns an SCU in its power-on state.
func New(cfg Config) *SCU {
	if cfg.SiliconRev == 0 {
		cfg.SiliconRev = SiliconRevA1
	}
	s := &SCU{cfg: cfg, log: cfg.Log, regs: mmio.NewRegFile("scu", cfg.Log, regsSize)}
	s.Port = mmio.NewPort("scu", cfg.Log, mmio.Access{}, s)
	s.rng = cfg.Seed ^ 0x5c0a2500
	s.describe()
	for off, v := range resetValues {
		s.regs.SetReset(off, v)
	}
	s.regs.SetReset(RegStrap, cfg.Strap)
	s.regs.SetReset(RegSiliconRev, cfg.SiliconRev)
	// Chip id: a per-machine serial number, derived from the seed.
	id := splitmix(cfg.Seed ^ 0xc41b1d)
	s.regs.SetReset(RegChipID0, uint32(id))
	s.regs.SetReset(RegChipID1, uint32(id>>32))
	s.regs.Put(RegResetStatus, 1<<uint(ResetPowerOn))
	s.Reset()
	return s
}

// describe fills the register table. Offsets not named are unimplemented.
func (s *SCU) describe() {
	rw := mmio.Reg{Kind: mmio.RW}
	ro := mmio.Reg{Kind: mmio.RO}
	rsvd := mmio.Reg{Kind: mmio.Reserved}
	f := s.regs
	// 0x00..0x4C: key, resets, clocks, PLLs, misc, PCI, reset status,
	// SoC scratch, MAC clock delay, misc #2.
	f.Span(rw, 0x00, 0x4C)
	f.Set(ro, 0x14)        // frequency counter comparison result
	f.Span(ro, 0x50, 0x6C) // VGA scratch: written by the host side
	f.Set(rw, 0x74)
	f.Span(rw, 0x80, 0x94) // pin-mux #1..#6
	f.Set(rsvd, 0x98)
	f.Set(rw, 0x9C)
	f.Span(rw, 0xA0, 0xAC) // pin-mux #7..#10
	f.Set(rsvd, 0xB0, 0xB4)
	f.Set(rw, 0xB8, 0xBC, 0xC0, 0xC4)
	f.Set(rsvd, 0xC8, 0xCC)
	f.Set(rw, RegStrap2, RegResetCtrl2, RegClkSel2, RegClkStop2)
	f.Set(ro, 0xE0, 0xE4) // free running counter
	f.Set(rw, 0xE8)       // clock duty measurement control
	f.Set(ro, 0xEC)       // clock duty measurement result
	f.Span(rsvd, 0xF0, 0xFC)
	f.Span(rw, 0x100, 0x128) // CPU2 (coprocessor) control and windows
	f.Set(rsvd, 0x12C)
	f.Span(rw, 0x130, 0x148) // D-PLL/D2-PLL/M-H-PLL extended parameters
	f.Set(rsvd, 0x14C)
	f.Set(ro, RegChipID0, RegChipID1)
	f.Set(rsvd, 0x158, 0x15C)
	f.Set(rw, 0x160)
	f.Span(rsvd, 0x164, 0x17C)
	f.Span(rw, 0x180, 0x198) // PCIe / BMC decode windows
	f.Set(ro, 0x19C)         // BMC revision id
	f.Set(rsvd, 0x1A0)
	f.Set(ro, 0x1A4) // BMC device id
	f.Span(rsvd, 0x1A8, 0x1D8)
	f.Set(rw, 0x1DC) // clock duty selection
	// SCU18: enable bits are plain, status bits clear on 1.
	f.Set(mmio.Reg{Kind: mmio.RW, W1C: scuICStatus}, RegIntCtrl)
	// SCU3C: the reset flags clear on 1, the rest is reserved.
	f.Set(mmio.Reg{Kind: mmio.RW, W1C: resetFlagMask, RO: ^uint32(resetFlagMask)}, RegResetStatus)
	// SCU70: writing can only set strap bits (SCU7C clears them).
	f.Set(mmio.Reg{Kind: mmio.RW, W1S: 0xffffffff}, RegStrap)
	f.Set(ro, RegRNGData) // reads step the generator (ReadReg)
	// SCU7C reads the silicon id; writes clear straps (WriteReg), as does
	// SCU00, the key.
	f.Set(ro, RegSiliconRev)
}

// Reset restores the power-on register values. The SCU3C reset flags are
// kept (they record why the reset happened); the machine adds the cause with
// SetResetCause.
func (s *SCU) Reset() {
	flags := s.regs.Get(RegResetStatus)
	s.regs.Reset()
	s.regs.Put(RegResetStatus, flags)
	if s.cfg.Unlocked {
		s.regs.Put(RegProtKey, 1)
	}
	s.recomputeAPB()
}

// SetResetCause latches cause into the SCU3C reset flags. Flags accumulate
// until software clears them (write 1 to clear), as on hardware.
func (s *SCU) SetResetCause(cause ResetCause) {
	if cause < 0 || cause > ResetWDT3 {
		return
	}
	s.regs.Put(RegResetStatus, s.regs.Get(RegResetStatus)|1<<uint(cause))
}

// OnAPBChange registers fn to be called with the new PCLK rate whenever a
// register write changes it.
func (s *SCU) OnAPBChange(fn func(hz uint64)) {
	s.onAPB = append(s.onAPB, fn)
}

// ClkinHz returns the crystal input rate selected by strap bit 23.
func (s *SCU) ClkinHz() uint64 {
	if s.regs.Get(RegStrap)&strapClkin25MHz != 0 {
		return 25000000
	}
	return 24000000
}

// HPLLHz returns the H-PLL rate as Linux computes it from SCU24:
// clkin * ((M+1)/(N+1)) / (P+1), with the integer quotient the driver uses,
// or clkin when the PLL is bypassed.
func (s *SCU) HPLLHz() uint64 {
	v := s.regs.Get(RegHPLL)
	clkin := s.ClkinHz()
	if v&hpllBypass != 0 {
		return clkin
	}
	p := uint64(v>>13) & 0x3f
	m := uint64(v>>5) & 0xff
	n := uint64(v) & 0x1f
	mult := (m + 1) / (n + 1)
	return clkin * mult / (p + 1)
}

// AHBHz returns HCLK: HPLL / (2 * (SCU70[11:9] + 1)).
func (s *SCU) AHBHz() uint64 {
	r := uint64(s.regs.Get(RegStrap)>>9) & 7
	return s.HPLLHz() / (2 * (r + 1))
}

// APBHz returns PCLK: HPLL / (4 * (SCU08[25:23] + 1)).
func (s *SCU) APBHz() uint64 {
	d := uint64(s.regs.Get(RegClkSel)>>23) & 7
	return s.HPLLHz() / (4 * (d + 1))
}

// UARTClockHz returns the UART reference clock: 24 MHz, divided by 13 when
// SCU2C bit 12 is set (as clk-aspeed.c assumes).
func (s *SCU) UARTClockHz() uint64 {
	if s.regs.Get(RegMiscCtrl)&(1<<12) != 0 {
		return 24000000 / 13
	}
	return 24000000
}

// Locked reports whether protected registers currently ignore writes.
func (s *SCU) Locked() bool { return s.regs.Get(RegProtKey) == 0 }

func (s *SCU) recomputeAPB() {
	hz := s.APBHz()
	if hz == s.apb {
		return
	}
	s.apb = hz
	for _, fn := range s.onAPB {
		fn(hz)
	}
}

// ReadReg implements mmio.Registers.
func (s *SCU) ReadReg(off, mask uint32) (uint32, bool) {
	if off == RegRNGData {
		// The generator runs whatever SCU74 says (the hardware returns
		// data with the enable bit clear too).
		s.rng += 0x9E3779B97F4A7C15
		s.regs.Put(RegRNGData, uint32(splitmix(s.rng)))
	}
	return s.regs.ReadReg(off, mask)
}

// WriteReg implements mmio.Registers.
func (s *SCU) WriteReg(off, val, mask uint32) bool {
	if s.regs.Info(off).Kind == mmio.Unimp {
		return false
	}
	if off == RegProtKey {
		if mask == 0xffffffff && val == ProtectionKey {
			s.regs.Put(RegProtKey, 1)
		} else {
			s.regs.Put(RegProtKey, 0)
		}
		return true
	}
	if off < protectedEnd && s.Locked() {
		s.log.GuestError("scu", "write 0x%x to SCU%02X while locked ignored", val, off)
		return true
	}
	switch off {
	case RegSiliconRev:
		// Writing SCU7C clears the strap bits written as 1.
		s.regs.Put(RegStrap, s.regs.Get(RegStrap)&^(val&mask))
		s.recomputeAPB()
		return true
	}
	s.regs.WriteReg(off, val, mask)
	if off == RegClkSel || off == RegHPLL || off == RegStrap {
		s.recomputeAPB()
	}
	return true
}

// splitmix is the SplitMix64 output function.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}
