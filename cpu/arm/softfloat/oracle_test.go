package softfloat

// Reference model for the tests: exact arithmetic with math/big followed by
// an independently written rounding routine (big.Int based), cross-checked
// against big.Float's own rounding for results in the normal range. Special
// operands (NaN, infinities, zeros) follow the rules in the package
// comment, re-derived here from the ARM ARM / IEEE 754 text.

import (
	"math"
	"math/big"
)

func f32bits(v float32) uint32 { return math.Float32bits(v) }
func f64bits(v float64) uint64 { return math.Float64bits(v) }

type ofmt struct {
	p, emin, emax int // precision incl. hidden bit, min/max unbiased exponent
	bias          int
	fracBits      uint
	expAll        uint64
	sign          uint64
}

var (
	o32 = &ofmt{p: 24, emin: -126, emax: 127, bias: 127, fracBits: 23, expAll: 0xFF, sign: 1 << 31}
	o64 = &ofmt{p: 53, emin: -1022, emax: 1023, bias: 1023, fracBits: 52, expAll: 0x7FF, sign: 1 << 63}
)

type okind int

const (
	kZero okind = iota
	kFinite
	kInf
	kNaN
)

type oval struct {
	kind okind
	neg  bool
	m    *big.Int // finite: value = m * 2^e, m > 0
	e    int
	snan bool
	raw  uint64
}

func (f *ofmt) decode(raw uint64, s *Status) oval {
	v := oval{neg: raw&f.sign != 0, raw: raw}
	ex := (raw >> f.fracBits) & f.expAll
	fr := raw & (1<<f.fracBits - 1)
	switch {
	case ex == f.expAll && fr == 0:
		v.kind = kInf
	case ex == f.expAll:
		v.kind = kNaN
		v.snan = fr>>(f.fracBits-1) == 0
	case ex == 0 && fr == 0:
		v.kind = kZero
	case ex == 0:
		if s.FZ {
			s.Flags |= IDC
			v.kind = kZero
		} else {
			v.kind = kFinite
			v.m = new(big.Int).SetUint64(fr)
			v.e = f.emin - int(f.fracBits)
		}
	default:
		v.kind = kFinite
		v.m = new(big.Int).SetUint64(fr | 1<<f.fracBits)
		v.e = int(ex) - f.bias - int(f.fracBits)
	}
	return v
}

func (f *ofmt) defNaN() uint64 { return f.expAll<<f.fracBits | 1<<(f.fracBits-1) }
func (f *ofmt) inf(neg bool) uint64 {
	r := f.expAll << f.fracBits
	if neg {
		r |= f.sign
	}
	return r
}
func (f *ofmt) zero(neg bool) uint64 {
	if neg {
		return f.sign
	}
	return 0
}

// nanResult applies the ARM NaN selection to operands (b may be nil).
func (f *ofmt) nanResult(s *Status, ops ...oval) uint64 {
	var pick *oval
	for i := range ops {
		if ops[i].kind == kNaN && ops[i].snan {
			s.Flags |= IOC
			if pick == nil {
				pick = &ops[i]
			}
		}
	}
	if pick == nil {
		for i := range ops {
			if ops[i].kind == kNaN {
				pick = &ops[i]
				break
			}
		}
	}
	if s.DN {
		return f.defNaN()
	}
	return pick.raw | 1<<(f.fracBits-1)
}

