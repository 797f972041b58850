package arm

// The VFP11 floating-point coprocessor (VFPv2, CP10/CP11) of the
// ARM1176JZF-S: register file, system registers, access gating and the
// instruction decoder. Data-processing handlers are in vfp_dp.go, loads,
// stores and register transfers in vfp_mem.go; the IEEE arithmetic is
// package softfloat.
//
// Sources: ARM Architecture Reference Manual ARMv6 (DDI 0100I) part C:
// C2 (programmer's model: registers, FPSCR, short vectors C2.6), C3
// (instruction set overview and encodings), C4 (instruction pseudo-code),
// C5 (addressing modes); VFP11 Vector Floating-point Coprocessor TRM
// (DDI 0274) chapter 2 (FPSID 0x410120B5, FPEXC, FPINST/FPINST2, MVFR0/1);
// ARM1176JZF-S TRM (DDI 0301H) 3.2.7 (CPACR). The Unicorn 2.0.1 ARM1176
// model (QEMU ~5.0) was used as a differential oracle; where we follow its
// choice for an UNPREDICTABLE case or where it deviates from the VFP11,
// this is written down here and in softfloat/DEVIATIONS.md.
//
// Model decisions:
//   - Register file: 32 single registers S0-S31 aliased as 16 doubles
//     (Dn = S(2n+1):S(2n)). Double-precision encodings with the D, N or M
//     bit set (D16-D31 in VFPv3 terms) are UNDEFINED, as on QEMU's
//     ARM1176 (DDI 0100I calls these bits SBZ).
//   - FPSCR: bits 31:20, 18:16, 7 and 4:0 are stored (mask 0xFFF7009F, as
//     on Unicorn); the trap-enable bits 15, 12:8 read as zero and ignore
//     writes, so every exception is untrapped (no bounce to support code).
//   - FPEXC: only EN (bit 30) is writable; EX is never set because the
//     coprocessor never bounces.
//   - Gating: CPACR must grant access to both CP10 and CP11 (DDI 0100I
//     B3.4.1 requires them to be equal). With FPEXC.EN clear every VFP
//     instruction is UNDEFINED except FMRX/FMXR of FPSID (any mode),
//     FPEXC, MVFR0 and MVFR1 (privileged modes): this is what Linux's lazy
//     context switch relies on (arch/arm/vfp/vfphw.S). FPEXC, MVFR0/1,
//     FPINST and FPINST2 are UNDEFINED in User mode; FPSID is readable in
//     User mode (VFPv2 allows it; VFPv3 restricted it).
//   - Short vectors (FPSCR.LEN/STRIDE, DDI 0100I C2.6) apply to the
//     arithmetic, FCPY, FABS, FNEG and FSQRT; compares and conversions are
//     always scalar. STRIDE 0b11 means a stride of 2 (the other encodings
//     are UNPREDICTABLE; 0b10 also gives 2, 0b01 gives 1).
//   - Memory: word accesses through the core's aligned accessors (an
//     unaligned VFP load/store takes an alignment fault when SCTLR.U or A
//     is set, DDI 0100I A2.8); doublewords are two word accesses, the most
//     significant word first in memory when CPSR.E is set (DDI 0100I
//     C4.1.x FLDD). A multiple load that aborts leaves every register
//     unchanged.

import "github.com/ast2500emu/ast2500emu/cpu/arm/softfloat"

// VFP11 identification and system register values.
const (
	vfpFPSID = 0x410120B5 // implementor ARM, VFPv2, VFP11 r0p5 (DDI 0274)
	vfpMVFR0 = 0x11111111
	vfpMVFR1 = 0x00000000

	fpscrWriteMask = 0xFFF7009F
	fpexcEN        = 1 << 30
	fpexcWriteMask = fpexcEN

	fpscrFZ  = 1 << 24
	fpscrDN  = 1 << 25
	fpscrLEN = 7 << 16
)

// System register numbers of FMXR/FMRX (bits 19:16).
const (
	vfpRegFPSID   = 0
	vfpRegFPSCR   = 1
	vfpRegMVFR1   = 6
	vfpRegMVFR0   = 7
	vfpRegFPEXC   = 8
	vfpRegFPINST  = 9
	vfpRegFPINST2 = 10
)

// vfpState is the VFP11 register file and control registers.
type vfpState struct {
	s       [32]uint32 // S0-S31; D(n) is s[2n+1]:s[2n]
	fpscr   uint32
	fpexc   uint32
	fpinst  uint32
	fpinst2 uint32

	// st is the arithmetic status of the executing instruction. It lives
	// here rather than on the stack because handlers pass it to kernels
	// through function values, which would make a local escape.
	st softfloat.Status
}

func (v *vfpState) reset() { *v = vfpState{} }

// d returns double register n (0-15).
func (v *vfpState) d(n uint32) uint64 {
	return uint64(v.s[2*n+1])<<32 | uint64(v.s[2*n])
}

// setD writes double register n (0-15).
func (v *vfpState) setD(n uint32, x uint64) {
	v.s[2*n] = uint32(x)
	v.s[2*n+1] = uint32(x >> 32)
}

