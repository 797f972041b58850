package arm

// Unit tests for the VFP11 instructions (vfp.go, vfp_dp.go, vfp_mem.go):
// results, FPSCR flags, compares through FMSTAT, short vectors, loads and
// stores, register transfers, system registers and the UNDEF gating.

import (
	"encoding/binary"
	"math"
	"testing"
)

const (
	vtRAMSize = 1 << 20
	vtCode    = 0x1000
	vtData    = 0x8000
)

// vtBus is 1 MiB of RAM at physical 0; everything else aborts.
type vtBus struct{ mem []byte }

func (b *vtBus) Page(pa uint32) []byte {
	if pa < vtRAMSize {
		p := pa &^ 0xFFF
		return b.mem[p : p+4096]
	}
	return nil
}

func (b *vtBus) Read(pa uint32, size int) (uint64, bool) { return 0, false }

func (b *vtBus) Write(pa uint32, size int, v uint64) bool { return false }

func (b *vtBus) w32(a uint32) uint32 { return binary.LittleEndian.Uint32(b.mem[a:]) }
func (b *vtBus) put32(a, v uint32)   { binary.LittleEndian.PutUint32(b.mem[a:], v) }
func (b *vtBus) putCode(ops []uint32) {
	for i, op := range ops {
		b.put32(vtCode+4*uint32(i), op)
	}
}

// vtNew returns a CPU in SVC mode with the VFP enabled (CPACR full
// access, FPEXC.EN) and ops at vtCode.
func vtNew(ops ...uint32) (*CPU, *vtBus) {
	b := &vtBus{mem: make([]byte, vtRAMSize)}
	c := New(b)
	c.cp15.cpacr = 0x00F00000
	c.vfp.fpexc = fpexcEN
	b.putCode(ops)
	c.SetPC(vtCode)
	return c, b
}

// vtRun executes n instructions (stopping at an exception).
func vtRun(c *CPU, n int) {
	for i := 0; i < n; i++ {
		pc := c.PC()
		c.Step()
		if c.PC() != pc+4 {
			return
		}
	}
}

func vtUndef(c *CPU) bool { return c.mode == ModeUND && c.PC() == 0x4 }

// Encoders (DDI 0100I C3). Single registers are 0-31, doubles 0-15.
func vtS(base, d, n, m uint32) uint32 {
	return base | d>>1<<12 | d&1<<22 | n>>1<<16 | n&1<<7 | m>>1 | m&1<<5
}
func vtD(base, d, n, m uint32) uint32 { return base | 0x100 | d<<12 | n<<16 | m }

const (
	vtFMAC  = 0xEE000A00
	vtFNMAC = 0xEE000A40
	vtFMSC  = 0xEE100A00
	vtFNMSC = 0xEE100A40
	vtFMUL  = 0xEE200A00
	vtFNMUL = 0xEE200A40
	vtFADD  = 0xEE300A00
	vtFSUB  = 0xEE300A40
	vtFDIV  = 0xEE800A00
	vtFCPY  = 0xEEB00A40
	vtFABS  = 0xEEB00AC0
	vtFNEG  = 0xEEB10A40
	vtFSQRT = 0xEEB10AC0
	vtFCMP  = 0xEEB40A40
	vtFCMPE = 0xEEB40AC0
	vtFCMPZ = 0xEEB50A40
	vtFCVT  = 0xEEB70AC0 // FCVTDS (cp10) / FCVTSD (cp11)
	vtFUITO = 0xEEB80A40
	vtFSITO = 0xEEB80AC0
	vtFTOUI = 0xEEBC0A40
	vtFTOSI = 0xEEBD0A40
	vtFTOSZ = 0xEEBD0AC0

	vtFMSTAT = 0xEEF1FA10
)

func vtFMXR(reg, rt uint32) uint32 { return 0xEEE00A10 | reg<<16 | rt<<12 }
func vtFMRX(rt, reg uint32) uint32 { return 0xEEF00A10 | reg<<16 | rt<<12 }

func vtF32(x float32) uint32 { return math.Float32bits(x) }
func vtF64(x float64) uint64 { return math.Float64bits(x) }

