package softfloat

import (
	"flag"
	"fmt"
	"math"
	"math/rand"
	"testing"
)

var sweepN = flag.Int("sweep", 0, "number of random operand pairs per format for TestSweep (default: small; large values for long runs)")

// gen produces operands biased towards edge cases.
type gen struct {
	r *rand.Rand
	f *ofmt
}

func (g gen) specials() []uint64 {
	f := g.f
	fm := uint64(1)<<f.fracBits - 1
	maxN := (f.expAll-1)<<f.fracBits | fm
	minN := uint64(1) << f.fracBits
	one := uint64(f.bias) << f.fracBits
	q := uint64(1) << (f.fracBits - 1)
	inf := f.expAll << f.fracBits
	return []uint64{
		0, 1, fm, fm - 1, minN, minN + 1, maxN, maxN - 1, one, one + 1, one - 1,
		uint64(f.bias+1) << f.fracBits, uint64(f.bias-1) << f.fracBits,
		inf, inf | q, inf | q | 1, inf | 1, inf | q>>1, inf | fm, q, q | 1,
		uint64(f.bias+f.p) << f.fracBits, uint64(f.bias+31) << f.fracBits,
		uint64(f.bias+31)<<f.fracBits | fm, uint64(f.bias+32) << f.fracBits,
		uint64(f.bias+30)<<f.fracBits | fm, uint64(f.bias-1)<<f.fracBits | 1,
	}
}

func (g gen) frac() uint64 {
	f := g.f
	fm := uint64(1)<<f.fracBits - 1
	v := g.r.Uint64() & fm
	switch g.r.Intn(4) {
	case 0: // trailing zeros (ties)
		v &^= (uint64(1) << uint(g.r.Intn(int(f.fracBits)+1))) - 1
	case 1: // trailing ones
		v |= (uint64(1) << uint(g.r.Intn(int(f.fracBits)+1))) - 1
	}
	return v
}

func (g gen) withExp(e int) uint64 {
	f := g.f
	if e < 0 {
		e = 0
	}
	if e > int(f.expAll) {
		e = int(f.expAll)
	}
	v := uint64(e)<<f.fracBits | g.frac()
	if g.r.Intn(2) == 0 {
		v |= f.sign
	}
	return v
}

func (g gen) one() uint64 {
	f := g.f
	switch g.r.Intn(6) {
	case 0:
		sp := g.specials()
		v := sp[g.r.Intn(len(sp))]
		if g.r.Intn(2) == 0 {
			v |= f.sign
		}
		return v
	case 1: // extreme exponents
		ex := []int{0, 0, 1, 2, int(f.expAll) - 1, int(f.expAll) - 2, int(f.expAll), f.bias}
		return g.withExp(ex[g.r.Intn(len(ex))])
	case 2:
		return g.r.Uint64() & (f.sign | f.sign - 1)
	default: // moderate range
		return g.withExp(f.bias - 40 + g.r.Intn(80))
	}
}

// pair returns b related to a to stress cancellation, ties and the
// overflow / underflow thresholds.
func (g gen) pair(a uint64) uint64 {
	f := g.f
	ea := int((a >> f.fracBits) & f.expAll)
	switch g.r.Intn(8) {
	case 0, 1:
		return g.one()
	case 2: // near a (cancellation)
		d := uint64(g.r.Intn(5))
		b := a + d - 2
		if g.r.Intn(2) == 0 {
			b ^= f.sign
		}
		return b & (f.sign | f.sign - 1)
	case 3: // shifted exponent (alignment / sticky)
		return g.withExp(ea - g.r.Intn(f.p+4))
	case 4: // product near thresholds
		t := []int{f.emin - f.p - 1, f.emin - 2, f.emin - 1, f.emin, f.emax, f.emax + 1, f.emin - f.p + 3}[g.r.Intn(7)]
		return g.withExp(t - (ea - f.bias) + f.bias + g.r.Intn(3) - 1)
	case 5: // quotient near thresholds
		t := []int{f.emin - f.p - 1, f.emin - 1, f.emin, f.emax, f.emax + 1}[g.r.Intn(5)]
		return g.withExp((ea - f.bias) - t + f.bias + g.r.Intn(3) - 1)
	default:
		return g.withExp(ea + g.r.Intn(7) - 3)
	}
}

