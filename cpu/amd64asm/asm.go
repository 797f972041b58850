// Package amd64asm emits x86-64 machine code: the handful of instruction
// forms the ARM JIT (cpu/arm, jit_*_amd64.go) needs, with forward and
// backward labels. It is a plain byte encoder with no optimisation; every
// jump is rel32 so that label fixups never change code size.
//
// Sources: Intel 64 and IA-32 Architectures Software Developer's Manual,
// volume 2 (instruction encodings: REX prefixes 2.2.1, ModR/M and SIB
// tables 2-2 and 2-3, the opcode maps of appendix A). The tests check every
// form against golang.org/x/arch/x86/x86asm's decoder.
package amd64asm

import (
	"encoding/binary"
	"fmt"
)

// Reg is a general-purpose register, numbered as the encoding numbers it.
type Reg uint8

// The registers.
const (
	RAX Reg = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
	// NoReg marks an absent index register in a Mem.
	NoReg Reg = 0xFF
)

// Mem is a memory operand [Base + Index*Scale + Disp].
type Mem struct {
	Base  Reg
	Index Reg // NoReg: none
	Scale uint8
	Disp  int32
}

// M is [base + disp].
func M(base Reg, disp int32) Mem { return Mem{Base: base, Index: NoReg, Scale: 1, Disp: disp} }

// MI is [base + index*scale + disp].
func MI(base, index Reg, scale uint8, disp int32) Mem {
	return Mem{Base: base, Index: index, Scale: scale, Disp: disp}
}

// Cond is an x86 condition code (the low nibble of Jcc/SETcc/CMOVcc).
type Cond uint8

// The condition codes.
const (
	CO  Cond = 0x0 // overflow
	CNO Cond = 0x1
	CB  Cond = 0x2 // below: CF=1
	CAE Cond = 0x3 // above or equal: CF=0
	CE  Cond = 0x4 // equal: ZF=1
	CNE Cond = 0x5
	CBE Cond = 0x6 // CF=1 or ZF=1
	CA  Cond = 0x7
	CS  Cond = 0x8 // sign
	CNS Cond = 0x9
	CL  Cond = 0xC // SF!=OF
	CGE Cond = 0xD
	CLE Cond = 0xE
	CG  Cond = 0xF
)

// Alu is an arithmetic-logic operation of the 0x00-0x3F block (the /r
// field of opcodes 0x81 and 0x83).
type Alu uint8

// The operations.
const (
	ADD Alu = iota
	OR
	ADC
	SBB
	AND
	SUB
	XOR
	CMP
)

// Shift is a shift or rotate of the group-2 opcodes (C1, D1, D3).
type Shift uint8

// The shifts.
const (
	ROL Shift = 0
	ROR Shift = 1
	RCL Shift = 2
	RCR Shift = 3
	SHL Shift = 4
	SHR Shift = 5
	SAR Shift = 7
)

// Label is a position in the code, bound once.
type Label struct {
	pos   int // -1 until bound
	fixes []int
}

// Asm accumulates code. Org is the address the code will run at (for
// jumps to absolute targets, JmpTo and JccTo).
type Asm struct {
	B   []byte
	Org uintptr
}

// Len is the size of the code so far.
func (a *Asm) Len() int { return len(a.B) }

// NewLabel returns an unbound label.
func (a *Asm) NewLabel() *Label { return &Label{pos: -1} }

// Bind binds l to the current position and resolves the jumps to it.
func (a *Asm) Bind(l *Label) {
	if l.pos >= 0 {
		panic("amd64asm: label bound twice")
	}
	l.pos = len(a.B)
	for _, f := range l.fixes {
		binary.LittleEndian.PutUint32(a.B[f:], uint32(int32(l.pos-(f+4))))
	}
	l.fixes = nil
}

// Bound reports whether l is bound.
func (l *Label) Bound() bool { return l.pos >= 0 }

// Pos is the offset l is bound to.
func (l *Label) Pos() int { return l.pos }

func (a *Asm) byte1(b ...byte) { a.B = append(a.B, b...) }