func TestVFPArithmetic(t *testing.T) {
	type tc struct {
		name  string
		op    uint32
		dbl   bool
		d     float64 // old destination (accumulate forms)
		n, m  float64
		want  float64
		flags uint32
	}
	tests := []tc{
		{"fadds", vtS(vtFADD, 1, 2, 3), false, 0, 1.5, 2.25, 3.75, 0},
		{"fsubs", vtS(vtFSUB, 1, 2, 3), false, 0, 1.5, 2.25, -0.75, 0},
		{"fmuls", vtS(vtFMUL, 1, 2, 3), false, 0, 1.5, -2, -3, 0},
		{"fnmuls", vtS(vtFNMUL, 1, 2, 3), false, 0, 1.5, -2, 3, 0},
		{"fdivs inexact", vtS(vtFDIV, 1, 2, 3), false, 0, 1, 3, float64(float32(1) / 3), 1 << 4},
		{"fdivs by zero", vtS(vtFDIV, 1, 2, 3), false, 0, 1, 0, math.Inf(1), 1 << 1},
		{"fmacs", vtS(vtFMAC, 1, 2, 3), false, 10, 2, 3, 16, 0},
		{"fnmacs", vtS(vtFNMAC, 1, 2, 3), false, 10, 2, 3, 4, 0},
		{"fmscs", vtS(vtFMSC, 1, 2, 3), false, 10, 2, 3, -4, 0},
		{"fnmscs", vtS(vtFNMSC, 1, 2, 3), false, 10, 2, 3, -16, 0},
		{"fsqrts", vtS(vtFSQRT, 1, 0, 3), false, 0, 0, 2.25, 1.5, 0},
		{"fsqrts neg", vtS(vtFSQRT, 1, 0, 3), false, 0, 0, -1, math.NaN(), 1},
		{"fabss", vtS(vtFABS, 1, 0, 3), false, 0, 0, -7, 7, 0},
		{"fnegs", vtS(vtFNEG, 1, 0, 3), false, 0, 0, 7, -7, 0},
		{"fcpys", vtS(vtFCPY, 1, 0, 3), false, 0, 0, 7, 7, 0},
		{"fmuls overflow", vtS(vtFMUL, 1, 2, 3), false, 0, 3e38, 10, math.Inf(1), 1<<2 | 1<<4},
		{"faddd", vtD(vtFADD, 1, 2, 3), true, 0, 0.1, 0.2, math.Float64frombits(0x3FD3333333333334), 1 << 4},
		{"fsubd", vtD(vtFSUB, 1, 2, 3), true, 0, 1, 0.25, 0.75, 0},
		{"fmuld", vtD(vtFMUL, 1, 2, 3), true, 0, 1e300, 1e300, math.Inf(1), 1<<2 | 1<<4},
		{"fdivd", vtD(vtFDIV, 1, 2, 3), true, 0, 1, 4, 0.25, 0},
		{"fmacd", vtD(vtFMAC, 1, 2, 3), true, 1, 2, 3, 7, 0},
		{"fnmscd", vtD(vtFNMSC, 1, 2, 3), true, 1, 2, 3, -7, 0},
		{"fsqrtd", vtD(vtFSQRT, 1, 0, 3), true, 0, 0, 2, math.Sqrt(2), 1 << 4},
		{"fnegd", vtD(vtFNEG, 1, 0, 3), true, 0, 0, 2, -2, 0},
		{"fabsd", vtD(vtFABS, 1, 0, 3), true, 0, 0, -2, 2, 0},
		{"fcpyd", vtD(vtFCPY, 1, 0, 3), true, 0, 0, -2, -2, 0},
	}
	for _, tt := range tests {
		c, _ := vtNew(tt.op)
		c.vfp.fpscr = 0x00000000
		if tt.dbl {
			c.vfp.setD(1, vtF64(tt.d))
			c.vfp.setD(2, vtF64(tt.n))
			c.vfp.setD(3, vtF64(tt.m))
		} else {
			c.vfp.s[1] = vtF32(float32(tt.d))
			c.vfp.s[2] = vtF32(float32(tt.n))
			c.vfp.s[3] = vtF32(float32(tt.m))
		}
		vtRun(c, 1)
		var got, want uint64
		if tt.dbl {
			got, want = c.vfp.d(1), vtF64(tt.want)
		} else {
			got, want = uint64(c.vfp.s[1]), uint64(vtF32(float32(tt.want)))
		}
		if math.IsNaN(tt.want) {
			if tt.dbl {
				want = 0x7FF8000000000000
			} else {
				want = 0x7FC00000
			}
		}
		if got != want || c.vfp.fpscr != tt.flags {
			t.Errorf("%s: got %#x fpscr %#x, want %#x fpscr %#x", tt.name, got, c.vfp.fpscr, want, tt.flags)
		}
	}
}

func TestVFPRoundingAndFlushControls(t *testing.T) {
	// 1/3 in the four rounding modes: RN and RM give ...aaab/...aaaa.
	for rm, want := range []uint32{0x3EAAAAAB, 0x3EAAAAAB, 0x3EAAAAAA, 0x3EAAAAAA} {
		c, _ := vtNew(vtS(vtFDIV, 0, 1, 2))
		c.vfp.fpscr = uint32(rm) << 22
		c.vfp.s[1], c.vfp.s[2] = vtF32(1), vtF32(3)
		vtRun(c, 1)
		if c.vfp.s[0] != want || c.vfp.fpscr != uint32(rm)<<22|1<<4 {
			t.Errorf("rmode %d: got %#x fpscr %#x, want %#x", rm, c.vfp.s[0], c.vfp.fpscr, want)
		}
	}
	// FZ: a denormal operand is flushed (IDC); DN: NaN results are the
	// default NaN.
	c, _ := vtNew(vtS(vtFADD, 0, 1, 2), vtS(vtFADD, 3, 4, 2))
	c.vfp.fpscr = fpscrFZ | fpscrDN
	c.vfp.s[1], c.vfp.s[2] = 0x00000001, vtF32(0)
	c.vfp.s[4] = 0x7F800001 // signalling NaN
	vtRun(c, 2)
	if c.vfp.s[0] != 0 || c.vfp.s[3] != 0x7FC00000 || c.vfp.fpscr != fpscrFZ|fpscrDN|1<<7|1 {
		t.Errorf("FZ/DN: s0 %#x s3 %#x fpscr %#x", c.vfp.s[0], c.vfp.s[3], c.vfp.fpscr)
	}
	// Without DN the signalling NaN is quietened with its payload.
	c, _ = vtNew(vtS(vtFADD, 3, 4, 2))
	c.vfp.s[4], c.vfp.s[2] = 0x7F800123, vtF32(1)
	vtRun(c, 1)
	if c.vfp.s[3] != 0x7FC00123 || c.vfp.fpscr != 1 {
		t.Errorf("NaN propagation: s3 %#x fpscr %#x", c.vfp.s[3], c.vfp.fpscr)
	}
}

