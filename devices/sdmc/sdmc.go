// Package sdmc models the AST2500 SDRAM memory controller (MCR) at
// 0x1e6e0000.
//
// The emulated DRAM needs no training, so the model's job is to look like a
// controller whose DRAM is already working: the configuration register
// reports the real RAM size, the cache-initialisation, PHY-initialisation
// and self-test handshakes that U-Boot polls complete at once and never
// fail, and everything else stores what the firmware writes.
//
// Sources:
//   - Linux drivers/edac/aspeed_edac.c: protection key 0xFC600309 written
//     around every write, MCR04 bit 4 (DDR4) and bit 7 (ECC), MCR50
//     interrupt control (enables [1:0], clear bit 31, error counters
//     [23:16]/[15:12]), MCR58/MCR5C error addresses.
//   - U-Boot arch/arm/mach-aspeed/ast2500/sdram_ast2500.c and
//     arch/arm/include/asm/arch-aspeed/sdram_ast2500.h: register layout,
//     polls of MCR00 (unlock reads non-zero), MCR60 bit 0 (PHY init
//     self-clears), MCR70 bits 12/13 (test done/fail), MCR04 bit 19 (cache
//     init done); MCR04[1:0] size encoding 128/256/512/1024 MiB = 0..3.
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
	RegPHYCtrl0 = 0x60
	RegTestCtrl = 0x70
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
	phyInitBusy     = 1 << 0
	testDone        = 1 << 12
	testFail        = 1 << 13
	regsSize        = 0x500
	vga16MiB        = 1 // MCR04[3:2]: 8/16/32/64 MiB = 0..3
)

// SDMC is the memory controller. It implements mmio.Device and
// mmio.Resetter.
type SDMC struct {
	log      *mmio.Log
	sizeBits uint32
	regs     [regsSize / 4]uint32
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
	s := &SDMC{log: log, sizeBits: bits}
	s.Reset()
	return s
}

// Reset restores the power-on state: locked, DRAM already initialised.
func (s *SDMC) Reset() {
	s.regs = [regsSize / 4]uint32{}
	s.regs[RegConf/4] = s.fixedConf()
	// DDR PHY status: PHY ready, calibration passed, eye windows all open.
	s.regs[0x400/4] = 1 << 1
	s.regs[0x450/4] = 0x0FFFFFFF
	s.regs[0x468/4] = 0xFF
	s.regs[0x47C/4] = 0xFF
}

func (s *SDMC) fixedConf() uint32 {
	return confHWVersion | ConfCacheInitDone | vga16MiB<<ConfVGAApertureSh | s.sizeBits
}

// Locked reports whether register writes are currently ignored.
func (s *SDMC) Locked() bool { return s.regs[0] == 0 }

// Read implements mmio.Device.
func (s *SDMC) Read(off uint32, size int) uint32 {
	base := off &^ 3
	if base >= regsSize {
		s.log.Unimplemented("sdmc", base, false, 0)
		return 0
	}
	return mmio.ReadSub(s.regs[base/4], off, size)
}

// Write implements mmio.Device.
func (s *SDMC) Write(off uint32, size int, val uint32) {
	base := off &^ 3
	if base >= regsSize {
		s.log.Unimplemented("sdmc", base, true, val)
		return
	}
	if base == RegProt {
		if size == 4 && val == UnlockKey {
			s.regs[0] = 1
		} else {
			s.regs[0] = 0
		}
		return
	}
	if s.Locked() {
		s.log.GuestError("sdmc", "write 0x%x to MCR%02X while locked ignored", val, base)
		return
	}
	old := s.regs[base/4]
	v := mmio.WriteSub(old, off, size, val)
	switch base {
	case RegConf:
		v = v&^confReadOnly | s.fixedConf()
	case RegIntCtrl:
		// Error counters are read-only; no ECC errors are ever
		// injected, so they stay zero and bit 31 has nothing to clear.
		v = v&^intCtrlCounters | old&intCtrlCounters
	case RegErrUnrec, RegErrRec:
		s.log.GuestError("sdmc", "write 0x%x to read-only MCR%02X", val, base)
		return
	case RegPHYCtrl0:
		// PHY initialisation completes at once.
		v &^= phyInitBusy
	case RegTestCtrl:
		// The DRAM self-test finishes at once and passes.
		v = v&^testFail | testDone
	}
	s.regs[base/4] = v
}