func (a *Asm) imm32(v int32) { a.B = binary.LittleEndian.AppendUint32(a.B, uint32(v)) }

func (a *Asm) rel32(l *Label) {
	if l.pos >= 0 {
		a.imm32(int32(l.pos - (len(a.B) + 4)))
		return
	}
	l.fixes = append(l.fixes, len(a.B))
	a.imm32(0)
}

// rex emits a REX prefix when one is needed. w: 64-bit operand; r, x, b:
// the extension bits of the reg, index and base/rm fields; force: a byte
// register operand among SPL, BPL, SIL, DIL.
func (a *Asm) rex(w bool, r, x, b Reg, force bool) {
	var v byte = 0x40
	if w {
		v |= 8
	}
	if r != NoReg && r&8 != 0 {
		v |= 4
	}
	if x != NoReg && x&8 != 0 {
		v |= 2
	}
	if b != NoReg && b&8 != 0 {
		v |= 1
	}
	if v != 0x40 || force {
		a.byte1(v)
	}
}

// modRR emits the ModR/M byte of a register-direct operand.
func (a *Asm) modRR(reg, rm Reg) { a.byte1(0xC0 | byte(reg&7)<<3 | byte(rm&7)) }

// modM emits the ModR/M (and SIB and displacement) of a memory operand.
func (a *Asm) modM(reg Reg, m Mem) {
	r := byte(reg&7) << 3
	var mod byte
	switch {
	case m.Disp == 0 && m.Base&7 != 5:
		mod = 0
	case m.Disp >= -128 && m.Disp < 128:
		mod = 0x40
	default:
		mod = 0x80
	}
	if m.Index == NoReg && m.Base&7 != 4 {
		a.byte1(mod | r | byte(m.Base&7))
	} else {
		idx := byte(4) // none
		if m.Index != NoReg {
			if m.Index == RSP {
				panic("amd64asm: RSP cannot be an index")
			}
			idx = byte(m.Index & 7)
		}
		var ss byte
		switch m.Scale {
		case 0, 1:
		case 2:
			ss = 1
		case 4:
			ss = 2
		case 8:
			ss = 3
		default:
			panic(fmt.Sprintf("amd64asm: scale %d", m.Scale))
		}
		a.byte1(mod|r|4, ss<<6|idx<<3|byte(m.Base&7))
	}
	switch mod {
	case 0x40:
		a.byte1(byte(int8(m.Disp)))
	case 0x80:
		a.imm32(m.Disp)
	}
}

// opRR emits op with a register-direct rm.
func (a *Asm) opRR(w bool, op []byte, reg, rm Reg, byteRegs bool) {
	force := byteRegs && (reg >= 4 && reg < 8 || rm >= 4 && rm < 8)
	a.rex(w, reg, NoReg, rm, force)
	a.byte1(op...)
	a.modRR(reg, rm)
}

// opM emits op with a memory rm.
func (a *Asm) opM(w bool, op []byte, reg Reg, m Mem, byteReg bool) {
	force := byteReg && reg >= 4 && reg < 8
	a.rex(w, reg, m.Index, m.Base, force)
	a.byte1(op...)
	a.modM(reg, m)
}

// MovRR32 is mov dst32, src32 (zero-extends into the 64-bit register).
func (a *Asm) MovRR32(dst, src Reg) { a.opRR(false, []byte{0x89}, src, dst, false) }

// MovRR64 is mov dst, src.
func (a *Asm) MovRR64(dst, src Reg) { a.opRR(true, []byte{0x89}, src, dst, false) }

// MovRI32 is mov dst32, imm32.
func (a *Asm) MovRI32(dst Reg, v uint32) {
	if v == 0 {
		a.AluRR32(XOR, dst, dst)
		return
	}
	a.rex(false, NoReg, NoReg, dst, false)
	a.byte1(0xB8 + byte(dst&7))
	a.imm32(int32(v))
}

// MovRI32Keep is mov dst32, imm32 in a form that leaves the flags alone.
func (a *Asm) MovRI32Keep(dst Reg, v uint32) {
	a.rex(false, NoReg, NoReg, dst, false)
	a.byte1(0xB8 + byte(dst&7))
	a.imm32(int32(v))
}