func TestVFPCompareFMSTAT(t *testing.T) {
	nan := math.Float32frombits(0x7FC00000)
	snan := math.Float32frombits(0x7F800001)
	tests := []struct {
		name   string
		op     uint32
		a, b   float32
		nzcv   uint32
		ioc    bool
		double bool
	}{
		{"less", vtS(vtFCMP, 0, 0, 1), 1, 2, 0x8, false, false},
		{"equal", vtS(vtFCMP, 0, 0, 1), 2, 2, 0x6, false, false},
		{"greater", vtS(vtFCMP, 0, 0, 1), 3, 2, 0x2, false, false},
		{"zeros equal", vtS(vtFCMP, 0, 0, 1), float32(math.Copysign(0, -1)), 0, 0x6, false, false},
		{"unordered quiet", vtS(vtFCMP, 0, 0, 1), nan, 2, 0x3, false, false},
		{"unordered signalling nan", vtS(vtFCMP, 0, 0, 1), snan, 2, 0x3, true, false},
		{"fcmpe qnan", vtS(vtFCMPE, 0, 0, 1), nan, 2, 0x3, true, false},
		{"fcmpz neg", vtS(vtFCMPZ, 0, 0, 0), -5, 0, 0x8, false, false},
		{"fcmpd greater", vtD(vtFCMP, 0, 0, 1), 5, 4, 0x2, false, true},
		{"fcmpzd equal", vtD(vtFCMPZ, 0, 0, 0), 0, 0, 0x6, false, true},
	}
	for _, tt := range tests {
		c, _ := vtNew(tt.op, vtFMSTAT, vtFMRX(2, vfpRegFPSCR))
		if tt.double {
			c.vfp.setD(0, vtF64(float64(tt.a)))
			c.vfp.setD(1, vtF64(float64(tt.b)))
		} else {
			c.vfp.s[0], c.vfp.s[1] = vtF32(tt.a), vtF32(tt.b)
			if tt.name == "unordered signalling nan" {
				c.vfp.s[0] = 0x7F800001
			}
		}
		c.setFlags(0)
		vtRun(c, 3)
		got := c.CPSR() >> 28
		if got != tt.nzcv || c.R[2]>>28 != tt.nzcv || (c.R[2]&1 != 0) != tt.ioc {
			t.Errorf("%s: cpsr nzcv %x fpscr %#x, want nzcv %x ioc %v", tt.name, got, c.R[2], tt.nzcv, tt.ioc)
		}
	}
}