// status loads the arithmetic controls of the FPSCR, with no flags, into
// v.st and returns it.
func (v *vfpState) status() *softfloat.Status {
	v.st = softfloat.Status{
		RMode: v.fpscr >> 22 & 3,
		FZ:    v.fpscr&fpscrFZ != 0,
		DN:    v.fpscr&fpscrDN != 0,
	}
	return &v.st
}

// VFPReg64 returns double register Di (0-15); other indices read as 0.
func (c *CPU) VFPReg64(i int) uint64 {
	if i < 0 || i > 15 {
		return 0
	}
	return c.vfp.d(uint32(i))
}

// SetVFPReg64 writes double register Di (0-15); other indices are ignored.
func (c *CPU) SetVFPReg64(i int, v uint64) {
	if i >= 0 && i <= 15 {
		c.vfp.setD(uint32(i), v)
	}
}

// FPSCR returns the floating-point status and control register.
func (c *CPU) FPSCR() uint32 { return c.vfp.fpscr }

// SetFPSCR writes the FPSCR (unimplemented bits are dropped).
func (c *CPU) SetFPSCR(v uint32) { c.vfp.fpscr = v & fpscrWriteMask }

// FPEXC returns the floating-point exception register.
func (c *CPU) FPEXC() uint32 { return c.vfp.fpexc }

// SetFPEXC writes the FPEXC (only EN is implemented).
func (c *CPU) SetFPEXC(v uint32) { c.vfp.fpexc = v & fpexcWriteMask }

// vfpAccess reports whether CPACR grants the current mode access to the
// VFP (CP10 and CP11).
func (c *CPU) vfpAccess() bool {
	return c.cpAccessAllowed(10) && c.cpAccessAllowed(11)
}

// vfpEnabled reports whether an ordinary VFP instruction may execute.
func (c *CPU) vfpEnabled() bool {
	return c.vfp.fpexc&fpexcEN != 0 && c.vfpAccess()
}

// Register field extraction (DDI 0100I C3.1). Single registers are
// Fx:x (five bits); doubles are Fx with the extra bit required to be 0.

func vfpSd(op uint32) uint32 { return op>>11&0x1E | op>>22&1 }
func vfpSn(op uint32) uint32 { return op>>15&0x1E | op>>7&1 }
func vfpSm(op uint32) uint32 { return op<<1&0x1E | op>>5&1 }
func vfpDd(op uint32) uint32 { return op >> 12 & 0xF }
func vfpDn(op uint32) uint32 { return op >> 16 & 0xF }
func vfpDm(op uint32) uint32 { return op & 0xF }

const (
	vfpBitD = 1 << 22
	vfpBitN = 1 << 7
	vfpBitM = 1 << 5
)

// decodeVFP returns the handler for a CP10/CP11 instruction (condition
// field not 0xF; decodeCoproc has checked the coprocessor number).
func decodeVFP(op uint32) handler {
	dbl := op&(1<<8) != 0
	switch op >> 24 & 0xF {
	case 0xE:
		if op&0x10 == 0 {
			return decodeVFPDP(op, dbl)
		}
		return decodeVFPReg(op, dbl)
	case 0xC, 0xD:
		return decodeVFPLdSt(op, dbl)
	}
	return opUndef
}

// Three-operand data-processing handlers by opcode p:q:r:s (DDI 0100I
// C3.2.1): FMAC FNMAC FMSC FNMSC FMUL FNMUL FADD FSUB FDIV.
var (
	vfpDP3S = [9]handler{vfpFMACS, vfpFNMACS, vfpFMSCS, vfpFNMSCS, vfpFMULS, vfpFNMULS, vfpFADDS, vfpFSUBS, vfpFDIVS}
	vfpDP3D = [9]handler{vfpFMACD, vfpFNMACD, vfpFMSCD, vfpFNMSCD, vfpFMULD, vfpFNMULD, vfpFADDD, vfpFSUBD, vfpFDIVD}
)

