package sdmc

import (
	"bytes"
	"testing"

	"github.com/ast2500emu/ast2500emu/mmio"
)

func newSDMC(size uint64) *SDMC {
	return New(size, mmio.NewLog(&bytes.Buffer{}))
}

func TestLockUnlock(t *testing.T) {
	s := newSDMC(512 << 20)
	if s.Read(RegProt, 4) != 0 {
		t.Fatal("MCR00 should read 0 (locked) at reset")
	}
	s.Write(0x08, 4, 0x1234)
	if s.Read(0x08, 4) != 0 {
		t.Fatal("locked write took effect")
	}
	s.Write(RegProt, 4, UnlockKey)
	if s.Read(RegProt, 4) != 1 {
		t.Fatal("MCR00 should read 1 after the key")
	}
	s.Write(0x08, 4, 0x1234)
	if s.Read(0x08, 4) != 0x1234 {
		t.Fatal("unlocked write lost")
	}
	s.Write(RegProt, 4, ^uint32(UnlockKey)) // what Linux writes to relock
	if s.Read(RegProt, 4) != 0 {
		t.Fatal("MCR00 should read 0 after relock")
	}
}

func TestSizeField(t *testing.T) {
	for i, mib := range []uint64{128, 256, 512, 1024} {
		s := newSDMC(mib << 20)
		conf := s.Read(RegConf, 4)
		if conf&ConfSizeMask != uint32(i) {
			t.Errorf("%d MiB: MCR04 = %#x, size field %d want %d", mib, conf, conf&3, i)
		}
		if conf>>28 != 1 || conf&ConfCacheInitDone == 0 {
			t.Errorf("%d MiB: MCR04 = %#x lacks version/cache-done", mib, conf)
		}
		// The size field cannot be overwritten.
		s.Write(RegProt, 4, UnlockKey)
		s.Write(RegConf, 4, 0)
		if got := s.Read(RegConf, 4); got&ConfSizeMask != uint32(i) || got&ConfCacheInitDone == 0 {
			t.Errorf("%d MiB: after write MCR04 = %#x", mib, got)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("New(100 MiB) should panic")
		}
	}()
	New(100<<20, nil)
}

func TestECCBits(t *testing.T) {
	s := newSDMC(512 << 20)
	s.Write(RegProt, 4, UnlockKey)
	s.Write(RegConf, 4, ConfECC|ConfDDR4)
	conf := s.Read(RegConf, 4)
	if conf&ConfECC == 0 || conf&ConfDDR4 == 0 {
		t.Fatalf("MCR04 = %#x, ECC/DDR4 not kept", conf)
	}
	// EDAC interrupt enables and clear bit; counters read-only zero.
	s.Write(RegIntCtrl, 4, 3|1<<31|0xFF<<16)
	if got := s.Read(RegIntCtrl, 4); got != 3|1<<31 {
		t.Fatalf("MCR50 = %#x", got)
	}
	s.Write(RegErrRec, 4, 5)
	if s.Read(RegErrRec, 4) != 0 {
		t.Fatal("MCR5C writable")
	}
}

func TestUBootPolls(t *testing.T) {
	s := newSDMC(256 << 20)
	s.Write(RegProt, 4, UnlockKey)
	// PHY init: write NRST|INIT, poll until INIT clears.
	s.Write(RegPHYCtrl0, 4, 1<<2|1<<0)
	if got := s.Read(RegPHYCtrl0, 4); got&1 != 0 || got&4 == 0 {
		t.Fatalf("MCR60 = %#x", got)
	}
	// CBR test: done set, fail clear.
	s.Write(RegTestCtrl, 4, 1|2<<1|1<<7|testFail)
	if got := s.Read(RegTestCtrl, 4); got&testDone == 0 || got&testFail != 0 {
		t.Fatalf("MCR70 = %#x", got)
	}
	// Cache init: set bit 12, poll bit 19.
	s.Write(RegConf, 4, s.Read(RegConf, 4)|1<<12)
	if s.Read(RegConf, 4)&ConfCacheInitDone == 0 {
		t.Fatal("cache init not done")
	}
	// SDK PHY status.
	if s.Read(0x400, 4) != 2 || s.Read(0x450, 4) != 0x0FFFFFFF {
		t.Fatal("PHY status words")
	}
	// Undocumented PHY registers store.
	s.Write(0x200+51*4, 4, 0x4040)
	if s.Read(0x200+51*4, 4) != 0x4040 {
		t.Fatal("PHY register lost")
	}
	s.Reset()
	if s.Read(RegProt, 4) != 0 || s.Read(0x200+51*4, 4) != 0 {
		t.Fatal("reset incomplete")
	}
}

func TestUnknownAndOddAccesses(t *testing.T) {
	var buf bytes.Buffer
	s := New(1024<<20, mmio.NewLog(&buf))
	if s.Read(0x800, 4) != 0 {
		t.Fatal("unknown register non-zero")
	}
	if !bytes.Contains(buf.Bytes(), []byte("msg=unimplemented dev=sdmc")) {
		t.Fatal("no unimplemented log")
	}
	s.Write(RegProt, 4, UnlockKey)
	s.Write(RegConf+1, 1, 0x20) // byte write: bit 13
	if got := s.Read(RegConf+1, 1); got != 0x20 {
		t.Fatalf("byte read = %#x", got)
	}
	for off := uint32(0); off < 0x1004; off++ {
		for _, sz := range []int{0, 1, 2, 3, 4} {
			s.Read(off, sz)
			s.Write(off, sz, 0xffffffff)
		}
	}
}
