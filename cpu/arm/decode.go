package arm

// ARM-state instruction decoding for the ARM1176JZF-S (ARMv6K with the
// Security Extensions), following the encoding tables of ARM DDI 0100I
// chapter A3 (figure A3-1 "ARM instruction set summary", A3.16 media
// instructions, A3.13.1 miscellaneous instructions) and the ARM1176JZF-S
// TRM (DDI 0301H). decodeARM is a pure function of the instruction word; it
// picks a specialised handler so that the execution paths do not re-decode
// fields that are fixed by the encoding.
//
// UNPREDICTABLE and SBZ/SBO choices. Where DDI 0100I leaves a behaviour
// open we do what QEMU (and so Unicorn 2, our differential oracle) does, so
// that both agree; otherwise we choose the simplest deterministic result:
//   - SBZ/SBO fields that are not as specified make the instruction UNDEF
//     where QEMU's decoder requires them: TST/TEQ/CMP/CMN with Rd != 0,
//     MOV/MVN with Rn != 0, MUL with bits 15:12 != 0, SMULxy/SMULWy with
//     bits 15:12 != 0, MRS/MSR/BX/BXJ/BLX/CLZ/QADD/SMC/SWP/LDREX/STREX and
//     the media SBO fields, MSR-immediate with bits 15:12 != 1111, extra
//     loads/stores in register form with bits 11:8 != 0, extend
//     instructions with bits 9:8 != 0. The MSR-immediate hint space (mask
//     0) executes NOP/YIELD/WFE/WFI/SEV and treats every other value
//     (including DBG) as NOP.
//   - Data processing with Rd = PC writes the PC without interworking
//     (ARMv6). With S = 1 it is an exception return (CPSR = SPSR); in User
//     mode it is UNDEF (as QEMU); in System mode, which has no SPSR, it is
//     a plain branch.
//   - The PC as an operand of a register-shifted-register data-processing
//     instruction, or of a multiply or media instruction, reads as the
//     instruction address + 8 (the ARM1176 would read + 12 in the former).
//   - A multiply/media/MRS destination of PC branches to the (aligned)
//     result, as QEMU's register write does. RdLo == RdHi in the long
//     multiplies: RdHi wins.
//   - Loads with writeback where Rt == Rn: the loaded value wins. Stores
//     store the register value before writeback. Writeback to Rn = PC
//     branches to the written-back address (a load to the PC wins).
//   - STR/STM of the PC store the instruction address + 8 (ARM11).
//   - LDM/STM with an empty register list or Rn = PC: UNDEF (QEMU).
//     LDM with writeback and the base in the list: the loaded value wins.
//     STM with writeback and the base in the list: the original base value
//     is stored. LDM/STM user-bank forms (^ without PC) with writeback, and
//     every ^ form in User mode: UNDEF (QEMU).
//   - LDRD/STRD/LDREXD/STREXD with an odd Rt: UNDEF (QEMU). Rt = 14: the
//     second register is the PC (a non-interworking branch for loads, the
//     PC + 8 stored).
//   - LDRHT/LDRSBT/LDRSHT/STRHT (the P=0 W=1 encodings of the extra
//     load/store space, UNPREDICTABLE in DDI 0100I) execute as ARMv6T2
//     defines them, post-indexed with a User-mode access check, because
//     QEMU's arm1176 executes them; LDRD/STRD with P=0 W=1 are UNDEF.
//   - SWP requires word alignment (no legacy rotation), as QEMU.
//   - STREX with Rd equal to Rt or Rn: executes (Rd is written last).
//   - SRS/RFE in User mode: UNDEF (QEMU); SRS to an invalid mode or to
//     Monitor mode from Non-secure state: UNDEF. In System mode SRS stores
//     the CPSR as the "SPSR". CPS in User mode is a NOP; CPS field
//     combinations DDI 0100I calls UNPREDICTABLE (imod = 01, A/I/F set with
//     imod = 00...) do what their fields say, as QEMU does; a CPS or MSR to
//     an invalid mode leaves the mode unchanged.
//   - MSR and CPS in Non-secure state cannot change CPSR.A / CPSR.F unless
//     SCR.AW / SCR.FW are set (ARM1176 TRM, SCR).
//   - BXJ behaves as BX (Jazelle is not enabled: the trivial Jazelle
//     implementation makes BXJ a BX).
//   - BKPT with a condition other than AL is executed only if the condition
//     passes (as QEMU; the run loop evaluates conditions uniformly).
//   - ARMv6T2/v7/v8-only encodings are UNDEF: MOVW, MOVT, MLS, BFC/BFI,
//     SBFX/UBFX, RBIT, SDIV/UDIV, DMB/DSB/ISB/SB, PLI, PLDW, ERET, HVC, HLT,
//     CRC32, load-acquire/store-release, and UDF (cond=1110 0111 1111 ...
//     1111 ...). Every cond=1111 encoding not listed in DDI 0100I is UNDEF.
//
// Known differences from QEMU 5.0 (Unicorn 2) where we follow the ARM ARM:
//   - With SCTLR.U = 1, LDM/STM/LDRD/STRD/SWP/LDREX/STREX (and RFE/SRS) to
//     an address that is not word aligned raise an alignment fault (DDI
//     0100I A2.8 table A2-10); QEMU performs them unaligned.
//   - SMLAD/SMLSD/SMUAD set Q when the exact sum overflows 32 bits; QEMU
//     5.0 sets Q when either 32-bit addition overflows (fixed in QEMU 5.1).

