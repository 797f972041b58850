package arm

// VFP11 data-processing instructions (CDP form, DDI 0100I C3.2 and C4):
// arithmetic with short-vector support (C2.6), compares, conversions. The
// arithmetic itself is package softfloat; FPSCR cumulative flags are ORed
// in after each instruction.

import sf "github.com/ast2500emu/ast2500emu/cpu/arm/softfloat"

// Operation kernels: d is the destination's old value (used by the
// multiply-accumulate forms).
type (
	vfpKernS func(d, n, m uint32, st *sf.Status) uint32
	vfpKernD func(d, n, m uint64, st *sf.Status) uint64
)

func kMACS(d, n, m uint32, st *sf.Status) uint32  { return sf.MulAdd32(d, n, m, st) }
func kNMACS(d, n, m uint32, st *sf.Status) uint32 { return sf.MulSub32(d, n, m, st) }
func kMSCS(d, n, m uint32, st *sf.Status) uint32  { return sf.NMulSub32(d, n, m, st) }
func kNMSCS(d, n, m uint32, st *sf.Status) uint32 { return sf.NMulAdd32(d, n, m, st) }
func kMULS(_, n, m uint32, st *sf.Status) uint32  { return sf.Mul32(n, m, st) }
func kNMULS(_, n, m uint32, st *sf.Status) uint32 { return sf.NMul32(n, m, st) }
func kADDS(_, n, m uint32, st *sf.Status) uint32  { return sf.Add32(n, m, st) }
func kSUBS(_, n, m uint32, st *sf.Status) uint32  { return sf.Sub32(n, m, st) }
func kDIVS(_, n, m uint32, st *sf.Status) uint32  { return sf.Div32(n, m, st) }
func kCPYS(_, _, m uint32, _ *sf.Status) uint32   { return m }
func kABSS(_, _, m uint32, _ *sf.Status) uint32   { return sf.Abs32(m) }
func kNEGS(_, _, m uint32, _ *sf.Status) uint32   { return sf.Neg32(m) }
func kSQRTS(_, _, m uint32, st *sf.Status) uint32 { return sf.Sqrt32(m, st) }

func kMACD(d, n, m uint64, st *sf.Status) uint64  { return sf.MulAdd64(d, n, m, st) }
func kNMACD(d, n, m uint64, st *sf.Status) uint64 { return sf.MulSub64(d, n, m, st) }
func kMSCD(d, n, m uint64, st *sf.Status) uint64  { return sf.NMulSub64(d, n, m, st) }
func kNMSCD(d, n, m uint64, st *sf.Status) uint64 { return sf.NMulAdd64(d, n, m, st) }
func kMULD(_, n, m uint64, st *sf.Status) uint64  { return sf.Mul64(n, m, st) }
func kNMULD(_, n, m uint64, st *sf.Status) uint64 { return sf.NMul64(n, m, st) }
func kADDD(_, n, m uint64, st *sf.Status) uint64  { return sf.Add64(n, m, st) }
func kSUBD(_, n, m uint64, st *sf.Status) uint64  { return sf.Sub64(n, m, st) }
func kDIVD(_, n, m uint64, st *sf.Status) uint64  { return sf.Div64(n, m, st) }
func kCPYD(_, _, m uint64, _ *sf.Status) uint64   { return m }
func kABSD(_, _, m uint64, _ *sf.Status) uint64   { return sf.Abs64(m) }
func kNEGD(_, _, m uint64, _ *sf.Status) uint64   { return sf.Neg64(m) }
func kSQRTD(_, _, m uint64, st *sf.Status) uint64 { return sf.Sqrt64(m, st) }

// vfpStride is the short-vector register increment: FPSCR.STRIDE 0b00
// gives 1 and 0b11 gives 2 (0b01/0b10 are UNPREDICTABLE: 1 and 2).
func vfpStride(fpscr uint32) uint32 { return fpscr>>21&1 + 1 }

// vfpExecS runs a single-precision operation, as a short vector when
// FPSCR.LEN is non-zero and Sd is not in bank 0 (S0-S7). Sm in bank 0 is
// a scalar operand; registers wrap within their bank of eight.
func (c *CPU) vfpExecS(op uint32, k vfpKernS) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	v := &c.vfp
	d, n, m := vfpSd(op), vfpSn(op), vfpSm(op)
	st := v.status()
	if v.fpscr&fpscrLEN == 0 || d < 8 {
		v.s[d] = k(v.s[d], v.s[n], v.s[m], st)
		v.fpscr |= st.Flags
		return
	}
	stride := vfpStride(v.fpscr)
	dm := stride
	if m < 8 {
		dm = 0
	}
	for i := v.fpscr >> 16 & 7; ; i-- {
		v.s[d] = k(v.s[d], v.s[n], v.s[m], st)
		if i == 0 {
			break
		}
		d = d&^7 | (d+stride)&7
		n = n&^7 | (n+stride)&7
		m = m&^7 | (m+dm)&7
	}
	v.fpscr |= st.Flags
}

