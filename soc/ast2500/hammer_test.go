package ast2500

import (
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
)

// busBlock is a mapped block seen through the SoC's physical bus.
type busBlock struct {
	s    *SoC
	base uint32
	t    testing.TB
}

func (b busBlock) Read(off uint32, size int) uint32 {
	v, ok := b.s.Read(b.base+off, size)
	if !ok {
		b.t.Fatalf("read of %#x aborted: a mapped block must answer", b.base+off)
	}
	return uint32(v)
}

func (b busBlock) Write(off uint32, size int, val uint32) {
	if !b.s.Write(b.base+off, size, uint64(val)) {
		b.t.Fatalf("write of %#x aborted: a mapped block must answer", b.base+off)
	}
}

// TestHammerEveryBlock drives random accesses of every size at every
// mapped block, through the bus, while guest time passes and machine
// resets happen: nothing may panic, and no access inside a block aborts.
func TestHammerEveryBlock(t *testing.T) {
	clk := devtest.NewClock()
	log, _ := devtest.Log()
	log.Quiet = true
	var s *SoC
	s, err := New(Config{RAMSize: 128 << 20, Clock: clk.Clock, Log: log, Seed: 7,
		ResetRequest: func(int) { s.Reset() }})
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range Blocks {
		t.Run(b.Name, func(t *testing.T) {
			devtest.Fuzz{
				Seed: int64(i + 1), Steps: 2000, Span: b.Size, Hot: min(b.Size, 0x100),
				Sizes: []int{1, 2, 4},
				Actions: []func(*rand.Rand){
					func(r *rand.Rand) { clk.Advance(uint64(r.Intn(100000))) },
				},
			}.Run(t, busBlock{s, b.Base, t})
		})
	}
	s.Reset()
}

// TestMapRefusesOverlap checks that a block cannot be mapped over another
// or outside the IO window.
func TestMapRefusesOverlap(t *testing.T) {
	s, err := New(Config{RAMSize: 128 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d := &mmio.Unimplemented{Name: "x"}
	wdt2, _ := BlockByName("wdt2")
	for _, c := range []struct{ base, size uint32 }{
		{wdt2.Base, wdt2.Size},
		{wdt2.Base - 4, 8},
		{0x1E780100, 0x200}, // over gpio and sgpio
		{0x1E000000, 0x1000},
		{0x1E7FF000, 0x2000},
	} {
		if err := s.Map(c.base, c.size, d); err == nil {
			t.Errorf("Map(%#x, %#x) accepted", c.base, c.size)
		}
	}
	if err := s.Map(0x1E790000, 0x1000, d); err != nil {
		t.Errorf("Map of a free range: %v", err)
	}
}
