package trace

// A disassembler for ARMv6 Thumb (16-bit instructions; the BL/BLX pair is
// shown as its two halves). Encodings from ARM DDI 0100I chapter A6 and
// the A7 instruction pages.

import "fmt"

var thumbDP = [...]string{"ands", "eors", "lsls", "lsrs", "asrs", "adcs", "sbcs", "rors", "tst", "negs", "cmp", "cmn", "orrs", "muls", "bics", "mvns"}

func thumbDisasm(op uint16, pc uint32) string {
	o := uint32(op)
	r := func(shift uint) string { return regNames[o>>shift&7] }
	imm8 := o & 0xFF
	switch {
	case o>>13 == 0 && o>>11&3 != 3: // shift by immediate
		name := [...]string{"lsls", "lsrs", "asrs"}[o>>11&3]
		imm := o >> 6 & 31
		if imm == 0 && o>>11&3 != 0 {
			imm = 32
		}
		if imm == 0 {
			return fmt.Sprintf("movs %s, %s", r(0), r(3))
		}
		return fmt.Sprintf("%s %s, %s, #%d", name, r(0), r(3), imm)
	case o>>11 == 3: // add/sub register or 3-bit immediate
		name := "adds"
		if o&(1<<9) != 0 {
			name = "subs"
		}
		if o&(1<<10) != 0 {
			return fmt.Sprintf("%s %s, %s, #%d", name, r(0), r(3), o>>6&7)
		}
		return fmt.Sprintf("%s %s, %s, %s", name, r(0), r(3), r(6))
	case o>>13 == 1:
		name := [...]string{"movs", "cmp", "adds", "subs"}[o>>11&3]
		return fmt.Sprintf("%s %s, #%d", name, r(8), imm8)
	case o>>10 == 0x10:
		return fmt.Sprintf("%s %s, %s", thumbDP[o>>6&15], r(0), r(3))
	case o>>10 == 0x11: // hi-register ops, BX/BLX
		rd := regNames[o&7|o>>4&8]
		rm := regNames[o>>3&15]
		switch o >> 8 & 3 {
		case 0:
			return fmt.Sprintf("add %s, %s", rd, rm)
		case 1:
			return fmt.Sprintf("cmp %s, %s", rd, rm)
		case 2:
			return fmt.Sprintf("mov %s, %s", rd, rm)
		}
		if o&(1<<7) != 0 {
			return "blx " + rm
		}
		return "bx " + rm
	case o>>11 == 9:
		return fmt.Sprintf("ldr %s, [pc, #%d] ; 0x%x", r(8), imm8*4, (pc+4)&^3+imm8*4)
	case o>>12 == 5: // load/store register offset
		name := [...]string{"str", "strh", "strb", "ldrsb", "ldr", "ldrh", "ldrb", "ldrsh"}[o>>9&7]
		return fmt.Sprintf("%s %s, [%s, %s]", name, r(0), r(3), r(6))
	case o>>13 == 3: // load/store word/byte immediate
		name := [...]string{"str", "ldr", "strb", "ldrb"}[o>>11&3]
		imm := o >> 6 & 31
		if o&(1<<12) == 0 {
			imm *= 4
		}
		return fmt.Sprintf("%s %s, [%s, #%d]", name, r(0), r(3), imm)
	case o>>12 == 8:
		name := "strh"
		if o&(1<<11) != 0 {
			name = "ldrh"
		}
		return fmt.Sprintf("%s %s, [%s, #%d]", name, r(0), r(3), (o>>6&31)*2)
	case o>>12 == 9:
		name := "str"
		if o&(1<<11) != 0 {
			name = "ldr"
		}
		return fmt.Sprintf("%s %s, [sp, #%d]", name, r(8), imm8*4)
	case o>>12 == 10:
		if o&(1<<11) != 0 {
			return fmt.Sprintf("add %s, sp, #%d", r(8), imm8*4)
		}
		return fmt.Sprintf("adr %s, 0x%x", r(8), (pc+4)&^3+imm8*4)
	case o>>12 == 11: // miscellaneous
		switch {
		case o>>8 == 0xB0:
			if o&(1<<7) != 0 {
				return fmt.Sprintf("sub sp, #%d", (o&0x7F)*4)
			}
			return fmt.Sprintf("add sp, #%d", (o&0x7F)*4)
		case o>>8 == 0xB2:
			return fmt.Sprintf("%s %s, %s", [...]string{"sxth", "sxtb", "uxth", "uxtb"}[o>>6&3], r(0), r(3))
		case o>>8 == 0xBA && o>>6&3 != 2:
			return fmt.Sprintf("%s %s, %s", [...]string{"rev", "rev16", "", "revsh"}[o>>6&3], r(0), r(3))
		case o>>9&3 == 2: // PUSH/POP
			list := o & 0xFF
			if o&(1<<11) != 0 {
				if o&(1<<8) != 0 {
					list |= 1 << 15
				}
				return "pop " + regList(list)
			}
			if o&(1<<8) != 0 {
				list |= 1 << 14
			}
			return "push " + regList(list)
		case o&0xFFF7 == 0xB650:
			if o&8 != 0 {
				return "setend be"
			}
			return "setend le"
		case o&0xFFE8 == 0xB660:
			name := "cpsie"
			if o&(1<<4) != 0 {
				name = "cpsid"
			}
			f := ""
			for i, n := range "aif" {
				if o&(1<<(2-i)) != 0 {
					f += string(n)
				}
			}
			return name + " " + f
		case o>>8 == 0xBE:
			return fmt.Sprintf("bkpt #%d", imm8)
		}
	case o>>12 == 12:
		name := "stmia"
		if o&(1<<11) != 0 {
			name = "ldmia"
		}
		return fmt.Sprintf("%s %s!, %s", name, r(8), regList(imm8))
	case o>>12 == 13:
		cond := o >> 8 & 15
		switch cond {
		case 15:
			return fmt.Sprintf("svc #%d", imm8)
		case 14:
			return fmt.Sprintf(".short 0x%04x", o)
		}
		return fmt.Sprintf("b%s 0x%x", conds[cond], pc+4+uint32(int32(int8(imm8)))*2)
	case o>>11 == 0x1C:
		off := int32(o&0x7FF) << 21 >> 20
		return fmt.Sprintf("b 0x%x", pc+4+uint32(off))
	case o>>11 == 0x1E:
		off := int32(o&0x7FF) << 21 >> 9
		return fmt.Sprintf("bl.prefix lr = 0x%x", pc+4+uint32(off))
	case o>>11 == 0x1F:
		return fmt.Sprintf("bl.suffix lr+%#x", (o&0x7FF)*2)
	case o>>11 == 0x1D:
		return fmt.Sprintf("blx.suffix lr+%#x", (o&0x7FF)*2)
	}
	return fmt.Sprintf(".short 0x%04x", o)
}
