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
