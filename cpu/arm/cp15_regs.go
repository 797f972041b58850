package arm

// The CP15 register table: one entry per register (CRn, CRm, opc2; opc1 is
// 0 for every ARM1176 CP15 register), with the User-mode access rights, the
// reset value, and either the field it stores (with the writable bits) or
// read and write functions. MRC and MCR look the register up and apply the
// entry; a missing entry, or a missing read or write side, is UNDEFINED.
// Sources: ARM1176JZF-S TRM DDI 0301H, chapter 3 (table 3-2 "Summary of
// CP15 registers and operations" and the register descriptions).

// anyField in an entry's crm or opc2 matches every value. Wildcard entries
// only fill the slots no specific entry claims.
const anyField = -1

type cp15Reg struct {
	name           string
	crn, crm, opc2 int8
	pl0R, pl0W     bool // accessible from User mode
	// Storage registers: field returns the register; a write stores the
	// bits of wmask (0: all bits); reset is its value after Reset.
	field func(p *cp15) *uint32
	wmask uint32
	reset uint32
	// Constant registers (ID registers): read returns value.
	value uint32
	isVal bool
	// wi: writes are accepted and ignored.
	wi bool
	// Registers with side effects. read overrides field/value; write
	// overrides field.
	read  func(c *CPU, r cpReg) uint32
	write func(c *CPU, r cpReg, v uint32)
}

func (e *cp15Reg) readable() bool { return e.read != nil || e.field != nil || e.isVal }
func (e *cp15Reg) writable() bool { return e.write != nil || e.field != nil || e.wi }

func ro(name string, crn, crm, opc2 int8, v uint32) cp15Reg {
	return cp15Reg{name: name, crn: crn, crm: crm, opc2: opc2, value: v, isVal: true, wi: crn == 0 && crm == 0}
}

func rw(name string, crn, crm, opc2 int8, f func(p *cp15) *uint32, wmask, reset uint32) cp15Reg {
	return cp15Reg{name: name, crn: crn, crm: crm, opc2: opc2, field: f, wmask: wmask, reset: reset}
}

// op is a write-only operation.
func op(name string, crn, crm, opc2 int8, w func(c *CPU, r cpReg, v uint32)) cp15Reg {
	return cp15Reg{name: name, crn: crn, crm: crm, opc2: opc2, write: w}
}

func nop(*CPU, cpReg, uint32) {}

func endBlockOp(c *CPU, _ cpReg, _ uint32) { c.endBlock() }