// MovRI64 is mov dst, imm64.
func (a *Asm) MovRI64(dst Reg, v uint64) {
	a.rex(true, NoReg, NoReg, dst, false)
	a.byte1(0xB8 + byte(dst&7))
	a.B = binary.LittleEndian.AppendUint64(a.B, v)
}

// Load32 is mov dst32, [m].
func (a *Asm) Load32(dst Reg, m Mem) { a.opM(false, []byte{0x8B}, dst, m, false) }

// Load64 is mov dst, [m].
func (a *Asm) Load64(dst Reg, m Mem) { a.opM(true, []byte{0x8B}, dst, m, false) }

// Store32 is mov [m], src32.
func (a *Asm) Store32(m Mem, src Reg) { a.opM(false, []byte{0x89}, src, m, false) }

// Store64 is mov [m], src.
func (a *Asm) Store64(m Mem, src Reg) { a.opM(true, []byte{0x89}, src, m, false) }

// Store16 is mov [m], src16.
func (a *Asm) Store16(m Mem, src Reg) {
	a.byte1(0x66)
	a.opM(false, []byte{0x89}, src, m, false)
}

// Store8 is mov [m], src8.
func (a *Asm) Store8(m Mem, src Reg) { a.opM(false, []byte{0x88}, src, m, true) }

// StoreImm32 is mov dword [m], imm32.
func (a *Asm) StoreImm32(m Mem, v uint32) {
	a.opM(false, []byte{0xC7}, 0, m, false)
	a.imm32(int32(v))
}

// StoreImm8 is mov byte [m], imm8.
func (a *Asm) StoreImm8(m Mem, v uint8) {
	a.opM(false, []byte{0xC6}, 0, m, false)
	a.byte1(v)
}

// MovzxB8 is movzx dst32, byte [m].
func (a *Asm) MovzxB8(dst Reg, m Mem) { a.opM(false, []byte{0x0F, 0xB6}, dst, m, false) }

// MovzxW16 is movzx dst32, word [m].
func (a *Asm) MovzxW16(dst Reg, m Mem) { a.opM(false, []byte{0x0F, 0xB7}, dst, m, false) }

// MovsxB8 is movsx dst32, byte [m].
func (a *Asm) MovsxB8(dst Reg, m Mem) { a.opM(false, []byte{0x0F, 0xBE}, dst, m, false) }

// MovsxW16 is movsx dst32, word [m].
func (a *Asm) MovsxW16(dst Reg, m Mem) { a.opM(false, []byte{0x0F, 0xBF}, dst, m, false) }

// MovzxBR is movzx dst32, src8.
func (a *Asm) MovzxBR(dst, src Reg) { a.opRR(false, []byte{0x0F, 0xB6}, dst, src, true) }

// MovzxWR is movzx dst32, src16.
func (a *Asm) MovzxWR(dst, src Reg) { a.opRR(false, []byte{0x0F, 0xB7}, dst, src, false) }

// MovsxBR is movsx dst32, src8.
func (a *Asm) MovsxBR(dst, src Reg) { a.opRR(false, []byte{0x0F, 0xBE}, dst, src, true) }

// MovsxWR is movsx dst32, src16.
func (a *Asm) MovsxWR(dst, src Reg) { a.opRR(false, []byte{0x0F, 0xBF}, dst, src, false) }

// Movsxd is movsxd dst, src32 (sign-extends into 64 bits).
func (a *Asm) Movsxd(dst, src Reg) { a.opRR(true, []byte{0x63}, dst, src, false) }

// AluRR32 is op dst32, src32.
func (a *Asm) AluRR32(op Alu, dst, src Reg) { a.opRR(false, []byte{byte(op)<<3 | 1}, src, dst, false) }

// AluRR64 is op dst, src.
func (a *Asm) AluRR64(op Alu, dst, src Reg) { a.opRR(true, []byte{byte(op)<<3 | 1}, src, dst, false) }

// AluRM32 is op dst32, [m].
func (a *Asm) AluRM32(op Alu, dst Reg, m Mem) { a.opM(false, []byte{byte(op)<<3 | 3}, dst, m, false) }

