package arm

// No-panic tests for the VFP decoder and handlers: any CP10/CP11 encoding,
// executed on a random machine state (modes, FPSCR vector settings, VFP
// enabled or not, CPACR, endianness, alignment checking, bases near the
// end of RAM).

import (
	"math/rand"
	"testing"
)

// vfFixOp moves an arbitrary word into the CP10/CP11 coprocessor space
// (LDC/STC/MCRR form or CDP/MCR/MRC form, condition not 0xF).
func vfFixOp(op uint32) uint32 {
	op = op&^0x0C000E00 | 0x0C000A00
	if op>>24&0xF == 0xF { // SVC: make it CDP/MCR space
		op &^= 1 << 24
	}
	if op>>28 == 0xF {
		op = op&0x0FFFFFFF | 0xE<<28
	}
	return op
}

func vfExec(t *testing.T, c *CPU, b *vtBus, op uint32, seed uint64) {
	if decodeVFP(op) == nil {
		t.Fatalf("decodeVFP(%#08x) = nil", op)
	}
	r := rand.New(rand.NewSource(int64(seed)))
	c.Reset()
	modes := []uint32{ModeUSR, ModeSVC, ModeSYS, ModeIRQ, ModeFIQ, ModeABT, ModeUND}
	c.setCPSR(r.Uint32()&0xF80F01C0 | modes[r.Intn(len(modes))])
	edge := []uint32{0, 4, 0xFFFFFFFC, 0x7FFFFFFC, 0x80000000, vtRAMSize - 4, vtRAMSize - 8, vtRAMSize + 4}
	for i := 0; i < 15; i++ {
		switch r.Intn(3) {
		case 0:
			c.R[i] = edge[r.Intn(len(edge))]
		case 1:
			c.R[i] = vtData + uint32(r.Intn(0x1000)) - 0x800
		default:
			c.R[i] = r.Uint32()
		}
	}
	for i := range c.vfp.s {
		c.vfp.s[i] = r.Uint32()
	}
	c.vfp.fpscr = r.Uint32() & fpscrWriteMask
	c.vfp.fpexc = fpexcEN
	if r.Intn(8) == 0 {
		c.vfp.fpexc = 0
	}
	c.cp15.cpacr = 0x00F00000
	if r.Intn(8) == 0 {
		c.cp15.cpacr = r.Uint32() & 0x00F00000
	}
	if r.Intn(2) == 0 {
		c.cp15.sctlr |= sctlrU
	}
	if r.Intn(8) == 0 {
		c.cp15.sctlr |= sctlrA
	}
	c.mmu.update(c)
	pc := uint32(vtCode + 4*r.Intn(0x400))
	b.put32(pc, op)
	c.InvalidatePhys(pc, 4)
	c.SetPC(pc)
	c.Step()
	c.Step()
}

// TestVFPRandomEncodings executes 30,000 random CP10/CP11 encodings.
func TestVFPRandomEncodings(t *testing.T) {
	c, b := vtNew()
	r := rand.New(rand.NewSource(1176))
	for i := 0; i < 30000; i++ {
		vfExec(t, c, b, vfFixOp(r.Uint32()), r.Uint64())
	}
}

// FuzzVFP decodes and executes one CP10/CP11 instruction on a random state.
func FuzzVFP(f *testing.F) {
	for _, op := range []uint32{
		0xEE300A00, 0xEE310B02, 0xEEB10AC0, 0xEEB40A40, 0xEEB70AC0, 0xEEBD0AC0,
		0xED2D8B06, 0xECBD8B06, 0xED220B05, 0xEC900A20, 0xED900A01, 0xED800B04,
		0xEC443B12, 0xEC4B0A39, 0xEE001A90, 0xEE208B10, 0xEEF1FA10, 0xEEE80A10,
		0xEEF00A10, 0xEE800A40, 0xECB00BFF, 0xEC90FA03,
	} {
		f.Add(op, uint64(op))
	}
	c, b := vtNew()
	f.Fuzz(func(t *testing.T, op uint32, seed uint64) {
		vfExec(t, c, b, vfFixOp(op), seed)
	})
}
