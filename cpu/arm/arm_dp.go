package arm

// ARM-state data-processing instructions (DDI 0100I A4.1: AND, EOR, SUB,
// RSB, ADD, ADC, SBC, RSC, TST, TEQ, CMP, CMN, ORR, MOV, BIC, MVN; shifter
// operands A5.1). The handlers themselves are generated into
// arm_dp_gen.go by gen/arm_dpgen.go (go generate), one per opcode,
// operand form (immediate, register, register shifted by immediate,
// register shifted by register) and S bit; decodeDP in decode.go selects
// them. Rd = PC goes through dpToPC / dpToPCS.

//go:generate go run ./gen/arm_dpgen.go
//go:generate go run ./gen/arm_ldstgen.go

// armCarry is the carry flag as 0 or 1.
func armCarry(c *CPU) uint32 {
	if c.C {
		return 1
	}
	return 0
}
