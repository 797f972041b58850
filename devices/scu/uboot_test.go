package scu

// Register-level replays of the SCU accesses real AST2500 boot firmware
// makes, through Read/Write only: every poll is bounded (the model must
// satisfy it at once), and every value the firmware decides on is checked
// against what the firmware would conclude. docs/uboot-compat.md
// summarises them.

import (
	"bytes"
	"testing"

	"github.com/ast2500emu/ast2500emu/devices/sdmc"
	"github.com/ast2500emu/ast2500emu/mmio"
)

func rd(s *SCU, off uint32) uint32    { return s.Read(off, 4) }
func wr(s *SCU, off uint32, v uint32) { s.Write(off, 4, v) }

func until(t *testing.T, s *SCU, what string, off uint32, cond func(uint32) bool) {
	t.Helper()
	for i := 0; i < 16; i++ {
		if cond(rd(s, off)) {
			return
		}
	}
	t.Fatalf("%s: poll of SCU%02X never satisfied (0x%08X): firmware would hang", what, off, rd(s, off))
}

// TestUBoot2016PlatformSSCU replays the SCU side of OpenBMC U-Boot
// v2016.07 arch/arm/mach-aspeed/ast2500/platform.S (lowlevel_init) up to
// the DRAM-init decision, and its "Miscellaneous Setting"/"Configure MAC
// timing" tail, for both board straps.
func TestUBoot2016PlatformSSCU(t *testing.T) {
	for _, strap := range []uint32{StrapRomulus, StrapEVB} {
		s, _ := newSCU(t, strap)
		wr(s, RegProtKey, ProtectionKey)

		// "Reset again": strap bit 27 set means a first SoC reset through
		// WDT1 is still to be done. Neither board strap has it, so the
		// firmware takes bypass_first_reset.
		if rd(s, RegStrap)&(1<<27) != 0 {
			t.Fatalf("strap %#x: bit 27 set, platform.S would do its first watchdog SoC reset", strap)
		}
		// Scratch bit 7: BMC firmware is the DRAM initialiser.
		wr(s, RegScratch1, rd(s, RegScratch1)|0x80)
		// eSPI strap (bit 25) -> LPC reset source via SCU7C.
		if rd(s, RegStrap)&(1<<25) != 0 {
			wr(s, RegSiliconRev, 1<<14)
		}
		// USB port setup; strap bit 23 set would take the USB PHY init
		// path with a 1 ms Timer3 delay.
		wr(s, RegClkStop, rd(s, RegClkStop)|0x4000)
		wr(s, 0x90, 0x2000A000)
		wr(s, 0x94, 0x00004000)
		if rd(s, RegStrap)&(1<<23) != 0 {
			t.Errorf("strap %#x: bit 23 set, USB init path and 25 MHz CLKIN", strap)
		}
		// DRAM already initialised (SCU40 bit 6): the model's power-on
		// value says so, as QEMU's does, so the SDK DRAM init is skipped
		// and platform_exit runs (its DRAM-init path is replayed in
		// devices/sdmc TestUBoot2016PlatformSInit).
		if rd(s, RegScratch1)>>6&1 != 1 {
			t.Errorf("SCU40 = %#x: bit 6 clear, platform.S would run the full DRAM init", rd(s, RegScratch1))
		}
		// DDR4 strap (bit 24) selects ddr4_init.
		if rd(s, RegStrap)&(1<<24) == 0 {
			t.Errorf("strap %#x: DDR3 selected; v2019.04 DM driver would fail with -EINVAL", strap)
		}

		// DRAM-init path SCU writes (when it runs): VGA display off, M-PLL,
		// and the UART divisor choice from SCU2C bit 12.
		wr(s, RegMiscCtrl, rd(s, RegMiscCtrl)|0x40)
		wr(s, RegMPLL, 0x930023A0)
		if rd(s, RegMPLL) != 0x930023A0 {
			t.Error("SCU20 M-PLL write lost")
		}
		if rd(s, RegMiscCtrl)>>12&1 != 0 {
			t.Error("SCU2C bit 12 set: UART5 would be programmed for 24MHz/13")
		}
		wr(s, RegScratch1, rd(s, RegScratch1)|0x41)
		wr(s, RegMiscCtrl, rd(s, RegMiscCtrl)&^0x40)

		// Miscellaneous Setting.
		wr(s, RegClkStop, rd(s, RegClkStop)&0xF9FFFFFF|0x10000000)
		wr(s, RegClkSel, rd(s, RegClkSel)&0x0ffffff3)
		wr(s, RegResetCtrl, rd(s, RegResetCtrl)&^0x00400000)
		// Configure MAC timing: D2-PLL 250 MHz, MAC delays, MHCLK divider.
		wr(s, 0x13C, 0x585)
		wr(s, RegMiscCtrl, rd(s, RegMiscCtrl)&^0x10|0x00200000)
		d2 := uint32(0x8E00A17C)
		if rd(s, RegStrap)>>23&1 != 0 {
			d2 = 0x8E00A177
		}
		wr(s, RegD2PLL, d2)
		wr(s, 0x13C, 0x580)
		wr(s, 0x4C, rd(s, 0x4C)&^0xFF0000|0x40000)
		for _, o := range []uint32{0x48, 0xB8, 0xBC} {
			wr(s, o, 0x80082208)
		}
		div := uint32(4)
		if rd(s, RegStrap)&0xC0 != 0 {
			div = 2 // RGMII
		}
		wr(s, RegClkSel, rd(s, RegClkSel)&^0x70000|div<<16)
		wr(s, 0x1DC, 0x00666400)
		wr(s, 0x90, rd(s, 0x90)&^0xF000&^0x20000000)

		for off, want := range map[uint32]uint32{
			RegD2PLL: d2, 0x13C: 0x580, 0x48: 0x80082208, 0xB8: 0x80082208,
			0xBC: 0x80082208, 0x1DC: 0x00666400,
		} {
			if got := rd(s, off); got != want {
				t.Errorf("SCU%02X = %#x, want %#x", off, got, want)
			}
		}
		if got := rd(s, RegClkSel) >> 16 & 7; got != div {
			t.Errorf("SCU08 MAC AHB divider = %d, want %d", got, div)
		}
		if got := rd(s, RegScratch1); got&0xC1 != 0xC1 {
			t.Errorf("SCU40 = %#x, want bits 7, 6, 0", got)
		}
	}
}

