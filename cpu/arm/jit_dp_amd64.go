//go:build amd64

package arm

// JIT translation of ARM data-processing instructions (DDI 0100I A3.4,
// A5.1 addressing mode 1): the sixteen opcodes, S and non-S, with every
// shifter operand (rotated immediate, register, register shifted by an
// immediate, register shifted by a register). The results and flags match
// the interpreter's handlers (arm_dp_gen.go, alu.go shiftImm/shiftReg,
// addWithCarry) bit for bit:
//
//   - logical operations (AND EOR TST TEQ ORR MOV BIC MVN) with S set N
//     and Z from the result and C from the shifter; V is kept;
//   - arithmetic operations set N Z C V from the x86 flags of the same
//     operation. ARM's C after a subtraction is NOT borrow, so SUB, RSB,
//     SBC, RSC and CMP store the complement of x86's CF; SBC and RSC take
//     ARM's C in as x86's borrow (CF = !C) and ADC as CF = C.
//
// Rd = PC (a branch or an exception return), the encodings the
// interpreter treats as undefined (TST..CMN with Rd != 0, MOV/MVN with
// Rn != 0) and register-shifted-register forms that read the PC are left
// to the interpreter.

import (
	"math/bits"

	. "github.com/ast2500emu/ast2500emu/cpu/amd64asm"
)

// dpOperand is the second source of an x86 ALU instruction: an
// immediate, a guest register in memory, or a host register.
type dpOperand struct {
	kind uint8 // dpImm, dpMem, dpReg
	imm  uint32
	mem  Mem
	reg  Reg
}

const (
	dpImm = iota
	dpMem
	dpReg
)

// How each ARM opcode maps onto x86.
type dpInfo struct {
	x86     Alu
	logical bool // C comes from the shifter
	rev     bool // operands swapped (RSB, RSC)
	cin     bool // takes ARM's C in (ADC, SBC, RSC)
	notC    bool // ARM C = !CF (subtractions)
	comm    bool // commutative, flags included
}

var dpOps = [16]dpInfo{
	0:  {x86: AND, logical: true, comm: true},        // AND
	1:  {x86: XOR, logical: true, comm: true},        // EOR
	2:  {x86: SUB, notC: true},                       // SUB
	3:  {x86: SUB, rev: true, notC: true},            // RSB
	4:  {x86: ADD, comm: true},                       // ADD
	5:  {x86: ADC, cin: true, comm: true},            // ADC
	6:  {x86: SBB, cin: true, notC: true},            // SBC
	7:  {x86: SBB, rev: true, cin: true, notC: true}, // RSC
	8:  {x86: AND, logical: true, comm: true},        // TST
	9:  {x86: XOR, logical: true, comm: true},        // TEQ
	10: {x86: SUB, notC: true},                       // CMP
	11: {x86: ADD, comm: true},                       // CMN
	12: {x86: OR, logical: true, comm: true},         // ORR
	13: {logical: true},                              // MOV
	14: {x86: AND, logical: true, comm: true},        // BIC (of the complement)
	15: {logical: true},                              // MVN
}

// x86 shifts for the ARM shift types LSL, LSR, ASR, ROR.
var dpShifts = [4]Shift{SHL, SHR, SAR, ROR}

// tryDP translates a data-processing instruction.
func (t *jitTranslator) tryDP(op uint32) bool {
	opc := op >> 21 & 0xF
	s := op>>20&1 != 0
	rd, rn, rm, rs := op>>12&0xF, op>>16&0xF, op&0xF, op>>8&0xF
	form := dpFormOf(op)
	compare := opc>>2 == 2
	switch {
	case rd == 15:
		return false
	case compare && (!s || rd != 0):
		return false // the miscellaneous space, or undefined
	case (opc == 13 || opc == 15) && rn != 0:
		return false // undefined in the interpreter
	case form == 3 && (rn == 15 || rm == 15 || rs == 15):
		return false
	}
	info := dpOps[opc]
	needC := info.logical && s

	// The shifter operand.
	var b dpOperand
	switch form {
	case 0:
		imm := bits.RotateLeft32(op&0xFF, -int(op>>7&0x1E))
		b = dpOperand{kind: dpImm, imm: imm}
		if needC && op&0xF00 != 0 {
			t.a.StoreImm8(flag(offC), uint8(imm>>31))
		}
	case 1:
		b = t.dpRegOperand(rm)
	case 2:
		b = t.dpShiftImm(op, needC)
	default:
		b = t.dpShiftReg(op, needC)
	}

	switch opc {
	case 13, 15:
		t.dpMove(rd, b, s, opc == 15)
	default:
		t.dpALU(opc, info, rd, rn, b, s)
	}
	return true
}