func (g gen) status() Status {
	return Status{RMode: uint32(g.r.Intn(4)), FZ: g.r.Intn(3) == 0, DN: g.r.Intn(3) == 0}
}

type mismatch struct {
	n int
	t *testing.T
}

func (m *mismatch) check(op string, a, b uint64, st Status, got, want uint64, gs, ws Status) {
	if got == want && gs.Flags == ws.Flags {
		return
	}
	m.n++
	if m.n <= 20 {
		m.t.Errorf("%s(%#x, %#x) rmode=%d fz=%v dn=%v: got %#x flags %#x, want %#x flags %#x",
			op, a, b, st.RMode, st.FZ, st.DN, got, gs.Flags, want, ws.Flags)
	}
}

// runCase checks every operation of format f on (a, b) under st.
func runCase(m *mismatch, f *ofmt, a, b uint64, st Status) {
	type bin struct {
		name string
		impl func(a, b uint64, s *Status) uint64
		ref  func(a, b uint64, s *Status) uint64
	}
	var ops []bin
	if f == o32 {
		ops = []bin{
			{"Add32", func(a, b uint64, s *Status) uint64 { return uint64(Add32(uint32(a), uint32(b), s)) }, func(a, b uint64, s *Status) uint64 { return o32.add(a, b, false, s) }},
			{"Sub32", func(a, b uint64, s *Status) uint64 { return uint64(Sub32(uint32(a), uint32(b), s)) }, func(a, b uint64, s *Status) uint64 { return o32.add(a, b, true, s) }},
			{"Mul32", func(a, b uint64, s *Status) uint64 { return uint64(Mul32(uint32(a), uint32(b), s)) }, o32.mul},
			{"Div32", func(a, b uint64, s *Status) uint64 { return uint64(Div32(uint32(a), uint32(b), s)) }, o32.div},
			{"Sqrt32", func(a, b uint64, s *Status) uint64 { return uint64(Sqrt32(uint32(a), s)) }, func(a, b uint64, s *Status) uint64 { return o32.sqrt(a, s) }},
			{"Compare32", func(a, b uint64, s *Status) uint64 { return uint64(Compare32(uint32(a), uint32(b), false, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o32.compare(a, b, false, s)) }},
			{"Compare32E", func(a, b uint64, s *Status) uint64 { return uint64(Compare32(uint32(a), uint32(b), true, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o32.compare(a, b, true, s)) }},
			{"F32ToF64", func(a, b uint64, s *Status) uint64 { return F32ToF64(uint32(a), s) }, func(a, b uint64, s *Status) uint64 { return o32.convert(a, o64, s) }},
			{"F32ToS32", func(a, b uint64, s *Status) uint64 { return uint64(F32ToS32(uint32(a), false, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o32.toInt(a, true, false, s)) }},
			{"F32ToS32Z", func(a, b uint64, s *Status) uint64 { return uint64(F32ToS32(uint32(a), true, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o32.toInt(a, true, true, s)) }},
			{"F32ToU32", func(a, b uint64, s *Status) uint64 { return uint64(F32ToU32(uint32(a), false, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o32.toInt(a, false, false, s)) }},
			{"F32ToU32Z", func(a, b uint64, s *Status) uint64 { return uint64(F32ToU32(uint32(a), true, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o32.toInt(a, false, true, s)) }},
			{"S32ToF32", func(a, b uint64, s *Status) uint64 { return uint64(S32ToF32(uint32(b), s)) }, func(a, b uint64, s *Status) uint64 { return o32.fromInt(uint32(b), true, s) }},
			{"U32ToF32", func(a, b uint64, s *Status) uint64 { return uint64(U32ToF32(uint32(b), s)) }, func(a, b uint64, s *Status) uint64 { return o32.fromInt(uint32(b), false, s) }},
		}
	} else {
		ops = []bin{
			{"Add64", Add64, func(a, b uint64, s *Status) uint64 { return o64.add(a, b, false, s) }},
			{"Sub64", Sub64, func(a, b uint64, s *Status) uint64 { return o64.add(a, b, true, s) }},
			{"Mul64", Mul64, o64.mul},
			{"Div64", Div64, o64.div},
			{"Sqrt64", func(a, b uint64, s *Status) uint64 { return Sqrt64(a, s) }, func(a, b uint64, s *Status) uint64 { return o64.sqrt(a, s) }},
			{"Compare64", func(a, b uint64, s *Status) uint64 { return uint64(Compare64(a, b, false, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o64.compare(a, b, false, s)) }},
			{"Compare64E", func(a, b uint64, s *Status) uint64 { return uint64(Compare64(a, b, true, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o64.compare(a, b, true, s)) }},
			{"F64ToF32", func(a, b uint64, s *Status) uint64 { return uint64(F64ToF32(a, s)) }, func(a, b uint64, s *Status) uint64 { return o64.convert(a, o32, s) }},
			{"F64ToS32", func(a, b uint64, s *Status) uint64 { return uint64(F64ToS32(a, false, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o64.toInt(a, true, false, s)) }},
			{"F64ToS32Z", func(a, b uint64, s *Status) uint64 { return uint64(F64ToS32(a, true, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o64.toInt(a, true, true, s)) }},
			{"F64ToU32", func(a, b uint64, s *Status) uint64 { return uint64(F64ToU32(a, false, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o64.toInt(a, false, false, s)) }},
			{"F64ToU32Z", func(a, b uint64, s *Status) uint64 { return uint64(F64ToU32(a, true, s)) }, func(a, b uint64, s *Status) uint64 { return uint64(o64.toInt(a, false, true, s)) }},
			{"S32ToF64", func(a, b uint64, s *Status) uint64 { return S32ToF64(uint32(b), s) }, func(a, b uint64, s *Status) uint64 { return o64.fromInt(uint32(b), true, s) }},
			{"U32ToF64", func(a, b uint64, s *Status) uint64 { return U32ToF64(uint32(b), s) }, func(a, b uint64, s *Status) uint64 { return o64.fromInt(uint32(b), false, s) }},
		}
	}
	for _, op := range ops {
		gs, ws := st, st
		got := op.impl(a, b, &gs)
		want := op.ref(a, b, &ws)
		m.check(op.name, a, b, st, got, want, gs, ws)
	}
}

func sweep(t *testing.T, f *ofmt, n int, seed int64) {
	g := gen{r: rand.New(rand.NewSource(seed)), f: f}
	m := &mismatch{t: t}
	for i := 0; i < n && m.n < 20; i++ {
		a := g.one()
		b := g.pair(a)
		if g.r.Intn(2) == 0 {
			a, b = b, a
		}
		runCase(m, f, a, b, g.status())
	}
	if m.n > 0 {
		t.Errorf("%d mismatches", m.n)
	}
}

// TestSweep compares every operation with the big-number oracle on random
// edge-biased operands under random FPSCR settings. Use -sweep=N for a
// longer run (e.g. go test -run Sweep -sweep=2000000).
func TestSweep(t *testing.T) {
	n := *sweepN
	if n == 0 {
		n = 20000
		if testing.Short() {
			n = 2000
		}
	}
	t.Run("f32", func(t *testing.T) { sweep(t, o32, n, 1) })
	t.Run("f64", func(t *testing.T) { sweep(t, o64, n, 2) })
}

// TestAllSpecialPairs runs every pair of special operands under all 16
// FPSCR configurations.
func TestAllSpecialPairs(t *testing.T) {
	for _, f := range []*ofmt{o32, o64} {
		g := gen{r: rand.New(rand.NewSource(3)), f: f}
		sp := g.specials()
		var all []uint64
		for _, v := range sp {
			all = append(all, v, v|f.sign)
		}
		m := &mismatch{t: t}
		for cfg := 0; cfg < 16; cfg++ {
			st := Status{RMode: uint32(cfg & 3), FZ: cfg&4 != 0, DN: cfg&8 != 0}
			for _, a := range all {
				for _, b := range all {
					runCase(m, f, a, b, st)
				}
			}
		}
	}
}

// TestNative compares round-to-nearest value bits with Go's float32 and
// float64 arithmetic (IEEE RNE). NaN results are only checked for NaN-ness
// (host NaN propagation differs from ARM).
func TestNative(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	n := 300000
	if testing.Short() {
		n = 30000
	}
	g64 := gen{r: r, f: o64}
	g32 := gen{r: r, f: o32}
	bad := 0
	report := func(op string, a, b, got, want uint64, nan bool) {
		if got == want || nan {
			return
		}
		bad++
		if bad < 20 {
			t.Errorf("%s(%#x, %#x) = %#x, native %#x", op, a, b, got, want)
		}
	}
	for i := 0; i < n; i++ {
		var s Status
		a := g64.one()
		b := g64.pair(a)
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		chk := func(op string, got uint64, w float64) {
			report(op, a, b, got, math.Float64bits(w), math.IsNaN(w) && math.IsNaN(math.Float64frombits(got)))
		}
		chk("Add64", Add64(a, b, &s), x+y)
		chk("Sub64", Sub64(a, b, &s), x-y)
		chk("Mul64", Mul64(a, b, &s), x*y)
		chk("Div64", Div64(a, b, &s), x/y)
		chk("Sqrt64", Sqrt64(a, &s), math.Sqrt(x))
		w32 := float32(x)
		g := F64ToF32(a, &s)
		report("F64ToF32", a, 0, uint64(g), uint64(math.Float32bits(w32)), math.IsNaN(float64(w32)) && math.IsNaN(float64(math.Float32frombits(g))))

		a32 := uint32(g32.one())
		b32 := uint32(g32.pair(uint64(a32)))
		p, q := math.Float32frombits(a32), math.Float32frombits(b32)
		chk32 := func(op string, got uint32, w float32) {
			nan := w != w && math.IsNaN(float64(math.Float32frombits(got)))
			report(op, uint64(a32), uint64(b32), uint64(got), uint64(math.Float32bits(w)), nan)
		}
		chk32("Add32", Add32(a32, b32, &s), p+q)
		chk32("Sub32", Sub32(a32, b32, &s), p-q)
		chk32("Mul32", Mul32(a32, b32, &s), p*q)
		chk32("Div32", Div32(a32, b32, &s), p/q)
		chk32("Sqrt32", Sqrt32(a32, &s), float32(math.Sqrt(float64(p))))
		chk32("S32ToF32", S32ToF32(b32, &s), float32(int32(b32)))
		chk32("U32ToF32", U32ToF32(b32, &s), float32(b32))
		report("F32ToF64", uint64(a32), 0, F32ToF64(a32, &s), math.Float64bits(float64(p)), p != p)
	}
}

type tcase struct {
	name  string
	got   uint64
	flags uint32
	want  uint64
	wantF uint32
}

func run32(op func(a, b uint32, s *Status) uint32, a, b uint32, s Status) (uint64, uint32) {
	r := op(a, b, &s)
	return uint64(r), s.Flags
}

func run64(op func(a, b uint64, s *Status) uint64, a, b uint64, s Status) (uint64, uint32) {
	r := op(a, b, &s)
	return r, s.Flags
}

func sq32(a, _ uint32, s *Status) uint32 { return Sqrt32(a, s) }
func sq64(a, _ uint64, s *Status) uint64 { return Sqrt64(a, s) }

// TestRules pins the ARM NaN, flag and flush-to-zero rules with explicit
// vectors.
func TestRules(t *testing.T) {
	rn := Status{}
	fz := Status{FZ: true}
	dn := Status{DN: true}
	rm := Status{RMode: RoundMinusInf}
	rz := Status{RMode: RoundZero}
	rp := Status{RMode: RoundPlusInf}
	const (
		one32  = 0x3F800000
		two32  = 0x40000000
		inf32  = 0x7F800000
		qnan32 = 0x7FC00001 // quiet NaN, payload 1
		snan32 = 0x7F800002 // signalling NaN, payload 2
		snanB  = 0xFF800003
		qnanB  = 0xFFC00004
		den32  = 0x00000001
		minN32 = 0x00800000
		max32  = 0x7F7FFFFF
		one64  = 0x3FF0000000000000
		inf64  = 0x7FF0000000000000
		snan64 = 0x7FF0000000000001
		qnan64 = 0x7FF8000000000005
		den64  = 0x0000000000000001
		minN64 = 0x0010000000000000
	)
	type c struct {
		name      string
		r         uint64
		f         uint32
		want      uint64
		wantFlags uint32
	}
	var cases []c
	add := func(name string, r uint64, f uint32, want uint64, wf uint32) {
		cases = append(cases, c{name, r, f, want, wf})
	}
	r, f := run32(Add32, snan32, qnanB, rn)
	add("SNaN a wins, quietened", r, f, 0x7FC00002, IOC)
	r, f = run32(Add32, qnanB, snan32, rn)
	add("SNaN b beats QNaN a", r, f, 0x7FC00002, IOC)
	r, f = run32(Add32, qnan32, qnanB, rn)
	add("first QNaN", r, f, qnan32, 0)
	r, f = run32(Add32, one32, qnanB, rn)
	add("QNaN b", r, f, qnanB, 0)
	r, f = run32(Mul32, snanB, snan32, rn)
	add("two SNaNs: a", r, f, 0xFFC00003, IOC)
	r, f = run32(Add32, snan32, one32, dn)
	add("DN with SNaN", r, f, 0x7FC00000, IOC)
	r, f = run32(Add32, qnanB, one32, dn)
	add("DN with QNaN", r, f, 0x7FC00000, 0)
	r, f = run32(Sub32, one32, qnanB, rn)
	add("Sub keeps NaN sign", r, f, qnanB, 0)
	r, f = run32(Sub32, inf32, inf32, rn)
	add("inf-inf", r, f, 0x7FC00000, IOC)
	r, f = run32(Mul32, 0x80000000, inf32, rn)
	add("0*inf", r, f, 0x7FC00000, IOC)
	r, f = run32(Mul32, qnan32, 0, rn)
	add("QNaN*0 no IOC", r, f, qnan32, 0)
	r, f = run32(Div32, 0, 0x80000000, rn)
	add("0/0", r, f, 0x7FC00000, IOC)
	r, f = run32(Div32, 0x80000000|one32, 0, rn)
	add("-1/0", r, f, 0xFF800000, DZC)
	r, f = run32(Div32, inf32, 0, rn)
	add("inf/0 no DZC", r, f, inf32, 0)
	r, f = run32(sq32, 0x80000000, 0, rn)
	add("sqrt(-0)", r, f, 0x80000000, 0)
	r, f = run32(sq32, 0x80000000|one32, 0, rn)
	add("sqrt(-1)", r, f, 0x7FC00000, IOC)
	r, f = run32(sq32, 0xFF800000, 0, rn)
	add("sqrt(-inf)", r, f, 0x7FC00000, IOC)
	r, f = run32(sq32, snanB, 0, rn)
	add("sqrt(SNaN)", r, f, 0xFFC00003, IOC)
	r, f = run32(sq32, 0x80000001, 0, fz)
	add("sqrt(-denormal) FZ", r, f, 0x80000000, IDC)
	r, f = run32(Add32, den32, one32, fz)
	add("FZ input flush", r, f, one32, IDC)
	r, f = run32(Add32, den32, 0x80000000|den32, fz)
	add("FZ den + -den", r, f, 0, IDC)
	r, f = run32(Add32, snan32, den32, fz)
	add("FZ IDC with NaN", r, f, 0x7FC00002, IOC|IDC)
	r, f = run32(Div32, den32, 0, fz)
	add("FZ den/0 is 0/0", r, f, 0x7FC00000, IOC|IDC)
	r, f = run32(Div32, one32, den32, fz)
	add("FZ 1/den is 1/0", r, f, inf32, IDC|DZC)
	r, f = run32(Mul32, minN32, 0x3F000000, fz)
	add("FZ tiny result flushed, UFC only", r, f, 0, UFC)
	r, f = run32(Mul32, minN32|0x80000000, 0x3F7FFFFF, fz)
	add("FZ flush before rounding", r, f, 0x80000000, UFC)
	r, f = run32(Mul32, minN32, 0x3F7FFFFF, rn)
	add("tiny before rounding, rounds to min normal", r, f, minN32, UFC|IXC)
	r, f = run32(Mul32, minN32, 0x3F000000, rn)
	add("exact tiny: no UFC", r, f, 0x00400000, 0)
	r, f = run32(Sub32, minN32+1, minN32, fz)
	add("FZ exact tiny add result flushed", r, f, 0, UFC)
	r, f = run32(Add32, max32, 0x73000000, rn)
	add("overflow RN", r, f, inf32, OFC|IXC)
	r, f = run32(Add32, max32, 0x73800000, rz)
	add("overflow RZ", r, f, max32, OFC|IXC)
	r, f = run32(Mul32, 0x80000000|max32, two32, rp)
	add("overflow RP negative", r, f, 0x80000000|max32, OFC|IXC)
	r, f = run32(Mul32, 0x80000000|max32, two32, rm)
	add("overflow RM negative", r, f, 0xFF800000, OFC|IXC)
	r, f = run32(Sub32, one32, one32, rn)
	add("x-x = +0", r, f, 0, 0)
	r, f = run32(Sub32, one32, one32, rm)
	add("x-x = -0 in RM", r, f, 0x80000000, 0)
	r, f = run32(Add32, 0x80000000, 0, rm)
	add("-0 + +0 RM", r, f, 0x80000000, 0)
	r, f = run32(Add32, 0x80000000, 0x80000000, rn)
	add("-0 + -0", r, f, 0x80000000, 0)

	// Conversions.
	s := rn
	add("F32ToF64 SNaN", F32ToF64(snanB, &s), s.Flags, 0xFFF8000060000000, IOC)
	s = fz
	add("F32ToF64 denormal FZ", F32ToF64(0x80000001, &s), s.Flags, 1<<63, IDC)
	s = rn
	add("F32ToF64 denormal", F32ToF64(den32, &s), s.Flags, 0x36A0000000000000, 0)
	s = rn
	add("F64ToF32 NaN payload top bits", uint64(F64ToF32(0x7FF0000020000001, &s)), s.Flags, 0x7FC00001, IOC)
	s = dn
	add("F64ToF32 DN", uint64(F64ToF32(qnan64, &s)), s.Flags, 0x7FC00000, 0)
	s = rn
	add("F64ToF32 overflow", uint64(F64ToF32(0x47F0000000000000, &s)), s.Flags, inf32, OFC|IXC)
	s = fz
	add("F64ToF32 tiny FZ", uint64(F64ToF32(0x3800000000000000, &s)), s.Flags, 0, UFC)
	s = rn
	add("F64ToF32 tiny", uint64(F64ToF32(0x3690000000000000, &s)), s.Flags, 0, UFC|IXC)
	s = rn
	add("F64ToS32 NaN", uint64(F64ToS32(snan64, true, &s)), s.Flags, 0, IOC)
	s = rn
	add("F32ToS32 big", uint64(F32ToS32(0x4F000000, true, &s)), s.Flags, 0x7FFFFFFF, IOC)
	s = rn
	add("F32ToS32 -2^31", uint64(F32ToS32(0xCF000000, true, &s)), s.Flags, 0x80000000, 0)
	s = rn
	add("F64ToS32 2^31-0.5 RN overflows, no IXC", uint64(F64ToS32(0x41DFFFFFFFE00000, false, &s)), s.Flags, 0x7FFFFFFF, IOC)
	s = rn
	add("F64ToS32 2^31-0.5 RZ", uint64(F64ToS32(0x41DFFFFFFFE00000, true, &s)), s.Flags, 0x7FFFFFFF, IXC)
	s = rn
	add("F32ToU32 -0.25 RZ", uint64(F32ToU32(0xBE800000, true, &s)), s.Flags, 0, IXC)
	s = rn
	add("F32ToU32 -1", uint64(F32ToU32(0xBF800000, true, &s)), s.Flags, 0, IOC)
	s = rn
	add("F32ToU32 -inf", uint64(F32ToU32(0xFF800000, true, &s)), s.Flags, 0, IOC)
	s = rn
	add("F32ToS32 2.5 RN", uint64(F32ToS32(0x40200000, false, &s)), s.Flags, 2, IXC)
	s = rm
	add("F32ToS32 -2.5 RM", uint64(F32ToS32(0xC0200000, false, &s)), s.Flags, 0xFFFFFFFD, IXC)
	s = fz
	add("F32ToS32 denormal FZ", uint64(F32ToS32(den32, false, &s)), s.Flags, 0, IDC)
	s = rp
	add("F32ToS32 denormal RP", uint64(F32ToS32(den32, false, &s)), s.Flags, 1, IXC)
	s = rn
	add("U32ToF32 0xFFFFFFFF", uint64(U32ToF32(0xFFFFFFFF, &s)), s.Flags, 0x4F800000, IXC)
	s = rz
	add("S32ToF32 0x7FFFFFFF RZ", uint64(S32ToF32(0x7FFFFFFF, &s)), s.Flags, 0x4EFFFFFF, IXC)
	s = rn
	add("S32ToF64 -2^31", S32ToF64(0x80000000, &s), s.Flags, 0xC1E0000000000000, 0)

	// Compare.
	s = rn
	add("cmp QNaN quiet", uint64(Compare32(qnan32, one32, false, &s)), s.Flags, CmpUnordered, 0)
	s = rn
	add("cmp QNaN signalling", uint64(Compare32(qnan32, one32, true, &s)), s.Flags, CmpUnordered, IOC)
	s = rn
	add("cmp SNaN quiet", uint64(Compare64(one64, snan64, false, &s)), s.Flags, CmpUnordered, IOC)
	s = rn
	add("cmp -0 == +0", uint64(Compare32(0x80000000, 0, true, &s)), s.Flags, CmpEqual, 0)
	s = rn
	add("cmp less", uint64(Compare64(0x8000000000000000|one64, den64, false, &s)), s.Flags, CmpLess, 0)
	s = rn
	add("cmp greater", uint64(Compare64(inf64, one64, false, &s)), s.Flags, CmpGreater, 0)
	s = fz
	add("cmp den FZ equal zero", uint64(Compare64(den64, 0, false, &s)), s.Flags, CmpEqual, IDC)
	s = rn
	add("cmp min normals", uint64(Compare64(minN64, den64, false, &s)), s.Flags, CmpGreater, 0)

	// Multiply-accumulate (non-fused; negation flips NaN signs).
	s = rn
	add("VMLS NaN product sign flipped", uint64(MulSub32(one32, qnan32, one32, &s)), s.Flags, 0xFFC00001, 0)
	s = rn
	add("VNMLA: product SNaN quietened first, then -d wins", uint64(NMulAdd32(qnan32, snan32, one32, &s)), s.Flags, 0xFFC00001, IOC)
	s = rn
	add("VMLA double rounding", MulAdd64(0xBFF0000000000000, 0x3FF0000000000001, 0x3FF0000000000001, &s), s.Flags, 0x3CC0000000000000, IXC)
	s = rn
	add("VNMUL", NMul64(one64, one64, &s), s.Flags, 0xBFF0000000000000, 0)

	for _, tc := range cases {
		if tc.r != tc.want || tc.f != tc.wantFlags {
			t.Errorf("%s: got %#x flags %#x, want %#x flags %#x", tc.name, tc.r, tc.f, tc.want, tc.wantFlags)
		}
	}
}

func TestNoAlloc(t *testing.T) {
	s := Status{}
	n := testing.AllocsPerRun(100, func() {
		Add64(0x3FF0000000000001, 0x3CA0000000000000, &s)
		Div64(0x3FF0000000000001, 0x4008000000000000, &s)
		Sqrt64(0x4000000000000000, &s)
		Mul32(0x3F800001, 0x3F800003, &s)
		F64ToS32(0x41DFFFFFFFE00000, false, &s)
	})
	if n != 0 {
		t.Errorf("allocations per run: %v", n)
	}
}

func fuzzCheck(t *testing.T, f *ofmt, a, b uint64, rmode uint8, fz, dn bool) {
	m := &mismatch{t: t}
	runCase(m, f, a, b, Status{RMode: uint32(rmode & 3), FZ: fz, DN: dn})
}

func fuzzSeeds(f *testing.F, width int) {
	for _, v := range []uint64{0, 1, 0x3FF0000000000000, 0x7FF0000000000001, 0x000FFFFFFFFFFFFF, 0x3F800000, 0x7F800001, 0x007FFFFF} {
		if width == 32 {
			v &= 0xFFFFFFFF
		}
		f.Add(v, v^1, uint8(0), false, false)
		f.Add(v, v|1<<uint(width-1), uint8(2), true, false)
	}
}

// FuzzOps64 checks every double precision operation against the oracle.
func FuzzOps64(f *testing.F) {
	fuzzSeeds(f, 64)
	f.Fuzz(func(t *testing.T, a, b uint64, rmode uint8, fz, dn bool) {
		fuzzCheck(t, o64, a, b, rmode, fz, dn)
	})
}

// FuzzOps32 checks every single precision operation against the oracle.
func FuzzOps32(f *testing.F) {
	fuzzSeeds(f, 32)
	f.Fuzz(func(t *testing.T, a, b uint64, rmode uint8, fz, dn bool) {
		fuzzCheck(t, o32, a&0xFFFFFFFF, b&0xFFFFFFFF, rmode, fz, dn)
	})
}

func fuzzOne(f *testing.F, op func(a, b uint64, s *Status) uint64, ref func(a, b uint64, s *Status) uint64) {
	fuzzSeeds(f, 64)
	f.Fuzz(func(t *testing.T, a, b uint64, rmode uint8, fz, dn bool) {
		st := Status{RMode: uint32(rmode & 3), FZ: fz, DN: dn}
		gs, ws := st, st
		got, want := op(a, b, &gs), ref(a, b, &ws)
		if got != want || gs.Flags != ws.Flags {
			t.Fatalf("(%#x, %#x) %+v: got %#x/%#x want %#x/%#x", a, b, st, got, gs.Flags, want, ws.Flags)
		}
	})
}

func FuzzAdd64(f *testing.F) {
	fuzzOne(f, Add64, func(a, b uint64, s *Status) uint64 { return o64.add(a, b, false, s) })
}
func FuzzMul64(f *testing.F) { fuzzOne(f, Mul64, o64.mul) }
func FuzzDiv64(f *testing.F) { fuzzOne(f, Div64, o64.div) }
func FuzzSqrt64(f *testing.F) {
	fuzzOne(f, func(a, _ uint64, s *Status) uint64 { return Sqrt64(a, s) }, func(a, _ uint64, s *Status) uint64 { return o64.sqrt(a, s) })
}

var sink uint64

func benchOperands() (a, b []uint64) {
	r := rand.New(rand.NewSource(9))
	for i := 0; i < 1024; i++ {
		a = append(a, math.Float64bits((r.Float64()+0.5)*math.Pow(2, float64(r.Intn(40)-20))))
		b = append(b, math.Float64bits((r.Float64()+0.5)*math.Pow(2, float64(r.Intn(40)-20))))
	}
	return
}

func bench(bn *testing.B, op func(a, b uint64, s *Status) uint64) {
	a, b := benchOperands()
	s := Status{}
	bn.ResetTimer()
	var acc uint64
	for i := 0; i < bn.N; i++ {
		acc += op(a[i&1023], b[i&1023], &s)
	}
	sink = acc
}

func BenchmarkAdd64(b *testing.B) { bench(b, Add64) }
func BenchmarkMul64(b *testing.B) { bench(b, Mul64) }
func BenchmarkDiv64(b *testing.B) { bench(b, Div64) }
func BenchmarkSqrt64(b *testing.B) {
	bench(b, func(a, _ uint64, s *Status) uint64 { return Sqrt64(a, s) })
}
func BenchmarkAdd32(b *testing.B) {
	bench(b, func(a, c uint64, s *Status) uint64 { return uint64(Add32(F64ToF32(a, s), F64ToF32(c, s), s)) })
}

var _ = fmt.Sprint
