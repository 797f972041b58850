package arm

// Thumb data-processing handlers (ARM DDI 0100I A7.1: ADC, ADD(1)-(7), AND,
// ASR(1)/(2), BIC, CMN, CMP(1)-(3), CPY, EOR, LSL(1)/(2), LSR(1)/(2),
// MOV(1)-(3), MUL, MVN, NEG, ORR, ROR, SBC, SUB(1)-(4), TST, and the ARMv6
// SXTB/SXTH/UXTB/UXTH, REV/REV16/REVSH).
//
// Flag rules: the low-register forms always set N and Z; shifts set C from
// the shifter (LSL #0 leaves C unchanged); arithmetic sets C and V; logical
// operations and MUL leave C and V unchanged (MUL's C is unaffected on
// ARMv5 and later). The high-register ADD, MOV (CPY) and the SP/PC forms set
// no flags; a result written to the PC branches without interworking
// (bit 0 is ignored).

import "math/bits"

// Shift by immediate: LSL/LSR/ASR Rd, Rm, #imm5.

func thMOVSReg(c *CPU, op uint32) { // LSL Rd, Rm, #0 (MOVS Rd, Rm)
	r := c.R[op>>3&7]
	c.R[op&7] = r
	c.setNZ(r)
}

func thLSLImm(c *CPU, op uint32) {
	m, n := c.R[op>>3&7], op>>6&31
	r := m << n
	c.C = m>>(32-n)&1 != 0
	c.R[op&7] = r
	c.setNZ(r)
}

func thLSRImm(c *CPU, op uint32) {
	m, n := c.R[op>>3&7], op>>6&31
	r := m >> n
	c.C = m>>(n-1)&1 != 0
	c.R[op&7] = r
	c.setNZ(r)
}

func thLSR32(c *CPU, op uint32) { // LSR #0 encodes LSR #32
	m := c.R[op>>3&7]
	c.C = m>>31 != 0
	c.R[op&7] = 0
	c.N, c.Z = false, true
}

func thASRImm(c *CPU, op uint32) {
	m, n := c.R[op>>3&7], op>>6&31
	r := uint32(int32(m) >> n)
	c.C = m>>(n-1)&1 != 0
	c.R[op&7] = r
	c.setNZ(r)
}

func thASR32(c *CPU, op uint32) { // ASR #0 encodes ASR #32
	m := c.R[op>>3&7]
	r := uint32(int32(m) >> 31)
	c.C = m>>31 != 0
	c.R[op&7] = r
	c.setNZ(r)
}

// ADD/SUB Rd, Rn, Rm and ADD/SUB Rd, Rn, #imm3.

