package scu

import (
	"bytes"
	"testing"

	"github.com/ast2500emu/ast2500emu/mmio"
)

func newSCU(t *testing.T, strap uint32) (*SCU, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	s := New(Config{Strap: strap, Seed: 42, Log: mmio.NewLog(&buf)})
	return s, &buf
}

func unlock(s *SCU) { s.Write(RegProtKey, 4, ProtectionKey) }

func TestProtectionKey(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	if got := s.Read(RegProtKey, 4); got != 0 {
		t.Fatalf("SCU00 at reset = %d, want 0 (locked)", got)
	}
	old := s.Read(RegClkStop, 4)
	s.Write(RegClkStop, 4, 0)
	if got := s.Read(RegClkStop, 4); got != old {
		t.Fatalf("locked write changed SCU0C: %#x -> %#x", old, got)
	}
	unlock(s)
	if got := s.Read(RegProtKey, 4); got != 1 {
		t.Fatalf("SCU00 after key = %d, want 1", got)
	}
	s.Write(RegClkStop, 4, 0x1234)
	if got := s.Read(RegClkStop, 4); got != 0x1234 {
		t.Fatalf("SCU0C = %#x, want 0x1234", got)
	}
	s.Write(RegProtKey, 4, 0xdeadbeef)
	if got := s.Read(RegProtKey, 4); got != 0 {
		t.Fatalf("SCU00 after bad key = %d, want 0", got)
	}
	// Registers from 0x100 on are not protected.
	s.Write(0x100, 4, 0xabc)
	if got := s.Read(0x100, 4); got != 0xabc {
		t.Fatalf("SCU100 = %#x, want 0xabc while locked", got)
	}
}

func TestUnlockedConfig(t *testing.T) {
	s := New(Config{Strap: StrapEVB, Unlocked: true, Log: quietLog()})
	if s.Read(RegProtKey, 4) != 1 {
		t.Fatal("Unlocked config should read SCU00 = 1")
	}
	s.Write(RegProtKey, 4, 0)
	s.Reset()
	if s.Read(RegProtKey, 4) != 1 {
		t.Fatal("Reset should restore the unlocked state")
	}
}

func quietLog() *mmio.Log {
	l := mmio.NewLog(&bytes.Buffer{})
	return l
}

func TestIdentity(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	if got := s.Read(RegSiliconRev, 4); got != 0x04010303 {
		t.Fatalf("SCU7C = %#x", got)
	}
	if got := s.Read(RegStrap, 4); got != StrapRomulus {
		t.Fatalf("SCU70 = %#x", got)
	}
	if StrapEVB != 0xF100C2E6 {
		t.Fatal("StrapEVB constant changed")
	}
	// SoC scratch reports DRAM init done for the SDK U-Boot.
	if got := s.Read(RegScratch1, 4); got&0xC0 != 0xC0 {
		t.Fatalf("SCU40 = %#x", got)
	}
	// Byte and halfword reads of the revision.
	if got := s.Read(RegSiliconRev+2, 1); got != 0x01 {
		t.Fatalf("SCU7E byte = %#x", got)
	}
	if got := s.Read(RegSiliconRev+2, 2); got != 0x0401 {
		t.Fatalf("SCU7E half = %#x", got)
	}
	// Chip id is deterministic per seed and read-only.
	a0, a1 := s.Read(RegChipID0, 4), s.Read(RegChipID1, 4)
	s2, _ := newSCU(t, StrapRomulus)
	if s2.Read(RegChipID0, 4) != a0 || s2.Read(RegChipID1, 4) != a1 {
		t.Fatal("chip id differs with the same seed")
	}
	unlock(s)
	s.Write(RegChipID0, 4, 0)
	if s.Read(RegChipID0, 4) != a0 {
		t.Fatal("chip id is writable")
	}
	s.Write(RegSiliconRev, 4, 0) // clears no strap bits, revision unchanged
	if s.Read(RegSiliconRev, 4) != SiliconRevA1 {
		t.Fatal("silicon revision changed by write")
	}
}

func TestClockRates(t *testing.T) {
	for _, strap := range []uint32{StrapRomulus, StrapEVB} {
		s, _ := newSCU(t, strap)
		if got := s.HPLLHz(); got != 792000000 {
			t.Errorf("strap %#x: HPLL = %d, want 792 MHz", strap, got)
		}
		if got := s.AHBHz(); got != 198000000 {
			t.Errorf("strap %#x: AHB = %d, want 198 MHz", strap, got)
		}
		if got := s.APBHz(); got != 24750000 {
			t.Errorf("strap %#x: APB = %d, want 24.75 MHz", strap, got)
		}
	}
}

func TestAPBChangeCallback(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	var got []uint64
	s.OnAPBChange(func(hz uint64) { got = append(got, hz) })
	unlock(s)
	// PCLK divider field SCU08[25:23] = 1 -> HPLL/8.
	v := s.Read(RegClkSel, 4)&^(7<<23) | 1<<23
	s.Write(RegClkSel, 4, v)
	if len(got) != 1 || got[0] != 99000000 || s.APBHz() != 99000000 {
		t.Fatalf("callbacks %v, APB %d; want one call with 99 MHz", got, s.APBHz())
	}
	s.Write(RegClkSel, 4, v) // unchanged: no callback
	if len(got) != 1 {
		t.Fatalf("callback on unchanged rate: %v", got)
	}
	// Bypass the HPLL: everything runs from the 24 MHz crystal.
	s.Write(RegHPLL, 4, s.Read(RegHPLL, 4)|1<<20)
	if s.HPLLHz() != 24000000 || got[len(got)-1] != 3000000 {
		t.Fatalf("bypass: HPLL %d, callbacks %v", s.HPLLHz(), got)
	}
	// 25 MHz crystal strap (set through SCU70, cleared through SCU7C).
	s.Write(RegStrap, 4, 1<<23)
	if s.ClkinHz() != 25000000 || s.HPLLHz() != 25000000 {
		t.Fatalf("25MHz strap: clkin %d", s.ClkinHz())
	}
	s.Write(RegSiliconRev, 4, 1<<23)
	if s.ClkinHz() != 24000000 {
		t.Fatal("SCU7C did not clear the strap bit")
	}
	s.Reset()
	if s.APBHz() != 24750000 || got[len(got)-1] != 24750000 {
		t.Fatalf("after reset APB %d, callbacks %v", s.APBHz(), got)
	}
}