func TestVFPConversions(t *testing.T) {
	tests := []struct {
		name  string
		op    uint32
		rmode uint32
		in    uint64 // Sm (or Dm for cp11 sources)
		dIn   bool
		want  uint64 // Sd (or Dd)
		dOut  bool
		flags uint32
	}{
		{"ftosizs trunc", vtS(vtFTOSZ, 0, 0, 1), 0, uint64(vtF32(-3.7)), false, uint64(0xFFFFFFFD), false, 1 << 4},
		{"ftosis nearest", vtS(vtFTOSI, 0, 0, 1), 0, uint64(vtF32(-3.7)), false, uint64(0xFFFFFFFC), false, 1 << 4},
		{"ftosis toward +inf", vtS(vtFTOSI, 0, 0, 1), 1, uint64(vtF32(3.2)), false, 4, false, 1 << 4},
		{"ftosis saturate", vtS(vtFTOSI, 0, 0, 1), 0, uint64(vtF32(3e9)), false, 0x7FFFFFFF, false, 1},
		{"ftouis negative", vtS(vtFTOUI, 0, 0, 1), 0, uint64(vtF32(-3)), false, 0, false, 1},
		{"ftosis nan", vtS(vtFTOSI, 0, 0, 1), 0, 0x7FC00000, false, 0, false, 1},
		{"fsitos", vtS(vtFSITO, 0, 0, 1), 0, 0xFFFFFFFE, false, uint64(vtF32(-2)), false, 0},
		{"fuitos inexact", vtS(vtFUITO, 0, 0, 1), 0, 0xFFFFFFFF, false, uint64(vtF32(4294967296)), false, 1 << 4},
		{"fsitod", vtD(vtFSITO, 1, 0, 0) | 1<<5 | 1, 0, 0x80000000, false, vtF64(-2147483648), true, 0}, // Sm = s3
		{"fuitod", vtD(vtFUITO, 1, 0, 1) | 0, 0, 0xFFFFFFFF, false, vtF64(4294967295), true, 0},         // Sm = s2
		{"ftosizd", vtD(vtFTOSZ, 0, 0, 1) | 1<<22, 0, vtF64(-2.5), true, 0xFFFFFFFE, false, 1 << 4},     // Sd = s1
		{"fcvtds", vtS(vtFCVT, 2, 0, 1), 0, uint64(vtF32(1.5)), false, vtF64(1.5), true, 0},             // Dd = d1
		{"fcvtsd", vtD(vtFCVT, 0, 0, 1), 0, vtF64(0.1), true, uint64(vtF32(0.1)), false, 1 << 4},
	}
	for _, tt := range tests {
		c, _ := vtNew(tt.op)
		c.vfp.fpscr = tt.rmode << 22
		// Sources: Sm = s1..s3 or Dm = d1.
		for i := uint32(1); i <= 3; i++ {
			c.vfp.s[i] = uint32(tt.in)
		}
		if tt.dIn {
			c.vfp.setD(1, tt.in)
		}
		vtRun(c, 1)
		var got uint64
		switch {
		case tt.dOut:
			got = c.vfp.d(1)
		case tt.op&0x100 != 0 && tt.op&(1<<22) != 0:
			got = uint64(c.vfp.s[1])
		default:
			got = uint64(c.vfp.s[0])
		}
		if got != tt.want || c.vfp.fpscr != tt.rmode<<22|tt.flags {
			t.Errorf("%s: got %#x fpscr %#x, want %#x flags %#x", tt.name, got, c.vfp.fpscr, tt.want, tt.flags)
		}
	}
}

func TestVFPShortVectors(t *testing.T) {
	fill := func(c *CPU) {
		for i := range c.vfp.s {
			c.vfp.s[i] = vtF32(float32(i))
		}
	}
	fillD := func(c *CPU) {
		for i := uint32(0); i < 16; i++ {
			c.vfp.setD(i, vtF64(float64(i)))
		}
	}
	// FADDS s8, s16, s24, LEN=4 (3), stride 1: s8..s11 = s16..19 + s24..27.
	c, _ := vtNew(vtS(vtFADD, 8, 16, 24))
	fill(c)
	c.vfp.fpscr = 3 << 16
	vtRun(c, 1)
	for i := uint32(0); i < 4; i++ {
		if c.vfp.s[8+i] != vtF32(float32(16+i+24+i)) {
			t.Errorf("vector add: s%d = %v", 8+i, math.Float32frombits(c.vfp.s[8+i]))
		}
	}
	if c.vfp.s[12] != vtF32(12) {
		t.Errorf("vector add ran past LEN: s12 = %v", math.Float32frombits(c.vfp.s[12]))
	}
	// Mixed: Sm in bank 0 is a scalar.
	c, _ = vtNew(vtS(vtFMUL, 8, 16, 2))
	fill(c)
	c.vfp.fpscr = 2 << 16
	vtRun(c, 1)
	for i := uint32(0); i < 3; i++ {
		if c.vfp.s[8+i] != vtF32(float32((16+i)*2)) {
			t.Errorf("mixed mul: s%d = %v", 8+i, math.Float32frombits(c.vfp.s[8+i]))
		}
	}
	// Sd in bank 0: scalar even with LEN set.
	c, _ = vtNew(vtS(vtFADD, 1, 16, 24))
	fill(c)
	c.vfp.fpscr = 7 << 16
	vtRun(c, 1)
	if c.vfp.s[1] != vtF32(40) || c.vfp.s[2] != vtF32(2) {
		t.Errorf("scalar in bank 0: s1 %v s2 %v", math.Float32frombits(c.vfp.s[1]), math.Float32frombits(c.vfp.s[2]))
	}
	// Wrap within the bank: start at s14, 4 elements: s14 s15 s8 s9; the
	// sources wrap in theirs (s22 s23 s16 s17).
	c, _ = vtNew(vtS(vtFCPY, 14, 0, 22))
	fill(c)
	c.vfp.fpscr = 3 << 16
	vtRun(c, 1)
	for i, r := range []uint32{14, 15, 8, 9} {
		want := []float32{22, 23, 16, 17}[i]
		if c.vfp.s[r] != vtF32(want) {
			t.Errorf("wrap: s%d = %v, want %v", r, math.Float32frombits(c.vfp.s[r]), want)
		}
	}
	if c.vfp.s[16] != vtF32(16) {
		t.Errorf("wrap escaped the bank: s16 = %v", math.Float32frombits(c.vfp.s[16]))
	}
	// Stride 2 (STRIDE=0b11), single: s8 s10 s12 s14 <- s24 s26 s28 s30 (negated).
	c, _ = vtNew(vtS(vtFNEG, 8, 0, 24))
	fill(c)
	c.vfp.fpscr = 3<<20 | 3<<16
	vtRun(c, 1)
	for i := uint32(0); i < 4; i++ {
		if c.vfp.s[8+2*i] != vtF32(-float32(24+2*i)) || c.vfp.s[9+2*i] != vtF32(float32(9+2*i)) {
			t.Errorf("stride 2: s%d = %v s%d = %v", 8+2*i, math.Float32frombits(c.vfp.s[8+2*i]), 9+2*i, math.Float32frombits(c.vfp.s[9+2*i]))
		}
	}
	// Double precision, stride 2 with wrap: d5 d7 d5... LEN=2 (3 elements):
	// d5=d9+d13, d7=d11+d15, then d5 again = d9+d13 (with the new d5? no:
	// sources are d9, d13 again, unchanged) -> same value.
	c, _ = vtNew(vtD(vtFADD, 5, 9, 13))
	fillD(c)
	c.vfp.fpscr = 3<<20 | 2<<16
	vtRun(c, 1)
	if c.vfp.d(5) != vtF64(22) || c.vfp.d(7) != vtF64(26) || c.vfp.d(6) != vtF64(6) || c.vfp.d(4) != vtF64(4) {
		t.Errorf("double stride 2: d4 %v d5 %v d6 %v d7 %v", math.Float64frombits(c.vfp.d(4)),
			math.Float64frombits(c.vfp.d(5)), math.Float64frombits(c.vfp.d(6)), math.Float64frombits(c.vfp.d(7)))
	}
	// Double FMACD vector-vector with FPSCR flags accumulated over elements.
	c, _ = vtNew(vtD(vtFMAC, 12, 8, 4))
	fillD(c)
	c.vfp.fpscr = 3 << 16
	vtRun(c, 1)
	for i := uint32(0); i < 4; i++ {
		want := float64(12+i) + float64(8+i)*float64(4+i)
		if c.vfp.d(12+i) != vtF64(want) {
			t.Errorf("fmacd vector: d%d = %v, want %v", 12+i, math.Float64frombits(c.vfp.d(12+i)), want)
		}
	}
	// Compares and conversions ignore LEN.
	c, _ = vtNew(vtS(vtFSITO, 8, 0, 16))
	c.vfp.fpscr = 3 << 16
	c.vfp.s[16], c.vfp.s[17] = 5, 6
	vtRun(c, 1)
	if c.vfp.s[8] != vtF32(5) || c.vfp.s[9] != 0 {
		t.Errorf("fsitos with LEN: s8 %#x s9 %#x", c.vfp.s[8], c.vfp.s[9])
	}
}

