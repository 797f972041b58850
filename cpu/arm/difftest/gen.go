// Package difftest generates random ARM1176 instructions and machine states
// by instruction class, for differential testing of cpu/arm against an
// oracle (Unicorn 2, see diff_test.go, built with -tags unicorn) and for
// fuzzing.
//
// A class is a pattern (fixed bits and their values) plus a filter that
// rejects the encodings the ARM ARM (DDI 0100I) calls UNPREDICTABLE, since
// two correct implementations may differ there.
package difftest

import "math/rand"

// Class is a family of instructions.
type Class struct {
	Name  string
	Thumb bool
	Value uint32 // fixed bits
	Mask  uint32 // which bits are fixed
	// Filter returns false for encodings to skip (UNPREDICTABLE).
	Filter func(op uint32) bool
	// Mem marks classes that access memory: registers get pointer-like
	// values and memory is compared after the step.
	Mem bool
	// Prefix, when set, returns instructions executed before op in the
	// same case (e.g. LDREX before STREX, BL prefix before suffix).
	Prefix func(r *rand.Rand, op uint32) []uint32
}

func f(op uint32, hi, lo uint) uint32 { return op >> lo & (1<<(hi-lo+1) - 1) }

func rd(op uint32) uint32 { return f(op, 15, 12) }
func rn(op uint32) uint32 { return f(op, 19, 16) }
func rs(op uint32) uint32 { return f(op, 11, 8) }
func rm(op uint32) uint32 { return f(op, 3, 0) }

func noPC(regs ...uint32) bool {
	for _, r := range regs {
		if r == 15 {
			return false
		}
	}
	return true
}

// Gen draws one instruction of class c.
func (c *Class) Gen(r *rand.Rand) uint32 {
	for {
		op := r.Uint32()&^c.Mask | c.Value
		if c.Thumb {
			op &= 0xFFFF
		} else if c.Mask&0xF0000000 == 0 {
			op = op&0x0FFFFFFF | uint32(r.Intn(15))<<28
		}
		if c.Filter == nil || c.Filter(op) {
			return op
		}
	}
}

func dpOK(op uint32) bool {
	opc := f(op, 24, 21)
	s := op>>20&1 != 0
	if opc >= 8 && opc <= 11 && !s {
		return false // misc/MSR space
	}
	if rd(op) == 15 {
		return false
	}
	return true
}

func wbConflict(op uint32) bool {
	p, w := op>>24&1, op>>21&1
	return (p == 0 || w == 1) && (rn(op) == rd(op) || rn(op) == 15)
}

// smmlsNoAcc reports SMMLS with the accumulator field = R15: unlike SMMLA
// (where it encodes SMMUL) this is UNPREDICTABLE (DDI 0100I A4.1.x SMMLS).
func smmlsNoAcc(op uint32) bool {
	return op&0x0FF000D0 == 0x075000D0 && op>>12&0xF == 15
}

// postW reports P=0 W=1, UNPREDICTABLE for the ARMv6 halfword and
// doubleword transfers (DDI 0100I A5.3: there is no LDRHT on ARMv6).
func postW(op uint32) bool { return op>>24&1 == 0 && op>>21&1 == 1 }

