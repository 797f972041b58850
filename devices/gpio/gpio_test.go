package gpio

import (
	"bytes"
	"testing"

	"github.com/ast2500emu/ast2500emu/mmio"
)

type line struct {
	level bool
	sets  int
}

func (l *line) Set(v bool) { l.level = v; l.sets++ }

func setup() (*GPIO, *line) {
	l := &line{}
	return New(l, mmio.NewLog(&bytes.Buffer{})), l
}

// Bank A-D registers.
const (
	data   = 0x000
	dir    = 0x004
	ien    = 0x008
	type0  = 0x00c
	type1  = 0x010
	type2  = 0x014
	status = 0x018
	rdata  = 0x0c0
)

func TestOutputsAndReadback(t *testing.T) {
	g, _ := setup()
	g.Write(dir, 4, 0x0000ff00)
	g.Write(data, 4, 0xffffffff)
	if got := g.Read(data, 4); got != 0x0000ff00 {
		t.Fatalf("data = %#x: outputs high, inputs low", got)
	}
	if got := g.Read(rdata, 4); got != 0xffffffff {
		t.Fatalf("data-read (latch) = %#x", got)
	}
	g.SetInput(0, true)
	g.SetInput(8, false) // pin 8 is an output: its level is the latch
	if got := g.Read(data, 4); got != 0x0000ff01 {
		t.Fatalf("data = %#x", got)
	}
	if !g.Level(8) || !g.Level(0) || g.Level(1) {
		t.Fatal("Level disagrees with the data register")
	}
	// Byte access to port B (bits 15:8).
	if got := g.Read(data+1, 1); got != 0xff {
		t.Fatalf("port B byte = %#x", got)
	}
	g.Write(data+1, 1, 0x0f)
	if got := g.Read(data, 4); got != 0x00000f01 {
		t.Fatalf("after byte write data = %#x", got)
	}
}

func TestBankLayout(t *testing.T) {
	g, _ := setup()
	// GPIO N2 (romulus LED): bank M-P at 0x78, pin index 13*8+2.
	pin := 13*8 + 2
	g.Write(0x07c, 4, 1<<(pin%32))
	g.Write(0x078, 4, 1<<(pin%32))
	if !g.Level(pin) || g.Read(0x0cc, 4) != 1<<(pin%32) {
		t.Fatal("bank M-P output")
	}
	// Y-AB bank at 0x1e0 and the AC bank at 0x1e8 (pin AC7 = 224+7).
	g.SetInput(224+7, true)
	if g.Read(0x1e8, 4) != 0x80 {
		t.Fatalf("AC data = %#x", g.Read(0x1e8, 4))
	}
	// Input-only pins (W/X) cannot become outputs; the AB hole is absent.
	g.Write(0x08c, 4, 0xffffffff)
	if got := g.Read(0x08c, 4); got != 0x0000ffff {
		t.Fatalf("U-X direction = %#x", got)
	}
	g.Write(0x1e4, 4, 0xffffffff)
	if got := g.Read(0x1e4, 4); got != 0x0fffffff {
		t.Fatalf("Y-AB direction = %#x", got)
	}
	g.SetInput(6*32+28, true) // hole
	g.SetInput(NumPins, true) // out of range
	g.SetInput(-1, true)
	if g.Read(0x1e0, 4)&0xf0000000 != 0 {
		t.Fatal("hole pin reads high")
	}
}

func TestEdgeInterrupts(t *testing.T) {
	g, l := setup()
	// Pin 3 rising, pin 4 falling, pin 5 both (type2|type0 as Linux does).
	g.Write(type0, 4, 1<<3|1<<5)
	g.Write(type2, 4, 1<<5)
	g.Write(ien, 4, 1<<3|1<<4|1<<5)
	if l.level {
		t.Fatal("IRQ raised by configuration")
	}
	g.SetInput(4, true) // rising on a falling-edge pin: nothing
	if l.level || g.Read(status, 4) != 0 {
		t.Fatal("wrong edge fired")
	}
	g.SetInput(3, true)
	if !l.level || g.Read(status, 4) != 1<<3 {
		t.Fatalf("rising edge: status %#x line %v", g.Read(status, 4), l.level)
	}
	g.Write(status, 4, 1<<3) // W1C
	if l.level || g.Read(status, 4) != 0 {
		t.Fatal("status not cleared")
	}
	g.SetInput(4, false)
	if g.Read(status, 4) != 1<<4 {
		t.Fatalf("falling edge: status %#x", g.Read(status, 4))
	}
	g.Write(status, 4, 0xffffffff)
	g.SetInput(5, true)
	g.Write(status, 4, 1<<5)
	g.SetInput(5, false)
	if g.Read(status, 4) != 1<<5 || !l.level {
		t.Fatal("both-edge pin missed the falling edge")
	}
	g.Write(status, 4, 1<<5)
	// Disabled pins never latch.
	g.Write(ien, 4, 0)
	g.SetInput(3, false)
	g.SetInput(3, true)
	if g.Read(status, 4) != 0 || l.level {
		t.Fatal("disabled pin latched")
	}
}

