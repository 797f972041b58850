package arm

// Unit tests for the Thumb instruction set: one table per instruction
// class, run on a CPU with its MMU off over a 64 KiB RAM bus. Encodings
// were produced with arm-linux-gnueabi-as -march=armv6k -mthumb.

import (
	"encoding/binary"
	"testing"
)

const (
	thRAMSize  = 0x10000
	thCodeBase = 0x1000
	thData     = 0x8000
	thStack    = 0x9000
)

// thRAM is 64 KiB of RAM at physical 0; everything else aborts.
type thRAM struct{ mem []byte }

func (b *thRAM) Page(pa uint32) []byte {
	if pa >= thRAMSize {
		return nil
	}
	p := pa &^ 0xFFF
	return b.mem[p : p+4096]
}
func (b *thRAM) Read(pa uint32, size int) (uint64, bool)  { return 0, false }
func (b *thRAM) Write(pa uint32, size int, v uint64) bool { return false }

func (b *thRAM) w32(a, v uint32) { binary.LittleEndian.PutUint32(b.mem[a:], v) }
func (b *thRAM) r32(a uint32) uint32 {
	return binary.LittleEndian.Uint32(b.mem[a:])
}
func (b *thRAM) r16(a uint32) uint32 { return uint32(binary.LittleEndian.Uint16(b.mem[a:])) }

type thCase struct {
	name  string
	code  []uint16
	steps int                // instructions to execute (default 1)
	regs  map[int]uint32     // initial registers
	in    string             // initial flags: letters of NZCV that are set
	setup func(*CPU, *thRAM) // extra initial state
	want  map[int]uint32     // expected registers (15: the next PC)
	flags string             // expected "nzcv" pattern (upper = set), "" to skip
	thumb *bool              // expected T (default: still Thumb)
	check func(*testing.T, *CPU, *thRAM)
}

var (
	thYes = true
	thNo  = false
)

// thNewCPU returns a CPU in SVC mode, Thumb state, PC at thCodeBase, with
// code loaded there.
func thNewCPU(code []uint16) (*CPU, *thRAM) {
	m := &thRAM{mem: make([]byte, thRAMSize)}
	for i, h := range code {
		binary.LittleEndian.PutUint16(m.mem[thCodeBase+2*i:], h)
	}
	c := New(m)
	c.setCPSR(ModeSVC | psrT)
	c.SetPC(thCodeBase)
	c.R[13] = thStack
	return c, m
}

func thSetFlags(c *CPU, s string) {
	for _, ch := range s {
		switch ch {
		case 'N':
			c.N = true
		case 'Z':
			c.Z = true
		case 'C':
			c.C = true
		case 'V':
			c.V = true
		}
	}
}

func thFlagString(c *CPU) string {
	b := []byte("nzcv")
	for i, f := range []bool{c.N, c.Z, c.C, c.V} {
		if f {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

func thRunCases(t *testing.T, cases []thCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, m := thNewCPU(tc.code)
			for r, v := range tc.regs {
				c.R[r] = v
			}
			thSetFlags(c, tc.in)
			if tc.setup != nil {
				tc.setup(c, m)
			}
			n := tc.steps
			if n == 0 {
				n = 1
			}
			for i := 0; i < n; i++ {
				c.Step()
			}
			for r, v := range tc.want {
				if got := c.Reg(r); got != v {
					t.Errorf("r%d = %#x, want %#x", r, got, v)
				}
			}
			if tc.flags != "" {
				if got := thFlagString(c); got != tc.flags {
					t.Errorf("flags %s, want %s", got, tc.flags)
				}
			}
			wantT := true
			if tc.thumb != nil {
				wantT = *tc.thumb
			}
			if c.T != wantT {
				t.Errorf("T = %v, want %v", c.T, wantT)
			}
			if c.Q || c.GE != 0 {
				t.Errorf("Q/GE changed: %v %x", c.Q, c.GE)
			}
			if tc.check != nil {
				tc.check(t, c, m)
			}
		})
	}
}

type thRegs = map[int]uint32