var cp15Table = []cp15Reg{
	// c0: identification. Writes to c0, c0 are ignored (ro sets wi);
	// other c0 writes are UNDEFINED.
	ro("MIDR", 0, 0, 0, idMIDR), ro("CTR", 0, 0, 1, idCTR), ro("TCMTR", 0, 0, 2, idTCMTR),
	ro("TLBTR", 0, 0, 3, idTLBTR), ro("MIDR", 0, 0, 4, idMIDR),
	ro("MPIDR", 0, 0, 5, 0), // not implemented on ARM1176: RAZ
	ro("MIDR", 0, 0, 6, idMIDR), ro("MIDR", 0, 0, 7, idMIDR),
	ro("ID_PFR0", 0, 1, 0, idPFR0), ro("ID_PFR1", 0, 1, 1, idPFR1), ro("ID_DFR0", 0, 1, 2, idDFR0),
	ro("ID_AFR0", 0, 1, 3, idAFR0), ro("ID_MMFR0", 0, 1, 4, idMMFR0), ro("ID_MMFR1", 0, 1, 5, idMMFR1),
	ro("ID_MMFR2", 0, 1, 6, idMMFR2), ro("ID_MMFR3", 0, 1, 7, idMMFR3),
	ro("ID_ISAR0", 0, 2, 0, idISAR0), ro("ID_ISAR1", 0, 2, 1, idISAR1), ro("ID_ISAR2", 0, 2, 2, idISAR2),
	ro("ID_ISAR3", 0, 2, 3, idISAR3), ro("ID_ISAR4", 0, 2, 4, idISAR4), ro("ID_ISAR5", 0, 2, 5, idISAR5),
	ro("ID (reserved)", 0, 2, anyField, 0), ro("ID (reserved)", 0, 3, anyField, 0),
	ro("ID (reserved)", 0, 4, anyField, 0), ro("ID (reserved)", 0, 5, anyField, 0),
	ro("ID (reserved)", 0, 6, anyField, 0), ro("ID (reserved)", 0, 7, anyField, 0),

	// c1: system control.
	{name: "SCTLR", crn: 1, crm: 0, opc2: 0, field: func(p *cp15) *uint32 { return &p.sctlr }, reset: sctlrResetValue, write: writeSCTLR},
	rw("ACTLR", 1, 0, 1, func(p *cp15) *uint32 { return &p.actlr }, 0, actlrRst),
	rw("CPACR", 1, 0, 2, func(p *cp15) *uint32 { return &p.cpacr }, 0x00F00000, 0), // only cp10 and cp11 exist
	rw("SCR", 1, 1, 0, func(p *cp15) *uint32 { return &p.scr }, 0x7F, 0),
	rw("SDER", 1, 1, 1, func(p *cp15) *uint32 { return &p.sder }, 3, 0),
	rw("NSACR", 1, 1, 2, func(p *cp15) *uint32 { return &p.nsacr }, 0x00073FFF, 0),

	// c2, c3: translation table bases and control, domain access.
	{name: "TTBR0", crn: 2, crm: 0, opc2: 0, field: func(p *cp15) *uint32 { return &p.ttbr0 },
		write: func(c *CPU, _ cpReg, v uint32) { c.cp15.ttbr0 = v; c.endBlock() }},
	{name: "TTBR1", crn: 2, crm: 0, opc2: 1, field: func(p *cp15) *uint32 { return &p.ttbr1 },
		write: func(c *CPU, _ cpReg, v uint32) { c.cp15.ttbr1 = v; c.endBlock() }},
	{name: "TTBCR", crn: 2, crm: 0, opc2: 2, field: func(p *cp15) *uint32 { return &p.ttbcr },
		write: func(c *CPU, _ cpReg, v uint32) { c.cp15.ttbcr = v & 0x37; c.flushTLB(); c.endBlock() }},
	{name: "DACR", crn: 3, crm: 0, opc2: 0, field: func(p *cp15) *uint32 { return &p.dacr }, write: writeDACR},

	// c5, c6: fault status and address.
	rw("DFSR", 5, 0, 0, func(p *cp15) *uint32 { return &p.dfsr }, 0x1CFF, 0),
	rw("IFSR", 5, 0, 1, func(p *cp15) *uint32 { return &p.ifsr }, 0x140F, 0),
	rw("DFAR", 6, 0, 0, func(p *cp15) *uint32 { return &p.dfar }, 0, 0),
	rw("WFAR", 6, 0, 1, func(p *cp15) *uint32 { return &p.wfar }, 0, 0),
	rw("IFAR", 6, 0, 2, func(p *cp15) *uint32 { return &p.ifar }, 0, 0),

	// c7: cache maintenance, barriers, WFI, VA to PA translation. No
	// caches are modelled; the decoded-instruction cache is kept coherent
	// by the store path, so cache operations (c5, c6, c7, c10, c11, c13,
	// c14) are accepted and do nothing.
	op("WFI", 7, 0, 4, func(c *CPU, _ cpReg, _ uint32) { c.waitForInterrupt() }),
	{name: "PAR", crn: 7, crm: 4, opc2: 0, field: func(p *cp15) *uint32 { return &p.par }},
	{name: "ISB", crn: 7, crm: 5, opc2: 4, pl0W: true, write: endBlockOp}, // flush prefetch buffer
	op("VA2PA priv read", 7, 8, 0, va2pa), op("VA2PA priv write", 7, 8, 1, va2pa),
	op("VA2PA user read", 7, 8, 2, va2pa), op("VA2PA user write", 7, 8, 3, va2pa),
	{name: "VA2PA (undefined)", crn: 7, crm: 8, opc2: anyField},
	{name: "DSB", crn: 7, crm: 10, opc2: 4, pl0W: true, write: nop},
	{name: "DMB", crn: 7, crm: 10, opc2: 5, pl0W: true, write: nop},
	{name: "cache dirty status", crn: 7, crm: 10, opc2: 6, isVal: true, write: nop},
	{name: "block transfer status", crn: 7, crm: 12, opc2: 4, isVal: true, write: nop},
	{name: "block transfer status", crn: 7, crm: 12, opc2: 5, isVal: true, write: nop},
	op("cache maintenance", 7, anyField, anyField, nop),

	// c8: TLB maintenance (c5 instruction, c6 data, c7 unified).
	op("TLBIALL", 8, 5, 0, tlbOp), op("TLBIMVA", 8, 5, 1, tlbOp), op("TLBIASID", 8, 5, 2, tlbOp), op("TLBIMVAA", 8, 5, 3, tlbOp),
	op("TLBIALL", 8, 6, 0, tlbOp), op("TLBIMVA", 8, 6, 1, tlbOp), op("TLBIASID", 8, 6, 2, tlbOp), op("TLBIMVAA", 8, 6, 3, tlbOp),
	op("TLBIALL", 8, 7, 0, tlbOp), op("TLBIMVA", 8, 7, 1, tlbOp), op("TLBIASID", 8, 7, 2, tlbOp), op("TLBIMVAA", 8, 7, 3, tlbOp),

	// c9: cache lockdown and TCM regions.
	rw("DCLR", 9, 0, 0, func(p *cp15) *uint32 { return &p.dcacheLock }, 0, 0),
	rw("ICLR", 9, 0, 1, func(p *cp15) *uint32 { return &p.icacheLck }, 0, 0),
	rw("DTCMRR", 9, 1, 0, func(p *cp15) *uint32 { return &p.dtcm }, 0, 0x14), // 16 KiB, disabled
	rw("ITCMRR", 9, 1, 1, func(p *cp15) *uint32 { return &p.itcm }, 0, 0x14),
	rw("TCMSR", 9, 2, 0, func(p *cp15) *uint32 { return &p.tcmsel }, 1, 0),

	// c10: TLB lockdown, memory region remap.
	rw("TLBLR", 10, 0, 0, func(p *cp15) *uint32 { return &p.tlbLock }, 0, 0),
	rw("PRRR", 10, 2, 0, func(p *cp15) *uint32 { return &p.prrr }, 0, 0x000A81A4),
	rw("NMRR", 10, 2, 1, func(p *cp15) *uint32 { return &p.nmrr }, 0, 0x44E048E0),

	// c11: DMA registers, one per CRm (stored, not acted upon).
	{name: "DMA", crn: 11, crm: anyField, opc2: anyField,
		read:  func(c *CPU, r cpReg) uint32 { return c.cp15.dmaRegs[r.crm] },
		write: func(c *CPU, r cpReg, v uint32) { c.cp15.dmaRegs[r.crm] = v }},

	// c12: vector bases, interrupt status.
	rw("VBAR", 12, 0, 0, func(p *cp15) *uint32 { return &p.vbarReg }, ^uint32(0x1F), 0),
	rw("MVBAR", 12, 0, 1, func(p *cp15) *uint32 { return &p.mvbar }, ^uint32(0x1F), 0),
	{name: "ISR", crn: 12, crm: 1, opc2: 0, read: func(c *CPU, _ cpReg) uint32 {
		var v uint32 // pending A, I, F
		if c.fiqLine {
			v |= 1 << 6
		}
		if c.irqLine {
			v |= 1 << 7
		}
		return v
	}},

	// c13: process, context and thread IDs.
	{name: "FCSEIDR", crn: 13, crm: 0, opc2: 0, field: func(p *cp15) *uint32 { return &p.fcse }, write: writeFCSE},
	{name: "CONTEXTIDR", crn: 13, crm: 0, opc2: 1, field: func(p *cp15) *uint32 { return &p.contextidr }, write: writeCONTEXTIDR},
	{name: "TPIDRURW", crn: 13, crm: 0, opc2: 2, pl0R: true, pl0W: true, field: func(p *cp15) *uint32 { return &p.tpidrurw }},
	{name: "TPIDRURO", crn: 13, crm: 0, opc2: 3, pl0R: true, field: func(p *cp15) *uint32 { return &p.tpidruro }},
	rw("TPIDRPRW", 13, 0, 4, func(p *cp15) *uint32 { return &p.tpidrprw }, 0, 0),

	// c15: performance monitor; the rest of c15 (test and validation
	// registers) reads as zero and ignores writes.
	{name: "PMNC", crn: 15, crm: 12, opc2: 0, field: func(p *cp15) *uint32 { return &p.pmnc }, write: writePMNC},
	{name: "CCNT", crn: 15, crm: 12, opc2: 1, read: func(c *CPU, _ cpReg) uint32 { return c.ccnt() },
		write: func(c *CPU, _ cpReg, v uint32) { c.setCCNT(v) }},
	rw("PMN0", 15, 12, 2, func(p *cp15) *uint32 { return &p.pmn0 }, 0, 0),
	rw("PMN1", 15, 12, 3, func(p *cp15) *uint32 { return &p.pmn1 }, 0, 0),
	{name: "PMU (reserved)", crn: 15, crm: 12, opc2: anyField, isVal: true, wi: true},
	{name: "implementation defined", crn: 15, crm: anyField, opc2: anyField, isVal: true, wi: true},
}

