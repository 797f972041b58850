package sdmc

// Register-level replays of the DRAM initialisation that real AST2500 boot
// firmware performs, driven through Read/Write only. Every poll loop has an
// iteration cap: the model must satisfy each poll within a handful of reads
// (firmware would otherwise spin forever), and no test depends on timing.
// docs/uboot-compat.md summarises what is checked here.

import (
	"testing"
)

// fw is a tiny firmware-side helper: 32-bit accesses and bounded polls.
type fw struct {
	t *testing.T
	s *SDMC
}

func (f fw) rd(off uint32) uint32     { return f.s.Read(off, 4) }
func (f fw) wr(off uint32, v uint32)  { f.s.Write(off, 4, v) }
func (f fw) set(off uint32, v uint32) { f.wr(off, f.rd(off)|v) }
func (f fw) clr(off uint32, v uint32) { f.wr(off, f.rd(off)&^v) }

// until polls off until cond holds; it fails the test after 16 reads,
// which on hardware would be a hang.
func (f fw) until(what string, off uint32, cond func(uint32) bool) uint32 {
	f.t.Helper()
	for i := 0; i < 16; i++ {
		if v := f.rd(off); cond(v) {
			return v
		}
	}
	f.t.Fatalf("%s: poll of 0x%03X never satisfied (last 0x%08X): firmware would hang", what, off, f.rd(off))
	return 0
}

// U-Boot v2019.04 (and mainline) DM driver constants, from
// arch/arm/include/asm/arch-aspeed/sdram_ast2500.h. The PHY range is the
// second "reg" of the sdrammc node: 0x1e6e0200.
const (
	phyBase       = 0x200
	testModeRW    = 2 << 1
	testErrStop   = 1 << 7
	testTwoModes  = 1 << 6
	confScramble  = 1<<8 | 1<<9
	confCacheEn   = 1 << 10
	confCacheInit = 1 << 12
	phyNRST       = 1 << 2
	phyAutoUpdate = 1 << 1
)

// cbrTest2019 replays ast2500_ddr_cbr_test: one read/write test, then the
// eight data-generator modes, each polled for done and checked for fail.
func cbrTest2019(f fw) bool {
	f.t.Helper()
	f.wr(0x0C, 1|0x5c<<8)
	f.wr(0x74, 0xfff<<4)
	f.wr(0x7C, 0xff00ff00)
	f.wr(RegTestCtrl, testEnable|testModeRW|testErrStop)
	f.until("cbr test", RegTestCtrl, func(v uint32) bool { return v&testDone != 0 })
	ok := f.rd(RegTestCtrl)&testFail == 0
	for i := uint32(0); ok && i <= 7; i++ {
		f.wr(RegTestCtrl, i<<3|testEnable|testErrStop|testTwoModes)
		f.until("cbr test mode", RegTestCtrl, func(v uint32) bool { return v&testDone != 0 })
		ok = f.rd(RegTestCtrl)&testFail == 0
	}
	f.wr(0x0C, 0)
	f.wr(RegTestCtrl, 0)
	return ok
}

// phyInit2019 replays ast2500_ddr_phy_init_process.
func phyInit2019(f fw) {
	f.t.Helper()
	f.wr(RegPHYCtrl0, 0)
	f.wr(phyBase+51*4, 0x4040)
	f.wr(RegPHYCtrl0, phyNRST|phyInitBusy)
	f.until("PHY init", RegPHYCtrl0, func(v uint32) bool { return v&phyInitBusy == 0 })
	f.wr(RegPHYCtrl0, phyNRST|phyAutoUpdate)
}