func TestVFPLoadStore(t *testing.T) {
	// FSTS s3, [r0, #-8]; FLDS s9, [r0, #-8]; FSTD d2, [r0, #16]; FLDD d5, [r0, #16]
	c, b := vtNew(
		vtS(0xED000A00, 3, 0, 0)|2, vtS(0xED100A00, 9, 0, 0)|2,
		vtD(0xED800A00, 2, 0, 0)|4, vtD(0xED900A00, 5, 0, 0)|4)
	c.R[0] = vtData
	c.vfp.s[3] = 0x11223344
	c.vfp.setD(2, 0xAABBCCDD_55667788)
	vtRun(c, 4)
	if b.w32(vtData-8) != 0x11223344 || c.vfp.s[9] != 0x11223344 {
		t.Errorf("fsts/flds: mem %#x s9 %#x", b.w32(vtData-8), c.vfp.s[9])
	}
	if b.w32(vtData+16) != 0x55667788 || b.w32(vtData+20) != 0xAABBCCDD || c.vfp.d(5) != 0xAABBCCDD_55667788 {
		t.Errorf("fstd/fldd: mem %#x %#x d5 %#x", b.w32(vtData+16), b.w32(vtData+20), c.vfp.d(5))
	}
	// Big-endian data: the most significant word goes first, each word
	// big-endian.
	c, b = vtNew(vtD(0xED800A00, 2, 0, 0), vtD(0xED900A00, 6, 0, 0))
	c.R[0] = vtData
	c.setE(true)
	c.vfp.setD(2, 0x0102030405060708)
	vtRun(c, 2)
	if got := b.mem[vtData : vtData+8]; string(got) != "\x01\x02\x03\x04\x05\x06\x07\x08" || c.vfp.d(6) != 0x0102030405060708 {
		t.Errorf("big-endian fstd: mem % x d6 %#x", got, c.vfp.d(6))
	}
	// FLDS with the PC as base reads instruction address + 8.
	c, b = vtNew(vtS(0xED900A00|15<<16, 7, 0, 0) | 1) // FLDS s7, [pc, #4]
	b.put32(vtCode+12, 0xCAFEF00D)
	vtRun(c, 1)
	if c.vfp.s[7] != 0xCAFEF00D {
		t.Errorf("flds pc-relative: %#x", c.vfp.s[7])
	}
}

