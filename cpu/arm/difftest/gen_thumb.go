package difftest

import "math/rand"

func tf(op uint32, hi, lo uint) uint32 { return op >> lo & (1<<(hi-lo+1) - 1) }

// ThumbClasses are the ARMv6 Thumb instruction classes (16-bit encodings).
var ThumbClasses = []Class{
	{Name: "t-shift-imm", Thumb: true, Value: 0x0000, Mask: 0xE000, Filter: func(op uint32) bool { return tf(op, 12, 11) != 3 }},
	{Name: "t-addsub", Thumb: true, Value: 0x1800, Mask: 0xF800},
	{Name: "t-imm8", Thumb: true, Value: 0x2000, Mask: 0xE000},
	{Name: "t-dp-reg", Thumb: true, Value: 0x4000, Mask: 0xFC00},
	{Name: "t-hireg", Thumb: true, Value: 0x4400, Mask: 0xFF00, Filter: func(op uint32) bool {
		rdn := tf(op, 2, 0) | tf(op, 7, 7)<<3
		rm := tf(op, 6, 3)
		if rdn == 15 || rm == 15 {
			return false
		}
		return op>>6&3 != 0 // both low: UNPREDICTABLE for ADD
	}},
	{Name: "t-hireg-cmp", Thumb: true, Value: 0x4500, Mask: 0xFF00, Filter: func(op uint32) bool {
		rn := tf(op, 2, 0) | tf(op, 7, 7)<<3
		return op>>6&3 != 0 && rn != 15 && tf(op, 6, 3) != 15
	}},
	{Name: "t-mov-cpy", Thumb: true, Value: 0x4600, Mask: 0xFF00, Filter: func(op uint32) bool {
		rd := tf(op, 2, 0) | tf(op, 7, 7)<<3
		return rd != 15 && tf(op, 6, 3) != 15
	}},
	{Name: "t-bx-blx", Thumb: true, Value: 0x4700, Mask: 0xFF07, Filter: func(op uint32) bool { return tf(op, 6, 3) != 15 }},
	{Name: "t-ldr-lit", Thumb: true, Value: 0x4800, Mask: 0xF800, Mem: true},
	{Name: "t-ldst-reg", Thumb: true, Value: 0x5000, Mask: 0xF000, Mem: true},
	{Name: "t-ldst-imm", Thumb: true, Value: 0x6000, Mask: 0xE000, Mem: true},
	{Name: "t-ldst-h", Thumb: true, Value: 0x8000, Mask: 0xF000, Mem: true},
	{Name: "t-ldst-sp", Thumb: true, Value: 0x9000, Mask: 0xF000, Mem: true},
	{Name: "t-add-pc-sp", Thumb: true, Value: 0xA000, Mask: 0xF000},
	{Name: "t-adjust-sp", Thumb: true, Value: 0xB000, Mask: 0xFF00},
	{Name: "t-extend", Thumb: true, Value: 0xB200, Mask: 0xFF00},
	{Name: "t-rev", Thumb: true, Value: 0xBA00, Mask: 0xFF00, Filter: func(op uint32) bool { return tf(op, 7, 6) != 2 }},
	{Name: "t-push-pop", Thumb: true, Value: 0xB400, Mask: 0xF600, Mem: true, Filter: func(op uint32) bool { return op&0x1FF != 0 }},
	// CPS (0xB66x) and SETEND (0xB65x). CPS changes only the I bit: see
	// the cps-a-f deviation.
	{Name: "t-cps-setend", Thumb: true, Value: 0xB640, Mask: 0xFFC0, Filter: func(op uint32) bool {
		if op&0xFFE8 == 0xB660 {
			return op&7 == 2
		}
		return op&0xFFF7 == 0xB650
	}},
	{Name: "t-bkpt", Thumb: true, Value: 0xBE00, Mask: 0xFF00},
	{Name: "t-misc-undef", Thumb: true, Value: 0xB000, Mask: 0xF000, Filter: notThumb2},
	{Name: "t-ldm-stm", Thumb: true, Value: 0xC000, Mask: 0xF000, Mem: true, Filter: func(op uint32) bool {
		list := op & 0xFF
		rn := tf(op, 10, 8)
		if list == 0 {
			return false
		}
		if op>>11&1 == 0 && list&(1<<rn) != 0 && list&(1<<rn-1) != 0 {
			return false // STMIA with base not lowest: UNPREDICTABLE
		}
		return true
	}},
	{Name: "t-bcond-svc", Thumb: true, Value: 0xD000, Mask: 0xF000},
	{Name: "t-b", Thumb: true, Value: 0xE000, Mask: 0xF800},
	{Name: "t-bl-pair", Thumb: true, Value: 0xF800, Mask: 0xF800, Prefix: func(r *rand.Rand, op uint32) []uint32 {
		return []uint32{0xF000 | uint32(r.Intn(0x800))}
	}},
	{Name: "t-blx-pair", Thumb: true, Value: 0xE800, Mask: 0xF801, Prefix: func(r *rand.Rand, op uint32) []uint32 {
		return []uint32{0xF000 | uint32(r.Intn(0x800))}
	}},
	{Name: "t-any", Thumb: true, Value: 0, Mask: 0, Mem: true, Filter: func(op uint32) bool {
		// Exclude what other classes filter as UNPREDICTABLE.
		switch {
		case !notThumb2(op):
			return false
		case op&0xFF00 == 0x4400 || op&0xFF00 == 0x4500:
			return op>>6&3 != 0 && op&0x87 != 0x87 && tf(op, 6, 3) != 15
		case op&0xFF00 == 0x4600:
			return op&0x87 != 0x87 && tf(op, 6, 3) != 15
		case op&0xFF00 == 0x4700:
			return op&7 == 0 && tf(op, 6, 3) != 15
		case op&0xF000 == 0xC000:
			return op&0xFF != 0 && !(op>>11&1 == 0 && op&(1<<tf(op, 10, 8)) != 0 && op&(1<<tf(op, 10, 8)-1) != 0)
		case op&0xF600 == 0xB400:
			return op&0x1FF != 0
		case op&0xF800 == 0xF000, op&0xF800 == 0xF800, op&0xF800 == 0xE800:
			// BL/BLX halves: covered by the pair classes. Unicorn
			// decodes a lone suffix as the first half of a 32-bit
			// Thumb-2 instruction.
			return false
		case op&0xFFC0 == 0xB640:
			return false
		}
		return true
	}},
}

// notThumb2 rejects the 16-bit encodings that are UNDEFINED on ARMv6 but
// that Unicorn's arm1176 model executes with their ARMv7 meaning: CBZ/CBNZ
// (0xB100/0xB900 space), IT and the hints (0xBFxx), and the BLX suffix
// with bit 0 set. Unit tests cover our UNDEF behaviour for them.
func notThumb2(op uint32) bool {
	switch {
	case op&0xF500 == 0xB100, op&0xFF00 == 0xBF00, op&0xF801 == 0xE801:
		return false
	}
	return true
}
