// Package sdmc models the AST2500 SDRAM memory controller (MCR) at
// 0x1e6e0000, including the DDR PHY register block behind it (PHY
// configuration 0x200-0x2FF, PHY status 0x300-0x3FF).
//
// The emulated DRAM needs no training, so the model's job is to look like a
// controller whose DRAM and PHY work: the configuration register reports
// the real RAM size, the PHY-initialisation, DRAM self-test and
// cache-initialisation handshakes that boot firmware polls complete at once
// and never fail, and the PHY status words report a successful calibration
// with training windows comfortably inside the limits the ASPEED
// initialisation code checks. Everything else stores what the firmware
// writes. docs/uboot-compat.md lists the firmware sequences this was
// checked against.
//
// Sources:
//   - Linux drivers/edac/aspeed_edac.c: protection key 0xFC600309 written
//     around every write, MCR04 bit 4 (DDR4) and bit 7 (ECC), MCR50
//     interrupt control (enables [1:0], clear bit 31, error counters
//     [23:16]/[15:12]), MCR58/MCR5C error addresses.
//   - U-Boot drivers/ram/aspeed/sdram_ast2500.c (formerly
//     arch/arm/mach-aspeed/ast2500/sdram_ast2500.c) and
//     arch/arm/include/asm/arch-aspeed/sdram_ast2500.h: register layout,
//     polls of MCR00 (unlock reads non-zero, lock reads zero), MCR60 bit 0
//     (PHY init self-clears), MCR70 bit 12/13 (test done/fail, test enable
//     bit 0), MCR04 bit 19 (cache init done); MCR04[1:0] size encoding
//     128/256/512/1024 MiB = 0..3.
//   - ASPEED SDK DRAM init as carried by OpenBMC U-Boot v2016.07
//     (arch/arm/mach-aspeed/ast2500/platform.S, version 18): MCR70 is
//     written 0 before each test command and then polled for bits
//     12|13; PHY status 0x300 bits 17 and 19 flag a failed PHY init;
//     0x3A0 holds the gate-training pass windows (two 16-bit halves, each
//     must be at least 0x150) and 0x3D0 the read-eye pass windows (DQL in
//     [7:0], DQH in [15:8], each at least 0x90, and at least 0x9A on DDR4
//     to avoid a "margin too small" warning); MCR34 bits [30:28] are
//     polled until clear (DLL ready) on DDR3.
//   - QEMU hw/misc/aspeed_sdmc.c: AST2500 read-only MCR04 fields (hardware
//     version 1 in [31:28], cache init done, VGA aperture), and the DDR PHY
//     status words at 0x400/0x450/0x468/0x47C that the ASPEED SDK U-Boot
//     checks.
package sdmc

import (
	"fmt"

	"github.com/ast2500emu/ast2500emu/mmio"
)

// Register offsets.
const (
	RegProt     = 0x00
	RegConf     = 0x04
	RegIntCtrl  = 0x50
	RegErrUnrec = 0x58
	RegErrRec   = 0x5C
	RegPower    = 0x34
	RegPHYCtrl0 = 0x60
	RegTestCtrl = 0x70
	// DDR PHY status words (read-only).
	RegPHYStatus = 0x300 // PHY init result: bits 17, 19 set on failure
	RegGateWin   = 0x3A0 // gate training pass window, two 16-bit lanes
	RegReadEye   = 0x3D0 // read data eye pass window: DQL [7:0], DQH [15:8]
)

// UnlockKey is the MCR00 protection key.
const UnlockKey = 0xFC600309

// MCR04 fields.
const (
	ConfSizeMask      = 0x3
	ConfVGAApertureSh = 2
	ConfDDR4          = 1 << 4
	ConfECC           = 1 << 7
	ConfCacheInitDone = 1 << 19
	confHWVersion     = 1 << 28
	// Read-only: hardware version, cache init done, reserved [18:14],
	// VGA compatibility (bit 6), VGA aperture [3:2] and the size [1:0].
	confReadOnly = 0xF<<28 | ConfCacheInitDone | 0x1F<<14 | 1<<6 | 3<<2 | ConfSizeMask
)

const (
	intCtrlCounters = 0xFF<<16 | 0xF<<12
	powerDLLBusy    = 0x7 << 28 // MCR34 [30:28]: DLL not ready (reads 0)
	phyInitBusy     = 1 << 0
	testEnable      = 1 << 0
	testDone        = 1 << 12
	testFail        = 1 << 13
	phyStatusBase   = 0x300
	phyStatusEnd    = 0x400
	regsSize        = 0x500
	vga16MiB        = 1 // MCR04[3:2]: 8/16/32/64 MiB = 0..3

	// Training results the PHY status block reports: every byte lane's
	// gate window 0x1C0 (limit 0x150) and read-eye window 0xC8 = 200/510
	// of a clock (limit 0x90, DDR4 warning below 0x9A).
	gateWindow = 0x01C0<<16 | 0x01C0
	readEye    = 0xC8<<8 | 0xC8
)