func TestVFPLoadStoreMultiple(t *testing.T) {
	// vpush {d8-d10} (FSTMDBD sp!, 6 words); clobber; vpop {d8-d10}.
	push := uint32(0xED2D8B06)
	pop := uint32(0xECBD8B06)
	c, b := vtNew(push, vtD(vtFSUB, 8, 8, 8), vtD(vtFSUB, 9, 9, 9), pop)
	c.R[13] = vtData + 0x100
	for i := uint32(8); i <= 10; i++ {
		c.vfp.setD(i, uint64(i)<<32|uint64(i*3))
	}
	vtRun(c, 2)
	if c.R[13] != vtData+0x100-24 || b.w32(vtData+0x100-24) != 24 || b.w32(vtData+0x100-20) != 8 || b.w32(vtData+0x100-4) != 10 {
		t.Errorf("vpush: sp %#x mem %#x %#x", c.R[13], b.w32(vtData+0x100-24), b.w32(vtData+0x100-20))
	}
	if c.vfp.d(8) != 0 {
		t.Errorf("clobber failed: %#x", c.vfp.d(8))
	}
	vtRun(c, 2)
	for i := uint32(8); i <= 10; i++ {
		if c.vfp.d(i) != uint64(i)<<32|uint64(i*3) {
			t.Errorf("vpop: d%d = %#x", i, c.vfp.d(i))
		}
	}
	if c.R[13] != vtData+0x100 {
		t.Errorf("vpop sp %#x", c.R[13])
	}
	// FSTMIAS r1, {s5-s7} without writeback, FLDMIAS r1!, {s20-s22}.
	c, b = vtNew(vtS(0xEC800A00, 5, 0, 0)|1<<16|3, vtS(0xECA00A00|1<<20, 20, 0, 0)|1<<16|3)
	c.R[1] = vtData
	c.vfp.s[5], c.vfp.s[6], c.vfp.s[7] = 5, 6, 7
	vtRun(c, 2)
	if b.w32(vtData) != 5 || b.w32(vtData+8) != 7 || c.vfp.s[20] != 5 || c.vfp.s[22] != 7 || c.R[1] != vtData+12 {
		t.Errorf("fstmias/fldmias: mem %#x s20 %#x s22 %#x r1 %#x", b.w32(vtData), c.vfp.s[20], c.vfp.s[22], c.R[1])
	}
	// FSTMX/FLDMX (imm8 odd): the extra word is skipped but counted in
	// the writeback. FSTMDBX r2!, {d0-d1} (imm8=5).
	c, b = vtNew(0xED220B05, 0xECB20B05)
	c.R[2] = vtData + 0x40
	b.put32(vtData+0x40-4, 0xDEADBEEF)
	c.vfp.setD(0, 0x1111111122222222)
	c.vfp.setD(1, 0x3333333344444444)
	vtRun(c, 1)
	if c.R[2] != vtData+0x40-20 || b.w32(vtData+0x40-20) != 0x22222222 || b.w32(vtData+0x40-8) != 0x33333333 || b.w32(vtData+0x40-4) != 0xDEADBEEF {
		t.Errorf("fstmdbx: r2 %#x mem %#x", c.R[2], b.w32(vtData+0x40-20))
	}
	c.vfp.setD(0, 0)
	c.vfp.setD(1, 0)
	vtRun(c, 1)
	if c.R[2] != vtData+0x40 || c.vfp.d(0) != 0x1111111122222222 || c.vfp.d(1) != 0x3333333344444444 {
		t.Errorf("fldmiax: r2 %#x d0 %#x d1 %#x", c.R[2], c.vfp.d(0), c.vfp.d(1))
	}
}

func TestVFPMemoryAborts(t *testing.T) {
	// An FLDMIAD that runs off the end of RAM: Data Abort, no register
	// changed (no writeback, no partial load).
	c, _ := vtNew(0xECB00B08) // FLDMIAD r0!, {d0-d3}
	c.R[0] = vtRAMSize - 16
	c.vfp.setD(0, 0x1234)
	vtRun(c, 1)
	if c.mode != ModeABT || c.PC() != 0x10 {
		t.Fatalf("no data abort: mode %#x pc %#x", c.mode, c.PC())
	}
	if c.R[0] != vtRAMSize-16 || c.vfp.d(0) != 0x1234 || c.vfp.d(1) != 0 {
		t.Errorf("abort changed registers: r0 %#x d0 %#x d1 %#x", c.R[0], c.vfp.d(0), c.vfp.d(1))
	}
	// Unaligned FLDS with SCTLR.U set: alignment fault (DFSR status 1).
	c, _ = vtNew(vtS(0xED900A00, 0, 0, 0))
	c.cp15.sctlr |= sctlrU
	c.mmu.update(c)
	c.R[0] = vtData + 2
	vtRun(c, 1)
	if dfsr, _ := c.CP15(0, 5, 0, 0); c.mode != ModeABT || dfsr&0x40F != 1 {
		t.Errorf("unaligned flds: mode %#x dfsr %#x", c.mode, dfsr)
	}
}