func TestStrapSetClear(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	unlock(s)
	s.Write(RegStrap, 4, 0) // writing zeros clears nothing
	if s.Read(RegStrap, 4) != StrapRomulus {
		t.Fatal("SCU70 write of 0 changed the strap")
	}
	s.Write(RegStrap, 4, 1<<21|1<<22)
	if s.Read(RegStrap, 4) != StrapRomulus|1<<21|1<<22 {
		t.Fatalf("SCU70 set: %#x", s.Read(RegStrap, 4))
	}
	s.Write(RegSiliconRev, 4, 1<<21)
	if s.Read(RegStrap, 4) != StrapRomulus|1<<22 {
		t.Fatalf("SCU7C clear: %#x", s.Read(RegStrap, 4))
	}
}

func TestRNG(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	a := []uint32{s.Read(RegRNGData, 4), s.Read(RegRNGData, 4), s.Read(RegRNGData, 4)}
	if a[0] == a[1] || a[1] == a[2] {
		t.Fatalf("RNG repeats: %#x", a)
	}
	s2, _ := newSCU(t, StrapRomulus)
	for i := range a {
		if got := s2.Read(RegRNGData, 4); got != a[i] {
			t.Fatalf("RNG not deterministic for the seed: %#x vs %#x", got, a[i])
		}
	}
	s3 := New(Config{Strap: StrapRomulus, Seed: 43, Log: quietLog()})
	if s3.Read(RegRNGData, 4) == a[0] {
		t.Fatal("different seeds give the same first value")
	}
}

func TestResetStatus(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	if got := s.Read(RegResetStatus, 4); got != 1 {
		t.Fatalf("SCU3C at power-on = %#x, want 1", got)
	}
	unlock(s)
	s.Write(RegResetStatus, 4, 1) // write 1 to clear
	if got := s.Read(RegResetStatus, 4); got != 0 {
		t.Fatalf("SCU3C after clear = %#x", got)
	}
	s.Reset()
	s.SetResetCause(ResetWDT1)
	if got := s.Read(RegResetStatus, 4); got != 1<<2 {
		t.Fatalf("SCU3C after watchdog reset = %#x, want 0x4", got)
	}
	s.SetResetCause(ResetCause(99)) // ignored
	unlock(s)
	s.Write(RegResetStatus, 4, 0) // writing 0 clears nothing
	if got := s.Read(RegResetStatus, 4); got != 1<<2 {
		t.Fatalf("SCU3C = %#x", got)
	}
}

func TestSCUInterruptControl(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	unlock(s)
	s.Write(RegIntCtrl, 4, 0x7f|0x7f<<16)
	if got := s.Read(RegIntCtrl, 4); got != 0x7f {
		t.Fatalf("SCU18 = %#x: enables stored, status bits never set by writes", got)
	}
}

func TestPinmuxAndMiscStore(t *testing.T) {
	s, _ := newSCU(t, StrapRomulus)
	unlock(s)
	for _, off := range []uint32{0x04, 0x0C, 0x2C, 0x48, 0x80, 0x84, 0x88, 0x8C, 0x90, 0x94, 0x9C, 0xA0, 0xA4, 0xA8, 0xAC, 0xD4, 0xD8, 0xDC} {
		s.Write(off, 4, 0x5a5a0000|off)
		if got := s.Read(off, 4); got != 0x5a5a0000|off {
			t.Errorf("SCU%02X = %#x", off, got)
		}
	}
	// Byte writes merge.
	s.Write(0x81, 1, 0xff)
	if got := s.Read(0x80, 4); got != 0x5a5aff80 {
		t.Fatalf("byte write: SCU80 = %#x", got)
	}
	if s.Read(0x84, 4) == 0 {
		t.Fatal("read back lost")
	}
	s.Reset()
	if got := s.Read(0x84, 4); got != 0x0000F000 {
		t.Fatalf("SCU84 after reset = %#x", got)
	}
	if got := s.Read(RegResetCtrl, 4); got != 0xFFCFFEDC {
		t.Fatalf("SCU04 after reset = %#x", got)
	}
}

func TestUnknownRegisters(t *testing.T) {
	s, buf := newSCU(t, StrapRomulus)
	unlock(s)
	if s.Read(0x800, 4) != 0 {
		t.Fatal("unknown register not zero")
	}
	s.Write(0x800, 4, 1)
	s.Read(0x800, 4)
	if !bytes.Contains(buf.Bytes(), []byte("msg=unimplemented dev=scu")) {
		t.Fatalf("no unimplemented log: %q", buf.String())
	}
	if n := bytes.Count(buf.Bytes(), []byte("off=0x800 dir=read")); n != 1 {
		t.Fatalf("logged %d times", n)
	}
	// Odd sizes and offsets never panic.
	for off := uint32(0); off < 0x1010; off++ {
		for _, sz := range []int{1, 2, 4, 3, 0} {
			s.Read(off, sz)
			s.Write(off, sz, 0xffffffff)
		}
	}
}