// dpRegOperand is guest register n as an operand (the PC as a constant
// computed into EDX).
func (t *jitTranslator) dpRegOperand(n uint32) dpOperand {
	if n == 15 {
		t.loadReg(RDX, 15)
		return dpOperand{kind: dpReg, reg: RDX}
	}
	return dpOperand{kind: dpMem, mem: reg(n)}
}

// setCFromCF stores ARM's C from x86's CF.
func (t *jitTranslator) setCFromCF() { t.a.SetccM(CB, flag(offC)) }

// carryIn sets x86's CF to ARM's C (inverted: to !C, the borrow of SBB).
func (t *jitTranslator) carryIn(inverted bool) {
	t.a.CmpMI8(flag(offC), 1) // CF = (C < 1) = !C
	if !inverted {
		t.a.Cmc()
	}
}

// dpShiftImm computes a register shifted by an immediate (shiftImm) into
// EDX, storing the shifter carry in C when needC.
func (t *jitTranslator) dpShiftImm(op uint32, needC bool) dpOperand {
	a := &t.a
	typ, amt, rm := op>>5&3, op>>7&0x1F, op&0xF
	edx := dpOperand{kind: dpReg, reg: RDX}
	switch {
	case typ == shLSR && amt == 0: // LSR #32: 0, carry = bit 31
		if needC {
			if rm == 15 {
				t.loadReg(RDX, 15)
				a.BtRI32(RDX, 31)
			} else {
				a.BtMI32(reg(rm), 31)
			}
			t.setCFromCF()
		}
		return dpOperand{kind: dpImm, imm: 0}
	case typ == shASR && amt == 0: // ASR #32: sign, carry = bit 31
		t.loadReg(RDX, rm)
		if needC {
			a.ShiftRI32(SHL, RDX, 1)
			a.AluRR32(SBB, RDX, RDX) // -CF, keeping CF
			t.setCFromCF()
		} else {
			a.ShiftRI32(SAR, RDX, 31)
		}
	case typ == shROR && amt == 0: // RRX: C:Rm >> 1, carry = bit 0
		t.loadReg(RDX, rm)
		t.carryIn(false)
		a.ShiftRI32(RCR, RDX, 1)
		if needC {
			t.setCFromCF()
		}
	default:
		t.loadReg(RDX, rm)
		a.ShiftRI32(dpShifts[typ], RDX, uint8(amt))
		if needC {
			t.setCFromCF()
		}
	}
	return edx
}

// dpShiftReg computes a register shifted by the bottom byte of a register
// (shiftReg) into EDX, storing the shifter carry in C when needC. LSL and
// LSR shift the zero-extended value in 64 bits by min(amount, 33), ASR the
// sign-extended value by min(amount, 32): bit 32 (LSL) or the last bit
// shifted out (LSR, ASR) is then ARM's carry for every amount, and the low
// word ARM's result. ROR's carry is bit 31 of the result for every
// non-zero amount.
func (t *jitTranslator) dpShiftReg(op uint32, needC bool) dpOperand {
	a := &t.a
	typ, rm, rs := op>>5&3, op&0xF, op>>8&0xF
	a.MovzxB8(RCX, reg(rs))
	if typ == shASR {
		a.MovsxdM(RDX, reg(rm))
	} else {
		a.Load32(RDX, reg(rm))
	}
	var done *Label
	if needC { // amount 0: value and C unchanged
		done = a.NewLabel()
		a.TestRR32(RCX, RCX)
		a.Jcc(CE, done)
	}
	if typ == shROR {
		a.ShiftRCL32(ROR, RDX)
		if needC {
			a.BtRI32(RDX, 31)
			t.setCFromCF()
		}
	} else {
		lim := uint32(33)
		if typ == shASR {
			lim = 32
		}
		a.MovRI32Keep(RSI, lim)
		a.AluRI32(CMP, RCX, int32(lim))
		a.Cmov32(CA, RCX, RSI)
		a.ShiftRCL64(dpShifts[typ], RDX)
		if needC {
			if typ == shLSL {
				a.BtRI64(RDX, 32)
			}
			t.setCFromCF()
		}
	}
	if done != nil {
		a.Bind(done)
	}
	return dpOperand{kind: dpReg, reg: RDX}
}

