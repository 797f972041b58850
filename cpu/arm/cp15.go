package arm

// CP15, the system control coprocessor, as the ARM1176JZF-S r0p7 implements
// it (ARM1176JZF-S TRM DDI 0301H chapter 3, "System Control Coprocessor";
// ID register values from TRM 3.2.x), and the coprocessor instruction
// dispatch (MCR/MRC/MCRR/MRRC/CDP/LDC/STC) for CP14, CP15 and the VFP
// (CP10/CP11). Caches are not modelled; their maintenance operations are
// accepted. The Security Extensions' register banking is not modelled: the
// core runs in the Secure state unless SCR.NS is set, and one copy of each
// banked register serves both worlds.

// Identification values of an ARM1176JZF-S r0p7.
const (
	idMIDR   = 0x410FB767
	idCTR    = 0x1DD20D2 // 16 KiB 4-way I and D caches, 32-byte lines
	idTCMTR  = 0x00010001
	idTLBTR  = 0x00000800
	idPFR0   = 0x00000111
	idPFR1   = 0x00000011
	idDFR0   = 0x00000033
	idAFR0   = 0x00000000
	idMMFR0  = 0x01130003
	idMMFR1  = 0x10030302
	idMMFR2  = 0x01222100
	idMMFR3  = 0x00000000
	idISAR0  = 0x00140011
	idISAR1  = 0x12002111
	idISAR2  = 0x11231121
	idISAR3  = 0x01102131
	idISAR4  = 0x00001141
	idISAR5  = 0x00000000
	actlrRst = 0x00000007
)

type cp15 struct {
	sctlr, actlr, cpacr   uint32
	scr, sder, nsacr      uint32
	ttbr0, ttbr1, ttbcr   uint32
	dacr                  uint32
	dfsr, ifsr            uint32
	dfar, ifar, wfar      uint32
	par                   uint32
	vbarReg, mvbar        uint32
	fcse, contextidr      uint32
	tpidrurw, tpidruro    uint32
	tpidrprw              uint32
	prrr, nmrr            uint32
	dtcm, itcm, tcmsel    uint32
	dcacheLock, icacheLck uint32
	tlbLock               uint32
	dmaRegs               [16]uint32
	pmnc                  uint32
	pmn0, pmn1            uint32
}

func (p *cp15) vbar() uint32 { return p.vbarReg }

func (p *cp15) asid() uint8 { return uint8(p.contextidr) }

// nonSecure reports whether the core is in the Non-secure state.
func (p *cp15) nonSecure() bool { return p.scr&scrNS != 0 }

// cycleCounter is the ARM1176 performance monitor's cycle counter (c15,
// c12, 1). It counts one cycle per retired instruction, so it is
// deterministic.
type cycleCounter struct {
	base      uint32 // CCNT value at baseInsns
	baseInsns uint64
}

func (c *CPU) ccnt() uint32 {
	if c.cp15.pmnc&1 == 0 {
		return c.cycles.base
	}
	d := c.Insns - c.cycles.baseInsns
	if c.cp15.pmnc&8 != 0 {
		d /= 64
	}
	return c.cycles.base + uint32(d)
}

func (c *CPU) setCCNT(v uint32) {
	c.cycles.base, c.cycles.baseInsns = v, c.Insns
}

// cp14 is the debug coprocessor (ARM1176 TRM chapter 13): the debug ID and
// status registers and the breakpoint/watchpoint register file, stored but
// not acted upon (halting debug is provided by the GDB stub instead).
type cp14 struct {
	dscr uint32
	bvr  [16]uint32
	bcr  [16]uint32
	wvr  [16]uint32
	wcr  [16]uint32
}

const idDIDR = 0x15121000 // 2 WRPs, 6 BRPs, v6.1 debug, r0

// cpAccessAllowed applies CPACR to coprocessor cp (0-13).
func (c *CPU) cpAccessAllowed(cp uint32) bool {
	switch (c.cp15.cpacr >> (2 * cp)) & 3 {
	case 1:
		return c.privileged()
	case 3:
		return true
	}
	return false
}

// decodeCoproc routes a coprocessor instruction (ARM encoding, bits 27:25
// = 110 or 111 with bit 24 clear for MCR/MRC/CDP) to its coprocessor.
func decodeCoproc(op uint32) handler {
	cp := op >> 8 & 0xF
	if op>>28 == 0xF {
		// MCR2/MRC2/CDP2/LDC2/STC2/MCRR2/MRRC2: no ARM1176 coprocessor
		// accepts them.
		return opUndef
	}
	switch cp {
	case 10, 11:
		return decodeVFP(op)
	case 15:
		switch {
		case op>>24&0xF == 0xE && op&(1<<4) != 0:
			if op&(1<<20) != 0 {
				return opMRC15
			}
			return opMCR15
		case op>>21&0x7F == 0x62: // MCRR
			return opMCRR15
		}
	case 14:
		if op>>24&0xF == 0xE && op&(1<<4) != 0 {
			if op&(1<<20) != 0 {
				return opMRC14
			}
			return opMCR14
		}
	}
	return opUndef
}

