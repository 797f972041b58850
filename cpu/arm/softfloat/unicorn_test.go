//go:build unicorn

package softfloat

// Differential test against Unicorn 2.0.1 (QEMU ~5.0) executing the real
// VFP instructions on its ARM1176 model. Run with:
//
//	go test -tags unicorn -run Unicorn ./cpu/arm/softfloat -args -ucases=200000

import (
	"flag"
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/unicorn"
)

var ucCases = flag.Int("ucases", 20000, "operand pairs per format for TestUnicorn")

type ucOp struct {
	name  string
	insn  uint32
	dbl   bool // operands in d1/d2 (else s2/s4)
	dres  bool // result in d0 (else s0)
	cmp   bool // result is FPSCR NZCV
	intIn bool // single integer operand taken from s4 (b)
	acc   bool // accumulates into s0/d0 (initial value c)
	impl  func(a, b uint64, s *Status) uint64
	impl3 func(c, a, b uint64, s *Status) uint64
}

func ucOps() []ucOp {
	u32 := func(f func(a, b uint32, s *Status) uint32) func(a, b uint64, s *Status) uint64 {
		return func(a, b uint64, s *Status) uint64 { return uint64(f(uint32(a), uint32(b), s)) }
	}
	return []ucOp{
		{name: "vadd.f32", insn: 0xee310a02, impl: u32(Add32)},
		{name: "vsub.f32", insn: 0xee310a42, impl: u32(Sub32)},
		{name: "vmul.f32", insn: 0xee210a02, impl: u32(Mul32)},
		{name: "vdiv.f32", insn: 0xee810a02, impl: u32(Div32)},
		{name: "vsqrt.f32", insn: 0xeeb10ac1, impl: u32(func(a, _ uint32, s *Status) uint32 { return Sqrt32(a, s) })},
		{name: "vcmp.f32", insn: 0xeeb41a42, cmp: true, impl: u32(func(a, b uint32, s *Status) uint32 { return Compare32(a, b, false, s) })},
		{name: "vcmpe.f32", insn: 0xeeb41ac2, cmp: true, impl: u32(func(a, b uint32, s *Status) uint32 { return Compare32(a, b, true, s) })},
		{name: "vcvt.f64.f32", insn: 0xeeb70ac1, dres: true, impl: func(a, _ uint64, s *Status) uint64 { return F32ToF64(uint32(a), s) }},
		{name: "vcvtr.s32.f32", insn: 0xeebd0a41, impl: u32(func(a, _ uint32, s *Status) uint32 { return F32ToS32(a, false, s) })},
		{name: "vcvt.s32.f32", insn: 0xeebd0ac1, impl: u32(func(a, _ uint32, s *Status) uint32 { return F32ToS32(a, true, s) })},
		{name: "vcvtr.u32.f32", insn: 0xeebc0a41, impl: u32(func(a, _ uint32, s *Status) uint32 { return F32ToU32(a, false, s) })},
		{name: "vcvt.u32.f32", insn: 0xeebc0ac1, impl: u32(func(a, _ uint32, s *Status) uint32 { return F32ToU32(a, true, s) })},
		{name: "vcvt.f32.s32", insn: 0xeeb80ac2, intIn: true, impl: u32(func(_, b uint32, s *Status) uint32 { return S32ToF32(b, s) })},
		{name: "vcvt.f32.u32", insn: 0xeeb80a42, intIn: true, impl: u32(func(_, b uint32, s *Status) uint32 { return U32ToF32(b, s) })},
		{name: "vadd.f64", insn: 0xee310b02, dbl: true, dres: true, impl: Add64},
		{name: "vsub.f64", insn: 0xee310b42, dbl: true, dres: true, impl: Sub64},
		{name: "vmul.f64", insn: 0xee210b02, dbl: true, dres: true, impl: Mul64},
		{name: "vdiv.f64", insn: 0xee810b02, dbl: true, dres: true, impl: Div64},
		{name: "vsqrt.f64", insn: 0xeeb10bc1, dbl: true, dres: true, impl: func(a, _ uint64, s *Status) uint64 { return Sqrt64(a, s) }},
		{name: "vcmp.f64", insn: 0xeeb41b42, dbl: true, cmp: true, impl: func(a, b uint64, s *Status) uint64 { return uint64(Compare64(a, b, false, s)) }},
		{name: "vcmpe.f64", insn: 0xeeb41bc2, dbl: true, cmp: true, impl: func(a, b uint64, s *Status) uint64 { return uint64(Compare64(a, b, true, s)) }},
		{name: "vcvt.f32.f64", insn: 0xeeb70bc1, dbl: true, impl: func(a, _ uint64, s *Status) uint64 { return uint64(F64ToF32(a, s)) }},
		{name: "vcvtr.s32.f64", insn: 0xeebd0b41, dbl: true, impl: func(a, _ uint64, s *Status) uint64 { return uint64(F64ToS32(a, false, s)) }},
		{name: "vcvt.s32.f64", insn: 0xeebd0bc1, dbl: true, impl: func(a, _ uint64, s *Status) uint64 { return uint64(F64ToS32(a, true, s)) }},
		{name: "vcvtr.u32.f64", insn: 0xeebc0b41, dbl: true, impl: func(a, _ uint64, s *Status) uint64 { return uint64(F64ToU32(a, false, s)) }},
		{name: "vcvt.u32.f64", insn: 0xeebc0bc1, dbl: true, impl: func(a, _ uint64, s *Status) uint64 { return uint64(F64ToU32(a, true, s)) }},
		{name: "vcvt.f64.s32", insn: 0xeeb80bc2, dres: true, intIn: true, impl: func(_, b uint64, s *Status) uint64 { return S32ToF64(uint32(b), s) }},
		{name: "vcvt.f64.u32", insn: 0xeeb80b42, dres: true, intIn: true, impl: func(_, b uint64, s *Status) uint64 { return U32ToF64(uint32(b), s) }},
		{name: "vmla.f32", insn: 0xee010a02, acc: true, impl3: acc32(MulAdd32)},
		{name: "vmls.f32", insn: 0xee010a42, acc: true, impl3: acc32(MulSub32)},
		{name: "vnmla.f32", insn: 0xee110a42, acc: true, impl3: acc32(NMulAdd32)},
		{name: "vnmls.f32", insn: 0xee110a02, acc: true, impl3: acc32(NMulSub32)},
		{name: "vnmul.f32", insn: 0xee210a42, impl: u32(NMul32)},
		{name: "vmla.f64", insn: 0xee010b02, dbl: true, dres: true, acc: true, impl3: MulAdd64},
		{name: "vmls.f64", insn: 0xee010b42, dbl: true, dres: true, acc: true, impl3: MulSub64},
		{name: "vnmla.f64", insn: 0xee110b42, dbl: true, dres: true, acc: true, impl3: NMulAdd64},
		{name: "vnmls.f64", insn: 0xee110b02, dbl: true, dres: true, acc: true, impl3: NMulSub64},
		{name: "vnmul.f64", insn: 0xee210b42, dbl: true, dres: true, impl: NMul64},
		{name: "vabs.f32", insn: 0xeeb00ac1, impl: func(a, _ uint64, s *Status) uint64 { return uint64(Abs32(uint32(a))) }},
		{name: "vneg.f64", insn: 0xeeb10b41, dbl: true, dres: true, impl: func(a, _ uint64, s *Status) uint64 { return Neg64(a) }},
	}
}

