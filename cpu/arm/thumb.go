package arm

// Thumb state of the ARM1176JZF-S: the ARMv6 16-bit Thumb instruction set
// (ARM DDI 0100I chapter A6 "The Thumb Instruction Set" and the
// per-instruction pages of A7 "Thumb Instructions"; ARM1176JZF-S TRM DDI
// 0301H section 1.7 for what the core implements). ARMv6 has no Thumb-2:
// the only 32-bit form is the BL/BLX pair, which executes as two separate
// 16-bit instructions (a prefix that sets LR and a suffix that branches).
//
// decodeThumb maps each halfword to a specialised handler once (the result
// is cached per physical page by run.go); field extraction that is cheap is
// left to the handlers, every decision about the operation is made here.
// Handlers live in thumb_alu.go (data processing), thumb_mem.go (loads,
// stores, PUSH/POP, LDMIA/STMIA) and thumb_branch.go (branches, BL/BLX,
// exceptions and the miscellaneous CPS/SETEND group).
//
// Unallocated encodings raise UNDEF: the CBZ/CBNZ space (0xB1xx, 0xB3xx,
// 0xB9xx, 0xBBxx), 0xB6xx other than SETEND/CPS, 0xB7xx, 0xB8xx, 0xBAxx
// with op 10, the IT/hint space 0xBFxx (ARMv6T2/ARMv7 only), 0xDExx, a BLX
// suffix with bit 0 set, and PUSH/POP/LDMIA/STMIA with an empty register
// list (UNPREDICTABLE in DDI 0100I; we take UNDEF as QEMU does).
//
// Checked against Unicorn 2's arm1176 (cpu/arm/difftest, -tags unicorn).
// Where it departs from the ARMv6 architecture we follow the ARM ARM:
// Unicorn executes CBZ/CBNZ, IT and the 0xBFx0 hints (ARMv6T2 encodings)
// instead of raising UNDEF, executes a BLX suffix with bit 0 set, and
// (QEMU's non-secure CPS rule) leaves CPSR.A/F unchanged on CPSIE. It does
// not fault unaligned LDMIA/STMIA/PUSH/POP with SCTLR.U=1 (ARMv6 requires an
// alignment fault). A lone BL suffix with an odd LR, and BX/POP {pc} to an
// ARM address with bit 1 set, are UNPREDICTABLE and differ too.

// decodeThumb returns the handler for a Thumb instruction halfword.
func decodeThumb(op uint32) handler {
	op &= 0xFFFF
	switch op >> 13 {
	case 0: // shift by immediate, add/subtract register or 3-bit immediate
		imm5 := op >> 6 & 31
		switch op >> 11 & 3 {
		case 0:
			if imm5 == 0 {
				return thMOVSReg
			}
			return thLSLImm
		case 1:
			if imm5 == 0 {
				return thLSR32
			}
			return thLSRImm
		case 2:
			if imm5 == 0 {
				return thASR32
			}
			return thASRImm
		}
		return thAddSub[op>>9&3]
	case 1: // MOV/CMP/ADD/SUB 8-bit immediate
		return thImm8[op>>11&3]
	case 2:
		switch {
		case op>>10 == 0x10: // data-processing register
			return thDP[op>>6&15]
		case op>>10 == 0x11: // high-register operations, BX/BLX
			return thDecodeHi(op)
		case op>>11 == 0x09: // LDR Rd, [PC, #imm]
			return thLDRLit
		}
		return thRegOff[op>>9&7]
	case 3: // load/store word/byte immediate offset
		return thImmOff[op>>11&3]
	case 4:
		if op&(1<<12) == 0 { // STRH/LDRH immediate offset
			if op&(1<<11) != 0 {
				return thLDRHImm
			}
			return thSTRHImm
		}
		if op&(1<<11) != 0 { // SP-relative
			return thLDRSP
		}
		return thSTRSP
	case 5:
		if op&(1<<12) == 0 { // ADD Rd, PC/SP, #imm
			if op&(1<<11) != 0 {
				return thADDRdSP
			}
			return thADDRdPC
		}
		return thDecodeMisc(op)
	case 6:
		if op&(1<<12) == 0 { // LDMIA/STMIA
			if op&0xFF == 0 {
				return opUndef
			}
			if op&(1<<11) != 0 {
				return thLDMIA
			}
			return thSTMIA
		}
		switch cond := op >> 8 & 15; cond {
		case 14:
			return opUndef
		case 15:
			return thSVC
		default:
			return thBcond[cond]
		}
	}
	// case 7: unconditional branch and the BL/BLX halves
	switch op >> 11 & 3 {
	case 0:
		return thB
	case 1:
		if op&1 != 0 {
			return opUndef
		}
		return thBLXSuffix
	case 2:
		return thBLPrefix
	}
	return thBLSuffix
}