// AluMR32 is op [m], src32.
func (a *Asm) AluMR32(op Alu, m Mem, src Reg) { a.opM(false, []byte{byte(op)<<3 | 1}, src, m, false) }

// AluRI32 is op dst32, imm32.
func (a *Asm) AluRI32(op Alu, dst Reg, v int32) {
	if v >= -128 && v < 128 {
		a.opRR(false, []byte{0x83}, Reg(op), dst, false)
		a.byte1(byte(int8(v)))
		return
	}
	a.opRR(false, []byte{0x81}, Reg(op), dst, false)
	a.imm32(v)
}

// AluRI64 is op dst, imm32 (sign-extended).
func (a *Asm) AluRI64(op Alu, dst Reg, v int32) {
	if v >= -128 && v < 128 {
		a.opRR(true, []byte{0x83}, Reg(op), dst, false)
		a.byte1(byte(int8(v)))
		return
	}
	a.opRR(true, []byte{0x81}, Reg(op), dst, false)
	a.imm32(v)
}

// AluMI32 is op dword [m], imm32.
func (a *Asm) AluMI32(op Alu, m Mem, v int32) {
	if v >= -128 && v < 128 {
		a.opM(false, []byte{0x83}, Reg(op), m, false)
		a.byte1(byte(int8(v)))
		return
	}
	a.opM(false, []byte{0x81}, Reg(op), m, false)
	a.imm32(v)
}

// AluMI64 is op qword [m], imm32 (sign-extended).
func (a *Asm) AluMI64(op Alu, m Mem, v int32) {
	if v >= -128 && v < 128 {
		a.opM(true, []byte{0x83}, Reg(op), m, false)
		a.byte1(byte(int8(v)))
		return
	}
	a.opM(true, []byte{0x81}, Reg(op), m, false)
	a.imm32(v)
}

// AluRM64 is op dst, qword [m].
func (a *Asm) AluRM64(op Alu, dst Reg, m Mem) { a.opM(true, []byte{byte(op)<<3 | 3}, dst, m, false) }

// CmpMI8 is cmp byte [m], imm8.
func (a *Asm) CmpMI8(m Mem, v uint8) {
	a.opM(false, []byte{0x80}, Reg(CMP), m, false)
	a.byte1(v)
}

// CmpRM8 is cmp dst8, byte [m].
func (a *Asm) CmpRM8(dst Reg, m Mem) { a.opM(false, []byte{0x3A}, dst, m, true) }

// TestRR32 is test a32, b32.
func (a *Asm) TestRR32(x, y Reg) { a.opRR(false, []byte{0x85}, y, x, false) }

// TestRR64 is test a, b.
func (a *Asm) TestRR64(x, y Reg) { a.opRR(true, []byte{0x85}, y, x, false) }

// TestRI32 is test r32, imm32.
func (a *Asm) TestRI32(r Reg, v uint32) {
	a.opRR(false, []byte{0xF7}, 0, r, false)
	a.imm32(int32(v))
}

// TestMI8 is test byte [m], imm8.
func (a *Asm) TestMI8(m Mem, v uint8) {
	a.opM(false, []byte{0xF6}, 0, m, false)
	a.byte1(v)
}

// ShiftRI32 is a shift or rotate of r32 by an immediate (1..31).
func (a *Asm) ShiftRI32(s Shift, r Reg, n uint8) {
	if n == 1 {
		a.opRR(false, []byte{0xD1}, Reg(s), r, false)
		return
	}
	a.opRR(false, []byte{0xC1}, Reg(s), r, false)
	a.byte1(n)
}

// ShiftRI64 is a shift or rotate of r by an immediate.
func (a *Asm) ShiftRI64(s Shift, r Reg, n uint8) {
	a.opRR(true, []byte{0xC1}, Reg(s), r, false)
	a.byte1(n)
}

// ShiftRCL32 is a shift or rotate of r32 by CL.
func (a *Asm) ShiftRCL32(s Shift, r Reg) { a.opRR(false, []byte{0xD3}, Reg(s), r, false) }