// TestUBoot2019DRAMInit replays U-Boot v2019.04
// arch/arm/mach-aspeed/ast2500/sdram_ast2500.c (moved to
// drivers/ram/aspeed/sdram_ast2500.c later, same sequence):
// ast2500_sdrammc_probe -> unlock, init_phy, init_ddr4 (PHY init process,
// Vref calibration over 63 CBR tests, cache init), lock. The SDRAM reset
// through the watchdog that precedes it and the memory size probe are not
// SDMC accesses (see docs/uboot-compat.md).
func TestUBoot2019DRAMInit(t *testing.T) {
	for i, mib := range []uint64{128, 256, 512, 1024} {
		s := newSDMC(mib << 20)
		f := fw{t, s}

		// ast2500_sdrammc_unlock
		f.wr(RegProt, UnlockKey)
		f.until("unlock", RegProt, func(v uint32) bool { return v != 0 })

		f.wr(RegPower, 1<<17|1<<7) // MREQI_DIS | RESETN_DIS
		f.wr(0x08, 0x2003000f)     // video unlock key
		f.wr(0x38, ^uint32(1<<10|1<<12))
		for j, v := range []uint32{0x88448844, 0x24422288, 0x22222222, 0x22222222} {
			f.wr(0x40+uint32(j)*4, v)
		}
		f.set(RegIntCtrl, 1<<31)

		// ast2500_sdrammc_init_phy
		for _, j := range []uint32{2, 6, 8, 10, 12, 42, 44} {
			f.wr(phyBase+j*4, 0)
		}
		f.wr(phyBase+16*4, 0x86000000)
		f.wr(phyBase+17*4, 0x00008600)
		f.wr(phyBase+18*4, 0x80000000)
		f.wr(phyBase+19*4, 0x80808080)

		// ast2500_sdrammc_init_ddr4
		f.wr(RegConf, 3|confScramble|ConfDDR4)
		for j, v := range []uint32{0x63604e37, 0xe97afa99, 0x00019000} {
			f.wr(0x10+uint32(j)*4, v)
		}
		f.wr(0x20, 0x08000000)
		f.wr(0x24, 0x400)
		f.wr(0x2C, 0x410)
		f.wr(0x30, 0x101)
		idx := []uint32{0, 1, 3, 4, 5, 56, 57, 58, 59, 60, 61, 62, 36, 49, 50}
		val := []uint32{0x42492aae, 0x09002000, 0x55e00b0b, 0x20000000, 0x24,
			0x03002900, 0x0e0000a0, 0x000e001c, 0x35b8c106, 0x08080607,
			0x9b000900, 0x0e400a00, 0x00100008, 0x3c183c3c, 0x00631e0e}
		for j := range idx {
			f.wr(phyBase+idx[j]*4, val[j])
		}
		f.wr(RegPower, 1|1<<4|2<<12|1<<7|1<<15|1<<8|1<<11)
		phyInit2019(f)

		// ast2500_sdrammc_ddr4_calibrate_vref: every Vref passes on the
		// model, so the window is 1..63 and the midpoint 32 is chosen.
		vmin, vmax, n := 0xff, 0, 0
		for v := 1; v < 0x40; v++ {
			f.wr(RegPHYCtrl0, 0)
			f.wr(phyBase+48*4, uint32(v)<<8|6)
			phyInit2019(f)
			if cbrTest2019(f) {
				n++
				vmin, vmax = min(vmin, v), max(vmax, v)
			} else if n > 0 {
				break
			}
		}
		if n != 63 || vmin != 1 || vmax != 63 {
			t.Fatalf("%d MiB: Vref window %d..%d (%d passes), want 1..63", mib, vmin, vmax, n)
		}
		f.wr(RegPHYCtrl0, 0)
		f.wr(phyBase+48*4, uint32(vmin+vmax+1)/2<<8|6)
		phyInit2019(f)
		if got := f.rd(phyBase + 48*4); got != 32<<8|6 {
			t.Errorf("PHY Vref register 0x2C0 = %#x, want %#x", got, 32<<8|6)
		}

		f.wr(0x0C, 1|1<<7|0x2f<<8)
		f.set(RegPower, 1<<1|1<<10)

		// ast2500_sdrammc_calc_size ends by writing the probed capacity
		// into MCR04[1:0] (the probe itself is plain DRAM accesses).
		f.wr(RegConf, f.rd(RegConf)&^ConfSizeMask|uint32(i))

		f.set(RegConf, confCacheInit)
		f.until("cache init", RegConf, func(v uint32) bool { return v&ConfCacheInitDone != 0 })
		f.set(RegConf, confCacheEn)
		f.wr(0x1C, 1<<3)
		f.wr(0x38, 0x7027ff00) // the request mask the driver enables
		f.clr(RegIntCtrl, 1<<31)

		// ast2500_sdrammc_lock
		f.wr(RegProt, ^uint32(UnlockKey))
		f.until("lock", RegProt, func(v uint32) bool { return v == 0 })

		conf := f.rd(RegConf)
		if conf&ConfSizeMask != uint32(i) || conf&ConfDDR4 == 0 || conf&confCacheEn == 0 {
			t.Errorf("%d MiB: final MCR04 %#x", mib, conf)
		}
		if f.rd(RegIntCtrl)&(1<<31) != 0 {
			t.Errorf("MCR50 reset-all bit stuck")
		}
	}
}