func TestThumbShiftAddSubImm(t *testing.T) {
	thRunCases(t, []thCase{
		{name: "lsls #0 keeps C", code: []uint16{0x0008}, regs: thRegs{1: 0x80000000}, in: "C", want: thRegs{0: 0x80000000, 15: 0x1002}, flags: "NzCv"},
		{name: "lsls #31", code: []uint16{0x07c8}, regs: thRegs{1: 2}, want: thRegs{0: 0}, flags: "nZCv"},
		{name: "lsrs #32", code: []uint16{0x0808}, regs: thRegs{1: 0x80000001}, want: thRegs{0: 0}, flags: "nZCv"},
		{name: "asrs #32 neg", code: []uint16{0x1008}, regs: thRegs{1: 0x80000000}, want: thRegs{0: 0xFFFFFFFF}, flags: "NzCv"},
		{name: "asrs #32 pos", code: []uint16{0x1008}, regs: thRegs{1: 0x7FFFFFFF}, in: "C", want: thRegs{0: 0}, flags: "nZcv"},
		{name: "lsrs #4", code: []uint16{0x0908}, regs: thRegs{1: 0x18}, in: "V", want: thRegs{0: 1}, flags: "nzCV"},
		{name: "asrs #4", code: []uint16{0x1108}, regs: thRegs{1: 0x80000008}, want: thRegs{0: 0xF8000000}, flags: "NzCv"},
		{name: "adds reg overflow", code: []uint16{0x1888}, regs: thRegs{1: 0x7FFFFFFF, 2: 1}, want: thRegs{0: 0x80000000}, flags: "NzcV"},
		{name: "adds reg carry", code: []uint16{0x1888}, regs: thRegs{1: 0xFFFFFFFF, 2: 1}, want: thRegs{0: 0}, flags: "nZCv"},
		{name: "subs reg borrow", code: []uint16{0x1a88}, regs: thRegs{1: 1, 2: 2}, want: thRegs{0: 0xFFFFFFFF}, flags: "Nzcv"},
		{name: "subs reg equal", code: []uint16{0x1a88}, regs: thRegs{1: 5, 2: 5}, want: thRegs{0: 0}, flags: "nZCv"},
		{name: "subs reg overflow", code: []uint16{0x1a88}, regs: thRegs{1: 0x80000000, 2: 1}, want: thRegs{0: 0x7FFFFFFF}, flags: "nzCV"},
		{name: "adds imm3", code: []uint16{0x1dc8}, regs: thRegs{1: 1}, in: "NZCV", want: thRegs{0: 8}, flags: "nzcv"},
		{name: "subs imm3", code: []uint16{0x1e48}, regs: thRegs{1: 0}, want: thRegs{0: 0xFFFFFFFF}, flags: "Nzcv"},
		{name: "movs imm8 keeps C V", code: []uint16{0x2300}, regs: thRegs{3: 9}, in: "NCV", want: thRegs{3: 0}, flags: "nZCV"},
		{name: "cmp imm8", code: []uint16{0x2b05}, regs: thRegs{3: 3}, want: thRegs{3: 3}, flags: "Nzcv"},
		{name: "adds imm8", code: []uint16{0x33c8}, regs: thRegs{3: 0xFFFFFF80}, want: thRegs{3: 0x48}, flags: "nzCv"},
		{name: "subs imm8", code: []uint16{0x3b01}, regs: thRegs{3: 0x80000000}, want: thRegs{3: 0x7FFFFFFF}, flags: "nzCV"},
	})
}

