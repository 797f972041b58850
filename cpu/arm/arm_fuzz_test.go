package arm

import (
	"encoding/binary"
	"math/rand"
	"testing"
)

// aisaFuzzCPU is reused across fuzz iterations (allocating 1 MiB of RAM per
// input would dominate the run time).
var aisaFuzzCPU struct {
	c *CPU
	b *aisaBus
}

// aisaExecRandom decodes op and executes it (and the two words after it)
// from a pseudo-random CPU state derived from seed: registers mixing RAM
// pointers, boundary values and random words; a random valid mode; flags,
// T=0, E and the alignment controls at random.
func aisaExecRandom(t *testing.T, op uint32, seed int64) {
	if decodeARM(op) == nil {
		t.Fatalf("decodeARM(%08x) returned nil", op)
	}
	if aisaFuzzCPU.c == nil {
		aisaFuzzCPU.c, aisaFuzzCPU.b = aisaNew()
	}
	c, b := aisaFuzzCPU.c, aisaFuzzCPU.b
	r := rand.New(rand.NewSource(seed))
	c.Reset()
	modes := []uint32{ModeUSR, ModeFIQ, ModeIRQ, ModeSVC, ModeMON, ModeABT, ModeUND, ModeSYS}
	c.setCPSR(modes[r.Intn(len(modes))] | r.Uint32()&0xF80F03C0)
	special := []uint32{0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 31, 32, 33, 0x8000, 0x7FFC, aisaRAMSize - 4, aisaRAMSize}
	for i := 0; i < 15; i++ {
		switch r.Intn(3) {
		case 0:
			c.R[i] = aisaData + uint32(r.Intn(0x1000))
		case 1:
			c.R[i] = special[r.Intn(len(special))]
		default:
			c.R[i] = r.Uint32()
		}
	}
	c.cp15.sctlr |= uint32(r.Intn(4)) << 1 & sctlrA
	if r.Intn(2) == 0 {
		c.cp15.sctlr |= sctlrU
	}
	c.mmu.update(c)
	if r.Intn(2) == 0 {
		c.cp15.scr = scrNS
	}
	if r.Intn(2) == 0 {
		c.excl = exclusiveMonitor{valid: true, addr: c.R[r.Intn(15)]}
	}
	binary.LittleEndian.PutUint32(b.mem[aisaCode:], op)
	binary.LittleEndian.PutUint32(b.mem[aisaCode+4:], r.Uint32())
	binary.LittleEndian.PutUint32(b.mem[aisaCode+8:], op^1<<uint(r.Intn(32)))
	c.InvalidatePhys(aisaCode, 12)
	c.SetPC(aisaCode)
	for i := 0; i < 3; i++ {
		if c.T {
			break // Thumb decoding is not ours to test here
		}
		c.Step()
	}
}

func FuzzARMDecodeExecute(f *testing.F) {
	for _, op := range []uint32{
		0xe0910002, 0xe1b0f00e, 0xe8fd8001, 0xf96d0513, 0xf8b00a00, 0xe6110f12,
		0xe7003211, 0xe1b14f9f, 0xe1a12f94, 0xe0f100b2, 0xe1c120d8, 0xe92d4003,
		0xe8d06000, 0xe7f000f0, 0xf57ff01f, 0xe320f003, 0xef000000, 0xe1600070,
		0xe12fff3e, 0xfb00003e, 0xe59ff000, 0xe4bf0004, 0xe8bf0003,
	} {
		f.Add(op, int64(op))
	}
	f.Fuzz(func(t *testing.T, op uint32, seed int64) {
		aisaExecRandom(t, op, seed)
	})
}

// TestARMRandomNoPanic runs a fixed sample of random words through the
// decoder and the execution paths.
func TestARMRandomNoPanic(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := 0; i < n; i++ {
		op := r.Uint32()
		if i%4 == 0 {
			op = op&0x0FFFFFFF | 0xE0000000
		}
		aisaExecRandom(t, op, r.Int63())
	}
	for i := 0; i < 1<<20; i++ {
		if decodeARM(r.Uint32()) == nil {
			t.Fatal("nil handler")
		}
	}
}