func TestVFPRegisterTransfers(t *testing.T) {
	c, _ := vtNew(
		0xEE001A90|3<<16,  // FMSR s7, r1
		0xEE102A90|3<<16,  // FMRS r2, s7
		0xEC443B12,        // FMDRR d2, r3, r4
		0xEC565B12,        // FMRRD r5, r6, d2
		0xEE007B10|4<<16,  // FMDLR d4, r7
		0xEE208B10|4<<16,  // FMDHR d4, r8
		0xEE109B10|4<<16,  // FMRDL r9, d4
		0xEE30AB10|4<<16,  // FMRDH r10, d4
		0xEC4B0A39,        // FMSRR {s19, s20}, r0, r11
		0xEE10FA10|10<<16, // FMRS pc, s20: flags
	)
	c.R[0], c.R[1], c.R[3], c.R[4], c.R[7], c.R[8], c.R[11] = 0x100, 0x11, 0x33, 0x44, 0x77, 0x88, 0x9000000B
	vtRun(c, 10)
	switch {
	case c.vfp.s[7] != 0x11 || c.R[2] != 0x11:
		t.Errorf("fmsr/fmrs: s7 %#x r2 %#x", c.vfp.s[7], c.R[2])
	case c.vfp.d(2) != 0x44_00000033 || c.R[5] != 0x33 || c.R[6] != 0x44:
		t.Errorf("fmdrr/fmrrd: d2 %#x r5 %#x r6 %#x", c.vfp.d(2), c.R[5], c.R[6])
	case c.vfp.d(4) != 0x88_00000077 || c.R[9] != 0x77 || c.R[10] != 0x88:
		t.Errorf("fmdlr/fmdhr: d4 %#x r9 %#x r10 %#x", c.vfp.d(4), c.R[9], c.R[10])
	case c.vfp.s[19] != 0x100 || c.vfp.s[20] != 0x9000000B:
		t.Errorf("fmsrr: s19 %#x s20 %#x", c.vfp.s[19], c.vfp.s[20])
	case c.CPSR()>>28 != 0x9:
		t.Errorf("fmrs pc: cpsr %#x", c.CPSR())
	}
}

func TestVFPSystemRegisters(t *testing.T) {
	c, _ := vtNew(
		vtFMRX(0, vfpRegFPSID), vtFMRX(1, vfpRegMVFR0), vtFMRX(2, vfpRegMVFR1),
		vtFMXR(vfpRegFPSCR, 3), vtFMRX(4, vfpRegFPSCR),
		vtFMXR(vfpRegFPEXC, 3), vtFMRX(5, vfpRegFPEXC),
		vtFMXR(vfpRegFPINST, 6), vtFMRX(7, vfpRegFPINST),
		vtFMXR(vfpRegFPSID, 3), vtFMRX(8, vfpRegFPSID))
	c.R[2], c.R[3], c.R[6] = 0xFF, 0xFFFFFFFF, 0xE1234567
	vtRun(c, 11)
	want := []uint32{vfpFPSID, vfpMVFR0, vfpMVFR1, 0xFFFFFFFF, 0xFFF7009F, 0x40000000, 0xE1234567, 0xE1234567, vfpFPSID}
	got := []uint32{c.R[0], c.R[1], c.R[2], c.R[3], c.R[4], c.R[5], c.R[6], c.R[7], c.R[8]}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("r%d = %#x, want %#x", i, got[i], want[i])
		}
	}
	if c.FPSCR() != 0xFFF7009F || c.FPEXC() != fpexcEN {
		t.Errorf("FPSCR %#x FPEXC %#x", c.FPSCR(), c.FPEXC())
	}
	// Exported accessors.
	c.SetVFPReg64(15, 0x0123456789ABCDEF)
	if c.VFPReg64(15) != 0x0123456789ABCDEF || c.vfp.s[31] != 0x01234567 || c.VFPReg64(16) != 0 {
		t.Errorf("VFPReg64: %#x", c.VFPReg64(15))
	}
	c.SetFPEXC(0xFFFFFFFF)
	c.SetFPSCR(0xFFFFFFFF)
	if c.FPEXC() != fpexcEN || c.FPSCR() != 0xFFF7009F {
		t.Errorf("setters: FPSCR %#x FPEXC %#x", c.FPSCR(), c.FPEXC())
	}
}

