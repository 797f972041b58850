// Package softfloat implements IEEE 754 single and double precision
// arithmetic in integer software, bit-exact with the ARM VFP11 (VFPv2) as
// QEMU's ARM target models it (the differential oracle is Unicorn 2.0.1,
// i.e. QEMU ~5.0 softfloat with ARM settings).
//
// Behaviour implemented (see also DEVIATIONS.md):
//   - all four FPSCR rounding modes (RN, RP, RM, RZ);
//   - flush-to-zero (FPSCR.FZ): every denormal input operand is replaced
//     by a zero of the same sign and sets IDC; a result whose exact value
//     is below the smallest normal (tininess detected before rounding) is
//     replaced by a signed zero and sets UFC only (not IXC);
//   - without FZ, UFC is set when the result is tiny (before rounding) and
//     inexact;
//   - default NaN mode (FPSCR.DN) and ARM NaN propagation: the first
//     signalling NaN operand (a before b) made quiet, else the first quiet
//     NaN; any SNaN operand raises IOC; invalid operations return the
//     default NaN (0x7FC00000 / 0x7FF8000000000000);
//   - cumulative flags in FPSCR bit positions.
//
// Sources: ARM Architecture Reference Manual ARMv6 (DDI 0100I) part C,
// chapter C2 "VFP Programmer's Model" (C2.1 floating-point formats, C2.4
// NaN handling, C2.5 flush-to-zero, C2.6 default NaN, C2.7 exceptions);
// ARM1176JZF-S TRM (DDI 0301H) chapter 20/22 (VFP11); IEEE 754-1985.
// The rules QEMU applies were read from QEMU fpu/softfloat.c and
// target/arm/vfp_helper.c (facts only; this is an independent
// implementation).
//
// Internal representation: an unpacked value has a class, a sign, an
// unbiased exponent and a 64-bit significand with the leading one at bit 62
// ("1.f" = sig / 2^62), leaving bit 63 free for carries and many guard bits
// below the format's last significant bit; bits shifted out are ORed into
// bit 0 ("sticky"). Both formats share the same arithmetic core; only the
// final rounding (roundPack) depends on the format.
package softfloat

import "math/bits"

// Status holds the FPSCR fields that control arithmetic and the
// cumulative exception flags.
type Status struct {
	RMode uint32 // ARM FPSCR.RMode: 0 round to nearest even, 1 towards +inf, 2 towards -inf, 3 towards zero
	FZ    bool   // flush-to-zero (FPSCR bit 24)
	DN    bool   // default NaN (FPSCR bit 25)
	Flags uint32 // cumulative flags, ORed in, in FPSCR bit positions
}

// Cumulative exception flags, in their FPSCR bit positions.
const (
	IOC = 1 << 0 // invalid operation
	DZC = 1 << 1 // division by zero
	OFC = 1 << 2 // overflow
	UFC = 1 << 3 // underflow
	IXC = 1 << 4 // inexact
	IDC = 1 << 7 // input denormal
)

// Rounding modes (FPSCR.RMode values).
const (
	RoundNearest  = 0
	RoundPlusInf  = 1
	RoundMinusInf = 2
	RoundZero     = 3
)

// Default NaNs.
const (
	DefaultNaN32 uint32 = 0x7FC00000
	DefaultNaN64 uint64 = 0x7FF8000000000000
)

// Compare results: the FPSCR NZCV nibble.
const (
	CmpEqual     = 0x6
	CmpLess      = 0x8
	CmpGreater   = 0x2
	CmpUnordered = 0x3
)

type class uint8

const (
	clsZero class = iota
	clsNormal
	clsInf
	clsQNaN
	clsSNaN
)

// unpacked is a decoded operand. For normal values sig has its leading one
// at bit 62. For NaNs sig holds the fraction left-aligned so that the
// quiet bit is bit 61 (payload bits follow below it), which makes NaN
// payloads convert between formats by keeping their top bits.
type unpacked struct {
	cls  class
	sign bool
	exp  int32
	sig  uint64
}

// format describes one binary interchange format.
type format struct {
	fracBits uint   // stored fraction bits (23 / 52)
	bias     int32  // exponent bias (127 / 1023)
	expMax   int32  // all-ones exponent (255 / 2047)
	shift    uint   // 62 - fracBits: position of the last significant bit in sig
	fracMask uint64 // (1<<fracBits)-1
	sign     uint64 // sign bit
}

var (
	f32 = format{fracBits: 23, bias: 127, expMax: 255, shift: 62 - 23, fracMask: 1<<23 - 1, sign: 1 << 31}
	f64 = format{fracBits: 52, bias: 1023, expMax: 2047, shift: 62 - 52, fracMask: 1<<52 - 1, sign: 1 << 63}
)

const (
	sigLead  = uint64(1) << 62
	quietBit = uint64(1) << 61
)