// SDMC is the memory controller. It implements mmio.Device and
// mmio.Resetter.
type SDMC struct {
	mmio.Port
	log      *mmio.Log
	sizeBits uint32
	regs     *mmio.RegFile
}

// New returns a controller for ramSize bytes of DRAM, which must be 128,
// 256, 512 or 1024 MiB (New panics otherwise: that is a machine
// construction error, not something the guest can cause).
func New(ramSize uint64, log *mmio.Log) *SDMC {
	var bits uint32
	switch ramSize {
	case 128 << 20:
		bits = 0
	case 256 << 20:
		bits = 1
	case 512 << 20:
		bits = 2
	case 1024 << 20:
		bits = 3
	default:
		panic(fmt.Sprintf("sdmc: unsupported RAM size %d (want 128/256/512/1024 MiB)", ramSize))
	}
	s := &SDMC{log: log, sizeBits: bits, regs: mmio.NewRegFile("sdmc", log, regsSize)}
	s.describe()
	s.Port = mmio.NewPort("sdmc", log, mmio.Access{}, s)
	s.Reset()
	return s
}

// describe fills the register table: storage, except for the read-only
// fields, the error registers and the PHY status block. Values not zero at
// power-on: DRAM already initialised, the DDR PHY ready, calibration
// passed, eye windows all open.
func (s *SDMC) describe() {
	f := s.regs
	f.Span(mmio.Reg{Kind: mmio.RW}, 0, regsSize-4)
	f.Set(mmio.Reg{Kind: mmio.RW, RO: confReadOnly, Reset: s.fixedConf()}, RegConf)
	// Error counters are read-only; no ECC errors are ever injected, so
	// they stay zero and bit 31 has nothing to clear.
	f.Set(mmio.Reg{Kind: mmio.RW, RO: intCtrlCounters}, RegIntCtrl)
	f.Set(mmio.Reg{Kind: mmio.RO}, RegErrUnrec, RegErrRec)
	// PHY status: written by the PHY, not by software.
	f.Span(mmio.Reg{Kind: mmio.RO}, phyStatusBase, phyStatusEnd-4)
	f.Set(mmio.Reg{Kind: mmio.RO, Reset: gateWindow}, RegGateWin)
	f.Set(mmio.Reg{Kind: mmio.RO, Reset: readEye}, RegReadEye)
	f.SetReset(0x400, 1<<1)
	f.SetReset(0x450, 0x0FFFFFFF)
	f.SetReset(0x468, 0xFF)
	f.SetReset(0x47C, 0xFF)
}

// Reset restores the power-on state: locked, DRAM already initialised.
func (s *SDMC) Reset() { s.regs.Reset() }

func (s *SDMC) fixedConf() uint32 {
	return confHWVersion | ConfCacheInitDone | vga16MiB<<ConfVGAApertureSh | s.sizeBits
}

// Locked reports whether register writes are currently ignored.
func (s *SDMC) Locked() bool { return s.regs.Get(RegProt) == 0 }

// ReadReg implements mmio.Registers.
func (s *SDMC) ReadReg(off, mask uint32) (uint32, bool) { return s.regs.ReadReg(off, mask) }

// WriteReg implements mmio.Registers.
func (s *SDMC) WriteReg(off, val, mask uint32) bool {
	if off >= regsSize {
		return false
	}
	if off == RegProt {
		if mask == 0xffffffff && val == UnlockKey {
			s.regs.Put(RegProt, 1)
		} else {
			s.regs.Put(RegProt, 0)
		}
		return true
	}
	if s.Locked() && s.regs.Info(off).Kind == mmio.RW {
		s.log.GuestError("sdmc", "write 0x%x to MCR%02X while locked ignored", val, off)
		return true
	}
	s.regs.WriteReg(off, val, mask)
	v := s.regs.Get(off)
	switch off {
	case RegPower:
		// The DLLs lock at once: the status field never reads busy.
		v &^= powerDLLBusy
	case RegPHYCtrl0:
		// PHY initialisation completes at once.
		v &^= phyInitBusy
	case RegTestCtrl:
		// Starting a test (enable bit set) finishes it at once, passed;
		// writing the enable bit clear returns the engine to idle with
		// done and fail clear, as the SDK code expects between tests.
		v &^= testDone | testFail
		if v&testEnable != 0 {
			v |= testDone
		}
	}
	s.regs.Put(off, v)
	return true
}