// round rounds (-1)^neg * (m*2^e + sticky) to format f; m > 0 or sticky.
func (f *ofmt) round(neg bool, m *big.Int, e int, sticky bool, s *Status) uint64 {
	if m.Sign() == 0 {
		panic("oracle: round of zero")
	}
	E := e + m.BitLen() - 1
	tiny := E < f.emin
	if tiny && s.FZ {
		s.Flags |= UFC
		return f.zero(neg)
	}
	qe := E - f.p + 1
	if qe < f.emin-f.p+1 {
		qe = f.emin - f.p + 1
	}
	shift := qe - e
	n := new(big.Int)
	cmpHalf := 0 // sign of (remainder - half)
	inexact := sticky
	if shift > 0 {
		n.Rsh(m, uint(shift))
		rem := new(big.Int).Sub(m, new(big.Int).Lsh(n, uint(shift)))
		if rem.Sign() != 0 {
			inexact = true
		}
		half := new(big.Int).Lsh(big.NewInt(1), uint(shift-1))
		cmpHalf = rem.Cmp(half)
		if cmpHalf == 0 && sticky {
			cmpHalf = 1
		}
	} else {
		n.Lsh(m, uint(-shift))
		cmpHalf = -1
	}
	up := false
	switch s.RMode & 3 {
	case RoundNearest:
		up = cmpHalf > 0 || (cmpHalf == 0 && n.Bit(0) == 1)
	case RoundPlusInf:
		up = inexact && !neg
	case RoundMinusInf:
		up = inexact && neg
	}
	if up {
		n.Add(n, big.NewInt(1))
	}
	if n.BitLen() > f.p {
		n.Rsh(n, 1)
		qe++
	}
	if inexact {
		s.Flags |= IXC
		if tiny {
			s.Flags |= UFC
		}
	}
	if n.Sign() == 0 {
		return f.zero(neg)
	}
	if qe+n.BitLen()-1 > f.emax {
		s.Flags |= OFC | IXC
		toInf := false
		switch s.RMode & 3 {
		case RoundNearest:
			toInf = true
		case RoundPlusInf:
			toInf = !neg
		case RoundMinusInf:
			toInf = neg
		}
		if toInf {
			return f.inf(neg)
		}
		return f.zero(neg) | (f.expAll-1)<<f.fracBits | (1<<f.fracBits - 1)
	}
	var r uint64
	if n.BitLen() == f.p {
		bexp := uint64(qe + f.p - 1 + f.bias)
		r = bexp<<f.fracBits | (n.Uint64() &^ (1 << f.fracBits))
	} else {
		r = n.Uint64()
	}
	r |= f.zero(neg)
	f.crossCheck(neg, m, e, sticky, tiny, r, s)
	return r
}

var bigModes = [4]big.RoundingMode{big.ToNearestEven, big.ToPositiveInf, big.ToNegativeInf, big.ToZero}

// crossCheck re-rounds normal-range results with big.Float.
func (f *ofmt) crossCheck(neg bool, m *big.Int, e int, sticky, tiny bool, r uint64, s *Status) {
	if tiny || sticky || !crossCheckOn {
		return
	}
	x := new(big.Float).SetPrec(uint(m.BitLen()) + 1).SetInt(m)
	x.SetMantExp(x, e)
	if neg {
		x.Neg(x)
	}
	x.SetMode(bigModes[s.RMode&3]).SetPrec(uint(f.p))
	var want uint64
	if f.p == 24 {
		v, _ := x.Float32()
		want = uint64(f32bits(v))
	} else {
		v, _ := x.Float64()
		want = f64bits(v)
	}
	if want != r {
		panic("oracle: big.Float cross-check mismatch")
	}
}

var crossCheckOn = true

func (f *ofmt) finite(neg bool, m *big.Int, e int, sticky bool, s *Status) uint64 {
	return f.round(neg, m, e, sticky, s)
}