// decodeVFPDP decodes the CDP-form data-processing instructions.
func decodeVFPDP(op uint32, dbl bool) handler {
	opc := op>>20&8 | op>>19&4 | op>>19&2 | op>>6&1
	if opc <= 8 {
		if dbl {
			if op&(vfpBitD|vfpBitN|vfpBitM) != 0 {
				return opUndef
			}
			return vfpDP3D[opc]
		}
		return vfpDP3S[opc]
	}
	if opc != 15 {
		return opUndef
	}
	// Extension opcodes: Fn:N (DDI 0100I C3.2.2).
	ext := op>>15&0x1E | op>>7&1
	if (ext == 10 || ext == 11) && op&0x2F != 0 {
		// FCMP(E)Z: Fm and M are SBZ; QEMU UNDEFs otherwise, so do we.
		return opUndef
	}
	if !dbl {
		switch ext {
		case 0:
			return vfpFCPYS
		case 1:
			return vfpFABSS
		case 2:
			return vfpFNEGS
		case 3:
			return vfpFSQRTS
		case 8:
			return vfpFCMPS
		case 9:
			return vfpFCMPES
		case 10:
			return vfpFCMPZS
		case 11:
			return vfpFCMPEZS
		case 15: // FCVTDS: Dd, Sm
			if op&vfpBitD != 0 {
				return opUndef
			}
			return vfpFCVTDS
		case 16:
			return vfpFUITOS
		case 17:
			return vfpFSITOS
		case 24:
			return vfpFTOUIS
		case 25:
			return vfpFTOUIZS
		case 26:
			return vfpFTOSIS
		case 27:
			return vfpFTOSIZS
		}
		return opUndef
	}
	switch ext {
	case 0, 1, 2, 3, 8, 9, 10, 11: // Dd, Dm
		if op&(vfpBitD|vfpBitM) != 0 {
			return opUndef
		}
	case 15, 24, 25, 26, 27: // Sd, Dm
		if op&vfpBitM != 0 {
			return opUndef
		}
	case 16, 17: // Dd, Sm
		if op&vfpBitD != 0 {
			return opUndef
		}
	}
	switch ext {
	case 0:
		return vfpFCPYD
	case 1:
		return vfpFABSD
	case 2:
		return vfpFNEGD
	case 3:
		return vfpFSQRTD
	case 8:
		return vfpFCMPD
	case 9:
		return vfpFCMPED
	case 10:
		return vfpFCMPZD
	case 11:
		return vfpFCMPEZD
	case 15:
		return vfpFCVTSD
	case 16:
		return vfpFUITOD
	case 17:
		return vfpFSITOD
	case 24:
		return vfpFTOUID
	case 25:
		return vfpFTOUIZD
	case 26:
		return vfpFTOSID
	case 27:
		return vfpFTOSIZD
	}
	return opUndef
}

// decodeVFPReg decodes the MCR/MRC-form single-register transfers:
// FMSR/FMRS, FMDLR/FMRDL, FMDHR/FMRDH, FMXR/FMRX (DDI 0100I C3.3).
func decodeVFPReg(op uint32, dbl bool) handler {
	opc := op >> 21 & 7
	load := op&(1<<20) != 0
	if !dbl {
		switch opc {
		case 0: // FMSR/FMRS: bits 6:5 and 3:0 SBZ
			if op&0x6F != 0 {
				return opUndef
			}
			if load {
				return vfpFMRS
			}
			return vfpFMSR
		case 7: // FMXR/FMRX: bits 7:0 = 0x10
			if op&0xEF != 0 {
				return opUndef
			}
			if load {
				return vfpFMRX
			}
			return vfpFMXR
		}
		return opUndef
	}
	// FMDLR/FMDHR and reads: N (D16+), bits 6:5 (sub-word scalars, NEON)
	// and 3:0 must be zero.
	if opc > 1 || op&0xEF != 0 {
		return opUndef
	}
	switch {
	case opc == 0 && !load:
		return vfpFMDLR
	case opc == 0:
		return vfpFMRDL
	case !load:
		return vfpFMDHR
	}
	return vfpFMRDH
}

// decodeVFPLdSt decodes the LDC/STC and MCRR/MRRC forms: FLDS/FSTS,
// FLDD/FSTD, FLDM/FSTM (S, D, X) and the two-register transfers
// FMSRR/FMRRS, FMDRR/FMRRD (DDI 0100I C3.4, C5).
func decodeVFPLdSt(op uint32, dbl bool) handler {
	p := op>>24&1 != 0
	u := op>>23&1 != 0
	w := op>>21&1 != 0
	load := op&(1<<20) != 0
	rn := op >> 16 & 0xF
	imm := op & 0xFF
	switch {
	case !p && !u:
		// 1100 0D0L with D=1: two-register transfers; anything else UNDEF.
		if w || op&vfpBitD == 0 || op&0xD0 != 0x10 {
			return opUndef
		}
		rt, rt2 := op>>12&0xF, op>>16&0xF
		if rt == 15 || rt2 == 15 || (load && rt == rt2) {
			return opUndef
		}
		if dbl {
			if op&vfpBitM != 0 {
				return opUndef
			}
			if load {
				return vfpFMRRD
			}
			return vfpFMDRR
		}
		if vfpSm(op) == 31 {
			return opUndef
		}
		if load {
			return vfpFMRRS
		}
		return vfpFMSRR
	case p && !w:
		if dbl {
			if op&vfpBitD != 0 {
				return opUndef
			}
			if load {
				return vfpFLDD
			}
			return vfpFSTD
		}
		if load {
			return vfpFLDS
		}
		return vfpFSTS
	case p && u:
		return opUndef
	}
	// FLDM/FSTM: IA (P=0, U=1, W either) or DB with writeback (P=1, U=0, W=1).
	if w && rn == 15 {
		return opUndef
	}
	if dbl {
		if op&vfpBitD != 0 {
			return opUndef
		}
		n := imm >> 1
		if n == 0 || vfpDd(op)+n > 16 {
			return opUndef
		}
		if load {
			return vfpFLDMD
		}
		return vfpFSTMD
	}
	if imm == 0 || vfpSd(op)+imm > 32 {
		return opUndef
	}
	if load {
		return vfpFLDMS
	}
	return vfpFSTMS
}
