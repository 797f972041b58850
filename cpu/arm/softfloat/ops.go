// Public entry points: arithmetic, compare and conversions for the VFP11
// data-processing instructions (FADD/FSUB/FMUL/FDIV/FSQRT, FCMP/FCMPE,
// FCVTDS/FCVTSD, FTOSI/FTOUI(Z), FSITO/FUITO). Conversions to integer
// follow ARM: NaN gives 0 and IOC, out-of-range values saturate with IOC
// (and without IXC), in-range inexact results set IXC.

package softfloat

import "math/bits"

// Add32 returns a + b.
func Add32(a, b uint32, s *Status) uint32 {
	return uint32(addOp(unpack(uint64(a), &f32, s), unpack(uint64(b), &f32, s), false, &f32, s))
}

// Sub32 returns a - b.
func Sub32(a, b uint32, s *Status) uint32 {
	return uint32(addOp(unpack(uint64(a), &f32, s), unpack(uint64(b), &f32, s), true, &f32, s))
}

// Mul32 returns a * b.
func Mul32(a, b uint32, s *Status) uint32 {
	return uint32(mulOp(unpack(uint64(a), &f32, s), unpack(uint64(b), &f32, s), &f32, s))
}

// Div32 returns a / b.
func Div32(a, b uint32, s *Status) uint32 {
	return uint32(divOp(unpack(uint64(a), &f32, s), unpack(uint64(b), &f32, s), &f32, s))
}

// Sqrt32 returns the square root of a.
func Sqrt32(a uint32, s *Status) uint32 {
	return uint32(sqrtOp(unpack(uint64(a), &f32, s), &f32, s))
}

// Add64 returns a + b.
func Add64(a, b uint64, s *Status) uint64 {
	return addOp(unpack(a, &f64, s), unpack(b, &f64, s), false, &f64, s)
}

// Sub64 returns a - b.
func Sub64(a, b uint64, s *Status) uint64 {
	return addOp(unpack(a, &f64, s), unpack(b, &f64, s), true, &f64, s)
}

// Mul64 returns a * b.
func Mul64(a, b uint64, s *Status) uint64 {
	return mulOp(unpack(a, &f64, s), unpack(b, &f64, s), &f64, s)
}

// Div64 returns a / b.
func Div64(a, b uint64, s *Status) uint64 {
	return divOp(unpack(a, &f64, s), unpack(b, &f64, s), &f64, s)
}

// Sqrt64 returns the square root of a.
func Sqrt64(a uint64, s *Status) uint64 {
	return sqrtOp(unpack(a, &f64, s), &f64, s)
}

// Compare32 compares a with b and returns the FPSCR NZCV nibble
// (CmpEqual, CmpLess, CmpGreater or CmpUnordered). A quiet compare (VCMP)
// raises IOC only for a signalling NaN operand, a signalling compare
// (VCMPE) for any NaN operand. With FZ, denormal operands compare as zero
// (and raise IDC).
func Compare32(a, b uint32, signaling bool, s *Status) uint32 {
	return compare(unpack(uint64(a), &f32, s), unpack(uint64(b), &f32, s), signaling, s)
}

// Compare64 is Compare32 for double precision.
func Compare64(a, b uint64, signaling bool, s *Status) uint32 {
	return compare(unpack(a, &f64, s), unpack(b, &f64, s), signaling, s)
}

func compare(a, b unpacked, signaling bool, s *Status) uint32 {
	if isNaN(a.cls) || isNaN(b.cls) {
		if signaling || a.cls == clsSNaN || b.cls == clsSNaN {
			s.Flags |= IOC
		}
		return CmpUnordered
	}
	if a.cls == clsZero && b.cls == clsZero {
		return CmpEqual
	}
	if a.sign != b.sign {
		if a.sign {
			return CmpLess
		}
		return CmpGreater
	}
	// Same sign: compare magnitudes (zero < normal < inf).
	c := cmpMag(a, b)
	if a.sign {
		c = -c
	}
	switch {
	case c < 0:
		return CmpLess
	case c > 0:
		return CmpGreater
	}
	return CmpEqual
}