// ShiftRCL64 is a shift or rotate of r by CL.
func (a *Asm) ShiftRCL64(s Shift, r Reg) { a.opRR(true, []byte{0xD3}, Reg(s), r, false) }

// Not32 is not r32.
func (a *Asm) Not32(r Reg) { a.opRR(false, []byte{0xF7}, 2, r, false) }

// Neg32 is neg r32.
func (a *Asm) Neg32(r Reg) { a.opRR(false, []byte{0xF7}, 3, r, false) }

// Imul32 is imul dst32, src32 (low 32 bits).
func (a *Asm) Imul32(dst, src Reg) { a.opRR(false, []byte{0x0F, 0xAF}, dst, src, false) }

// Imul64 is imul dst, src (low 64 bits).
func (a *Asm) Imul64(dst, src Reg) { a.opRR(true, []byte{0x0F, 0xAF}, dst, src, false) }

// Bsr32 is bsr dst32, src32.
func (a *Asm) Bsr32(dst, src Reg) { a.opRR(false, []byte{0x0F, 0xBD}, dst, src, false) }

// Bswap32 is bswap r32.
func (a *Asm) Bswap32(r Reg) {
	a.rex(false, NoReg, NoReg, r, false)
	a.byte1(0x0F, 0xC8+byte(r&7))
}

// BtRI32 is bt r32, imm8 (CF = bit n).
func (a *Asm) BtRI32(r Reg, n uint8) {
	a.opRR(false, []byte{0x0F, 0xBA}, 4, r, false)
	a.byte1(n)
}

// BtMI32 is bt dword [m], imm8.
func (a *Asm) BtMI32(m Mem, n uint8) {
	a.opM(false, []byte{0x0F, 0xBA}, 4, m, false)
	a.byte1(n)
}

// SetccM is setcc byte [m].
func (a *Asm) SetccM(c Cond, m Mem) { a.opM(false, []byte{0x0F, 0x90 | byte(c)}, 0, m, false) }

// SetccR is setcc r8.
func (a *Asm) SetccR(c Cond, r Reg) { a.opRR(false, []byte{0x0F, 0x90 | byte(c)}, 0, r, true) }

// Cmov32 is cmovcc dst32, src32.
func (a *Asm) Cmov32(c Cond, dst, src Reg) {
	a.opRR(false, []byte{0x0F, 0x40 | byte(c)}, dst, src, false)
}

// Lea32 is lea dst32, [m].
func (a *Asm) Lea32(dst Reg, m Mem) { a.opM(false, []byte{0x8D}, dst, m, false) }

// Lea64 is lea dst, [m].
func (a *Asm) Lea64(dst Reg, m Mem) { a.opM(true, []byte{0x8D}, dst, m, false) }

// Cmc complements CF.
func (a *Asm) Cmc() { a.byte1(0xF5) }

// Jcc jumps to l if c holds.
func (a *Asm) Jcc(c Cond, l *Label) {
	a.byte1(0x0F, 0x80|byte(c))
	a.rel32(l)
}

// Jmp jumps to l.
func (a *Asm) Jmp(l *Label) {
	a.byte1(0xE9)
	a.rel32(l)
}

// JmpR jumps to the absolute address in r.
func (a *Asm) JmpR(r Reg) { a.opRR(false, []byte{0xFF}, 4, r, false) }

// JmpTo jumps to the absolute address target, which must be within 2 GiB
// of Org.
func (a *Asm) JmpTo(target uintptr) {
	a.byte1(0xE9)
	a.imm32(int32(int64(target) - int64(a.Org+uintptr(len(a.B))+4)))
}

// JccTo jumps to the absolute address target if c holds.
func (a *Asm) JccTo(c Cond, target uintptr) {
	a.byte1(0x0F, 0x80|byte(c))
	a.imm32(int32(int64(target) - int64(a.Org+uintptr(len(a.B))+4)))
}

// Ret returns.
func (a *Asm) Ret() { a.byte1(0xC3) }

// Int3 is a breakpoint (marks code that must never run).
func (a *Asm) Int3() { a.byte1(0xCC) }