func TestThumbDataProcessing(t *testing.T) {
	thRunCases(t, []thCase{
		{name: "lsls by 0 (byte)", code: []uint16{0x4088}, regs: thRegs{0: 5, 1: 0x100}, in: "C", want: thRegs{0: 5}, flags: "nzCv"},
		{name: "lsls by 1", code: []uint16{0x4088}, regs: thRegs{0: 0x80000001, 1: 1}, want: thRegs{0: 2}, flags: "nzCv"},
		{name: "lsls by 32", code: []uint16{0x4088}, regs: thRegs{0: 3, 1: 32}, want: thRegs{0: 0}, flags: "nZCv"},
		{name: "lsls by 33", code: []uint16{0x4088}, regs: thRegs{0: 3, 1: 33}, in: "C", want: thRegs{0: 0}, flags: "nZcv"},
		{name: "lsrs by 32", code: []uint16{0x40c8}, regs: thRegs{0: 0x80000000, 1: 32}, want: thRegs{0: 0}, flags: "nZCv"},
		{name: "lsrs by 33", code: []uint16{0x40c8}, regs: thRegs{0: 0x80000000, 1: 33}, in: "C", want: thRegs{0: 0}, flags: "nZcv"},
		{name: "lsrs by 3", code: []uint16{0x40c8}, regs: thRegs{0: 0xC, 1: 3}, want: thRegs{0: 1}, flags: "nzCv"},
		{name: "asrs by 40", code: []uint16{0x4108}, regs: thRegs{0: 0x80000000, 1: 40}, want: thRegs{0: 0xFFFFFFFF}, flags: "NzCv"},
		{name: "asrs by 40 pos", code: []uint16{0x4108}, regs: thRegs{0: 0x40000000, 1: 40}, in: "C", want: thRegs{0: 0}, flags: "nZcv"},
		{name: "rors by 32", code: []uint16{0x41c8}, regs: thRegs{0: 0x80000001, 1: 32}, want: thRegs{0: 0x80000001}, flags: "NzCv"},
		{name: "rors by 4", code: []uint16{0x41c8}, regs: thRegs{0: 0x1F, 1: 4}, want: thRegs{0: 0xF0000001}, flags: "NzCv"},
		{name: "rors by 0", code: []uint16{0x41c8}, regs: thRegs{0: 0x80000000, 1: 0x100}, want: thRegs{0: 0x80000000}, flags: "Nzcv"},
		{name: "adcs", code: []uint16{0x4148}, regs: thRegs{0: 1, 1: 1}, in: "C", want: thRegs{0: 3}, flags: "nzcv"},
		{name: "adcs carry out", code: []uint16{0x4148}, regs: thRegs{0: 0xFFFFFFFF, 1: 0}, in: "C", want: thRegs{0: 0}, flags: "nZCv"},
		{name: "sbcs C clear", code: []uint16{0x4188}, regs: thRegs{0: 5, 1: 2}, want: thRegs{0: 2}, flags: "nzCv"},
		{name: "sbcs C set", code: []uint16{0x4188}, regs: thRegs{0: 5, 1: 5}, in: "C", want: thRegs{0: 0}, flags: "nZCv"},
		{name: "sbcs overflow", code: []uint16{0x4188}, regs: thRegs{0: 0x80000000, 1: 0}, want: thRegs{0: 0x7FFFFFFF}, flags: "nzCV"},
		{name: "negs 0", code: []uint16{0x4248}, regs: thRegs{0: 9, 1: 0}, want: thRegs{0: 0}, flags: "nZCv"},
		{name: "negs min", code: []uint16{0x4248}, regs: thRegs{1: 0x80000000}, want: thRegs{0: 0x80000000}, flags: "NzcV"},
		{name: "negs 1", code: []uint16{0x4248}, regs: thRegs{1: 1}, want: thRegs{0: 0xFFFFFFFF}, flags: "Nzcv"},
		{name: "muls keeps C V", code: []uint16{0x4348}, regs: thRegs{0: 3, 1: 0xFFFFFFFF}, in: "CV", want: thRegs{0: 0xFFFFFFFD}, flags: "NzCV"},
		{name: "muls zero", code: []uint16{0x4348}, regs: thRegs{0: 0, 1: 5}, in: "NC", want: thRegs{0: 0}, flags: "nZCv"},
		{name: "tst", code: []uint16{0x4208}, regs: thRegs{0: 0xF0, 1: 0x0F}, in: "CV", want: thRegs{0: 0xF0}, flags: "nZCV"},
		{name: "cmn", code: []uint16{0x42c8}, regs: thRegs{0: 0xFFFFFFFF, 1: 1}, want: thRegs{0: 0xFFFFFFFF}, flags: "nZCv"},
		{name: "cmp reg", code: []uint16{0x4288}, regs: thRegs{0: 0x80000000, 1: 1}, want: thRegs{0: 0x80000000}, flags: "nzCV"},
		{name: "bics", code: []uint16{0x4388}, regs: thRegs{0: 0xFF, 1: 0x0F}, in: "CV", want: thRegs{0: 0xF0}, flags: "nzCV"},
		{name: "mvns", code: []uint16{0x43c8}, regs: thRegs{1: 0}, want: thRegs{0: 0xFFFFFFFF}, flags: "Nzcv"},
		{name: "orrs", code: []uint16{0x4308}, regs: thRegs{0: 0x80000000, 1: 1}, want: thRegs{0: 0x80000001}, flags: "Nzcv"},
		{name: "eors", code: []uint16{0x4048}, regs: thRegs{0: 0x55, 1: 0x55}, in: "C", want: thRegs{0: 0}, flags: "nZCv"},
		{name: "ands", code: []uint16{0x4008}, regs: thRegs{0: 0x0F, 1: 0x3C}, want: thRegs{0: 0x0C}, flags: "nzcv"},
	})
}

func TestThumbHighRegisters(t *testing.T) {
	thRunCases(t, []thCase{
		{name: "add r8, r0 no flags", code: []uint16{0x4480}, regs: thRegs{8: 0x10, 0: 0x20}, in: "NZCV", want: thRegs{8: 0x30}, flags: "NZCV"},
		{name: "add r0, pc", code: []uint16{0x4478}, regs: thRegs{0: 4}, want: thRegs{0: 0x1008, 15: 0x1002}},
		{name: "mov r8, r1", code: []uint16{0x4688}, regs: thRegs{1: 7}, in: "Z", want: thRegs{8: 7}, flags: "nZcv"},
		{name: "cpy low sets no flags", code: []uint16{0x4608}, regs: thRegs{0: 9, 1: 0}, want: thRegs{0: 0}, flags: "nzcv"},
		{name: "cmp r8, r9", code: []uint16{0x45c8}, regs: thRegs{8: 1, 9: 2}, want: thRegs{8: 1}, flags: "Nzcv"},
		{name: "mov pc, r0 ignores bit 0", code: []uint16{0x4687}, regs: thRegs{0: 0x2001}, want: thRegs{15: 0x2000}},
		{name: "add pc, r0", code: []uint16{0x4487}, regs: thRegs{0: 0x101}, want: thRegs{15: 0x1104}},
		{name: "bx r0 thumb", code: []uint16{0x4700}, regs: thRegs{0: 0x2001}, want: thRegs{15: 0x2000}},
		{name: "bx r0 arm", code: []uint16{0x4700}, regs: thRegs{0: 0x2000}, want: thRegs{15: 0x2000}, thumb: &thNo},
		{name: "blx r1", code: []uint16{0x4788}, regs: thRegs{1: 0x3000}, want: thRegs{15: 0x3000, 14: 0x1003}, thumb: &thNo},
		{name: "blx lr", code: []uint16{0x47f0}, regs: thRegs{14: 0x2001}, want: thRegs{15: 0x2000, 14: 0x1003}},
		{name: "bx pc", code: []uint16{0x4778}, want: thRegs{15: 0x1004}, thumb: &thNo},
		{name: "bx pc unaligned", code: []uint16{0x0000, 0x4778}, steps: 2, want: thRegs{15: 0x1004}, thumb: &thNo},
	})
}