// decodeARM returns the handler for an ARM-state instruction word.
func decodeARM(op uint32) handler {
	if op>>28 == 0xF {
		return decodeUncond(op)
	}
	switch op >> 25 & 7 {
	case 0:
		if op&0x90 == 0x90 {
			return decodeMulExtra(op)
		}
		if op&0x01900000 == 0x01000000 {
			return decodeMisc(op)
		}
		return decodeDP(op)
	case 1:
		if op&0x01900000 == 0x01000000 {
			if op&(1<<21) == 0 {
				return opUndef // MOVW/MOVT (ARMv6T2)
			}
			return decodeMSRImm(op)
		}
		return decodeDP(op)
	case 2:
		return decodeLdSt(op)
	case 3:
		if op&0x10 != 0 {
			return decodeMedia(op)
		}
		return decodeLdSt(op)
	case 4:
		return decodeLdmStm(op)
	case 5:
		if op&(1<<24) != 0 {
			return opBL
		}
		if op == BranchSelf {
			return opBSelf
		}
		return opB
	case 6:
		return decodeCoproc(op)
	default:
		if op&(1<<24) != 0 {
			return opSVC
		}
		return decodeCoproc(op)
	}
}

// decodeDP decodes the data-processing instructions (A3.4, A5.1).
func decodeDP(op uint32) handler {
	opc := op >> 21 & 0xF
	s := op >> 20 & 1
	rd := op >> 12 & 0xF
	rn := op >> 16 & 0xF
	var form int
	switch {
	case op&(1<<25) != 0:
		form = 0
	case op&0x10 != 0:
		form = 3
	case op&0xFF0 == 0:
		form = 1
	default:
		form = 2
	}
	switch {
	case opc>>2 == 2: // TST TEQ CMP CMN (S=1 here)
		if rd != 0 {
			return opUndef
		}
		return dpHandlers[form][opc][1]
	case opc == 13 || opc == 15: // MOV MVN
		if rn != 0 {
			return opUndef
		}
	}
	if rd == 15 {
		if s != 0 {
			return dpToPCS
		}
		return dpToPC
	}
	return dpHandlers[form][opc][s]
}

// dpFormOf returns the operand form index of a data-processing instruction.
func dpFormOf(op uint32) int {
	switch {
	case op&(1<<25) != 0:
		return 0
	case op&0x10 != 0:
		return 3
	case op&0xFF0 == 0:
		return 1
	}
	return 2
}

// dpToPC is a data-processing instruction with Rd = PC and S = 0: the
// result is branched to without interworking (ARMv6).
func dpToPC(c *CPU, op uint32) {
	pc8 := c.R[15]
	dpHandlers[dpFormOf(op)][op>>21&0xF][0](c, op)
	v := c.R[15]
	c.R[15] = pc8
	c.writePC(v)
}

