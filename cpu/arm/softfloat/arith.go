// Arithmetic (add, subtract, multiply, divide, square root) shared by the
// single and double precision entry points. Special-case order follows
// IEEE 754 and QEMU's softfloat as used for ARM: NaN operands first (so a
// NaN beats an invalid combination), then invalid operations, then
// infinities and zeros. See softfloat.go for the representation.

package softfloat

import (
	"math"
	"math/bits"
)

// addOp computes a + (b with sign flipped if sub).
func addOp(a, b unpacked, sub bool, f *format, s *Status) uint64 {
	bSign := b.sign != sub
	if a.cls == clsNormal && b.cls == clsNormal {
		return addNormal(a.sign, a.exp, a.sig, bSign, b.exp, b.sig, f, s)
	}
	if isNaN(a.cls) || isNaN(b.cls) {
		return pickNaN(a, b, f, s)
	}
	if a.cls == clsInf {
		if b.cls == clsInf && a.sign != bSign {
			return invalid(f, s)
		}
		return packSpecial(a, f, s)
	}
	if b.cls == clsInf {
		b.sign = bSign
		return packSpecial(b, f, s)
	}
	if a.cls == clsZero && b.cls == clsZero {
		if a.sign != bSign {
			a.sign = s.RMode&3 == RoundMinusInf
		}
		return packSpecial(a, f, s)
	}
	if a.cls == clsZero {
		b.sign = bSign
		return pack(b, f, s)
	}
	return pack(a, f, s)
}

func addNormal(aSign bool, aExp int32, aSig uint64, bSign bool, bExp int32, bSig uint64, f *format, s *Status) uint64 {
	// Order by magnitude: a is the larger.
	if bExp > aExp || (bExp == aExp && bSig > aSig) {
		aSign, aExp, aSig, bSign, bExp, bSig = bSign, bExp, bSig, aSign, aExp, aSig
	}
	bSig = shiftRightJam(bSig, uint(aExp-bExp))
	if aSign == bSign {
		sig := aSig + bSig
		if sig >= 1<<63 {
			sig = sig>>1 | sig&1
			aExp++
		}
		return roundPack(aSign, aExp, sig, f, s)
	}
	sig := aSig - bSig
	if sig == 0 {
		// Exact cancellation: +0, or -0 when rounding towards -inf.
		if s.RMode&3 == RoundMinusInf {
			return f.sign
		}
		return 0
	}
	lz := bits.LeadingZeros64(sig) - 1
	sig <<= uint(lz)
	return roundPack(aSign, aExp-int32(lz), sig, f, s)
}

func mulOp(a, b unpacked, f *format, s *Status) uint64 {
	sign := a.sign != b.sign
	if a.cls == clsNormal && b.cls == clsNormal {
		hi, lo := bits.Mul64(a.sig, b.sig) // product in [2^124, 2^126)
		exp := a.exp + b.exp
		var sig uint64
		if hi >= 1<<61 {
			exp++
			sig = hi<<1 | lo>>63
			lo <<= 1
		} else {
			sig = hi<<2 | lo>>62
			lo <<= 2
		}
		if lo != 0 {
			sig |= 1
		}
		return roundPack(sign, exp, sig, f, s)
	}
	if isNaN(a.cls) || isNaN(b.cls) {
		return pickNaN(a, b, f, s)
	}
	if (a.cls == clsInf && b.cls == clsZero) || (a.cls == clsZero && b.cls == clsInf) {
		return invalid(f, s)
	}
	if a.cls == clsInf || b.cls == clsInf {
		return packSpecial(unpacked{cls: clsInf, sign: sign}, f, s)
	}
	return packSpecial(unpacked{cls: clsZero, sign: sign}, f, s)
}

func divOp(a, b unpacked, f *format, s *Status) uint64 {
	sign := a.sign != b.sign
	if a.cls == clsNormal && b.cls == clsNormal {
		// q = a.sig * 2^64 / (2*b.sig) = (a/b) * 2^63, in (2^62, 2^64).
		q, r := bits.Div64(a.sig, 0, b.sig<<1)
		exp := a.exp - b.exp
		if r != 0 {
			q |= 1
		}
		if q >= 1<<63 {
			q = q>>1 | q&1
		} else {
			exp--
		}
		return roundPack(sign, exp, q, f, s)
	}
	if isNaN(a.cls) || isNaN(b.cls) {
		return pickNaN(a, b, f, s)
	}
	if a.cls == b.cls && (a.cls == clsInf || a.cls == clsZero) {
		return invalid(f, s)
	}
	if a.cls == clsInf || a.cls == clsZero {
		a.sign = sign
		return packSpecial(a, f, s)
	}
	if b.cls == clsZero {
		s.Flags |= DZC
		return packSpecial(unpacked{cls: clsInf, sign: sign}, f, s)
	}
	// b is infinite.
	return packSpecial(unpacked{cls: clsZero, sign: sign}, f, s)
}

func sqrtOp(a unpacked, f *format, s *Status) uint64 {
	switch {
	case isNaN(a.cls):
		return oneNaN(a, f, s)
	case a.cls == clsZero:
		return packSpecial(a, f, s) // sqrt(-0) = -0
	case a.sign:
		return invalid(f, s)
	case a.cls == clsInf:
		return packSpecial(a, f, s)
	}
	sig, exp := a.sig, a.exp
	if exp&1 != 0 {
		// Make the exponent even: value = (2*sig/2^62) * 2^(exp-1).
		sig <<= 1
		exp--
	}
	// sig/2^62 in [1,4); root = floor(sqrt(sig * 2^62)) in [2^62, 2^63).
	nHi, nLo := sig>>2, sig<<62
	r := isqrt128(nHi, nLo, sig)
	hi, lo := bits.Mul64(r, r)
	if hi != nHi || lo != nLo {
		r |= 1 // inexact: sqrt is never exactly half-way, sticky suffices
	}
	return roundPack(false, exp/2, r, f, s)
}

// isqrt128 returns floor(sqrt(N)) for N = nHi:nLo = sig*2^62 with
// sig in [2^62, 2^64), so the root is in [2^62, 2^63).
func isqrt128(nHi, nLo, sig uint64) uint64 {
	// Estimate in floating point (about 53 correct bits), then one Newton
	// step from above and exact integer correction.
	est := math.Sqrt(float64(sig)) * (1 << 31)
	var r uint64
	if est >= 1<<63 {
		r = 1<<63 - 1
	} else {
		r = uint64(est)
	}
	if r < 1<<62 {
		r = 1 << 62
	}
	if r > nHi { // Div64 needs nHi < r; always true for r >= 2^62 > nHi
		q, _ := bits.Div64(nHi, nLo, r)
		sum, carry := bits.Add64(r, q, 0)
		r = sum>>1 | carry<<63
		if r < 1<<62 {
			r = 1 << 62
		}
	}
	// Correct: largest r with r*r <= N.
	for {
		hi, lo := bits.Mul64(r, r)
		if hi > nHi || (hi == nHi && lo > nLo) {
			r--
			continue
		}
		break
	}
	for r < 1<<63-1 {
		hi, lo := bits.Mul64(r+1, r+1)
		if hi < nHi || (hi == nHi && lo <= nLo) {
			r++
			continue
		}
		break
	}
	return r
}