func TestThumbMisc(t *testing.T) {
	thRunCases(t, []thCase{
		{name: "sxth", code: []uint16{0xb208}, regs: thRegs{1: 0x12348765}, in: "NZCV", want: thRegs{0: 0xFFFF8765}, flags: "NZCV"},
		{name: "sxtb", code: []uint16{0xb248}, regs: thRegs{1: 0x123487F0}, want: thRegs{0: 0xFFFFFFF0}, flags: "nzcv"},
		{name: "sxtb pos", code: []uint16{0xb248}, regs: thRegs{1: 0x12348765}, want: thRegs{0: 0x65}},
		{name: "uxth", code: []uint16{0xb288}, regs: thRegs{1: 0x12348765}, want: thRegs{0: 0x8765}},
		{name: "uxtb", code: []uint16{0xb2c8}, regs: thRegs{1: 0x12348765}, want: thRegs{0: 0x65}},
		{name: "rev", code: []uint16{0xba08}, regs: thRegs{1: 0x12348765}, want: thRegs{0: 0x65873412}},
		{name: "rev16", code: []uint16{0xba48}, regs: thRegs{1: 0x12348765}, want: thRegs{0: 0x34126587}},
		{name: "revsh", code: []uint16{0xbac8}, regs: thRegs{1: 0x123412F0}, want: thRegs{0: 0xFFFFF012}},
		{name: "revsh pos", code: []uint16{0xbac8}, regs: thRegs{1: 0x1234_8070}, want: thRegs{0: 0x7080}},
		{name: "add sp imm", code: []uint16{0xb07f}, in: "Z", want: thRegs{13: 0x91FC}, flags: "nZcv"},
		{name: "sub sp imm", code: []uint16{0xb082}, want: thRegs{13: 0x8FF8}},
		{name: "add r0, sp", code: []uint16{0xa8ff}, want: thRegs{0: 0x93FC, 13: thStack}},
		{name: "add r0, pc aligned", code: []uint16{0x0000, 0xa001}, steps: 2, want: thRegs{0: 0x1008}},
		{name: "setend be", code: []uint16{0xb658}, check: func(t *testing.T, c *CPU, _ *thRAM) {
			if !c.E {
				t.Error("E not set")
			}
		}},
		{name: "setend le", code: []uint16{0xb650}, setup: func(c *CPU, _ *thRAM) { c.setE(true) }, check: func(t *testing.T, c *CPU, _ *thRAM) {
			if c.E {
				t.Error("E still set")
			}
		}},
		{name: "cpsid i", code: []uint16{0xb672}, setup: func(c *CPU, _ *thRAM) { c.A, c.I, c.F = false, false, false }, check: func(t *testing.T, c *CPU, _ *thRAM) {
			if c.A || !c.I || c.F {
				t.Errorf("AIF = %v %v %v", c.A, c.I, c.F)
			}
		}},
		{name: "cpsie i", code: []uint16{0xb662}, setup: func(c *CPU, _ *thRAM) { c.A, c.I, c.F = true, true, true }, check: func(t *testing.T, c *CPU, _ *thRAM) {
			if !c.A || c.I || !c.F {
				t.Errorf("AIF = %v %v %v", c.A, c.I, c.F)
			}
		}},
		{name: "cpsid aif", code: []uint16{0xb677}, setup: func(c *CPU, _ *thRAM) { c.A, c.I, c.F = false, false, false }, check: func(t *testing.T, c *CPU, _ *thRAM) {
			if !c.A || !c.I || !c.F {
				t.Errorf("AIF = %v %v %v", c.A, c.I, c.F)
			}
		}},
		{name: "cpsid in user is a no-op", code: []uint16{0xb677}, setup: func(c *CPU, _ *thRAM) {
			c.A, c.I, c.F = false, false, false
			c.setMode(ModeUSR)
		}, check: func(t *testing.T, c *CPU, _ *thRAM) {
			if c.A || c.I || c.F || c.mode != ModeUSR {
				t.Errorf("AIF = %v %v %v mode %#x", c.A, c.I, c.F, c.mode)
			}
		}},
	})
}