func TestLevelInterrupts(t *testing.T) {
	g, l := setup()
	// Pin 1 level high, pin 2 level low.
	g.Write(type1, 4, 1<<1|1<<2)
	g.Write(type0, 4, 1<<1)
	g.Write(ien, 4, 1<<1)
	if l.level {
		t.Fatal("level-high pin low but IRQ raised")
	}
	g.SetInput(1, true)
	if !l.level {
		t.Fatal("level-high not raised")
	}
	g.Write(status, 4, 1<<1) // level still high: re-latches
	if !l.level || g.Read(status, 4) != 1<<1 {
		t.Fatal("level interrupt did not re-latch")
	}
	g.SetInput(1, false)
	g.Write(status, 4, 1<<1)
	if l.level {
		t.Fatal("level interrupt stuck after level dropped")
	}
	// Enabling a level-low pin whose input is low fires at once.
	g.Write(ien, 4, 1<<1|1<<2)
	if g.Read(status, 4) != 1<<2 || !l.level {
		t.Fatalf("level-low: status %#x", g.Read(status, 4))
	}
	// Interrupts in another bank share the line.
	g.Write(ien, 4, 0)
	g.Write(status, 4, 0xffffffff)
	g.Write(0x098+0x4, 4, 1) // I-L type0: rising
	g.Write(0x098, 4, 1)
	g.SetInput(64, true)
	if !l.level || g.Read(0x098+0x10, 4) != 1 {
		t.Fatal("bank I-L interrupt")
	}
}

func TestOutputsDoNotInterrupt(t *testing.T) {
	g, l := setup()
	g.Write(type0, 4, 1)
	g.Write(ien, 4, 1)
	g.Write(dir, 4, 1)
	g.Write(data, 4, 1)
	if l.level || g.Read(status, 4) != 0 {
		t.Fatal("output change interrupted")
	}
}

func TestProbeRegistersAndReset(t *testing.T) {
	g, l := setup()
	// What Linux probe does: read data-read, set command sources to ARM.
	for _, off := range []uint32{0x060, 0x064, 0x068, 0x06c, 0x090, 0x094, 0x0e0, 0x0e4, 0x110, 0x114, 0x140, 0x144, 0x170, 0x174, 0x1a0, 0x1a4} {
		g.Write(off, 4, 0x01010101)
		if g.Read(off, 4) != 0x01010101 {
			t.Fatalf("cmdsrc %#x", off)
		}
		g.Write(off, 4, 0)
	}
	for _, off := range []uint32{0x040, 0x044, 0x050, 0x054, 0x058, 0x01c} {
		g.Write(off, 4, 0xff)
		if g.Read(off, 4) != 0xff {
			t.Fatalf("register %#x does not store", off)
		}
	}
	g.SetInput(2, true)
	g.Write(type0, 4, 4)
	g.Write(ien, 4, 4)
	g.SetInput(2, false)
	g.SetInput(2, true)
	if !l.level {
		t.Fatal("setup")
	}
	g.Reset()
	if l.level || g.Read(ien, 4) != 0 || g.Read(0x050, 4) != 0 {
		t.Fatal("reset incomplete")
	}
	if g.Read(data, 4) != 4 {
		t.Fatal("reset forgot the board's input levels")
	}
}

func TestUnknownAndOddAccesses(t *testing.T) {
	var buf bytes.Buffer
	g := New(nil, mmio.NewLog(&buf))
	if g.Read(0x300, 4) != 0 {
		t.Fatal("unknown non-zero")
	}
	if !bytes.Contains(buf.Bytes(), []byte("msg=unimplemented dev=gpio")) {
		t.Fatal("unknown register not logged")
	}
	for off := uint32(0); off < 0x400; off++ {
		for _, sz := range []int{0, 1, 2, 3, 4} {
			g.Read(off, sz)
			g.Write(off, sz, 0xffffffff)
		}
	}
}