// vfpExecD is vfpExecS for double precision (banks of four: D0-D3 is the
// scalar bank).
func (c *CPU) vfpExecD(op uint32, k vfpKernD) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	v := &c.vfp
	d, n, m := vfpDd(op), vfpDn(op), vfpDm(op)
	st := v.status()
	if v.fpscr&fpscrLEN == 0 || d < 4 {
		v.setD(d, k(v.d(d), v.d(n), v.d(m), st))
		v.fpscr |= st.Flags
		return
	}
	stride := vfpStride(v.fpscr)
	dm := stride
	if m < 4 {
		dm = 0
	}
	for i := v.fpscr >> 16 & 7; ; i-- {
		v.setD(d, k(v.d(d), v.d(n), v.d(m), st))
		if i == 0 {
			break
		}
		d = d&^3 | (d+stride)&3
		n = n&^3 | (n+stride)&3
		m = m&^3 | (m+dm)&3
	}
	v.fpscr |= st.Flags
}

func vfpFMACS(c *CPU, op uint32)  { c.vfpExecS(op, kMACS) }
func vfpFNMACS(c *CPU, op uint32) { c.vfpExecS(op, kNMACS) }
func vfpFMSCS(c *CPU, op uint32)  { c.vfpExecS(op, kMSCS) }
func vfpFNMSCS(c *CPU, op uint32) { c.vfpExecS(op, kNMSCS) }
func vfpFMULS(c *CPU, op uint32)  { c.vfpExecS(op, kMULS) }
func vfpFNMULS(c *CPU, op uint32) { c.vfpExecS(op, kNMULS) }
func vfpFADDS(c *CPU, op uint32)  { c.vfpExecS(op, kADDS) }
func vfpFSUBS(c *CPU, op uint32)  { c.vfpExecS(op, kSUBS) }
func vfpFDIVS(c *CPU, op uint32)  { c.vfpExecS(op, kDIVS) }
func vfpFCPYS(c *CPU, op uint32)  { c.vfpExecS(op, kCPYS) }
func vfpFABSS(c *CPU, op uint32)  { c.vfpExecS(op, kABSS) }
func vfpFNEGS(c *CPU, op uint32)  { c.vfpExecS(op, kNEGS) }
func vfpFSQRTS(c *CPU, op uint32) { c.vfpExecS(op, kSQRTS) }

func vfpFMACD(c *CPU, op uint32)  { c.vfpExecD(op, kMACD) }
func vfpFNMACD(c *CPU, op uint32) { c.vfpExecD(op, kNMACD) }
func vfpFMSCD(c *CPU, op uint32)  { c.vfpExecD(op, kMSCD) }
func vfpFNMSCD(c *CPU, op uint32) { c.vfpExecD(op, kNMSCD) }
func vfpFMULD(c *CPU, op uint32)  { c.vfpExecD(op, kMULD) }
func vfpFNMULD(c *CPU, op uint32) { c.vfpExecD(op, kNMULD) }
func vfpFADDD(c *CPU, op uint32)  { c.vfpExecD(op, kADDD) }
func vfpFSUBD(c *CPU, op uint32)  { c.vfpExecD(op, kSUBD) }
func vfpFDIVD(c *CPU, op uint32)  { c.vfpExecD(op, kDIVD) }
func vfpFCPYD(c *CPU, op uint32)  { c.vfpExecD(op, kCPYD) }
func vfpFABSD(c *CPU, op uint32)  { c.vfpExecD(op, kABSD) }
func vfpFNEGD(c *CPU, op uint32)  { c.vfpExecD(op, kNEGD) }
func vfpFSQRTD(c *CPU, op uint32) { c.vfpExecD(op, kSQRTD) }

// Compares (always scalar): the result goes to FPSCR N Z C V.

func (c *CPU) vfpCompareDone(nzcv uint32, st *sf.Status) {
	c.vfp.fpscr = c.vfp.fpscr&0x0FFFFFFF | nzcv<<28 | st.Flags
}