func cmpMag(a, b unpacked) int {
	if a.cls != b.cls {
		if a.cls < b.cls {
			return -1
		}
		return 1
	}
	if a.cls != clsNormal {
		return 0
	}
	switch {
	case a.exp < b.exp:
		return -1
	case a.exp > b.exp:
		return 1
	case a.sig < b.sig:
		return -1
	case a.sig > b.sig:
		return 1
	}
	return 0
}

// F32ToF64 converts single to double precision (exact except for NaNs:
// an SNaN is quietened with IOC; DN gives the default NaN).
func F32ToF64(a uint32, s *Status) uint64 {
	u := unpack(uint64(a), &f32, s)
	if isNaN(u.cls) {
		return oneNaN(u, &f64, s)
	}
	return pack(u, &f64, s)
}

// F64ToF32 converts double to single precision, rounding per s.RMode.
// NaN payloads keep their top bits.
func F64ToF32(a uint64, s *Status) uint32 {
	u := unpack(a, &f64, s)
	if isNaN(u.cls) {
		return uint32(oneNaN(u, &f32, s))
	}
	return uint32(pack(u, &f32, s))
}

// F32ToS32 converts to a signed 32-bit integer. roundZero selects
// round-towards-zero (FTOSIZS); otherwise s.RMode is used (FTOSIS).
func F32ToS32(a uint32, roundZero bool, s *Status) uint32 {
	return toInt(uint64(a), &f32, true, roundZero, s)
}

// F32ToU32 converts to an unsigned 32-bit integer (FTOUI(Z)S).
func F32ToU32(a uint32, roundZero bool, s *Status) uint32 {
	return toInt(uint64(a), &f32, false, roundZero, s)
}

// F64ToS32 converts to a signed 32-bit integer (FTOSI(Z)D).
func F64ToS32(a uint64, roundZero bool, s *Status) uint32 {
	return toInt(a, &f64, true, roundZero, s)
}

// F64ToU32 converts to an unsigned 32-bit integer (FTOUI(Z)D).
func F64ToU32(a uint64, roundZero bool, s *Status) uint32 {
	return toInt(a, &f64, false, roundZero, s)
}

func toInt(raw uint64, f *format, signed, roundZero bool, s *Status) uint32 {
	// NaN check happens before any input flushing (ARM: NaN -> 0, IOC).
	if raw&^f.sign > uint64(f.expMax)<<f.fracBits {
		s.Flags |= IOC
		return 0
	}
	u := unpack(raw, f, s)
	var maxPos, maxNeg uint64 // largest magnitudes allowed
	if signed {
		maxPos, maxNeg = 1<<31-1, 1<<31
	} else {
		maxPos, maxNeg = 1<<32-1, 0
	}
	sat := func() uint32 {
		s.Flags |= IOC
		if u.sign {
			return uint32(-maxNeg)
		}
		return uint32(maxPos)
	}
	switch u.cls {
	case clsZero:
		return 0
	case clsInf:
		return sat()
	}
	if u.exp >= 32 {
		return sat()
	}
	// value = sig * 2^(exp-62); integer part = sig >> (62-exp).
	sh := uint(62 - u.exp) // >= 31
	var ip, rest, half uint64
	if sh >= 64 {
		// |value| < 0.5: no integer part, non-zero and below the half point.
		ip, rest, half = 0, 1, 2
	} else {
		ip = u.sig >> sh
		rest = u.sig & (1<<sh - 1)
		half = 1 << (sh - 1)
	}
	rmode := s.RMode & 3
	if roundZero {
		rmode = RoundZero
	}
	if rest != 0 {
		up := false
		switch rmode {
		case RoundNearest:
			up = rest > half || (rest == half && ip&1 != 0)
		case RoundPlusInf:
			up = !u.sign
		case RoundMinusInf:
			up = u.sign
		}
		if up {
			ip++
		}
	}
	if u.sign {
		if ip > maxNeg {
			return sat()
		}
	} else if ip > maxPos {
		return sat()
	}
	if rest != 0 {
		s.Flags |= IXC
	}
	if u.sign {
		return uint32(-ip)
	}
	return uint32(ip)
}