func (f *ofmt) add(a, b uint64, sub bool, s *Status) uint64 {
	x, y := f.decode(a, s), f.decode(b, s)
	yneg := y.neg != sub
	if x.kind == kNaN || y.kind == kNaN {
		return f.nanResult(s, x, y)
	}
	if x.kind == kInf && y.kind == kInf {
		if x.neg != yneg {
			s.Flags |= IOC
			return f.defNaN()
		}
		return f.inf(x.neg)
	}
	if x.kind == kInf {
		return f.inf(x.neg)
	}
	if y.kind == kInf {
		return f.inf(yneg)
	}
	if x.kind == kZero && y.kind == kZero {
		if x.neg == yneg {
			return f.zero(x.neg)
		}
		return f.zero(s.RMode&3 == RoundMinusInf)
	}
	if x.kind == kZero {
		return f.round(yneg, y.m, y.e, false, s)
	}
	if y.kind == kZero {
		return f.round(x.neg, x.m, x.e, false, s)
	}
	e := x.e
	if y.e < e {
		e = y.e
	}
	xv := new(big.Int).Lsh(x.m, uint(x.e-e))
	yv := new(big.Int).Lsh(y.m, uint(y.e-e))
	if x.neg {
		xv.Neg(xv)
	}
	if yneg {
		yv.Neg(yv)
	}
	sum := xv.Add(xv, yv)
	if sum.Sign() == 0 {
		return f.zero(s.RMode&3 == RoundMinusInf)
	}
	neg := sum.Sign() < 0
	return f.round(neg, sum.Abs(sum), e, false, s)
}

func (f *ofmt) mul(a, b uint64, s *Status) uint64 {
	x, y := f.decode(a, s), f.decode(b, s)
	neg := x.neg != y.neg
	if x.kind == kNaN || y.kind == kNaN {
		return f.nanResult(s, x, y)
	}
	if (x.kind == kInf && y.kind == kZero) || (x.kind == kZero && y.kind == kInf) {
		s.Flags |= IOC
		return f.defNaN()
	}
	if x.kind == kInf || y.kind == kInf {
		return f.inf(neg)
	}
	if x.kind == kZero || y.kind == kZero {
		return f.zero(neg)
	}
	return f.round(neg, new(big.Int).Mul(x.m, y.m), x.e+y.e, false, s)
}

func (f *ofmt) div(a, b uint64, s *Status) uint64 {
	x, y := f.decode(a, s), f.decode(b, s)
	neg := x.neg != y.neg
	if x.kind == kNaN || y.kind == kNaN {
		return f.nanResult(s, x, y)
	}
	if (x.kind == kInf && y.kind == kInf) || (x.kind == kZero && y.kind == kZero) {
		s.Flags |= IOC
		return f.defNaN()
	}
	if x.kind == kInf {
		return f.inf(neg)
	}
	if x.kind == kZero || y.kind == kInf {
		return f.zero(neg)
	}
	if y.kind == kZero {
		s.Flags |= DZC
		return f.inf(neg)
	}
	const K = 160
	num := new(big.Int).Lsh(x.m, K)
	q, r := new(big.Int).QuoRem(num, y.m, new(big.Int))
	return f.round(neg, q, x.e-y.e-K, r.Sign() != 0, s)
}

func (f *ofmt) sqrt(a uint64, s *Status) uint64 {
	x := f.decode(a, s)
	switch {
	case x.kind == kNaN:
		return f.nanResult(s, x)
	case x.kind == kZero:
		return f.zero(x.neg)
	case x.neg:
		s.Flags |= IOC
		return f.defNaN()
	case x.kind == kInf:
		return f.inf(false)
	}
	const K = 160
	sh := 2 * K
	if (x.e-sh)&1 != 0 {
		sh++
	}
	v := new(big.Int).Lsh(x.m, uint(sh))
	r := new(big.Int).Sqrt(v)
	sticky := new(big.Int).Mul(r, r).Cmp(v) != 0
	return f.round(false, r, (x.e-sh)/2, sticky, s)
}

func (f *ofmt) compare(a, b uint64, signaling bool, s *Status) uint32 {
	x, y := f.decode(a, s), f.decode(b, s)
	if x.kind == kNaN || y.kind == kNaN {
		if signaling || (x.kind == kNaN && x.snan) || (y.kind == kNaN && y.snan) {
			s.Flags |= IOC
		}
		return CmpUnordered
	}
	c := f.toRat(x).Cmp(f.toRat(y))
	switch {
	case c < 0:
		return CmpLess
	case c > 0:
		return CmpGreater
	}
	return CmpEqual
}