type ucHarness struct {
	t   *testing.T
	uc  *unicorn.Engine
	ops []ucOp
	bad int
}

const ucBase = 0x1000

func newUCHarness(t *testing.T) *ucHarness {
	uc, err := unicorn.New()
	if err != nil {
		t.Skipf("unicorn unavailable: %v", err)
	}
	if err := uc.Map(0, 0x10000); err != nil {
		t.Fatal(err)
	}
	ops := ucOps()
	code := make([]byte, 16*len(ops))
	put := func(off int, w uint32) {
		code[off], code[off+1], code[off+2], code[off+3] = byte(w), byte(w>>8), byte(w>>16), byte(w>>24)
	}
	for i, op := range ops {
		put(16*i, 0xeee10a10) // vmsr fpscr, r0
		put(16*i+4, op.insn)
		put(16*i+8, 0xeef11a10) // vmrs r1, fpscr
	}
	if err := uc.Write(ucBase, code); err != nil {
		t.Fatal(err)
	}
	if err := uc.SetCP(15, 1, 0, 0, 2, 0x00F00000); err != nil { // CPACR: cp10/cp11 full access
		t.Fatal(err)
	}
	if err := uc.SetReg(unicorn.RegFPEXC, 1<<30); err != nil { // FPEXC.EN
		t.Fatal(err)
	}
	return &ucHarness{t: t, uc: uc, ops: ops}
}