func TestThumbLoadStore(t *testing.T) {
	thRunCases(t, []thCase{
		{name: "ldr literal aligned", code: []uint16{0x0000, 0x4801, 0, 0, 0x5678, 0x1234}, steps: 2, want: thRegs{0: 0x12345678, 15: 0x1004}},
		{name: "ldr literal", code: []uint16{0x4801, 0, 0, 0, 0x5678, 0x1234}, want: thRegs{0: 0x12345678}},
		{name: "ldrsb", code: []uint16{0x5688}, regs: thRegs{1: thData, 2: 1}, setup: func(c *CPU, m *thRAM) { m.mem[thData+1] = 0x80 }, want: thRegs{0: 0xFFFFFF80}},
		{name: "ldrsh", code: []uint16{0x5e88}, regs: thRegs{1: thData, 2: 2}, setup: func(c *CPU, m *thRAM) { m.w32(thData, 0x80010000) }, want: thRegs{0: 0xFFFF8001}},
		{name: "ldrh", code: []uint16{0x5a88}, regs: thRegs{1: thData, 2: 2}, setup: func(c *CPU, m *thRAM) { m.w32(thData, 0x80010000) }, want: thRegs{0: 0x8001}},
		{name: "ldrb reg", code: []uint16{0x5c88}, regs: thRegs{1: thData, 2: 3}, setup: func(c *CPU, m *thRAM) { m.w32(thData, 0x80010000) }, want: thRegs{0: 0x80}},
		{name: "ldr reg", code: []uint16{0x5888}, regs: thRegs{1: thData, 2: 4}, setup: func(c *CPU, m *thRAM) { m.w32(thData+4, 0xCAFEF00D) }, want: thRegs{0: 0xCAFEF00D}},
		{name: "strh reg", code: []uint16{0x5288}, regs: thRegs{0: 0x12345678, 1: thData, 2: 2}, check: func(t *testing.T, c *CPU, m *thRAM) {
			if got := m.r32(thData); got != 0x56780000 {
				t.Errorf("mem = %#x", got)
			}
		}},
		{name: "strb reg", code: []uint16{0x5488}, regs: thRegs{0: 0x12345678, 1: thData, 2: 1}, check: func(t *testing.T, c *CPU, m *thRAM) {
			if got := m.r32(thData); got != 0x00007800 {
				t.Errorf("mem = %#x", got)
			}
		}},
		{name: "str reg", code: []uint16{0x5088}, regs: thRegs{0: 0x12345678, 1: thData, 2: 8}, check: func(t *testing.T, c *CPU, m *thRAM) {
			if got := m.r32(thData + 8); got != 0x12345678 {
				t.Errorf("mem = %#x", got)
			}
		}},
		{name: "ldr imm", code: []uint16{0x6848}, regs: thRegs{1: thData}, setup: func(c *CPU, m *thRAM) { m.w32(thData+4, 77) }, want: thRegs{0: 77}},
		{name: "str imm 124", code: []uint16{0x67c8}, regs: thRegs{0: 0xAABBCCDD, 1: thData}, check: func(t *testing.T, c *CPU, m *thRAM) {
			if got := m.r32(thData + 124); got != 0xAABBCCDD {
				t.Errorf("mem = %#x", got)
			}
		}},
		{name: "ldrb imm 31", code: []uint16{0x7fc8}, regs: thRegs{1: thData}, setup: func(c *CPU, m *thRAM) { m.mem[thData+31] = 0xFE }, want: thRegs{0: 0xFE}},
		{name: "strb imm 1", code: []uint16{0x7048}, regs: thRegs{0: 0x1FF, 1: thData}, check: func(t *testing.T, c *CPU, m *thRAM) {
			if got := m.r32(thData); got != 0xFF00 {
				t.Errorf("mem = %#x", got)
			}
		}},
		{name: "ldrh imm 62", code: []uint16{0x8fc8}, regs: thRegs{1: thData}, setup: func(c *CPU, m *thRAM) { m.w32(thData+60, 0xBEEF0000) }, want: thRegs{0: 0xBEEF}},
		{name: "strh imm 2", code: []uint16{0x8048}, regs: thRegs{0: 0x11223344, 1: thData}, check: func(t *testing.T, c *CPU, m *thRAM) {
			if got := m.r32(thData); got != 0x33440000 {
				t.Errorf("mem = %#x", got)
			}
		}},
		{name: "ldr sp", code: []uint16{0x9802}, setup: func(c *CPU, m *thRAM) { m.w32(thStack+8, 0x5EED) }, want: thRegs{0: 0x5EED}},
		{name: "str sp 1020", code: []uint16{0x90ff}, regs: thRegs{0: 0x600D}, check: func(t *testing.T, c *CPU, m *thRAM) {
			if got := m.r32(thStack + 1020); got != 0x600D {
				t.Errorf("mem = %#x", got)
			}
		}},
		{name: "ldr unaligned legacy rotates", code: []uint16{0x6808}, regs: thRegs{1: thData + 1}, setup: func(c *CPU, m *thRAM) { m.w32(thData, 0x44332211) }, want: thRegs{0: 0x11443322}},
		{name: "ldr unaligned U=1", code: []uint16{0x6808}, regs: thRegs{1: thData + 1}, setup: func(c *CPU, m *thRAM) {
			thSetU(c)
			m.w32(thData, 0x44332211)
			m.w32(thData+4, 0x88776655)
		}, want: thRegs{0: 0x55443322}},
		{name: "ldrh unaligned U=1", code: []uint16{0x8808}, regs: thRegs{1: thData + 3}, setup: func(c *CPU, m *thRAM) {
			thSetU(c)
			m.w32(thData, 0x44332211)
			m.w32(thData+4, 0x88776655)
		}, want: thRegs{0: 0x5544}},
		{name: "setend be then ldr/strh", code: []uint16{0xb658, 0x6808, 0x8088}, steps: 3, regs: thRegs{1: thData}, setup: func(c *CPU, m *thRAM) { m.w32(thData, 0x44332211) }, want: thRegs{0: 0x11223344},
			check: func(t *testing.T, c *CPU, m *thRAM) {
				if got := m.r32(thData + 4); got != 0x4433 {
					t.Errorf("big-endian strh stored %#x", got)
				}
			}},
		{name: "ldrsh big-endian", code: []uint16{0xb658, 0x5e88}, steps: 2, regs: thRegs{1: thData, 2: 0}, setup: func(c *CPU, m *thRAM) { m.w32(thData, 0x00000080) }, want: thRegs{0: 0xFFFF8000}},
	})
}