// unpack decodes a raw value (sign bit at position fracBits+expBits) of
// format f. With FZ a denormal becomes a signed zero and raises IDC.
func unpack(raw uint64, f *format, s *Status) unpacked {
	u := unpacked{sign: raw&f.sign != 0}
	e := int32(raw>>f.fracBits) & f.expMax
	frac := raw & f.fracMask
	switch {
	case e == f.expMax:
		if frac == 0 {
			u.cls = clsInf
			return u
		}
		u.sig = frac << f.shift
		if u.sig&quietBit != 0 {
			u.cls = clsQNaN
		} else {
			u.cls = clsSNaN
		}
	case e == 0:
		if frac == 0 {
			u.cls = clsZero
			return u
		}
		if s.FZ {
			s.Flags |= IDC
			u.cls = clsZero
			return u
		}
		// Denormal: normalise.
		lz := uint(bits.LeadingZeros64(frac)) - 1
		u.cls = clsNormal
		u.sig = frac << lz
		u.exp = 1 - f.bias + int32(f.shift) - int32(lz)
	default:
		u.cls = clsNormal
		u.sig = (frac | 1<<f.fracBits) << f.shift
		u.exp = e - f.bias
	}
	return u
}

// packSpecial encodes a non-normal class (zero, inf, NaN) in format f.
func packSpecial(u unpacked, f *format, s *Status) uint64 {
	var sign uint64
	if u.sign {
		sign = f.sign
	}
	exp := uint64(f.expMax) << f.fracBits
	switch u.cls {
	case clsZero:
		return sign
	case clsInf:
		return sign | exp
	default: // NaN (already quiet / default handled by caller)
		return sign | exp | (u.sig>>f.shift)&f.fracMask
	}
}

// defaultNaN returns the default NaN of format f.
func defaultNaN(f *format) uint64 {
	return uint64(f.expMax)<<f.fracBits | 1<<(f.fracBits-1)
}

// pack encodes u in format f, rounding normal values.
func pack(u unpacked, f *format, s *Status) uint64 {
	if u.cls == clsNormal {
		return roundPack(u.sign, u.exp, u.sig, f, s)
	}
	return packSpecial(u, f, s)
}

// roundPack rounds sign * (sig/2^62) * 2^exp (sig normalised: bit 62 set,
// bit 63 clear, bit 0 sticky) to format f under s, raising flags.
func roundPack(sign bool, exp int32, sig uint64, f *format, s *Status) uint64 {
	var signBits uint64
	if sign {
		signBits = f.sign
	}
	sh := f.shift
	roundMask := uint64(1)<<sh - 1
	half := uint64(1) << (sh - 1)
	var inc uint64
	switch s.RMode & 3 {
	case RoundNearest:
		inc = half
	case RoundPlusInf:
		if !sign {
			inc = roundMask
		}
	case RoundMinusInf:
		if sign {
			inc = roundMask
		}
	}
	e := exp + f.bias
	if e >= 1 {
		if rest := sig & roundMask; rest != 0 {
			s.Flags |= IXC
			if inc == half && rest == half {
				// Tie in round-to-nearest: round to even.
				if sig&(roundMask+1) != 0 {
					sig += half
				}
			} else {
				sig += inc
			}
			sig &^= roundMask
			if sig >= 1<<63 {
				sig >>= 1
				e++
			}
		}
		if e >= f.expMax {
			s.Flags |= OFC | IXC
			toInf := false
			switch s.RMode & 3 {
			case RoundNearest:
				toInf = true
			case RoundPlusInf:
				toInf = !sign
			case RoundMinusInf:
				toInf = sign
			}
			if toInf {
				return signBits | uint64(f.expMax)<<f.fracBits
			}
			return signBits | uint64(f.expMax-1)<<f.fracBits | f.fracMask
		}
		return signBits | (uint64(e-1)<<f.fracBits + sig>>sh)
	}
	// Tiny (before rounding).
	if s.FZ {
		s.Flags |= UFC
		return signBits
	}
	sig = shiftRightJam(sig, uint(1-e))
	if rest := sig & roundMask; rest != 0 {
		s.Flags |= IXC | UFC
		if inc == half && rest == half {
			if sig&(roundMask+1) != 0 {
				sig += half
			}
		} else {
			sig += inc
		}
		sig &^= roundMask
	}
	// A carry into bit 62 turns the result into the smallest normal.
	return signBits | sig>>sh
}

// shiftRightJam shifts x right by n, ORing any bits shifted out into bit 0.
func shiftRightJam(x uint64, n uint) uint64 {
	if n == 0 {
		return x
	}
	if n >= 64 {
		if x != 0 {
			return 1
		}
		return 0
	}
	r := x >> n
	if x<<(64-n) != 0 {
		r |= 1
	}
	return r
}

// pickNaN returns the NaN result of a two-operand operation where at least
// one operand is a NaN (ARM rules: first SNaN, else first QNaN; SNaN
// raises IOC; DN gives the default NaN).
func pickNaN(a, b unpacked, f *format, s *Status) uint64 {
	if a.cls == clsSNaN || b.cls == clsSNaN {
		s.Flags |= IOC
	}
	if s.DN {
		return defaultNaN(f)
	}
	var n unpacked
	switch {
	case a.cls == clsSNaN:
		n = a
	case b.cls == clsSNaN:
		n = b
	case a.cls == clsQNaN:
		n = a
	default:
		n = b
	}
	n.sig |= quietBit
	return packSpecial(n, f, s)
}

// oneNaN is pickNaN for one-operand operations.
func oneNaN(a unpacked, f *format, s *Status) uint64 {
	if a.cls == clsSNaN {
		s.Flags |= IOC
	}
	if s.DN {
		return defaultNaN(f)
	}
	a.sig |= quietBit
	return packSpecial(a, f, s)
}

func isNaN(c class) bool { return c >= clsQNaN }

// invalid raises IOC and returns the default NaN.
func invalid(f *format, s *Status) uint64 {
	s.Flags |= IOC
	return defaultNaN(f)
}