func opUndef(c *CPU, op uint32) { c.undef() }

type cpReg struct{ opc1, crn, crm, opc2 uint32 }

func cpFields(op uint32) cpReg {
	return cpReg{op >> 21 & 7, op >> 16 & 0xF, op & 0xF, op >> 5 & 7}
}

func opMRC15(c *CPU, op uint32) {
	v, ok := c.cp15Read(cpFields(op))
	if !ok {
		c.undef()
		return
	}
	rd := op >> 12 & 0xF
	if rd == 15 {
		c.setFlags(v)
		return
	}
	c.R[rd] = v
}

func opMCR15(c *CPU, op uint32) {
	rd := op >> 12 & 0xF
	v := c.R[rd]
	if !c.cp15Write(cpFields(op), v) {
		c.undef()
	}
}

// opMCRR15 accepts the ARM1176 block cache operations (MCRR p15, 0, Rd, Rn,
// c5/c6/c12/c14: range invalidate/clean). They have no effect here.
func opMCRR15(c *CPU, op uint32) {
	if !c.privileged() {
		c.undef()
		return
	}
	switch op & 0xF {
	case 5, 6, 12, 14:
		if op>>4&0xF != 0 {
			c.undef()
		}
		return
	}
	c.undef()
}

func opMRC14(c *CPU, op uint32) {
	r := cpFields(op)
	var v uint32
	ok := true
	switch {
	case r.opc1 == 0 && r.crn == 0 && r.crm == 0 && r.opc2 == 0:
		v = idDIDR
	case r.opc1 == 0 && r.crn == 0 && r.crm == 1 && r.opc2 == 0:
		v = c.cp14.dscr
	case r.opc1 == 0 && r.crn == 0 && r.crm == 5 && r.opc2 == 0:
		v = 0 // DTR
	case r.opc1 == 0 && r.crn == 0 && r.opc2 >= 4 && c.privileged():
		v = c.cp14Reg(r.opc2, r.crm)
	default:
		ok = false
	}
	if !ok {
		c.undef()
		return
	}
	rd := op >> 12 & 0xF
	if rd == 15 {
		c.setFlags(v)
		return
	}
	c.R[rd] = v
}

func opMCR14(c *CPU, op uint32) {
	r := cpFields(op)
	v := c.R[op>>12&0xF]
	if !c.privileged() || r.opc1 != 0 || r.crn != 0 {
		c.undef()
		return
	}
	switch {
	case r.crm == 1 && r.opc2 == 0:
		// DSCR: monitor-mode enable (bit 15) and the user-access
		// disable bit (12) are writable from software.
		c.cp14.dscr = c.cp14.dscr&^0x9000 | v&0x9000
	case r.crm == 5 && r.opc2 == 0:
	case r.opc2 >= 4:
		*c.cp14RegPtr(r.opc2, r.crm) = v
	default:
		c.undef()
	}
}

func (c *CPU) cp14RegPtr(opc2, crm uint32) *uint32 {
	switch opc2 {
	case 4:
		return &c.cp14.bvr[crm]
	case 5:
		return &c.cp14.bcr[crm]
	case 6:
		return &c.cp14.wvr[crm]
	}
	return &c.cp14.wcr[crm]
}

func (c *CPU) cp14Reg(opc2, crm uint32) uint32 { return *c.cp14RegPtr(opc2, crm) }

// SetCP15 writes a CP15 register as a privileged MCR would (loaders, tests,
// debuggers). It returns false for registers that do not exist.
func (c *CPU) SetCP15(opc1, crn, crm, opc2, v uint32) bool {
	saved := c.mode
	if saved == ModeUSR {
		c.mode = ModeSYS
	}
	ok := c.cp15Write(cpReg{opc1, crn, crm, opc2}, v)
	c.mode = saved
	c.branched = false
	return ok
}

// CP15 reads a CP15 register as a privileged MRC would.
func (c *CPU) CP15(opc1, crn, crm, opc2 uint32) (uint32, bool) {
	saved := c.mode
	if saved == ModeUSR {
		c.mode = ModeSYS
	}
	v, ok := c.cp15Read(cpReg{opc1, crn, crm, opc2})
	c.mode = saved
	return v, ok
}