func thADDReg(c *CPU, op uint32) {
	r, cf, vf := addWithCarry(c.R[op>>3&7], c.R[op>>6&7], false)
	c.R[op&7] = r
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thSUBReg(c *CPU, op uint32) {
	r, cf, vf := addWithCarry(c.R[op>>3&7], ^c.R[op>>6&7], true)
	c.R[op&7] = r
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thADDImm3(c *CPU, op uint32) {
	r, cf, vf := addWithCarry(c.R[op>>3&7], op>>6&7, false)
	c.R[op&7] = r
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thSUBImm3(c *CPU, op uint32) {
	r, cf, vf := addWithCarry(c.R[op>>3&7], ^(op >> 6 & 7), true)
	c.R[op&7] = r
	c.setNZ(r)
	c.C, c.V = cf, vf
}

// MOV/CMP/ADD/SUB Rd, #imm8.

func thMOVImm8(c *CPU, op uint32) {
	r := op & 0xFF
	c.R[op>>8&7] = r
	c.N, c.Z = false, r == 0
}

func thCMPImm8(c *CPU, op uint32) {
	r, cf, vf := addWithCarry(c.R[op>>8&7], ^(op & 0xFF), true)
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thADDImm8(c *CPU, op uint32) {
	d := op >> 8 & 7
	r, cf, vf := addWithCarry(c.R[d], op&0xFF, false)
	c.R[d] = r
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thSUBImm8(c *CPU, op uint32) {
	d := op >> 8 & 7
	r, cf, vf := addWithCarry(c.R[d], ^(op & 0xFF), true)
	c.R[d] = r
	c.setNZ(r)
	c.C, c.V = cf, vf
}

// Data-processing register group: <op> Rd, Rm (Rd is also the first
// operand).

func thAND(c *CPU, op uint32) {
	d := op & 7
	r := c.R[d] & c.R[op>>3&7]
	c.R[d] = r
	c.setNZ(r)
}

func thEOR(c *CPU, op uint32) {
	d := op & 7
	r := c.R[d] ^ c.R[op>>3&7]
	c.R[d] = r
	c.setNZ(r)
}

func thLSLReg(c *CPU, op uint32) {
	d := op & 7
	r, cf := shiftReg(c.R[d], shLSL, c.R[op>>3&7]&0xFF, c.C)
	c.R[d] = r
	c.setNZ(r)
	c.C = cf
}

func thLSRReg(c *CPU, op uint32) {
	d := op & 7
	r, cf := shiftReg(c.R[d], shLSR, c.R[op>>3&7]&0xFF, c.C)
	c.R[d] = r
	c.setNZ(r)
	c.C = cf
}

func thASRReg(c *CPU, op uint32) {
	d := op & 7
	r, cf := shiftReg(c.R[d], shASR, c.R[op>>3&7]&0xFF, c.C)
	c.R[d] = r
	c.setNZ(r)
	c.C = cf
}

func thRORReg(c *CPU, op uint32) {
	d := op & 7
	r, cf := shiftReg(c.R[d], shROR, c.R[op>>3&7]&0xFF, c.C)
	c.R[d] = r
	c.setNZ(r)
	c.C = cf
}

func thADC(c *CPU, op uint32) {
	d := op & 7
	r, cf, vf := addWithCarry(c.R[d], c.R[op>>3&7], c.C)
	c.R[d] = r
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thSBC(c *CPU, op uint32) {
	d := op & 7
	r, cf, vf := addWithCarry(c.R[d], ^c.R[op>>3&7], c.C)
	c.R[d] = r
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thTST(c *CPU, op uint32) {
	c.setNZ(c.R[op&7] & c.R[op>>3&7])
}

func thNEG(c *CPU, op uint32) { // RSBS Rd, Rm, #0
	r, cf, vf := addWithCarry(0, ^c.R[op>>3&7], true)
	c.R[op&7] = r
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thCMPReg(c *CPU, op uint32) {
	r, cf, vf := addWithCarry(c.R[op&7], ^c.R[op>>3&7], true)
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thCMN(c *CPU, op uint32) {
	r, cf, vf := addWithCarry(c.R[op&7], c.R[op>>3&7], false)
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thORR(c *CPU, op uint32) {
	d := op & 7
	r := c.R[d] | c.R[op>>3&7]
	c.R[d] = r
	c.setNZ(r)
}

func thMUL(c *CPU, op uint32) { // C and V unaffected (ARMv5 and later)
	d := op & 7
	r := c.R[d] * c.R[op>>3&7]
	c.R[d] = r
	c.setNZ(r)
}

func thBIC(c *CPU, op uint32) {
	d := op & 7
	r := c.R[d] &^ c.R[op>>3&7]
	c.R[d] = r
	c.setNZ(r)
}

func thMVN(c *CPU, op uint32) {
	r := ^c.R[op>>3&7]
	c.R[op&7] = r
	c.setNZ(r)
}

// High-register operations. Rd = H1:Rd, Rm = H2:Rm; R15 reads as the
// instruction's address + 4.

func thADDHi(c *CPU, op uint32) {
	d := op>>4&8 | op&7
	c.R[d] += c.R[op>>3&15]
}

func thADDHiPC(c *CPU, op uint32) { // ADD PC, Rm
	c.writePC(c.R[15] + c.R[op>>3&15])
}

func thCMPHi(c *CPU, op uint32) {
	r, cf, vf := addWithCarry(c.R[op>>4&8|op&7], ^c.R[op>>3&15], true)
	c.setNZ(r)
	c.C, c.V = cf, vf
}

func thMOVHi(c *CPU, op uint32) { // MOV/CPY: no flags on ARMv6
	c.R[op>>4&8|op&7] = c.R[op>>3&15]
}

func thMOVHiPC(c *CPU, op uint32) { // MOV PC, Rm
	c.writePC(c.R[op>>3&15])
}

// ADD Rd, PC, #imm8*4 (PC word-aligned), ADD Rd, SP, #imm8*4, ADD/SUB SP,
// #imm7*4.

func thADDRdPC(c *CPU, op uint32) {
	c.R[op>>8&7] = c.R[15]&^3 + (op&0xFF)<<2
}

func thADDRdSP(c *CPU, op uint32) {
	c.R[op>>8&7] = c.R[13] + (op&0xFF)<<2
}

func thADDSP(c *CPU, op uint32) { c.R[13] += (op & 0x7F) << 2 }

func thSUBSP(c *CPU, op uint32) { c.R[13] -= (op & 0x7F) << 2 }

// ARMv6 extend and byte-reverse: <op> Rd, Rm.

func thSXTH(c *CPU, op uint32) { c.R[op&7] = uint32(int32(int16(c.R[op>>3&7]))) }
func thSXTB(c *CPU, op uint32) { c.R[op&7] = uint32(int32(int8(c.R[op>>3&7]))) }
func thUXTH(c *CPU, op uint32) { c.R[op&7] = c.R[op>>3&7] & 0xFFFF }
func thUXTB(c *CPU, op uint32) { c.R[op&7] = c.R[op>>3&7] & 0xFF }

func thREV(c *CPU, op uint32) { c.R[op&7] = bits.ReverseBytes32(c.R[op>>3&7]) }

func thREV16(c *CPU, op uint32) {
	m := c.R[op>>3&7]
	c.R[op&7] = m>>8&0x00FF00FF | m<<8&0xFF00FF00
}

func thREVSH(c *CPU, op uint32) {
	m := c.R[op>>3&7]
	c.R[op&7] = uint32(int32(int8(m)))<<8 | m>>8&0xFF
}