// S32ToF32 converts a signed 32-bit integer to single precision.
func S32ToF32(a uint32, s *Status) uint32 {
	return uint32(fromInt(uint64(a), int32(a) < 0, &f32, s))
}

// U32ToF32 converts an unsigned 32-bit integer to single precision.
func U32ToF32(a uint32, s *Status) uint32 {
	return uint32(fromInt(uint64(a), false, &f32, s))
}

// S32ToF64 converts a signed 32-bit integer to double precision (exact).
func S32ToF64(a uint32, s *Status) uint64 {
	return fromInt(uint64(a), int32(a) < 0, &f64, s)
}

// U32ToF64 converts an unsigned 32-bit integer to double precision (exact).
func U32ToF64(a uint32, s *Status) uint64 {
	return fromInt(uint64(a), false, &f64, s)
}

func fromInt(a uint64, neg bool, f *format, s *Status) uint64 {
	if neg {
		a = uint64(-int64(int32(uint32(a))))
	}
	if a == 0 {
		return 0
	}
	lz := bits.LeadingZeros64(a) - 1
	return roundPack(neg, int32(62-lz), a<<uint(lz), f, s)
}

// Neg32 flips the sign (VNEG): no flags, not affected by FZ, NaNs keep
// their payload.
func Neg32(a uint32) uint32 { return a ^ 1<<31 }

// Abs32 clears the sign (VABS).
func Abs32(a uint32) uint32 { return a &^ (1 << 31) }

// Neg64 flips the sign (VNEG.F64).
func Neg64(a uint64) uint64 { return a ^ 1<<63 }

// Abs64 clears the sign (VABS.F64).
func Abs64(a uint64) uint64 { return a &^ (1 << 63) }

// The VFPv2 multiply-accumulate instructions are not fused: the product
// is rounded (and raises its flags) before the addition. The operand order
// of the addition (d first) matters for NaN selection; negations are sign
// flips that also apply to NaNs, as on the VFP11 and in QEMU.

// MulAdd32 is VMLA.F32 (FMACS): d + n*m.
func MulAdd32(d, n, m uint32, s *Status) uint32 { return Add32(d, Mul32(n, m, s), s) }

// MulSub32 is VMLS.F32 (FNMACS): d - n*m.
func MulSub32(d, n, m uint32, s *Status) uint32 { return Add32(d, Neg32(Mul32(n, m, s)), s) }

// NMulAdd32 is VNMLA.F32 (FNMSCS): -d - n*m.
func NMulAdd32(d, n, m uint32, s *Status) uint32 {
	return Add32(Neg32(d), Neg32(Mul32(n, m, s)), s)
}

// NMulSub32 is VNMLS.F32 (FMSCS): -d + n*m.
func NMulSub32(d, n, m uint32, s *Status) uint32 { return Add32(Neg32(d), Mul32(n, m, s), s) }

// NMul32 is VNMUL.F32 (FNMULS): -(n*m).
func NMul32(n, m uint32, s *Status) uint32 { return Neg32(Mul32(n, m, s)) }

// MulAdd64 is VMLA.F64 (FMACD): d + n*m.
func MulAdd64(d, n, m uint64, s *Status) uint64 { return Add64(d, Mul64(n, m, s), s) }

// MulSub64 is VMLS.F64 (FNMACD): d - n*m.
func MulSub64(d, n, m uint64, s *Status) uint64 { return Add64(d, Neg64(Mul64(n, m, s)), s) }

// NMulAdd64 is VNMLA.F64 (FNMSCD): -d - n*m.
func NMulAdd64(d, n, m uint64, s *Status) uint64 {
	return Add64(Neg64(d), Neg64(Mul64(n, m, s)), s)
}

// NMulSub64 is VNMLS.F64 (FMSCD): -d + n*m.
func NMulSub64(d, n, m uint64, s *Status) uint64 { return Add64(Neg64(d), Mul64(n, m, s), s) }

// NMul64 is VNMUL.F64 (FNMULD): -(n*m).
func NMul64(n, m uint64, s *Status) uint64 { return Neg64(Mul64(n, m, s)) }