// phyInit2016 replays platform.S ddr_phy_init_process: poll MCR60 bit 0,
// then PHY status 0x300 bits 17/19 must be clear or the PHY is reset and
// the init fired again. It returns how many re-fires were needed.
func phyInit2016(f fw) int {
	f.t.Helper()
	for retry := 0; retry < 4; retry++ {
		f.until("DDR PHY init", RegPHYCtrl0, func(v uint32) bool { return v&1 == 0 })
		if f.rd(RegPHYStatus)&0x000A0000 == 0 {
			f.wr(RegPHYCtrl0, 6)
			return retry
		}
		f.wr(RegPHYCtrl0, 0)
		f.wr(RegPHYCtrl0, 5)
	}
	f.t.Fatalf("DDR PHY init never succeeded: platform.S retries forever")
	return 0
}

// cbrTest2016 replays platform.S cbr_test_start..cbr_test_pattern_end:
// write 0 then a test command to MCR70, wait for bits 12|13 within the
// firmware's own iteration budget, check bit 13.
func cbrTest2016(f fw, single bool) bool {
	f.t.Helper()
	run := func(cmd uint32) bool {
		f.wr(RegTestCtrl, 0)
		if f.rd(RegTestCtrl)&(testDone|testFail) != 0 {
			f.t.Fatalf("MCR70 not idle after writing 0: %#x", f.rd(RegTestCtrl))
		}
		f.wr(RegTestCtrl, cmd)
		f.until("DRAM test", RegTestCtrl, func(v uint32) bool { return v&(testDone|testFail) != 0 })
		return f.rd(RegTestCtrl)&testFail == 0
	}
	f.wr(0x74, 0x0000FFFF)
	f.wr(0x7C, 0xFF00FF00)
	ok := true
	if single {
		ok = run(0x85)
	}
	for m := uint32(0); ok && m < 4; m++ {
		ok = run(0xC1 | m<<3)
	}
	f.wr(RegTestCtrl, 0)
	return ok
}

// checkMargins replays platform.S's read training margin check (both the
// DDR3 and DDR4 paths): gate window halves >= 0x150, read eye DQL/DQH
// >= 0x90 (the comparisons are signed, on the register shifted as the
// assembly does). It returns false where platform.S jumps to
// ddr_test_fail, which resets the controller and starts over forever.
func checkMargins(f fw) bool {
	g := f.rd(RegGateWin)
	if int32(g&0xFFFF) < 0x150 || int32(g>>16) < 0x150 {
		return false
	}
	e := f.rd(RegReadEye)
	if int32(e&^0xFF00) < 0x90 || int32(e>>8) < 0x90 {
		return false
	}
	return true
}