// TestUBoot2016SCUInfo replays the SCU reads of OpenBMC U-Boot v2016.07
// arch/arm/mach-aspeed/ast-scu.c used by board/aspeed/ast-g5 at boot:
// ast_scu_revision_id (SCU7C against its SoC table), ast_scu_sys_rest_info
// (SCU3C flags, cleared by writing them back), ast_get_h_pll_clk and
// ast_get_ahbclk (SCU24, SCU70[11:9]), ast_scu_get_vga_memsize
// (SCU70[3:2]), ast_scu_get_who_init_dram (SCU40 bit 7).
func TestUBoot2016SCUInfo(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	if got := rd(s, RegSiliconRev); got != 0x04010303 {
		t.Errorf("SCU7C = %#x: not \"AST2500-A1\" in the U-Boot SoC table", got)
	}
	// Power-on: flag bit 0; the firmware clears it by writing it back.
	if rd(s, RegResetStatus)&7 != 1 {
		t.Errorf("SCU3C = %#x, want power-on flag only", rd(s, RegResetStatus))
	}
	wr(s, RegProtKey, ProtectionKey)
	wr(s, RegResetStatus, 1)
	if rd(s, RegResetStatus) != 0 {
		t.Errorf("SCU3C not cleared by writing the flag")
	}
	s.SetResetCause(ResetWDT2)
	if rd(s, RegResetStatus)&(1<<3) == 0 {
		t.Errorf("SCU3C lacks the WDT2 flag after a WDT2 reset")
	}
	// H-PLL: 24 MHz * (M+1)/(N+1)/(P+1) from SCU24 = 792 MHz; AHB =
	// HPLL / 2 (AXI) / (SCU70[11:9]+1).
	h := rd(s, RegHPLL)
	hpll := 24000000 * ((h>>5)&0xff + 1) / ((h & 0x1f) + 1) / ((h>>13)&0x3f + 1)
	if hpll != 792000000 {
		t.Errorf("H-PLL from SCU24 %#x = %d, want 792 MHz", h, hpll)
	}
	ahb := hpll / 2 / ((rd(s, RegStrap)>>9)&7 + 1)
	if uint64(ahb) != s.AHBHz() {
		t.Errorf("U-Boot AHB %d != model AHB %d", ahb, s.AHBHz())
	}
	if vga := uint32(8<<20) << (rd(s, RegStrap) >> 2 & 3); vga != 16<<20 {
		t.Errorf("VGA memory from SCU70 = %d MiB, want 16", vga>>20)
	}
	if rd(s, RegScratch1)>>7&1 != 1 {
		t.Errorf("SCU40 bit 7 clear: \"DRAM init by VBIOS\"")
	}
}