// cp15Index is cp15Table by CRn, CRm and opc2.
var cp15Index [16 * 16 * 8]*cp15Reg

func cp15Key(crn, crm, opc2 uint32) uint32 { return crn<<7 | crm<<3 | opc2 }

func init() {
	for i := range cp15Table {
		e := &cp15Table[i]
		for crm := uint32(0); crm < 16; crm++ {
			for opc2 := uint32(0); opc2 < 8; opc2++ {
				k := cp15Key(uint32(e.crn), crm, opc2)
				if (e.crm == anyField || uint32(e.crm) == crm) && (e.opc2 == anyField || uint32(e.opc2) == opc2) && cp15Index[k] == nil {
					cp15Index[k] = e
				}
			}
		}
	}
}

// cp15Lookup returns the entry of a register, or nil.
func cp15Lookup(r cpReg) *cp15Reg {
	if r.opc1 != 0 {
		return nil
	}
	return cp15Index[cp15Key(r.crn, r.crm, r.opc2)]
}

// cp15Read implements MRC p15. ok=false makes the instruction UNDEF.
func (c *CPU) cp15Read(r cpReg) (uint32, bool) {
	e := cp15Lookup(r)
	if e == nil || !e.readable() || !e.pl0R && !c.privileged() {
		return 0, false
	}
	switch {
	case e.read != nil:
		return e.read(c, r), true
	case e.field != nil:
		return *e.field(&c.cp15), true
	}
	return e.value, true
}