// inReg makes b a host register or an immediate (loading a guest register
// into EDX).
func (t *jitTranslator) inReg(b dpOperand) dpOperand {
	if b.kind == dpMem {
		t.a.Load32(RDX, b.mem)
		return dpOperand{kind: dpReg, reg: RDX}
	}
	return b
}

// dpMove is MOV and MVN.
func (t *jitTranslator) dpMove(rd uint32, b dpOperand, s, not bool) {
	a := &t.a
	if b.kind == dpImm {
		v := b.imm
		if not {
			v = ^v
		}
		a.StoreImm32(reg(rd), v)
		if s {
			a.StoreImm8(flag(offN), uint8(v>>31))
			z := uint8(0)
			if v == 0 {
				z = 1
			}
			a.StoreImm8(flag(offZ), z)
		}
		return
	}
	b = t.inReg(b)
	if not {
		a.Not32(b.reg)
	}
	t.storeReg(rd, b.reg)
	if s {
		a.TestRR32(b.reg, b.reg)
		t.setNZ()
	}
}

// dpALU is every opcode but MOV and MVN.
func (t *jitTranslator) dpALU(opc uint32, info dpInfo, rd, rn uint32, b dpOperand, s bool) {
	a := &t.a
	if opc == 14 { // BIC: AND with the complement
		if b.kind == dpImm {
			b.imm = ^b.imm
		} else {
			b = t.inReg(b)
			a.Not32(b.reg)
		}
	}
	compare := opc>>2 == 2
	switch {
	case info.rev:
		// RSB, RSC: EAX = operand 2, then op EAX, Rn.
		switch b.kind {
		case dpImm:
			a.MovRI32Keep(RAX, b.imm)
		case dpMem:
			a.Load32(RAX, b.mem)
		default:
			a.MovRR32(RAX, b.reg)
		}
		n := t.dpRegOperand(rn)
		if info.cin {
			t.carryIn(true)
		}
		t.aluOp(info.x86, RAX, n)
		t.storeReg(rd, RAX)
	case (opc == 8 || opc == 10) && rn != 15:
		// TST, CMP against the register in memory.
		b = t.inReg(b)
		switch {
		case opc == 10 && b.kind == dpImm:
			a.AluMI32(CMP, reg(rn), int32(b.imm))
		case opc == 10:
			a.AluMR32(CMP, reg(rn), b.reg)
		case b.kind == dpImm:
			a.TestMI32(reg(rn), b.imm)
		default:
			a.TestMR32(reg(rn), b.reg)
		}
	case !compare && rd == rn && rn != 15:
		// Rd = Rd op operand 2, in memory.
		b = t.inReg(b)
		if info.cin {
			t.carryIn(info.notC)
		}
		if b.kind == dpImm {
			a.AluMI32(info.x86, reg(rd), int32(b.imm))
		} else {
			a.AluMR32(info.x86, reg(rd), b.reg)
		}
	case b.kind == dpReg && info.comm && rn != 15:
		// The shifted operand is in EDX already: EDX op= Rn.
		if info.cin {
			t.carryIn(info.notC)
		}
		a.AluRM32(info.x86, b.reg, reg(rn))
		if !compare {
			t.storeReg(rd, b.reg)
		}
	default:
		t.loadReg(RAX, rn)
		if info.cin {
			t.carryIn(info.notC)
		}
		t.aluOp(info.x86, RAX, b)
		if !compare {
			t.storeReg(rd, RAX)
		}
	}
	if !s {
		return
	}
	t.setNZ()
	if info.logical {
		return // C from the shifter, V kept
	}
	if info.notC {
		a.SetccM(CAE, flag(offC))
	} else {
		a.SetccM(CB, flag(offC))
	}
	a.SetccM(CO, flag(offV))
}

// aluOp is op dst32, b.
func (t *jitTranslator) aluOp(op Alu, dst Reg, b dpOperand) {
	switch b.kind {
	case dpImm:
		t.a.AluRI32(op, dst, int32(b.imm))
	case dpMem:
		t.a.AluRM32(op, dst, b.mem)
	default:
		t.a.AluRR32(op, dst, b.reg)
	}
}