func (c *CPU) vfpCmpS(op uint32, b uint32, signaling bool) {
	st := c.vfp.status()
	r := sf.Compare32(c.vfp.s[vfpSd(op)], b, signaling, st)
	c.vfpCompareDone(r, st)
}

func (c *CPU) vfpCmpD(op uint32, b uint64, signaling bool) {
	st := c.vfp.status()
	r := sf.Compare64(c.vfp.d(vfpDd(op)), b, signaling, st)
	c.vfpCompareDone(r, st)
}

func vfpFCMPS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpCmpS(op, c.vfp.s[vfpSm(op)], false)
}

func vfpFCMPES(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpCmpS(op, c.vfp.s[vfpSm(op)], true)
}

func vfpFCMPZS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpCmpS(op, 0, false)
}

func vfpFCMPEZS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpCmpS(op, 0, true)
}

func vfpFCMPD(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpCmpD(op, c.vfp.d(vfpDm(op)), false)
}

func vfpFCMPED(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpCmpD(op, c.vfp.d(vfpDm(op)), true)
}

func vfpFCMPZD(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpCmpD(op, 0, false)
}

func vfpFCMPEZD(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	c.vfpCmpD(op, 0, true)
}

// Conversions (always scalar).

// FCVTDS Dd, Sm.
func vfpFCVTDS(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	v := &c.vfp
	st := v.status()
	v.setD(vfpDd(op), sf.F32ToF64(v.s[vfpSm(op)], st))
	v.fpscr |= st.Flags
}

// FCVTSD Sd, Dm.
func vfpFCVTSD(c *CPU, op uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	v := &c.vfp
	st := v.status()
	v.s[vfpSd(op)] = sf.F64ToF32(v.d(vfpDm(op)), st)
	v.fpscr |= st.Flags
}

// Integer to float: the source is always a single register Sm.

func (c *CPU) vfpIntToS(op uint32, conv func(uint32, *sf.Status) uint32) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	v := &c.vfp
	st := v.status()
	v.s[vfpSd(op)] = conv(v.s[vfpSm(op)], st)
	v.fpscr |= st.Flags
}

func (c *CPU) vfpIntToD(op uint32, conv func(uint32, *sf.Status) uint64) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	v := &c.vfp
	st := v.status()
	v.setD(vfpDd(op), conv(v.s[vfpSm(op)], st))
	v.fpscr |= st.Flags
}

func vfpFUITOS(c *CPU, op uint32) { c.vfpIntToS(op, sf.U32ToF32) }
func vfpFSITOS(c *CPU, op uint32) { c.vfpIntToS(op, sf.S32ToF32) }
func vfpFUITOD(c *CPU, op uint32) { c.vfpIntToD(op, sf.U32ToF64) }
func vfpFSITOD(c *CPU, op uint32) { c.vfpIntToD(op, sf.S32ToF64) }

// Float to integer: the destination is always a single register Sd.

func (c *CPU) vfpSToInt(op uint32, conv func(uint32, bool, *sf.Status) uint32, rz bool) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	v := &c.vfp
	st := v.status()
	v.s[vfpSd(op)] = conv(v.s[vfpSm(op)], rz, st)
	v.fpscr |= st.Flags
}

func (c *CPU) vfpDToInt(op uint32, conv func(uint64, bool, *sf.Status) uint32, rz bool) {
	if !c.vfpEnabled() {
		c.undef()
		return
	}
	v := &c.vfp
	st := v.status()
	v.s[vfpSd(op)] = conv(v.d(vfpDm(op)), rz, st)
	v.fpscr |= st.Flags
}

func vfpFTOUIS(c *CPU, op uint32)  { c.vfpSToInt(op, sf.F32ToU32, false) }
func vfpFTOUIZS(c *CPU, op uint32) { c.vfpSToInt(op, sf.F32ToU32, true) }
func vfpFTOSIS(c *CPU, op uint32)  { c.vfpSToInt(op, sf.F32ToS32, false) }
func vfpFTOSIZS(c *CPU, op uint32) { c.vfpSToInt(op, sf.F32ToS32, true) }
func vfpFTOUID(c *CPU, op uint32)  { c.vfpDToInt(op, sf.F64ToU32, false) }
func vfpFTOUIZD(c *CPU, op uint32) { c.vfpDToInt(op, sf.F64ToU32, true) }
func vfpFTOSID(c *CPU, op uint32)  { c.vfpDToInt(op, sf.F64ToS32, false) }
func vfpFTOSIZD(c *CPU, op uint32) { c.vfpDToInt(op, sf.F64ToS32, true) }
