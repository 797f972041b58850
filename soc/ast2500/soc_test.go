package ast2500

import (
	"io"
	"testing"

	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// TestDRAMWindowWraps checks that the 1 GiB DRAM window repeats the
// installed RAM above its size, as a boot loader's size probe expects, and
// that nothing past the window is RAM.
func TestDRAMWindowWraps(t *testing.T) {
	s, err := New(Config{RAMSize: 128 << 20, Clock: vclock.New(6000), Log: mmio.NewLog(io.Discard)})
	if err != nil {
		t.Fatal(err)
	}
	const size = 128 << 20
	if !s.Write(DRAMBase+size+0x100, 4, 0xCAFEF00D) {
		t.Fatal("write above the RAM size faulted")
	}
	if v, ok := s.Read(DRAMBase+0x100, 4); !ok || v != 0xCAFEF00D {
		t.Errorf("RAM at base+0x100 = %#x, %v; want the value written at base+size+0x100", v, ok)
	}
	if v, ok := s.Read(DRAMBase+3*size+0x100, 4); !ok || v != 0xCAFEF00D {
		t.Errorf("third alias reads %#x, %v", v, ok)
	}
	if s.Page(DRAMBase+size) != nil {
		t.Error("an alias page is handed out as host memory (writes through it would not invalidate decoded code)")
	}
	if _, ok := s.Read(DRAMBase+DRAMMaxSize, 4); ok {
		t.Error("the address past the 1 GiB DRAM window reads as RAM")
	}
}

// TestWatchdogMaskedResetsSDMC drives WDT1 through the bus as U-Boot's
// SDRAM driver does to reset only the SDRAM controller: the SDMC returns to
// its power-on state (locked), the machine is not reset, and WDT1 stops.
func TestWatchdogMaskedResetsSDMC(t *testing.T) {
	var insns uint64
	clk := vclock.New(1000)
	clk.Attach(&insns)
	resets := 0
	s, err := New(Config{RAMSize: 512 << 20, Clock: clk, Log: mmio.NewLog(io.Discard), ResetRequest: func(int) { resets++ }})
	if err != nil {
		t.Fatal(err)
	}
	const sdmc, wdt1 = 0x1E6E0000, 0x1E785000
	s.Write(sdmc, 4, 0xFC600309)
	if v, _ := s.Read(sdmc, 4); v != 1 {
		t.Fatalf("SDMC not unlocked: MCR00 %#x", v)
	}
	s.Write(wdt1+0x1c, 4, 1<<2) // reset mask: SDRAM only
	s.Write(wdt1+0x04, 4, 1)
	s.Write(wdt1+0x08, 4, 0x4755)
	s.Write(wdt1+0x0c, 4, 0x13)
	for i := 0; ; i++ {
		if v, _ := s.Read(wdt1+0x0c, 4); v&1 == 0 {
			break
		}
		if i > 100 {
			t.Fatal("WDT1 enable never cleared")
		}
		insns += 1000
		clk.RunDue()
	}
	if resets != 0 {
		t.Errorf("the machine was reset %d times; only the SDMC should be", resets)
	}
	if v, _ := s.Read(sdmc, 4); v != 0 {
		t.Errorf("MCR00 %#x after the SDRAM reset, want 0 (locked, power-on)", v)
	}
}