func thSetU(c *CPU) {
	c.cp15.sctlr |= sctlrU
	c.mmu.update(c)
}

func TestThumbMultiple(t *testing.T) {
	thRunCases(t, []thCase{
		{name: "push r0 r1 lr", code: []uint16{0xb503}, regs: thRegs{0: 1, 1: 2, 14: 3}, want: thRegs{13: thStack - 12}, check: func(t *testing.T, c *CPU, m *thRAM) {
			for i, w := range []uint32{1, 2, 3} {
				if got := m.r32(thStack - 12 + 4*uint32(i)); got != w {
					t.Errorf("word %d = %#x", i, got)
				}
			}
		}},
		{name: "pop r0 r1 pc thumb", code: []uint16{0xbd03}, regs: thRegs{13: thStack - 12}, setup: func(c *CPU, m *thRAM) {
			m.w32(thStack-12, 1)
			m.w32(thStack-8, 2)
			m.w32(thStack-4, 0x2001)
		}, want: thRegs{0: 1, 1: 2, 13: thStack, 15: 0x2000}},
		{name: "pop pc interworks to arm", code: []uint16{0xbd03}, regs: thRegs{13: thStack - 12}, setup: func(c *CPU, m *thRAM) {
			m.w32(thStack-4, 0x3000)
		}, want: thRegs{13: thStack, 15: 0x3000}, thumb: &thNo},
		{name: "ldmia base in list", code: []uint16{0xc803}, regs: thRegs{0: thData}, setup: func(c *CPU, m *thRAM) {
			m.w32(thData, 0xA)
			m.w32(thData+4, 0xB)
		}, want: thRegs{0: 0xA, 1: 0xB}},
		{name: "ldmia writeback", code: []uint16{0xca03}, regs: thRegs{2: thData}, setup: func(c *CPU, m *thRAM) {
			m.w32(thData, 0xA)
			m.w32(thData+4, 0xB)
		}, want: thRegs{0: 0xA, 1: 0xB, 2: thData + 8}},
		{name: "stmia base first stores original", code: []uint16{0xc003}, regs: thRegs{0: thData, 1: 5}, want: thRegs{0: thData + 8}, check: func(t *testing.T, c *CPU, m *thRAM) {
			if m.r32(thData) != thData || m.r32(thData+4) != 5 {
				t.Errorf("mem = %#x %#x", m.r32(thData), m.r32(thData+4))
			}
		}},
		{name: "ldmia unaligned U=1 aborts, no change", code: []uint16{0xca03}, regs: thRegs{0: 0x11, 1: 0x22, 2: thData + 2}, setup: func(c *CPU, m *thRAM) { thSetU(c) },
			want: thRegs{0: 0x11, 1: 0x22, 2: thData + 2, 15: 0x10, 14: thCodeBase + 8}, thumb: &thNo, check: thWantAbort(fsAlignment, thData+2)},
		{name: "pop aborting midway changes nothing", code: []uint16{0xbc07}, regs: thRegs{0: 0x11, 1: 0x22, 2: 0x33, 13: thRAMSize - 8},
			want: thRegs{0: 0x11, 1: 0x22, 2: 0x33, 15: 0x10}, thumb: &thNo, check: func(t *testing.T, c *CPU, m *thRAM) {
				if sp := c.BankedReg(ModeSVC, 13); sp != thRAMSize-8 {
					t.Errorf("SVC sp = %#x", sp)
				}
				thWantAbort(fsExternal, thRAMSize)(t, c, m)
			}},
		{name: "push aborting midway keeps sp", code: []uint16{0xb407}, regs: thRegs{13: thRAMSize + 8},
			want: thRegs{15: 0x10}, thumb: &thNo, check: func(t *testing.T, c *CPU, m *thRAM) {
				if sp := c.BankedReg(ModeSVC, 13); sp != thRAMSize+8 {
					t.Errorf("SVC sp = %#x", sp)
				}
				thWantAbort(fsExternal|fsrWnR, thRAMSize)(t, c, m)
			}},
		{name: "ldr from unmapped aborts", code: []uint16{0x5888}, regs: thRegs{0: 0x77, 1: 0x80000000, 2: 4},
			want: thRegs{0: 0x77, 15: 0x10, 14: thCodeBase + 8}, thumb: &thNo, check: thWantAbort(fsExternal, 0x80000004)},
	})
}