// dpToPCS is a data-processing instruction with Rd = PC and S = 1: an
// exception return, CPSR = SPSR (A4.1.x, "if d == 15 then CPSR = SPSR").
func dpToPCS(c *CPU, op uint32) {
	if c.mode == ModeUSR {
		c.undef()
		return
	}
	pc8 := c.R[15]
	dpHandlers[dpFormOf(op)][op>>21&0xF][0](c, op)
	v := c.R[15]
	c.R[15] = pc8
	c.exceptionReturn(v, c.spsr())
}

// decodeMisc decodes the miscellaneous instructions: bits 27:23 = 00010,
// bit 20 = 0, not (bit 7 and bit 4) (A3.13.1, figure A3-4).
func decodeMisc(op uint32) handler {
	op2 := op >> 21 & 3 // bits 22:21
	switch op >> 4 & 0xF {
	case 0x0:
		if op2&1 == 0 { // MRS
			if op&0x000F0FFF != 0x000F0000 {
				return opUndef
			}
			if op&(1<<22) != 0 {
				return opMRSSPSR
			}
			return opMRSCPSR
		}
		// MSR register
		if op&0x0000FF00 != 0x0000F000 {
			return opUndef
		}
		if op&(1<<22) != 0 {
			return opMSRRegSPSR
		}
		return opMSRRegCPSR
	case 0x1:
		switch op2 {
		case 1:
			if op&0x000FFF00 != 0x000FFF00 {
				return opUndef
			}
			return opBX
		case 3:
			if op&0x000F0F00 != 0x000F0F00 {
				return opUndef
			}
			return opCLZ
		}
	case 0x2:
		if op2 == 1 && op&0x000FFF00 == 0x000FFF00 {
			return opBX // BXJ: Jazelle disabled
		}
	case 0x3:
		if op2 == 1 && op&0x000FFF00 == 0x000FFF00 {
			return opBLXReg
		}
	case 0x5:
		if op&0xF00 != 0 {
			return opUndef
		}
		return qaddHandlers[op2]
	case 0x7:
		switch op2 {
		case 1:
			return opBKPT
		case 3:
			if op&0x000FFF00 != 0 {
				return opUndef
			}
			return opSMC
		}
	case 0x8, 0xA, 0xC, 0xE:
		return decodeMulHalf(op)
	}
	return opUndef
}

// decodeMSRImm decodes MSR immediate and the ARMv6K hints (A4.1.39,
// ARM1176 TRM: NOP, YIELD, WFE, WFI, SEV share MSR CPSR_<none>, #imm).
func decodeMSRImm(op uint32) handler {
	if op>>12&0xF != 0xF {
		return opUndef
	}
	mask := op >> 16 & 0xF
	if op&(1<<22) != 0 {
		return opMSRImmSPSR
	}
	if mask == 0 {
		switch op & 0xFF {
		case 1:
			return opYield
		case 2:
			return opWFE
		case 3:
			return opWFI
		case 4:
			return opSEV
		}
		return opNop
	}
	return opMSRImmCPSR
}

// decodeUncond decodes the cond=1111 space (A3.1, ARMv6 unconditional
// instructions).
func decodeUncond(op uint32) handler {
	switch op >> 25 & 7 {
	case 0:
		if op&0x0FF10020 == 0x01000000 && op&0x0000FE00 == 0 {
			// CPS: 1111 0001 0000 imod M 0 0000 000 A I F 0 mode
			return opCPS
		}
		if op&0x0FFFFDFF == 0x01010000 {
			return opSETEND
		}
	case 2, 3:
		// PLD: 1111 01I1 U101 Rn 1111 (register form has bit 4 = 0)
		if op&0x0170F000 == 0x0150F000 && (op&(1<<25) == 0 || op&0x10 == 0) {
			return opNop
		}
		if op == 0xF57FF01F {
			return opCLREX
		}
	case 4:
		if op&0x005FFFE0 == 0x004D0500 { // SRS
			return opSRS
		}
		if op&0x0050FFFF == 0x00100A00 { // RFE
			return opRFE
		}
	case 5:
		return opBLXImm
	case 6, 7:
		return decodeCoproc(op)
	}
	return opUndef
}