func TestVFPGating(t *testing.T) {
	const usr, svc = ModeUSR, ModeSVC
	tests := []struct {
		name  string
		op    uint32
		mode  uint32
		en    bool
		cpacr uint32
		undef bool
	}{
		{"fadds enabled", vtS(vtFADD, 0, 1, 2), usr, true, 0xF00000, false},
		{"fadds EN clear", vtS(vtFADD, 0, 1, 2), svc, false, 0xF00000, true},
		{"flds EN clear", vtS(0xED900A00, 0, 0, 0), svc, false, 0xF00000, true},
		{"fmrx fpscr EN clear", vtFMRX(0, vfpRegFPSCR), svc, false, 0xF00000, true},
		{"fmxr fpexc EN clear svc", vtFMXR(vfpRegFPEXC, 0), svc, false, 0xF00000, false},
		{"fmrx fpexc EN clear svc", vtFMRX(0, vfpRegFPEXC), svc, false, 0xF00000, false},
		{"fmrx fpsid EN clear svc", vtFMRX(0, vfpRegFPSID), svc, false, 0xF00000, false},
		{"fmrx mvfr0 EN clear svc", vtFMRX(0, vfpRegMVFR0), svc, false, 0xF00000, false},
		{"fmrx fpinst EN clear svc", vtFMRX(0, vfpRegFPINST), svc, false, 0xF00000, true},
		{"fmrx fpexc user", vtFMRX(0, vfpRegFPEXC), usr, true, 0xF00000, true},
		{"fmrx mvfr1 user", vtFMRX(0, vfpRegMVFR1), usr, true, 0xF00000, true},
		{"fmrx fpinst2 user", vtFMRX(0, vfpRegFPINST2), usr, true, 0xF00000, true},
		{"fmrx fpsid user", vtFMRX(0, vfpRegFPSID), usr, false, 0xF00000, false},
		{"fmrx fpscr user", vtFMRX(0, vfpRegFPSCR), usr, true, 0xF00000, false},
		{"fmrx reserved reg", vtFMRX(0, 2), svc, true, 0xF00000, true},
		{"cpacr none: fadds", vtS(vtFADD, 0, 1, 2), svc, true, 0, true},
		{"cpacr none: fmrx fpexc", vtFMRX(0, vfpRegFPEXC), svc, true, 0, true},
		{"cpacr none: fmrx fpsid", vtFMRX(0, vfpRegFPSID), svc, true, 0, true},
		{"cpacr cp10 only", vtS(vtFADD, 0, 1, 2), svc, true, 0x300000, true},
		{"cpacr priv: svc", vtS(vtFADD, 0, 1, 2), svc, true, 0x500000, false},
		{"cpacr priv: user", vtS(vtFADD, 0, 1, 2), usr, true, 0x500000, true},
	}
	for _, tt := range tests {
		c, _ := vtNew(tt.op)
		c.setMode(tt.mode)
		c.cp15.cpacr = tt.cpacr
		if !tt.en {
			c.vfp.fpexc = 0
		}
		vtRun(c, 1)
		if vtUndef(c) != tt.undef {
			t.Errorf("%s: undef %v, want %v (mode %#x pc %#x)", tt.name, vtUndef(c), tt.undef, c.mode, c.PC())
		}
	}
	// Linux's lazy switch: with EN clear, a VFP instruction traps; the
	// handler sets EN and the retried instruction runs.
	c, _ := vtNew(vtS(vtFADD, 0, 1, 2))
	c.vfp.fpexc = 0
	c.vfp.s[1], c.vfp.s[2] = vtF32(1), vtF32(2)
	vtRun(c, 1)
	if !vtUndef(c) {
		t.Fatal("no trap with EN clear")
	}
	c.SetFPEXC(fpexcEN)
	c.setCPSR(ModeSVC | psrI | psrF)
	c.SetPC(vtCode)
	vtRun(c, 1)
	if c.vfp.s[0] != vtF32(3) {
		t.Errorf("retry after enabling: s0 %#x", c.vfp.s[0])
	}
}

func TestVFPUndefinedEncodings(t *testing.T) {
	undef := []struct {
		name string
		op   uint32
	}{
		{"dp opcode 1001", 0xEE800A40},
		{"dp opcode 1100", 0xEEA00A00},
		{"ext 4 (fcvtb, vfpv3)", 0xEEB20A40},
		{"ext 14", 0xEEB70A40},
		{"ext 20 (fixed point, vfpv3)", 0xEEBA0A40},
		{"vmov imm (vfpv3)", 0xEEB00A00},
		{"double with D bit", vtD(vtFADD, 0, 1, 2) | 1<<22},
		{"double with N bit", vtD(vtFADD, 0, 1, 2) | 1<<7},
		{"double with M bit", vtD(vtFADD, 0, 1, 2) | 1<<5},
		{"fcmpz with Fm", vtS(vtFCMPZ, 0, 0, 3)},
		{"fldmd count 0", 0xEC900B00},
		{"fldmd past d15", 0xEC90EB06},
		{"fldms past s31", 0xEC90FA03},
		{"fldms count 0", 0xEC900A00},
		{"fldm writeback pc", 0xECBF0A02},
		{"ldc P=1 U=1 W=1", 0xEDB00A02},
		{"ldc P=0 U=0 W=1", 0xEC300A02},
		{"ldc P=0 U=0 D=0", 0xEC100A02},
		{"mcr cp10 opc 1", 0xEE200A10},
		{"mcr cp11 opc 2", 0xEE400B10},
		{"fmsr sbz bits", 0xEE000A11},
		{"fmxr sbz bits", 0xEEE10A11},
		{"fmdlr N bit", 0xEE000B90},
		{"fmdrr M bit", 0xEC400B30},
		{"fmrrd pc", 0xEC5F0B10},
		{"fmrrs same reg", 0xEC511A10},
		{"fmsrr s31", 0xEC400A3F},
		{"cdp with bit 4 in mcrr space", 0xEC400B00},
	}
	for _, tt := range undef {
		c, _ := vtNew(tt.op)
		vtRun(c, 1)
		if !vtUndef(c) {
			t.Errorf("%s (%#08x): not UNDEF (pc %#x)", tt.name, tt.op, c.PC())
		}
	}
}
