package arm

import (
	"encoding/binary"
	"math/rand"
	"testing"
)

// thFuzzState loads a pseudo-random machine state derived from seed: low
// registers point into RAM or hold edge values, random flags, mode, E bit
// and alignment configuration, then places op (and an optional BL prefix
// before it) at a random halfword of the code page.
func thFuzzState(c *CPU, m *thRAM, op uint16, seed uint64) {
	r := rand.New(rand.NewSource(int64(seed)))
	edge := []uint32{0, 1, 2, 31, 32, 33, 255, 256, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE}
	for i := 0; i < 15; i++ {
		switch r.Intn(3) {
		case 0:
			c.R[i] = edge[r.Intn(len(edge))]
		case 1:
			c.R[i] = thData + uint32(r.Intn(0x1000)) - 0x800
		default:
			c.R[i] = r.Uint32()
		}
	}
	modes := []uint32{ModeUSR, ModeSVC, ModeSYS, ModeIRQ, ModeFIQ, ModeABT, ModeUND}
	c.setCPSR(r.Uint32()&0xF80F03C0 | psrT | modes[r.Intn(len(modes))])
	c.cp15.sctlr = sctlrResetValue
	if r.Intn(2) == 0 {
		c.cp15.sctlr |= sctlrU
	}
	if r.Intn(8) == 0 {
		c.cp15.sctlr |= sctlrA
	}
	c.mmu.update(c)
	pc := thCodeBase + uint32(r.Intn(0x800))*2
	if r.Intn(4) == 0 && pc > thCodeBase {
		pc -= 2
		binary.LittleEndian.PutUint16(m.mem[pc:], 0xF000|uint16(r.Intn(0x800)))
		binary.LittleEndian.PutUint16(m.mem[pc+2:], op)
	} else {
		binary.LittleEndian.PutUint16(m.mem[pc:], op)
	}
	// Drop the stale decoded slots (cheaper than InvalidatePhys).
	if p := c.code.pages[thCodeBase]; p != nil && p.thumb != nil {
		i := (pc & 0xFFF) >> 1
		p.thumb[i] = entry{fn: thumbStub}
		if i+1 < 2048 {
			p.thumb[i+1] = entry{fn: thumbStub}
		}
	}
	c.SetPC(pc)
}

func thExecFuzz(t *testing.T, c *CPU, m *thRAM, op uint16, seed uint64) {
	if decodeThumb(uint32(op)) == nil {
		t.Fatalf("decodeThumb(%#04x) = nil", op)
	}
	thFuzzState(c, m, op, seed)
	c.Step()
	c.Step()
}

// TestThumbAllEncodings executes every 16-bit encoding once on a random
// state: nothing may panic.
func TestThumbAllEncodings(t *testing.T) {
	c, m := thNewCPU(nil)
	for op := 0; op < 0x10000; op++ {
		thExecFuzz(t, c, m, uint16(op), uint64(op)*2654435761)
	}
}

// FuzzThumb decodes and executes one Thumb instruction (optionally after a
// BL prefix) on a random state.
func FuzzThumb(f *testing.F) {
	for _, op := range []uint16{0x0008, 0x4088, 0x4687, 0x4700, 0x4801, 0x5e88, 0xb503, 0xbd03, 0xc803, 0xc003, 0xb672, 0xb658, 0xd1fe, 0xdf05, 0xde00, 0xe7fe, 0xf001, 0xf810, 0xe810, 0xe811, 0xbe03, 0xbf00} {
		f.Add(op, uint64(op))
	}
	c, m := thNewCPU(nil)
	f.Fuzz(func(t *testing.T, op uint16, seed uint64) {
		thExecFuzz(t, c, m, op, seed)
	})
}
