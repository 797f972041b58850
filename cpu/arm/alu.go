package arm

// Shared arithmetic used by the ARM, Thumb and media instruction handlers
// (DDI 0100I A5.1 "Addressing Mode 1 - Data-processing operands", and the
// pseudocode functions AddWithCarry, SignedSat, UnsignedSat of A2.x).

import "math/bits"

// Shift types (bits 6:5 of ARM shifter operands).
const (
	shLSL = 0
	shLSR = 1
	shASR = 2
	shROR = 3
)

// addWithCarry returns a+b+carry with the carry-out and overflow flags.
func addWithCarry(a, b uint32, carry bool) (res uint32, c, v bool) {
	var cin uint32
	if carry {
		cin = 1
	}
	r, co := bits.Add32(a, b, cin)
	return r, co != 0, (^(a ^ b) & (a ^ r) >> 31) != 0
}

// setNZ sets N and Z from a result.
func (c *CPU) setNZ(r uint32) {
	c.N = int32(r) < 0
	c.Z = r == 0
}

// shiftImm applies an immediate-specified shift (amount 0..31, with the
// encodings LSR #0 = LSR #32, ASR #0 = ASR #32, ROR #0 = RRX). It returns
// the result and the shifter carry-out.
func shiftImm(v uint32, typ, amount uint32, cin bool) (uint32, bool) {
	switch typ {
	case shLSL:
		if amount == 0 {
			return v, cin
		}
		return v << amount, v>>(32-amount)&1 != 0
	case shLSR:
		if amount == 0 {
			return 0, v>>31 != 0
		}
		return v >> amount, v>>(amount-1)&1 != 0
	case shASR:
		if amount == 0 {
			if int32(v) < 0 {
				return 0xFFFFFFFF, true
			}
			return 0, false
		}
		return uint32(int32(v) >> amount), v>>(amount-1)&1 != 0
	default:
		if amount == 0 { // RRX
			r := v >> 1
			if cin {
				r |= 1 << 31
			}
			return r, v&1 != 0
		}
		return bits.RotateLeft32(v, -int(amount)), v>>(amount-1)&1 != 0
	}
}

// shiftReg applies a register-specified shift; amount is the bottom byte of
// the register (0..255).
func shiftReg(v uint32, typ, amount uint32, cin bool) (uint32, bool) {
	if amount == 0 {
		return v, cin
	}
	switch typ {
	case shLSL:
		switch {
		case amount < 32:
			return v << amount, v>>(32-amount)&1 != 0
		case amount == 32:
			return 0, v&1 != 0
		}
		return 0, false
	case shLSR:
		switch {
		case amount < 32:
			return v >> amount, v>>(amount-1)&1 != 0
		case amount == 32:
			return 0, v>>31 != 0
		}
		return 0, false
	case shASR:
		if amount >= 32 {
			if int32(v) < 0 {
				return 0xFFFFFFFF, true
			}
			return 0, false
		}
		return uint32(int32(v) >> amount), v>>(amount-1)&1 != 0
	default:
		a := amount & 31
		if a == 0 {
			return v, v>>31 != 0
		}
		return bits.RotateLeft32(v, -int(a)), v>>(a-1)&1 != 0
	}
}

// signedSat saturates x to an n-bit signed range (1 <= n <= 32).
func signedSat(x int64, n uint32) (uint32, bool) {
	max := int64(1)<<(n-1) - 1
	min := -int64(1) << (n - 1)
	switch {
	case x > max:
		return uint32(max), true
	case x < min:
		return uint32(min), true
	}
	return uint32(x), false
}

// unsignedSat saturates x to an n-bit unsigned range (0 <= n <= 31).
func unsignedSat(x int64, n uint32) (uint32, bool) {
	max := int64(1)<<n - 1
	switch {
	case x > max:
		return uint32(max), true
	case x < 0:
		return 0, true
	}
	return uint32(x), false
}