// toRat maps a non-NaN value to an extended ordering key: infinities as
// +/- a huge number.
func (f *ofmt) toRat(v oval) *big.Float {
	z := new(big.Float).SetPrec(2200)
	switch v.kind {
	case kZero:
		return z
	case kInf:
		z.SetMantExp(big.NewFloat(1), 5000)
	default:
		z.SetInt(v.m)
		z.SetMantExp(z, v.e)
	}
	if v.neg {
		z.Neg(z)
	}
	return z
}

// convert a (format f) to format t.
func (f *ofmt) convert(a uint64, t *ofmt, s *Status) uint64 {
	x := f.decode(a, s)
	switch x.kind {
	case kNaN:
		if x.snan {
			s.Flags |= IOC
		}
		if s.DN {
			return t.defNaN()
		}
		fr := a & (1<<f.fracBits - 1)
		if t.fracBits > f.fracBits {
			fr <<= t.fracBits - f.fracBits
		} else {
			fr >>= f.fracBits - t.fracBits
		}
		return t.zero(x.neg) | t.expAll<<t.fracBits | fr | 1<<(t.fracBits-1)
	case kInf:
		return t.inf(x.neg)
	case kZero:
		return t.zero(x.neg)
	}
	return t.round(x.neg, x.m, x.e, false, s)
}

// toInt converts to a 32-bit integer.
func (f *ofmt) toInt(a uint64, signed, rz bool, s *Status) uint32 {
	ex := (a >> f.fracBits) & f.expAll
	if ex == f.expAll && a&(1<<f.fracBits-1) != 0 {
		s.Flags |= IOC
		return 0
	}
	x := f.decode(a, s)
	lo, hi := big.NewInt(0), big.NewInt(1<<32-1)
	if signed {
		lo, hi = big.NewInt(-1<<31), big.NewInt(1<<31-1)
	}
	sat := func() uint32 {
		s.Flags |= IOC
		if x.neg {
			return uint32(lo.Int64())
		}
		return uint32(hi.Int64())
	}
	switch x.kind {
	case kZero:
		return 0
	case kInf:
		return sat()
	}
	mode := s.RMode & 3
	if rz {
		mode = RoundZero
	}
	// value = m * 2^e; integer rounding
	var n *big.Int
	inexact := false
	if x.e >= 0 {
		n = new(big.Int).Lsh(x.m, uint(x.e))
	} else {
		sh := uint(-x.e)
		n = new(big.Int).Rsh(x.m, sh)
		rem := new(big.Int).Sub(x.m, new(big.Int).Lsh(n, sh))
		if rem.Sign() != 0 {
			inexact = true
			half := new(big.Int).Lsh(big.NewInt(1), sh-1)
			c := rem.Cmp(half)
			up := false
			switch mode {
			case RoundNearest:
				up = c > 0 || (c == 0 && n.Bit(0) == 1)
			case RoundPlusInf:
				up = !x.neg
			case RoundMinusInf:
				up = x.neg
			}
			if up {
				n.Add(n, big.NewInt(1))
			}
		}
	}
	if x.neg {
		n.Neg(n)
	}
	if n.Cmp(lo) < 0 || n.Cmp(hi) > 0 {
		return sat()
	}
	if inexact {
		s.Flags |= IXC
	}
	return uint32(n.Int64())
}

func (f *ofmt) fromInt(a uint32, signed bool, s *Status) uint64 {
	v := int64(a)
	if signed {
		v = int64(int32(a))
	}
	if v == 0 {
		return 0
	}
	neg := v < 0
	if neg {
		v = -v
	}
	return f.round(neg, big.NewInt(v), 0, false, s)
}