// ARMClasses are the ARM-state instruction classes.
var ARMClasses = []Class{
	{Name: "dp-imm", Value: 0x02000000, Mask: 0x0E000000, Filter: dpOK},
	{Name: "dp-shift-imm", Value: 0x00000000, Mask: 0x0E000010, Filter: dpOK},
	{Name: "dp-shift-reg", Value: 0x00000010, Mask: 0x0E000090, Filter: func(op uint32) bool {
		return dpOK(op) && noPC(rn(op), rm(op), rs(op))
	}},
	{Name: "dp-to-pc", Value: 0x0000F000, Mask: 0x0C10F010, Filter: func(op uint32) bool {
		opc := f(op, 24, 21)
		return !(opc >= 8 && opc <= 11)
	}},
	{Name: "mul-mla", Value: 0x00000090, Mask: 0x0FC000F0, Filter: func(op uint32) bool {
		return noPC(rn(op), rd(op), rs(op), rm(op)) && (op>>21&1 == 1 || rd(op) == 0)
	}},
	{Name: "mul-long", Value: 0x00800090, Mask: 0x0F8000F0, Filter: func(op uint32) bool {
		return noPC(rn(op), rd(op), rs(op), rm(op)) && rn(op) != rd(op)
	}},
	{Name: "umaal", Value: 0x00400090, Mask: 0x0FF000F0, Filter: func(op uint32) bool {
		return noPC(rn(op), rd(op), rs(op), rm(op)) && rn(op) != rd(op)
	}},
	{Name: "smlaxy", Value: 0x01000080, Mask: 0x0FF00090, Filter: func(op uint32) bool { return noPC(rn(op), rd(op), rs(op), rm(op)) }},
	{Name: "smlawy-smulwy", Value: 0x01200080, Mask: 0x0FF00090, Filter: func(op uint32) bool {
		return noPC(rn(op), rd(op), rs(op), rm(op)) && (op>>5&1 == 0 || rd(op) == 0)
	}},
	{Name: "smlalxy", Value: 0x01400080, Mask: 0x0FF00090, Filter: func(op uint32) bool {
		return noPC(rn(op), rd(op), rs(op), rm(op)) && rn(op) != rd(op)
	}},
	{Name: "smulxy", Value: 0x01600080, Mask: 0x0FF0F090, Filter: func(op uint32) bool { return noPC(rn(op), rs(op), rm(op)) }},
	{Name: "qadd-qsub", Value: 0x01000050, Mask: 0x0F900FF0, Filter: func(op uint32) bool { return noPC(rn(op), rd(op), rm(op)) }},
	{Name: "clz", Value: 0x016F0F10, Mask: 0x0FFF0FF0, Filter: func(op uint32) bool { return noPC(rd(op), rm(op)) }},
	{Name: "parallel-addsub", Value: 0x06000F10, Mask: 0x0F800F10, Filter: func(op uint32) bool { return noPC(rn(op), rd(op), rm(op)) }},
	{Name: "pkh", Value: 0x06800010, Mask: 0x0FF00030, Filter: func(op uint32) bool { return noPC(rn(op), rd(op), rm(op)) }},
	{Name: "ssat-usat", Value: 0x06A00010, Mask: 0x0FA00030, Filter: func(op uint32) bool { return noPC(rd(op), rm(op)) }},
	{Name: "ssat16-usat16", Value: 0x06A00F30, Mask: 0x0FB00FF0, Filter: func(op uint32) bool { return noPC(rd(op), rm(op)) }},
	{Name: "extend", Value: 0x06800070, Mask: 0x0F8003F0, Filter: func(op uint32) bool {
		return noPC(rd(op), rm(op)) && f(op, 22, 20) != 1 && f(op, 22, 20) != 5
	}},
	{Name: "rev", Value: 0x06B00F30, Mask: 0x0FB00F70, Filter: func(op uint32) bool {
		return noPC(rd(op), rm(op)) && rn(op) == 15
	}},
	{Name: "sel", Value: 0x06800FB0, Mask: 0x0FF00FF0, Filter: func(op uint32) bool { return noPC(rn(op), rd(op), rm(op)) }},
	{Name: "smuad-smlad-smmul", Value: 0x07000010, Mask: 0x0F800010, Filter: func(op uint32) bool {
		return noPC(rn(op), rm(op), rs(op)) && !smmlsNoAcc(op)
	}},
	{Name: "usad8", Value: 0x07800010, Mask: 0x0FF000F0, Filter: func(op uint32) bool { return noPC(rn(op), rm(op), rs(op)) }},
	{Name: "media-undef-space", Value: 0x06000010, Mask: 0x0E000010, Filter: func(op uint32) bool { return !smmlsNoAcc(op) }},
	{Name: "ldr-str-imm", Value: 0x04000000, Mask: 0x0E000000, Mem: true, Filter: func(op uint32) bool {
		return rd(op) != 15 && !wbConflict(op)
	}},
	{Name: "ldr-str-reg", Value: 0x06000000, Mask: 0x0E000010, Mem: true, Filter: func(op uint32) bool {
		return rd(op) != 15 && rm(op) != 15 && !wbConflict(op) && !((op>>24&1 == 0 || op>>21&1 == 1) && rn(op) == rm(op))
	}},
	{Name: "ldrh-ldrd-imm", Value: 0x00400090, Mask: 0x0E400090, Mem: true, Filter: func(op uint32) bool {
		if f(op, 6, 5) == 0 || rd(op) == 15 || wbConflict(op) || postW(op) {
			return false
		}
		if op>>20&1 == 0 && f(op, 6, 5) >= 2 { // LDRD/STRD: even Rt, not R14
			return rd(op)&1 == 0 && rd(op) != 14 && !((op>>24&1 == 0 || op>>21&1 == 1) && rn(op) == rd(op)+1)
		}
		return true
	}},
	{Name: "ldrh-ldrd-reg", Value: 0x00000090, Mask: 0x0E400F90, Mem: true, Filter: func(op uint32) bool {
		if f(op, 6, 5) == 0 || rd(op) == 15 || rm(op) == 15 || wbConflict(op) || postW(op) {
			return false
		}
		if op>>20&1 == 0 && f(op, 6, 5) >= 2 {
			return rd(op)&1 == 0 && rd(op) != 14 && rm(op) != rd(op) && rm(op) != rd(op)+1 &&
				!((op>>24&1 == 0 || op>>21&1 == 1) && rn(op) == rd(op)+1)
		}
		return !((op>>24&1 == 0 || op>>21&1 == 1) && rn(op) == rm(op))
	}},
	{Name: "ldm-stm", Value: 0x08000000, Mask: 0x0E400000, Mem: true, Filter: func(op uint32) bool {
		list := op & 0xFFFF
		if rn(op) == 15 || list == 0 {
			return false
		}
		load := op>>20&1 != 0
		if load && list&0x8000 != 0 {
			return false // see ldm-pc
		}
		if op>>21&1 != 0 && list&(1<<rn(op)) != 0 {
			if load || list&(1<<rn(op)-1) != 0 {
				return false
			}
		}
		return true
	}},
	{Name: "ldm-pc", Value: 0x08108000, Mask: 0x0E508000, Mem: true, Filter: func(op uint32) bool {
		return rn(op) != 15 && !(op>>21&1 != 0 && op&(1<<rn(op)) != 0)
	}},
	{Name: "swp", Value: 0x01000090, Mask: 0x0FB00FF0, Mem: true, Filter: func(op uint32) bool {
		return noPC(rn(op), rd(op), rm(op)) && rn(op) != rd(op) && rn(op) != rm(op)
	}},
	{Name: "ldrex-strex", Value: 0x01800F90, Mask: 0x0F800FF0, Mem: true, Filter: func(op uint32) bool {
		if !noPC(rn(op), rd(op), rm(op)) {
			return false
		}
		if op>>20&1 == 1 {
			return rm(op) == 0xF && (f(op, 22, 21) != 1 || (rd(op)&1 == 0 && rd(op) != 14))
		}
		if rd(op) == rn(op) || rd(op) == rm(op) {
			return false
		}
		if f(op, 22, 21) == 1 {
			return rm(op)&1 == 0 && rm(op) != 14 && rd(op) != rm(op)+1
		}
		return true
	}, Prefix: func(r *rand.Rand, op uint32) []uint32 {
		if op>>20&1 == 1 || r.Intn(4) == 0 {
			return nil
		}
		// LDREX of the same size from the same base into a scratch reg
		// (Rd of the LDREX is chosen not to clobber operands).
		for t := uint32(0); t < 14; t += 2 {
			if t != rn(op) && t != rd(op) && t != rm(op) && t+1 != rn(op) && t+1 != rd(op) && t+1 != rm(op) {
				return []uint32{op&0xFFF00000 | 1<<20 | rn(op)<<16 | t<<12 | 0xF9F}
			}
		}
		return nil
	}},
	{Name: "clrex-hints", Value: 0xF57FF01F, Mask: 0xFFFFFFFF},
	{Name: "b-bl", Value: 0x0A000000, Mask: 0x0E000000},
	{Name: "blx-imm", Value: 0xFA000000, Mask: 0xFE000000},
	{Name: "bx-blx-reg", Value: 0x012FFF10, Mask: 0x0FFFFFD0, Filter: func(op uint32) bool { return rm(op) != 15 }},
	{Name: "mrs", Value: 0x010F0000, Mask: 0x0FFF0FFF, Filter: func(op uint32) bool { return rd(op) != 15 }},
	{Name: "msr-imm-flags", Value: 0x0328F000, Mask: 0x0FBCF000},
	{Name: "msr-reg-cpsr", Value: 0x0120F000, Mask: 0x0FF0FFF0, Filter: func(op uint32) bool { return rm(op) != 15 }},
	{Name: "setend", Value: 0xF1010000, Mask: 0xFFFFFDFF},
	// CPS changes only the I bit here: see the cps-a-f deviation.
	{Name: "cps", Value: 0xF1000000, Mask: 0xFFF1FE20, Filter: func(op uint32) bool {
		imod, m := f(op, 19, 18), op>>17&1
		if imod == 1 || (imod == 0 && m == 0) {
			return false
		}
		if imod >= 2 && f(op, 8, 6) != 2 {
			return false
		}
		if m == 1 {
			switch op & 0x1F {
			case 0x10, 0x11, 0x12, 0x13, 0x17, 0x1B, 0x1F:
				return true
			}
			return false
		}
		return op&0x1F == 0
	}},
	// NOP and SEV only: QEMU raises its internal EXCP_YIELD for YIELD and
	// WFE (and halts for WFI), which Unicorn reports as an unhandled CPU
	// exception; those hints are covered by the unit and system tests.
	{Name: "hints", Value: 0x0320F000, Mask: 0x0FFFFFF8, Filter: func(op uint32) bool { return op&7 == 0 || op&7 == 4 }},
	{Name: "svc", Value: 0x0F000000, Mask: 0x0F000000},
	{Name: "bkpt", Value: 0xE1200070, Mask: 0xFFF000F0},
	{Name: "udf-space", Value: 0x07F000F0, Mask: 0x0FF000F0},
	{Name: "pld", Value: 0xF550F000, Mask: 0xFD70F000},
}

// RandomRegs returns register values: a mix of boundary values, small
// numbers and random words; for memory classes, pointers into
// [memLo, memHi) and small offsets.
func RandomRegs(r *rand.Rand, mem bool, memLo, memHi uint32) [15]uint32 {
	var regs [15]uint32
	special := [...]uint32{0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 0x8000, 0x7FFF, 0xFFFF8000, 0x80, 0x7F, 31, 32, 33}
	for i := range regs {
		switch {
		case mem && r.Intn(3) != 0:
			regs[i] = memLo + (memHi-memLo)/2 + uint32(r.Intn(0x2000)) - 0x1000
			if r.Intn(3) == 0 {
				regs[i] &^= 3
			}
		case r.Intn(4) == 0:
			regs[i] = special[r.Intn(len(special))]
		case r.Intn(3) == 0:
			regs[i] = uint32(r.Intn(64))
		default:
			regs[i] = r.Uint32()
		}
	}
	return regs
}
