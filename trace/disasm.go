package trace

// Disassembly for the trace. ARM instructions go through
// golang.org/x/arch/arm/armasm (GNU syntax); the encodings it does not know
// (coprocessor transfers MCR/MRC/MCRR/MRRC, CPS, SRS, RFE, MSR, LDM/STM
// with '^', VLDM/VSTM/VLDR/VSTR and LDC/STC) are named by armDisasm's own
// decoder, following the encoding tables of the ARM ARM (DDI 0100I A3 and
// A4, C4 for VFP loads and stores). Thumb (ARMv6, 16-bit only) has its own
// decoder in thumb.go.

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"

	"golang.org/x/arch/arm/armasm"
)

var conds = [...]string{"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "", ""}

var regNames = [...]string{"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "sl", "fp", "ip", "sp", "lr", "pc"}

// Disasm returns the text of the instruction op at pc (a halfword in the
// low bits for Thumb).
func Disasm(op uint32, pc uint32, thumb bool) string {
	if thumb {
		return thumbDisasm(uint16(op), pc)
	}
	if s := ownARM(op); s != "" {
		return s
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], op)
	in, err := armasm.Decode(b[:], armasm.ModeARM)
	if err != nil {
		return fmt.Sprintf(".word 0x%08x", op)
	}
	if len(in.Args) > 0 {
		if rel, ok := in.Args[0].(armasm.PCRel); ok {
			name := strings.ReplaceAll(strings.ToLower(in.Op.String()), ".", "")
			return fmt.Sprintf("%s 0x%x", name, pc+8+uint32(int32(rel)))
		}
	}
	return armasm.GNUSyntax(in)
}

func regList(list uint32) string {
	var parts []string
	for l := list & 0xFFFF; l != 0; l &= l - 1 {
		parts = append(parts, regNames[bits.TrailingZeros32(l)])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

var amodes = [...]string{"da", "ia", "db", "ib"}

var modeNames = map[uint32]string{0x10: "usr", 0x11: "fiq", 0x12: "irq", 0x13: "svc", 0x16: "mon", 0x17: "abt", 0x1b: "und", 0x1f: "sys"}

// ownARM names the ARM encodings armasm reports as unknown; "" otherwise.
func ownARM(op uint32) string {
	cond := op >> 28
	c := conds[cond]
	rd := regNames[op>>12&15]
	rn := regNames[op>>16&15]
	wb := ""
	if op&(1<<21) != 0 {
		wb = "!"
	}
	if cond == 0xF {
		switch {
		case op&0xFFF1FE20 == 0xF1000000: // CPS
			imod := op >> 18 & 3
			s := "cps"
			switch imod {
			case 2:
				s = "cpsie"
			case 3:
				s = "cpsid"
			}
			f := ""
			for i, n := range "aif" {
				if op&(1<<(8-i)) != 0 {
					f += string(n)
				}
			}
			if imod >= 2 {
				s += " " + f
			}
			if op&(1<<17) != 0 {
				if imod >= 2 {
					s += ","
				}
				s += fmt.Sprintf(" #%d", op&31)
			}
			return s
		case op&0xFE5FFFE0 == 0xF84D0500: // SRS
			return fmt.Sprintf("srs%s sp%s, #%d", amodes[op>>23&3], wb, op&31)
		case op&0xFE50FFFF == 0xF8100A00: // RFE
			return fmt.Sprintf("rfe%s %s%s", amodes[op>>23&3], rn, wb)
		}
		return ""
	}
	switch {
	case op&0x0F000010 == 0x0E000010: // MCR/MRC
		name := "mcr"
		if op&(1<<20) != 0 {
			name = "mrc"
		}
		return fmt.Sprintf("%s%s p%d, %d, %s, c%d, c%d, {%d}", name, c, op>>8&15, op>>21&7, rd, op>>16&15, op&15, op>>5&7)
	case op&0x0FE00000 == 0x0C400000: // MCRR/MRRC
		name := "mcrr"
		if op&(1<<20) != 0 {
			name = "mrrc"
		}
		return fmt.Sprintf("%s%s p%d, %d, %s, %s, c%d", name, c, op>>8&15, op>>4&15, rd, rn, op&15)
	case op&0x0FB0FFF0 == 0x0120F000, op&0x0FB0F000 == 0x0320F000: // MSR
		psr := "cpsr"
		if op&(1<<22) != 0 {
			psr = "spsr"
		}
		f := "_"
		for i, n := range "cxsf" {
			if op&(1<<(16+i)) != 0 {
				f += string(n)
			}
		}
		if op&(1<<25) != 0 {
			return fmt.Sprintf("msr%s %s%s, #0x%x", c, psr, f, bits.RotateLeft32(op&0xFF, -int(2*(op>>8&15))))
		}
		return fmt.Sprintf("msr%s %s%s, %s", c, psr, f, regNames[op&15])
	case op&0x0E400000 == 0x08400000: // LDM/STM with ^
		name := "stm"
		if op&(1<<20) != 0 {
			name = "ldm"
		}
		return fmt.Sprintf("%s%s%s %s%s, %s^", name, amodes[op>>23&3], c, rn, wb, regList(op))
	case op&0x0E000E00 == 0x0C000A00: // VFP load/store
		load := op&(1<<20) != 0
		dbl := op>>8&15 == 11
		d := op>>12&15<<1 | op>>22&1
		reg := fmt.Sprintf("s%d", d)
		if dbl {
			reg = fmt.Sprintf("d%d", op>>12&15)
		}
		if op&0x01200000 == 0x01000000 { // VLDR/VSTR
			name := "vstr"
			if load {
				name = "vldr"
			}
			off := int((op & 0xFF) * 4)
			if op&(1<<23) == 0 {
				off = -off
			}
			return fmt.Sprintf("%s%s %s, [%s, #%d]", name, c, reg, rn, off)
		}
		name := "vstm"
		if load {
			name = "vldm"
		}
		n := op & 0xFF
		if dbl {
			n /= 2
		}
		mode := "ia"
		if op&(1<<24) != 0 {
			mode = "db"
		}
		last := fmt.Sprintf("s%d", d+n-1)
		if dbl {
			last = fmt.Sprintf("d%d", op>>12&15+n-1)
		}
		return fmt.Sprintf("%s%s%s %s%s, {%s-%s}", name, mode, c, rn, wb, reg, last)
	case op&0x0E000000 == 0x0C000000: // LDC/STC
		name := "stc"
		if op&(1<<20) != 0 {
			name = "ldc"
		}
		if op&(1<<22) != 0 {
			name += "l"
		}
		off := int((op & 0xFF) * 4)
		if op&(1<<23) == 0 {
			off = -off
		}
		return fmt.Sprintf("%s%s p%d, c%d, [%s, #%d]%s", name, c, op>>8&15, op>>12&15, rn, off, wb)
	case op&0x0F000010 == 0x0E000000: // CDP (non-VFP; armasm decodes VFP data processing)
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], op)
		if _, err := armasm.Decode(b[:], armasm.ModeARM); err == nil {
			return ""
		}
		return fmt.Sprintf("cdp%s p%d, %d, c%d, c%d, c%d, {%d}", c, op>>8&15, op>>20&15, op>>12&15, op>>16&15, op&15, op>>5&7)
	}
	return ""
}