// TestUBoot2016PlatformSInit replays the SDMC side of the ASPEED SDK DRAM
// init in OpenBMC U-Boot v2016.07-aspeed-openbmc (and the v2019.04
// ast-g5 boards), arch/arm/mach-aspeed/ast2500/platform.S v18, the path
// taken when SCU40 bit 6 is clear: the DDR4 PHY Vref scan and DDR Vref
// scan (each needing >= 16 passing settings), the final PHY init, the
// read-margin check, the cache init, the post-init DDR test and the
// margin report. The DDR3 branch's DLL-ready poll is replayed too.
func TestUBoot2016PlatformSInit(t *testing.T) {
	for _, ddr4 := range []bool{true, false} {
		s := newSDMC(512 << 20)
		f := fw{t, s}

		// reset_mmc .. wait_mmc_reset_done: key written until MCR00
		// reads exactly 1.
		f.wr(RegProt, UnlockKey)
		f.until("MMC unlock", RegProt, func(v uint32) bool { return v == 1 })
		f.wr(RegPower, 0x00020000)
		f.wr(RegPower, 0x00020080)
		f.wr(0x08, 0x2003000F)
		f.wr(0x38, 0xFFFFEBFF)
		f.wr(RegIntCtrl, 0x80000000)
		for _, o := range []uint32{0x208, 0x218, 0x220, 0x228, 0x230, 0x2a8, 0x2b0} {
			f.wr(o, 0)
		}
		f.wr(0x240, 0x86000000)
		f.wr(0x244, 0x00008600)
		f.wr(0x248, 0x80000000)
		f.wr(0x24c, 0x80808080)

		if !ddr4 {
			// ddr3_init
			f.wr(RegConf, 0x303)
			f.wr(0x200, 0x02492AAE)
			f.wr(0x2c0, 6)
			f.wr(RegPHYCtrl0, 5)
			f.wr(RegPower, 0x00020091)
			f.wr(0x120, 0) // platform.S keeps its state in MCR120
			phyInit2016(f)
			if f.rd(0x120) != 0 {
				t.Fatal("MCR120 (platform.S dispatch state) not kept")
			}
			if !checkMargins(f) {
				t.Fatal("DDR3: read training margin check fails: endless re-init")
			}
			f.wr(0x0C, 0x40)
			for _, v := range []uint32{5, 7, 3, 0x11} {
				f.wr(0x28, v)
			}
			f.wr(0x0C, 0x5C41)
			// ddr3_check_dllrdy
			f.until("DLL ready", RegPower, func(v uint32) bool { return v&0x70000000 == 0 })
			f.wr(0x0C, 0x42AA5C81)
			f.wr(RegPower, 0x0001AF93)
			f.wr(0x120, 0x71C1)
		} else {
			// ddr4_init
			f.wr(RegConf, 0x313)
			f.wr(0x200, 0x42492AAE)
			f.wr(0x2c4, 0x3C183C3C)
			f.wr(0x2c8, 0x00631E0E)
			f.wr(RegPower, 0x0001A991)

			// PHY Vref scan: settings 0x40..0x7F; the best is the one
			// with the widest read eye (min of DQL and DQH).
			f.wr(0x120, 1)
			f.wr(0x2c0, 0x1C06)
			pass, best, bestEye := 0, -1, uint32(0)
			for v := 0x40; v < 0x80; v++ {
				f.wr(RegPHYCtrl0, 0) // "Reset PHY" before each step
				f.wr(0x2cc, uint32(v|v<<8))
				f.wr(RegPHYCtrl0, 5)
				phyInit2016(f)
				if f.rd(0x120) != 1 {
					t.Fatal("MCR120 state lost")
				}
				if !cbrTest2016(f, true) {
					if pass > 0 {
						break
					}
					continue
				}
				pass++
				e := f.rd(RegReadEye)
				eye := min(e&0xFF, e>>8)
				if eye > bestEye {
					best, bestEye = v, eye
				}
			}
			if pass < 16 || best < 0 {
				t.Fatalf("PHY Vref scan: %d passes, best %#x: platform.S fails (needs >= 16)", pass, best)
			}
			f.wr(0x2cc, uint32(best|best<<8))

			// DDR Vref scan: settings 1..0x3F.
			f.wr(0x120, 2)
			lo, hi, pass := 0xFF, 0, 0
			for v := 1; v < 0x40; v++ {
				f.wr(RegPHYCtrl0, 0)
				f.wr(0x2c0, uint32(6|v<<8))
				f.wr(RegPHYCtrl0, 5)
				phyInit2016(f)
				if !cbrTest2016(f, true) {
					if pass > 0 {
						break
					}
					continue
				}
				pass++
				lo, hi = min(lo, v), max(hi, v)
			}
			f.wr(RegPHYCtrl0, 0)
			if pass < 16 {
				t.Fatalf("DDR Vref scan: %d passes (needs >= 16)", pass)
			}
			f.wr(0x2c0, uint32((lo+hi+1)/2<<8|6))
			f.wr(0x120, 3)
			f.wr(RegPHYCtrl0, 5)
			phyInit2016(f)
			if !checkMargins(f) {
				t.Fatalf("DDR4: read training margin check fails (0x3A0 %#x, 0x3D0 %#x): endless re-init",
					f.rd(RegGateWin), f.rd(RegReadEye))
			}
			f.wr(0x0C, 0x42AA5C81)
			f.wr(RegPower, 0x0001AF93)
			f.wr(0x120, 0x71C1)
		}

		// Calibration_End: size from the DRAM probe (512 MiB -> 2) written
		// over MCR04[1:0], version in [27:20], init date in MCR88.
		conf := f.rd(RegConf) &^ 3
		f.wr(RegConf, conf|2)
		f.wr(RegConf, f.rd(RegConf)|0x12<<20)
		f.wr(0x88, 0x20171027)
		// Enable DRAM cache.
		c := f.rd(RegConf)
		f.wr(RegConf, c|confCacheInit)
		f.until("DRAM cache init", RegConf, func(v uint32) bool { return v&ConfCacheInitDone != 0 })
		f.wr(RegConf, c|confCacheEn)
		f.wr(0x1C, 8)
		f.wr(0x38, 0xFFFFFF00)
		// ddr_test_start: one burst mode must pass or it is all redone.
		if !cbrTest2016(f, false) {
			t.Fatal("post-init DDR test fails: platform.S restarts DRAM init forever")
		}
		// Margin report: DDR4 (MCR04 bit 4) warns below 0x9A, DDR3 below
		// 0xB3.
		limit := uint32(0xB3)
		if f.rd(RegConf)&ConfDDR4 != 0 {
			limit = 0x9A
		}
		if ddr4 != (limit == 0x9A) {
			t.Errorf("MCR04 DDR4 bit does not follow what platform.S wrote")
		}
		e := f.rd(RegReadEye)
		if e&0xFF < limit || e>>8&0xFF < limit {
			t.Errorf("read eye %#x would print \"Warning: Margin too small\"", e)
		}
		// platform_exit: "disable MMC password".
		f.wr(RegProt, 0)
		if !s.Locked() {
			t.Error("MCR00 <- 0 should lock")
		}
		if got := f.rd(RegConf); got&3 != 2 || got&confCacheEn == 0 {
			t.Errorf("final MCR04 %#x", got)
		}
	}
}