// thWantAbort checks a Data Abort taken from Thumb state at thCodeBase.
func thWantAbort(fsr, far uint32) func(*testing.T, *CPU, *thRAM) {
	return func(t *testing.T, c *CPU, _ *thRAM) {
		t.Helper()
		if c.mode != ModeABT {
			t.Errorf("mode %#x, want abt", c.mode)
		}
		if c.spsr()&psrT == 0 || c.spsr()&0x1F != ModeSVC {
			t.Errorf("SPSR %#x", c.spsr())
		}
		if c.cp15.dfsr != fsr || c.cp15.dfar != far {
			t.Errorf("DFSR %#x DFAR %#x, want %#x %#x", c.cp15.dfsr, c.cp15.dfar, fsr, far)
		}
	}
}

func TestThumbBranches(t *testing.T) {
	thRunCases(t, []thCase{
		{name: "beq taken", code: []uint16{0xd002}, in: "Z", want: thRegs{15: 0x1008}},
		{name: "beq not taken", code: []uint16{0xd002}, want: thRegs{15: 0x1002}},
		{name: "bne backwards", code: []uint16{0xd1fe}, want: thRegs{15: 0x1000}},
		{name: "b forward", code: []uint16{0xe001}, want: thRegs{15: 0x1006}},
		{name: "b self", code: []uint16{0xe7fe}, want: thRegs{15: 0x1000}},
		{name: "b min", code: []uint16{0xe400}, want: thRegs{15: 0x1004 - 0x800}},
		{name: "bl prefix", code: []uint16{0xf001}, want: thRegs{14: 0x2004, 15: 0x1002}},
		{name: "bl pair", code: []uint16{0xf001, 0xf810}, steps: 2, want: thRegs{14: 0x1005, 15: 0x2024}},
		{name: "bl pair backwards", code: []uint16{0xf7ff, 0xf802}, steps: 2, want: thRegs{14: 0x1005, 15: 0x8}},
		{name: "blx pair", code: []uint16{0xf001, 0xe810}, steps: 2, want: thRegs{14: 0x1005, 15: 0x2024}, thumb: &thNo},
		{name: "blx pair aligns", code: []uint16{0x0000, 0xf001, 0xe810}, steps: 3, want: thRegs{14: 0x1007, 15: 0x2024}, thumb: &thNo},
	})
	// Every condition against every flag combination.
	for cond := uint32(0); cond < 14; cond++ {
		for f := 0; f < 16; f++ {
			c, _ := thNewCPU([]uint16{uint16(0xd000 | cond<<8 | 0x10)})
			c.N, c.Z, c.C, c.V = f&8 != 0, f&4 != 0, f&2 != 0, f&1 != 0
			want := uint32(0x1002)
			if c.condPass(cond) {
				want = 0x1024
			}
			c.Step()
			if c.PC() != want {
				t.Errorf("cond %d flags %04b: pc %#x want %#x", cond, f, c.PC(), want)
			}
		}
	}
}

func TestThumbExceptions(t *testing.T) {
	user := func(c *CPU, _ *thRAM) { c.setMode(ModeUSR); c.I = false }
	thRunCases(t, []thCase{
		{name: "svc", code: []uint16{0xdf05}, setup: user, want: thRegs{14: 0x1002, 15: 0x8}, thumb: &thNo, check: func(t *testing.T, c *CPU, _ *thRAM) {
			if c.mode != ModeSVC || c.spsr() != ModeUSR|psrT || !c.I {
				t.Errorf("mode %#x spsr %#x I %v", c.mode, c.spsr(), c.I)
			}
		}},
		{name: "undef 0xde00", code: []uint16{0xde00}, setup: user, want: thRegs{14: 0x1002, 15: 0x4}, thumb: &thNo, check: func(t *testing.T, c *CPU, _ *thRAM) {
			if c.mode != ModeUND || c.spsr() != ModeUSR|psrT {
				t.Errorf("mode %#x spsr %#x", c.mode, c.spsr())
			}
		}},
		{name: "bkpt", code: []uint16{0xbe03}, want: thRegs{14: 0x1004, 15: 0xC}, thumb: &thNo, check: func(t *testing.T, c *CPU, _ *thRAM) {
			if c.mode != ModeABT || c.cp15.ifsr != fsDebugEvent || c.cp15.ifar != thCodeBase {
				t.Errorf("mode %#x ifsr %#x ifar %#x", c.mode, c.cp15.ifsr, c.cp15.ifar)
			}
		}},
	})
}

// thUndefOps are unallocated (or UNPREDICTABLE, taken as UNDEF) on ARMv6.
var thUndefOps = []uint16{
	0xb100, 0xb1ff, 0xb300, 0xb900, 0xbb00, // CBZ/CBNZ (ARMv6T2)
	0xbf00, 0xbf10, 0xbf20, 0xbf30, 0xbf40, 0xbf08, // NOP/hints/IT (ARMv6T2)
	0xb600, 0xb640, 0xb651, 0xb668, 0xb67f, 0xb700, 0xb800, 0xba80, // misc holes
	0xb400, 0xbc00, 0xc000, 0xc800, // empty register lists
	0xde00, 0xdeff, // B<cond> with cond 1110
	0xe801, 0xefff, // BLX suffix with bit 0 set
	0x4701, 0x4787, // BX/BLX with SBZ bits set
}