// thDecodeHi decodes 010001 op(2) H1 H2 Rm Rd: ADD, CMP and MOV (CPY) on
// any registers, BX and BLX. BX/BLX with non-zero SBZ bits (2:0) are
// UNPREDICTABLE; we raise UNDEF there, as QEMU/Unicorn do.
func thDecodeHi(op uint32) handler {
	rd := op>>4&8 | op&7
	switch op >> 8 & 3 {
	case 0:
		if rd == 15 {
			return thADDHiPC
		}
		return thADDHi
	case 1:
		return thCMPHi
	case 2:
		if rd == 15 {
			return thMOVHiPC
		}
		return thMOVHi
	}
	if op&7 != 0 {
		return opUndef
	}
	if op&(1<<7) != 0 {
		return thBLXReg
	}
	return thBX
}

// thDecodeMisc decodes the 1011 group (DDI 0100I A6.2.1 figure A6-1).
func thDecodeMisc(op uint32) handler {
	switch op >> 8 & 15 {
	case 0x0:
		if op&(1<<7) != 0 {
			return thSUBSP
		}
		return thADDSP
	case 0x2:
		return thExtend[op>>6&3]
	case 0x4, 0x5:
		if op&0x1FF == 0 {
			return opUndef
		}
		return thPUSH
	case 0x6:
		switch {
		case op&0xFFF7 == 0xB650: // SETEND (1011 0110 0101 E 000)
			return thSETEND
		case op&0xFFE8 == 0xB660: // CPS (1011 0110 011 im 0 A I F)
			return thCPS
		}
	case 0xA:
		switch op >> 6 & 3 {
		case 0:
			return thREV
		case 1:
			return thREV16
		case 3:
			return thREVSH
		}
	case 0xC, 0xD:
		if op&0x1FF == 0 {
			return opUndef
		}
		return thPOP
	case 0xE:
		return thBKPT
	}
	return opUndef
}

var (
	thAddSub = [4]handler{thADDReg, thSUBReg, thADDImm3, thSUBImm3}
	thImm8   = [4]handler{thMOVImm8, thCMPImm8, thADDImm8, thSUBImm8}
	thDP     = [16]handler{
		thAND, thEOR, thLSLReg, thLSRReg, thASRReg, thADC, thSBC, thRORReg,
		thTST, thNEG, thCMPReg, thCMN, thORR, thMUL, thBIC, thMVN,
	}
	thRegOff = [8]handler{
		thSTRReg, thSTRHReg, thSTRBReg, thLDRSBReg,
		thLDRReg, thLDRHReg, thLDRBReg, thLDRSHReg,
	}
	thImmOff = [4]handler{thSTRImm, thLDRImm, thSTRBImm, thLDRBImm}
	thExtend = [4]handler{thSXTH, thSXTB, thUXTH, thUXTB}
	thBcond  = [14]handler{
		thBEQ, thBNE, thBCS, thBCC, thBMI, thBPL, thBVS, thBVC,
		thBHI, thBLS, thBGE, thBLT, thBGT, thBLE,
	}
)