// TestUBoot2016ECCInit replays platform.S's CONFIG_DRAM_ECC block: MCR70
// 0x221 (ECC memory init) polled for bit 12, then auto-scrub (0x400).
func TestUBoot2016ECCInit(t *testing.T) {
	s := newSDMC(512 << 20)
	f := fw{t, s}
	f.wr(RegProt, UnlockKey)
	f.wr(RegConf, f.rd(RegConf)|0x880)
	f.wr(0x54, 0x1E000000)
	f.wr(0x7C, 0)
	f.wr(0x74, 0)
	f.wr(RegTestCtrl, 0x221)
	f.until("ECC init", RegTestCtrl, func(v uint32) bool { return v&testDone != 0 })
	f.wr(RegTestCtrl, 0)
	f.wr(RegIntCtrl, 0x80000000)
	f.wr(RegIntCtrl, 0)
	f.wr(RegTestCtrl, 0x400)
	if got := f.rd(RegConf); got&ConfECC == 0 {
		t.Errorf("MCR04 ECC bit lost: %#x", got)
	}
	if got := f.rd(RegTestCtrl); got != 0x400 {
		t.Errorf("MCR70 after auto-scrub enable = %#x, want 0x400 (idle)", got)
	}
}

// TestPHYStatusReadOnly: the PHY status block keeps its training results
// whatever software writes.
func TestPHYStatusReadOnly(t *testing.T) {
	s := newSDMC(512 << 20)
	s.Write(RegProt, 4, UnlockKey)
	for _, o := range []uint32{RegPHYStatus, RegGateWin, RegReadEye} {
		before := s.Read(o, 4)
		s.Write(o, 4, 0xFFFFFFFF)
		if s.Read(o, 4) != before {
			t.Errorf("PHY status 0x%03X changed by a write", o)
		}
	}
	s.Write(RegPower, 4, 0x70000000|0x91)
	if got := s.Read(RegPower, 4); got != 0x91 {
		t.Errorf("MCR34 = %#x, want DLL status [30:28] clear and 0x91 kept", got)
	}
}
