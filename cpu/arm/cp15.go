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

func (p *cp15) reset() {
	*p = cp15{sctlr: sctlrResetValue, actlr: actlrRst}
	// ARM1176 TCM region registers reset with the region size of 16 KiB
	// and disabled.
	p.dtcm = 0x00000014
	p.itcm = 0x00000014
	p.prrr = 0x000A81A4
	p.nmrr = 0x44E048E0
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

// cp15Read implements MRC p15. ok=false makes the instruction UNDEF.
func (c *CPU) cp15Read(r cpReg) (uint32, bool) {
	p := &c.cp15
	priv := c.privileged()
	// User-mode accessible registers.
	if r.opc1 == 0 && r.crn == 13 && r.crm == 0 {
		switch r.opc2 {
		case 2:
			return p.tpidrurw, true
		case 3:
			return p.tpidruro, true
		}
	}
	if !priv {
		return 0, false
	}
	if r.opc1 != 0 {
		return 0, false
	}
	switch r.crn {
	case 0:
		if r.crm == 0 {
			switch r.opc2 {
			case 0, 4, 6, 7:
				return idMIDR, true
			case 1:
				return idCTR, true
			case 2:
				return idTCMTR, true
			case 3:
				return idTLBTR, true
			case 5:
				return 0, true // MPIDR is not implemented on ARM1176: RAZ
			}
		}
		if r.crm == 1 {
			return [8]uint32{idPFR0, idPFR1, idDFR0, idAFR0, idMMFR0, idMMFR1, idMMFR2, idMMFR3}[r.opc2], true
		}
		if r.crm == 2 && r.opc2 < 6 {
			return [6]uint32{idISAR0, idISAR1, idISAR2, idISAR3, idISAR4, idISAR5}[r.opc2], true
		}
		if r.crm >= 2 && r.crm <= 7 {
			return 0, true
		}
	case 1:
		switch {
		case r.crm == 0 && r.opc2 == 0:
			return p.sctlr, true
		case r.crm == 0 && r.opc2 == 1:
			return p.actlr, true
		case r.crm == 0 && r.opc2 == 2:
			return p.cpacr, true
		case r.crm == 1 && r.opc2 == 0:
			return p.scr, true
		case r.crm == 1 && r.opc2 == 1:
			return p.sder, true
		case r.crm == 1 && r.opc2 == 2:
			return p.nsacr, true
		}
	case 2:
		if r.crm == 0 {
			switch r.opc2 {
			case 0:
				return p.ttbr0, true
			case 1:
				return p.ttbr1, true
			case 2:
				return p.ttbcr, true
			}
		}
	case 3:
		if r.crm == 0 && r.opc2 == 0 {
			return p.dacr, true
		}
	case 5:
		if r.crm == 0 {
			switch r.opc2 {
			case 0:
				return p.dfsr, true
			case 1:
				return p.ifsr, true
			}
		}
	case 6:
		if r.crm == 0 {
			switch r.opc2 {
			case 0:
				return p.dfar, true
			case 1:
				return p.wfar, true
			case 2:
				return p.ifar, true
			}
		}
	case 7:
		switch {
		case r.crm == 4 && r.opc2 == 0:
			return p.par, true
		case r.crm == 10 && r.opc2 == 6: // cache dirty status
			return 0, true
		case r.crm == 12 && r.opc2 == 4, r.crm == 12 && r.opc2 == 5: // block transfer status
			return 0, true
		}
	case 9:
		switch {
		case r.crm == 0 && r.opc2 == 0:
			return p.dcacheLock, true
		case r.crm == 0 && r.opc2 == 1:
			return p.icacheLck, true
		case r.crm == 1 && r.opc2 == 0:
			return p.dtcm, true
		case r.crm == 1 && r.opc2 == 1:
			return p.itcm, true
		case r.crm == 2 && r.opc2 == 0:
			return p.tcmsel, true
		}
	case 10:
		switch {
		case r.crm == 0 && r.opc2 == 0:
			return p.tlbLock, true
		case r.crm == 2 && r.opc2 == 0:
			return p.prrr, true
		case r.crm == 2 && r.opc2 == 1:
			return p.nmrr, true
		}
	case 11:
		return p.dmaRegs[r.crm], true
	case 12:
		switch {
		case r.crm == 0 && r.opc2 == 0:
			return p.vbarReg, true
		case r.crm == 0 && r.opc2 == 1:
			return p.mvbar, true
		case r.crm == 1 && r.opc2 == 0: // ISR: pending A, I, F
			var v uint32
			if c.fiqLine {
				v |= 1 << 6
			}
			if c.irqLine {
				v |= 1 << 7
			}
			return v, true
		}
	case 13:
		if r.crm == 0 {
			switch r.opc2 {
			case 0:
				return p.fcse, true
			case 1:
				return p.contextidr, true
			case 4:
				return p.tpidrprw, true
			}
		}
	case 15:
		if r.crm == 12 {
			switch r.opc2 {
			case 0:
				return p.pmnc, true
			case 1:
				return c.ccnt(), true
			case 2:
				return p.pmn0, true
			case 3:
				return p.pmn1, true
			}
		}
		return 0, true // implementation-defined test/validation registers
	}
	return 0, false
}

// cp15Write implements MCR p15. ok=false makes the instruction UNDEF.
func (c *CPU) cp15Write(r cpReg, v uint32) bool {
	p := &c.cp15
	priv := c.privileged()
	if r.opc1 != 0 {
		return false
	}
	if r.crn == 7 && !priv {
		// Prefetch flush (ISB), DSB and DMB are available in User mode.
		switch {
		case r.crm == 5 && r.opc2 == 4:
			c.endBlock()
			return true
		case r.crm == 10 && (r.opc2 == 4 || r.opc2 == 5):
			return true
		}
		return false
	}
	if r.crn == 13 && r.crm == 0 && r.opc2 == 2 {
		p.tpidrurw = v
		return true
	}
	if !priv {
		return false
	}
	switch r.crn {
	case 0:
		return r.crm == 0 // writes to ID registers are ignored
	case 1:
		switch {
		case r.crm == 0 && r.opc2 == 0:
			old := p.sctlr
			p.sctlr = v&sctlrWritableMsk | sctlrResetValue&^sctlrWritableMsk
			if old != p.sctlr {
				c.mmu.update(c)
				c.flushTLB()
				c.endBlock()
			}
			return true
		case r.crm == 0 && r.opc2 == 1:
			p.actlr = v
			return true
		case r.crm == 0 && r.opc2 == 2:
			// CPACR: only cp10 and cp11 exist (bits 23:20).
			p.cpacr = v & 0x00F00000
			return true
		case r.crm == 1 && r.opc2 == 0:
			p.scr = v & 0x7F
			return true
		case r.crm == 1 && r.opc2 == 1:
			p.sder = v & 3
			return true
		case r.crm == 1 && r.opc2 == 2:
			p.nsacr = v & 0x00073FFF
			return true
		}
	case 2:
		if r.crm == 0 {
			switch r.opc2 {
			case 0:
				p.ttbr0 = v
			case 1:
				p.ttbr1 = v
			case 2:
				p.ttbcr = v & 0x37
				c.flushTLB()
			default:
				return false
			}
			c.endBlock()
			return true
		}
	case 3:
		if r.crm == 0 && r.opc2 == 0 {
			if p.dacr != v {
				p.dacr = v
				c.flushTLB()
				c.endBlock()
			}
			return true
		}
	case 5:
		if r.crm == 0 {
			switch r.opc2 {
			case 0:
				p.dfsr = v & 0x1CFF
				return true
			case 1:
				p.ifsr = v & 0x140F
				return true
			}
		}
	case 6:
		if r.crm == 0 {
			switch r.opc2 {
			case 0:
				p.dfar = v
				return true
			case 1:
				p.wfar = v
				return true
			case 2:
				p.ifar = v
				return true
			}
		}
	case 7:
		return c.cp15Op7(r, v)
	case 8:
		return c.cp15TLBOp(r, v)
	case 9:
		switch {
		case r.crm == 0 && r.opc2 == 0:
			p.dcacheLock = v
		case r.crm == 0 && r.opc2 == 1:
			p.icacheLck = v
		case r.crm == 1 && r.opc2 == 0:
			p.dtcm = v
		case r.crm == 1 && r.opc2 == 1:
			p.itcm = v
		case r.crm == 2 && r.opc2 == 0:
			p.tcmsel = v & 1
		default:
			return false
		}
		return true
	case 10:
		switch {
		case r.crm == 0 && r.opc2 == 0:
			p.tlbLock = v
		case r.crm == 2 && r.opc2 == 0:
			p.prrr = v
		case r.crm == 2 && r.opc2 == 1:
			p.nmrr = v
		default:
			return false
		}
		return true
	case 11:
		p.dmaRegs[r.crm] = v
		return true
	case 12:
		switch {
		case r.crm == 0 && r.opc2 == 0:
			p.vbarReg = v &^ 0x1F
			return true
		case r.crm == 0 && r.opc2 == 1:
			p.mvbar = v &^ 0x1F
			return true
		}
	case 13:
		if r.crm == 0 {
			switch r.opc2 {
			case 0:
				if nv := v & 0xFE000000; nv != p.fcse {
					p.fcse = nv
					c.flushTLB()
					c.endBlock()
				}
				return true
			case 1:
				if v != p.contextidr {
					old := p.asid()
					p.contextidr = v
					if old != p.asid() {
						c.flushTLBMatching(func(e *tlbEntry) bool { return !e.global })
						c.endBlock()
					}
				}
				return true
			case 3:
				p.tpidruro = v
				return true
			case 4:
				p.tpidrprw = v
				return true
			}
		}
	case 15:
		if r.crm == 12 {
			switch r.opc2 {
			case 0:
				if v&4 != 0 {
					c.setCCNT(0)
				}
				if v&2 != 0 {
					p.pmn0, p.pmn1 = 0, 0
				}
				ccnt := c.ccnt()
				p.pmnc = v &^ 6 &^ (v & 0x700) // write 1 to clear overflow flags
				c.setCCNT(ccnt)
			case 1:
				c.setCCNT(v)
			case 2:
				p.pmn0 = v
			case 3:
				p.pmn1 = v
			}
			return true
		}
		return true
	}
	return false
}

// cp15Op7 handles the c7 cache, barrier, WFI and address translation
// operations.
func (c *CPU) cp15Op7(r cpReg, v uint32) bool {
	switch {
	case r.crm == 0 && r.opc2 == 4: // wait for interrupt
		c.halted = true
		c.Sleeps++
		c.limit = 0
		c.nextPC = c.nextInsn()
		c.branched = true
		return true
	case r.crm == 5 && r.opc2 == 4: // flush prefetch buffer (ISB)
		c.endBlock()
		return true
	case r.crm == 4 && r.opc2 == 0:
		c.cp15.par = v
		return true
	case r.crm == 8:
		// VA to PA translation in the current world: opc2 0 priv read,
		// 1 priv write, 2 user read, 3 user write.
		if r.opc2 > 3 {
			return false
		}
		kind := accRead
		if r.opc2&1 != 0 {
			kind = accWrite
		}
		res, fsr, ok := c.translate(v, kind, r.opc2 >= 2)
		if ok {
			c.cp15.par = res.pa&^0xFFF | 0 // attributes not modelled
		} else {
			c.cp15.par = (fsr&0xF|fsr>>6&0x10)<<1 | 1
		}
		return true
	}
	// Cache maintenance (c5, c6, c7, c10, c11, c13, c14), DSB (c10,4),
	// DMB (c10,5): no caches are modelled. Our decoded-instruction cache
	// is kept coherent by the store path, so I-cache invalidation is a no-op.
	return true
}

// cp15TLBOp handles the c8 TLB maintenance operations.
func (c *CPU) cp15TLBOp(r cpReg, v uint32) bool {
	if r.crm < 5 || r.crm > 7 {
		return false
	}
	switch r.opc2 {
	case 0:
		c.flushTLB()
	case 1:
		c.flushTLBMVA(v&^0xFFF, uint8(v), true)
	case 2:
		c.flushTLBASID(uint8(v))
	case 3:
		c.flushTLBMVA(v&^0xFFF, 0, false)
	default:
		return false
	}
	c.endBlock()
	return true
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