// cp15Write implements MCR p15. ok=false makes the instruction UNDEF.
func (c *CPU) cp15Write(r cpReg, v uint32) bool {
	e := cp15Lookup(r)
	if e == nil || !e.writable() || !e.pl0W && !c.privileged() {
		return false
	}
	switch {
	case e.write != nil:
		e.write(c, r, v)
	case e.field != nil:
		if e.wmask != 0 {
			v &= e.wmask
		}
		*e.field(&c.cp15) = v
	}
	return true
}

func (p *cp15) reset() {
	*p = cp15{}
	for i := range cp15Table {
		if e := &cp15Table[i]; e.field != nil {
			*e.field(p) = e.reset
		}
	}
}

func writeSCTLR(c *CPU, _ cpReg, v uint32) {
	p := &c.cp15
	old := p.sctlr
	p.sctlr = v&sctlrWritableMsk | sctlrResetValue&^sctlrWritableMsk
	if old != p.sctlr {
		c.mmu.update(c)
		c.flushTLB()
		c.endBlock()
	}
}

// writeDACR switches the soft TLB to the entries made under the new value
// (see tlbCtx): nothing is flushed.
func writeDACR(c *CPU, _ cpReg, v uint32) {
	if c.cp15.dacr != v {
		c.cp15.dacr = v
		c.switchDACR()
		c.endBlock()
	}
}

func writeFCSE(c *CPU, _ cpReg, v uint32) {
	if nv := v & 0xFE000000; nv != c.cp15.fcse {
		c.cp15.fcse = nv
		c.flushTLB()
		c.endBlock()
	}
}

func writeCONTEXTIDR(c *CPU, _ cpReg, v uint32) {
	p := &c.cp15
	if v != p.contextidr {
		old := p.asid()
		p.contextidr = v
		if old != p.asid() {
			c.flushTLBMatching(func(e *tlbEntry) bool { return !e.global })
			c.endBlock()
		}
	}
}

func writePMNC(c *CPU, _ cpReg, v uint32) {
	p := &c.cp15
	if v&4 != 0 {
		c.setCCNT(0)
	}
	if v&2 != 0 {
		p.pmn0, p.pmn1 = 0, 0
	}
	ccnt := c.ccnt()
	p.pmnc = v &^ 6 &^ (v & 0x700) // write 1 to clear overflow flags
	c.setCCNT(ccnt)
}

// va2pa is the c7, c8 VA to PA translation in the current world: opc2 0
// privileged read, 1 privileged write, 2 user read, 3 user write.
func va2pa(c *CPU, r cpReg, v uint32) {
	kind := accRead
	if r.opc2&1 != 0 {
		kind = accWrite
	}
	res, fsr, ok := c.translate(v, kind, r.opc2 >= 2)
	if ok {
		c.cp15.par = res.pa &^ 0xFFF // attributes not modelled
	} else {
		c.cp15.par = (fsr&0xF|fsr>>6&0x10)<<1 | 1
	}
}

// tlbOp is a c8 TLB maintenance operation: opc2 0 all, 1 by MVA and ASID,
// 2 by ASID, 3 by MVA for all ASIDs.
func tlbOp(c *CPU, r cpReg, v uint32) {
	switch r.opc2 {
	case 0:
		c.flushTLB()
	case 1:
		c.flushTLBMVA(v&^0xFFF, uint8(v), true)
	case 2:
		c.flushTLBASID(uint8(v))
	case 3:
		c.flushTLBMVA(v&^0xFFF, 0, false)
	}
	c.endBlock()
}