// check runs ops[i] on (a, b) in Unicorn and in this package.
func (h *ucHarness) check(i int, a, b, c uint64, st Status) {
	op, uc := h.ops[i], h.uc
	fpscr := st.RMode << 22
	if st.FZ {
		fpscr |= 1 << 24
	}
	if st.DN {
		fpscr |= 1 << 25
	}
	if op.dbl {
		uc.SetReg64(unicorn.RegD0+1, a)
		uc.SetReg64(unicorn.RegD0+2, b)
	} else {
		uc.SetReg(unicorn.RegS0+2, uint32(a))
		uc.SetReg(unicorn.RegS0+4, uint32(b))
	}
	if !op.acc {
		c = 0xDEADBEEFDEADBEEF
	}
	uc.SetReg64(unicorn.RegD0, c)
	uc.SetReg(unicorn.RegR0, fpscr)
	pc := uint32(ucBase + 16*i)
	for k := uint32(0); k < 3; k++ {
		if exc, err := uc.Step(pc+4*k, 0xFFFFFFFF); err != nil || exc != -1 {
			h.t.Fatalf("%s: unicorn step %d: exc %d err %v", op.name, k, exc, err)
		}
	}
	out := uc.Reg(unicorn.RegR0 + 1)
	var want uint64
	switch {
	case op.cmp:
		want = uint64(out >> 28)
	case op.dres:
		want = uc.Reg64(unicorn.RegD0)
	default:
		want = uint64(uc.Reg(unicorn.RegS0))
	}
	wantFlags := out & 0x9F
	s := st
	var got uint64
	if op.acc {
		got = op.impl3(c, a, b, &s)
	} else {
		got = op.impl(a, b, &s)
	}
	if got != want || s.Flags != wantFlags {
		h.bad++
		if h.bad <= 30 {
			h.t.Errorf("%s(%#x, %#x) acc=%#x rmode=%d fz=%v dn=%v: got %#x flags %#x, unicorn %#x flags %#x",
				op.name, a, b, c, st.RMode, st.FZ, st.DN, got, s.Flags, want, wantFlags)
		}
	}
}

// TestUnicorn runs random edge-biased operands under random FPSCR settings.
func acc32(f func(d, n, m uint32, s *Status) uint32) func(c, a, b uint64, s *Status) uint64 {
	return func(c, a, b uint64, s *Status) uint64 { return uint64(f(uint32(c), uint32(a), uint32(b), s)) }
}

func TestUnicorn(t *testing.T) {
	h := newUCHarness(t)
	defer h.uc.Close()
	r := rand.New(rand.NewSource(7))
	g32, g64 := gen{r: r, f: o32}, gen{r: r, f: o64}
	for n := 0; n < *ucCases && h.bad < 30; n++ {
		st := Status{RMode: uint32(r.Intn(4)), FZ: r.Intn(3) == 0, DN: r.Intn(3) == 0}
		a32 := g32.one()
		b32 := g32.pair(a32)
		a64 := g64.one()
		b64 := g64.pair(a64)
		if r.Intn(2) == 0 {
			a32, b32 = b32, a32
			a64, b64 = b64, a64
		}
		for i, op := range h.ops {
			a, b := a32, b32
			if op.dbl {
				a, b = a64, b64
			}
			if op.intIn && r.Intn(2) == 0 {
				b = uint64(r.Uint32())
			}
			c := uint64(0)
			if op.acc {
				if op.dbl {
					c = g64.pair(a)
				} else {
					c = g32.pair(a)
				}
			}
			h.check(i, a, b, c, st)
		}
	}
}

// TestUnicornSpecials runs every pair of special operands under all 16
// FPSCR configurations.
func TestUnicornSpecials(t *testing.T) {
	h := newUCHarness(t)
	defer h.uc.Close()
	lists := map[bool][]uint64{}
	for _, f := range []*ofmt{o32, o64} {
		g := gen{r: rand.New(rand.NewSource(3)), f: f}
		var all []uint64
		for _, v := range g.specials() {
			all = append(all, v, v|f.sign)
		}
		lists[f == o64] = all
	}
	ints := []uint64{0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x01000001, 0x80000001, 0xFFFFFF7F}
	for cfg := 0; cfg < 16; cfg++ {
		st := Status{RMode: uint32(cfg & 3), FZ: cfg&4 != 0, DN: cfg&8 != 0}
		for i, op := range h.ops {
			all := lists[op.dbl]
			if op.intIn {
				for _, b := range ints {
					h.check(i, 0, b, 0, st)
				}
				continue
			}
			for _, a := range all {
				for j, b := range all {
					h.check(i, a, b, all[(j*7+3)%len(all)], st)
				}
			}
		}
	}
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