func TestThumbUndefined(t *testing.T) {
	for _, op := range thUndefOps {
		c, _ := thNewCPU([]uint16{op})
		c.Step()
		if c.mode != ModeUND || c.PC() != 4 || c.R[14] != 0x1002 || c.T {
			t.Errorf("%#04x: mode %#x pc %#x lr %#x T %v, want UNDEF", op, c.mode, c.PC(), c.R[14], c.T)
		}
	}
}

// TestThumbRunLoop runs a small loop through Run (the block loop):
// sum = 10 + 9 + ... + 1.
func TestThumbRunLoop(t *testing.T) {
	c, _ := thNewCPU([]uint16{0x2000, 0x210a, 0x1840, 0x3901, 0xd1fc, 0xe7fe})
	c.Run(2 + 3*10 + 5)
	if c.R[0] != 55 || c.R[1] != 0 || c.PC() != 0x100A {
		t.Errorf("r0 %d r1 %d pc %#x", c.R[0], c.R[1], c.PC())
	}
}

// TestThumbSelfModifying checks that a store over decoded Thumb code is
// seen by the next execution.
func TestThumbSelfModifying(t *testing.T) {
	// strh r0, [r1, #0]; movs r2, #1 (overwritten with movs r2, #2); b .
	c, _ := thNewCPU([]uint16{0x8008, 0x2201, 0xe7fe})
	c.R[0], c.R[1] = 0x2202, thCodeBase+2
	c.Run(3)
	if c.R[2] != 2 {
		t.Errorf("r2 = %d, want 2 (new code)", c.R[2])
	}
}

// TestThumbCPSIETakesIRQ checks that a pending IRQ is taken right after
// CPSIE i, before the next Thumb instruction, with LR_irq = next + 4.
func TestThumbCPSIETakesIRQ(t *testing.T) {
	c, _ := thNewCPU([]uint16{0xb662, 0x2001, 0xe7fe}) // cpsie i; movs r0, #1; b .
	c.I = true
	c.SetIRQ(true)
	c.Run(2)
	if c.R[0] != 0 {
		t.Error("instruction after CPSIE ran before the IRQ")
	}
	if lr := c.BankedReg(ModeIRQ, 14); lr != thCodeBase+6 {
		t.Errorf("LR_irq = %#x, want %#x", lr, thCodeBase+6)
	}
	if spsr := c.SPSROf(ModeIRQ); spsr&psrT == 0 {
		t.Errorf("SPSR_irq %#x lacks T", spsr)
	}
}

// TestThumbExceptionReturn takes SVC, UNDEF and IRQ from Thumb code and
// returns with the ARM handlers' MOVS pc, lr / SUBS pc, lr, #4: execution
// resumes in Thumb state at the right instruction.
func TestThumbExceptionReturn(t *testing.T) {
	// svc 0; movs r0, #7; udf (0xde00); movs r1, #8; movs r2, #9; b .
	c, m := thNewCPU([]uint16{0xdf00, 0x2007, 0xde00, 0x2108, 0x2209, 0xe7fe})
	m.w32(0x4, 0xE1B0F00E)  // und: movs pc, lr
	m.w32(0x8, 0xE1B0F00E)  // svc: movs pc, lr
	m.w32(0x18, 0xE25EF004) // irq: subs pc, lr, #4
	c.setMode(ModeUSR)
	c.Step() // svc
	if c.mode != ModeSVC || c.T || c.PC() != 0x8 {
		t.Fatalf("after svc: mode %#x T %v pc %#x", c.mode, c.T, c.PC())
	}
	c.Step() // movs pc, lr
	if c.mode != ModeUSR || !c.T || c.PC() != 0x1002 {
		t.Fatalf("after svc return: mode %#x T %v pc %#x", c.mode, c.T, c.PC())
	}
	c.Step() // movs r0, #7
	c.Step() // udf
	if c.mode != ModeUND || c.PC() != 0x4 {
		t.Fatalf("after udf: mode %#x pc %#x", c.mode, c.PC())
	}
	c.Step() // movs pc, lr
	if c.mode != ModeUSR || !c.T || c.PC() != 0x1006 || c.R[0] != 7 {
		t.Fatalf("after und return: mode %#x T %v pc %#x r0 %d", c.mode, c.T, c.PC(), c.R[0])
	}
	c.Step() // movs r1, #8
	c.SetIRQ(true)
	c.Step() // IRQ taken before movs r2, #9
	if c.mode != ModeIRQ || c.R[14] != 0x1008+4 {
		t.Fatalf("irq: mode %#x lr %#x", c.mode, c.R[14])
	}
	c.SetIRQ(false)
	c.Step() // subs pc, lr, #4
	c.Step() // movs r2, #9
	if c.mode != ModeUSR || !c.T || c.R[1] != 8 || c.R[2] != 9 || c.PC() != 0x100A {
		t.Errorf("after irq return: mode %#x T %v r1 %d r2 %d pc %#x", c.mode, c.T, c.R[1], c.R[2], c.PC())
	}
}