// TestUBoot2019Clocks replays U-Boot v2019.04
// arch/arm/mach-aspeed/ast2500/clk_ast2500.c (later
// drivers/clk/aspeed/clk_ast2500.c) and
// arch/arm/mach-aspeed/ast2500/lowlevel_init.S plus
// drivers/reset/ast2500-reset.c's SCU accesses: unlock/lock with
// read-back polls, clkin and H-PLL/M-PLL rates, the M-PLL set for the
// 400 MHz DDR clock, UART clocks, and SCU04 bit 0 (SDRAM reset by WDT)
// set and cleared around the SDRAM reset.
func TestUBoot2019Clocks(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	unlockPoll := func() {
		wr(s, RegProtKey, ProtectionKey)
		until(t, s, "ast_scu_unlock", RegProtKey, func(v uint32) bool { return v != 0 })
	}
	lockPoll := func() {
		wr(s, RegProtKey, ^uint32(ProtectionKey))
		until(t, s, "ast_scu_lock", RegProtKey, func(v uint32) bool { return v == 0 })
	}
	// lowlevel_init.S
	wr(s, RegProtKey, ProtectionKey)
	wr(s, RegScratch1, rd(s, RegScratch1)|0x80)
	if rd(s, RegStrap)&(1<<25) != 0 {
		wr(s, RegSiliconRev, 1<<14)
	}
	lockPoll()

	clkin := uint32(24000000)
	if rd(s, RegStrap)&(1<<23) != 0 {
		clkin = 25000000
	}
	if uint64(clkin) != s.ClkinHz() {
		t.Fatalf("clkin disagreement")
	}
	// ast2500_configure_ddr(400 MHz): the driver searches parameters and
	// writes them under unlock; the model stores them.
	mpll := rd(s, RegMPLL)&^(0x3f<<13|0xff<<5|0x1f) | 0<<13 | 15<<5 | 0
	unlockPoll()
	wr(s, RegMPLL, mpll)
	lockPoll()
	if got := rd(s, RegMPLL); got != mpll {
		t.Fatalf("SCU20 = %#x, want %#x", got, mpll)
	}
	m := rd(s, RegMPLL)
	if rate := clkin * ((m>>5&0xff + 1) / (m&0x1f + 1)) / (m>>13&0x3f + 1); rate != 384000000 {
		t.Errorf("M-PLL rate %d", rate)
	}
	// UART clock: SCU4C[28:24] select 192 MHz per UART, SCU2C bit 12
	// divides by 13: at reset neither, so 24 MHz.
	if rd(s, 0x4C)>>24&0x1f != 0 || rd(s, RegMiscCtrl)&(1<<12) != 0 {
		t.Errorf("UART clock not 24 MHz at reset (SCU4C %#x, SCU2C %#x)", rd(s, 0x4C), rd(s, RegMiscCtrl))
	}
	// ast2500_reset_assert for the SDRAM: SCU04 bit 0 around the WDT.
	unlockPoll()
	wr(s, RegResetCtrl, rd(s, RegResetCtrl)|1)
	if rd(s, RegResetCtrl)&1 == 0 {
		t.Error("SCU04 bit 0 not set")
	}
	wr(s, RegResetCtrl, rd(s, RegResetCtrl)&^1)
	lockPoll()
	if rd(s, RegResetCtrl)&1 != 0 {
		t.Error("SCU04 bit 0 not cleared")
	}
	// sdram_ast2500.c reads the DDR4 strap and the VGA size from SCU70.
	if rd(s, RegStrap)&(1<<24) == 0 {
		t.Error("DDR3 strap: the DM driver returns -EINVAL (\"Unsupported DRAM3\")")
	}
}

// TestVGASizeAgreement: U-Boot v2016.07 (ast-sdmc.c) takes the VGA
// carve-out from MCR04[3:2], v2019.04 (sdram_ast2500.c) from SCU70[3:2];
// both must give the same RAM size for the board straps.
func TestVGASizeAgreement(t *testing.T) {
	for _, strap := range []uint32{StrapRomulus, StrapEVB} {
		s, _ := newSCU(t, strap)
		m := sdmc.New(512<<20, mmio.NewLog(&bytes.Buffer{}))
		fromSCU := rd(s, RegStrap) >> 2 & 3
		fromMCR := m.Read(sdmc.RegConf, 4) >> 2 & 3
		if fromSCU != fromMCR {
			t.Errorf("strap %#x: VGA size SCU70 %d MiB, MCR04 %d MiB", strap, 8<<fromSCU, 8<<fromMCR)
		}
	}
}
