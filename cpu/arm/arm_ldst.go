package arm

// ARM-state single loads and stores (DDI 0100I A4.1: LDR, LDRB, LDRBT,
// LDRT, STR, STRB, STRBT, STRT with addressing mode 2 (A5.2); LDRH, LDRSB,
// LDRSH, STRH, LDRD, STRD with addressing mode 3 (A5.3); SWP, SWPB;
// LDREX/STREX and the ARMv6K byte, halfword and doubleword exclusives).
//
// Aborts follow the base-restored model: a handler whose access aborts
// returns without writing any register (the memory layer has already taken
// the Data Abort).

// decodeLdSt decodes LDR/STR/LDRB/STRB (bits 27:26 = 01; the register form
// with bit 4 set is the media space, decoded elsewhere).
func decodeLdSt(op uint32) handler {
	p := op >> 24 & 1
	w := op >> 21 & 1
	l := op >> 20 & 1
	rt := op >> 12 & 0xF
	rn := op >> 16 & 0xF
	if p == 0 && w == 1 {
		return ldstUser // LDRT, LDRBT, STRT, STRBT
	}
	if l == 1 && rt == 15 || rn == 15 && (p == 0 || w == 1) {
		return ldstGeneric
	}
	var idx uint32
	switch {
	case p == 0:
		idx = 2
	case w == 1:
		idx = 1
	}
	form := op >> 25 & 1
	sz := op >> 22 & 1
	u := op >> 23 & 1
	return ldstHandlers[(((l*2+sz)*2+form)*3+idx)*2+u]
}

// ldstOffset returns the addressing-mode-2 offset of op.
func (c *CPU) ldstOffset(op uint32) uint32 {
	if op&(1<<25) == 0 {
		return op & 0xFFF
	}
	v, _ := shiftImm(c.R[op&0xF], op>>5&3, op>>7&0x1F, c.C)
	return v
}

// ldstAddr returns the address accessed and the written-back base for an
// addressing mode 2 or 3 instruction with offset off.
func (c *CPU) ldstAddr(op, off uint32) (addr, wb uint32) {
	base := c.R[op>>16&0xF]
	if op&(1<<23) != 0 {
		wb = base + off
	} else {
		wb = base - off
	}
	if op&(1<<24) != 0 {
		return wb, wb
	}
	return base, wb
}

// writeBack writes a base register; writing back to the PC
// (UNPREDICTABLE) branches there.
func (c *CPU) writeBack(rn, v uint32) {
	if rn == 15 {
		c.writePC(v)
		return
	}
	c.R[rn] = v
}

// loadResult writes a loaded value to Rt; a load to the PC interworks
// (ARMv5 and later).
func (c *CPU) loadResult(rt, v uint32) {
	if rt == 15 {
		c.loadWritePC(v)
		return
	}
	c.R[rt] = v
}

// ldstGeneric handles every LDR/STR/LDRB/STRB form, including loads to the
// PC and writeback to the PC.
func ldstGeneric(c *CPU, op uint32) {
	addr, wb := c.ldstAddr(op, c.ldstOffset(op))
	rn, rt := op>>16&0xF, op>>12&0xF
	writeback := op&(1<<24) == 0 || op&(1<<21) != 0
	if op&(1<<20) != 0 {
		var v uint32
		var ok bool
		if op&(1<<22) != 0 {
			v, ok = c.ld8(addr)
		} else {
			v, ok = c.ld32(addr)
		}
		if !ok {
			return
		}
		if writeback {
			c.writeBack(rn, wb)
		}
		c.loadResult(rt, v)
		return
	}
	var ok bool
	if op&(1<<22) != 0 {
		ok = c.st8(addr, c.R[rt])
	} else {
		ok = c.st32(addr, c.R[rt])
	}
	if ok && writeback {
		c.writeBack(rn, wb)
	}
}

// ldstUser is LDRT, LDRBT, STRT, STRBT: post-indexed, with the access
// checked as if in User mode.
func ldstUser(c *CPU, op uint32) {
	addr, wb := c.ldstAddr(op, c.ldstOffset(op))
	rn, rt := op>>16&0xF, op>>12&0xF
	if op&(1<<20) != 0 {
		var v uint32
		var ok bool
		if op&(1<<22) != 0 {
			v, ok = c.ld8T(addr)
		} else {
			v, ok = c.ld32T(addr)
		}
		if !ok {
			return
		}
		c.writeBack(rn, wb)
		c.loadResult(rt, v)
		return
	}
	var ok bool
	if op&(1<<22) != 0 {
		ok = c.st8T(addr, c.R[rt])
	} else {
		ok = c.st32T(addr, c.R[rt])
	}
	if ok {
		c.writeBack(rn, wb)
	}
}

// decodeMulExtra decodes bits 27:25 = 000 with bits 7 and 4 set: multiplies,
// SWP, exclusives and the extra loads/stores (A3.1 figure A3-2/A3-3).
func decodeMulExtra(op uint32) handler {
	if op>>5&3 == 0 {
		if op&(1<<24) == 0 {
			return decodeMul(op)
		}
		return decodeSyncPrim(op)
	}
	// Extra loads/stores: SH (bits 6:5) 01 H, 10 SB or D, 11 SH or D.
	p := op >> 24 & 1
	w := op >> 21 & 1
	if op&(1<<22) == 0 && op&0xF00 != 0 {
		return opUndef // register form: bits 11:8 SBZ
	}
	l := op >> 20 & 1
	if p == 0 && w == 1 {
		// UNPREDICTABLE in DDI 0100I; QEMU (and ARMv6T2) execute the
		// unprivileged LDRHT, LDRSBT, LDRSHT, STRHT forms.
		if l == 0 && op>>5&3 != 1 {
			return opUndef
		}
		return opExtraUser
	}
	rt := op >> 12 & 0xF
	switch op >> 5 & 3 {
	case 1:
		if l != 0 {
			return opLDRH
		}
		return opSTRH
	case 2:
		if l != 0 {
			return opLDRSB
		}
		if rt&1 != 0 {
			return opUndef
		}
		return opLDRD
	default:
		if l != 0 {
			return opLDRSH
		}
		if rt&1 != 0 {
			return opUndef
		}
		return opSTRD
	}
}

// extraAddr computes an addressing mode 3 address.
func (c *CPU) extraAddr(op uint32) (addr, wb uint32) {
	var off uint32
	if op&(1<<22) != 0 {
		off = op>>4&0xF0 | op&0xF
	} else {
		off = c.R[op&0xF]
	}
	return c.ldstAddr(op, off)
}

// extraWriteBack performs the writeback of an addressing mode 3
// instruction, if any.
func (c *CPU) extraWriteBack(op, wb uint32) {
	if op&(1<<24) == 0 || op&(1<<21) != 0 {
		c.writeBack(op>>16&0xF, wb)
	}
}

func opLDRH(c *CPU, op uint32) {
	addr, wb := c.extraAddr(op)
	v, ok := c.ld16(addr)
	if !ok {
		return
	}
	c.extraWriteBack(op, wb)
	c.loadResult(op>>12&0xF, v)
}

func opLDRSH(c *CPU, op uint32) {
	addr, wb := c.extraAddr(op)
	v, ok := c.ld16(addr)
	if !ok {
		return
	}
	c.extraWriteBack(op, wb)
	c.loadResult(op>>12&0xF, uint32(int32(int16(v))))
}

func opLDRSB(c *CPU, op uint32) {
	addr, wb := c.extraAddr(op)
	v, ok := c.ld8(addr)
	if !ok {
		return
	}
	c.extraWriteBack(op, wb)
	c.loadResult(op>>12&0xF, uint32(int32(int8(v))))
}

func opSTRH(c *CPU, op uint32) {
	addr, wb := c.extraAddr(op)
	if !c.st16(addr, c.R[op>>12&0xF]) {
		return
	}
	c.extraWriteBack(op, wb)
}

// opLDRD loads Rt and Rt+1 (Rt even). The two words are word-aligned
// accesses (doubleword alignment is not required on ARMv6 with SCTLR.U=1).
func opLDRD(c *CPU, op uint32) {
	addr, wb := c.extraAddr(op)
	lo, ok := c.ld32a(addr)
	if !ok {
		return
	}
	hi, ok := c.ld32a(addr + 4)
	if !ok {
		return
	}
	c.extraWriteBack(op, wb)
	rt := op >> 12 & 0xF
	c.R[rt] = lo
	c.setRd(rt+1, hi)
}

func opSTRD(c *CPU, op uint32) {
	addr, wb := c.extraAddr(op)
	rt := op >> 12 & 0xF
	if !c.st32a(addr, c.R[rt]) || !c.st32a(addr+4, c.R[rt+1]) {
		return
	}
	c.extraWriteBack(op, wb)
}

// opExtraUser is LDRHT, LDRSBT, LDRSHT, STRHT: post-indexed halfword and
// signed-byte accesses checked as if in User mode.
func opExtraUser(c *CPU, op uint32) {
	addr, wb := c.extraAddr(op)
	rn, rt := op>>16&0xF, op>>12&0xF
	if op&(1<<20) == 0 {
		if c.store(addr, 2, c.R[rt], flagUser) {
			c.writeBack(rn, wb)
		}
		return
	}
	var v uint32
	var ok bool
	switch op >> 5 & 3 {
	case 1:
		v, ok = c.load(addr, 2, flagUser)
	case 2:
		v, ok = c.ld8T(addr)
		v = uint32(int32(int8(v)))
	default:
		v, ok = c.load(addr, 2, flagUser)
		v = uint32(int32(int16(v)))
	}
	if !ok {
		return
	}
	c.writeBack(rn, wb)
	c.loadResult(rt, v)
}

// decodeSyncPrim decodes SWP/SWPB and the exclusives (bit 24 set, bits 7:4
// = 1001).
func decodeSyncPrim(op uint32) handler {
	if op&(1<<23) == 0 {
		// SWP: 0001 0B00 Rn Rt 0000 1001 Rt2
		if op&0x00B00F00 != 0 {
			return opUndef
		}
		if op&(1<<22) != 0 {
			return opSWPB
		}
		return opSWP
	}
	if op>>8&0xF != 0xF {
		return opUndef // load-acquire/store-release (ARMv8)
	}
	ld := op&(1<<20) != 0
	if ld && op&0xF != 0xF {
		return opUndef
	}
	rt := op & 0xF // STREX*: Rt in bits 3:0
	if ld {
		rt = op >> 12 & 0xF
	}
	switch op >> 21 & 3 {
	case 0:
		if ld {
			return opLDREX
		}
		return opSTREX
	case 1:
		if rt&1 != 0 {
			return opUndef
		}
		if ld {
			return opLDREXD
		}
		return opSTREXD
	case 2:
		if ld {
			return opLDREXB
		}
		return opSTREXB
	default:
		if ld {
			return opLDREXH
		}
		return opSTREXH
	}
}

// opSWP atomically loads [Rn] into Rt and stores Rt2 there. The word
// access must be aligned (QEMU faults unaligned SWP).
func opSWP(c *CPU, op uint32) {
	addr := c.R[op>>16&0xF]
	v, ok := c.load(addr, 4, flagAlign)
	if !ok {
		return
	}
	if !c.store(addr, 4, c.R[op&0xF], flagAlign) {
		return
	}
	c.setRd(op>>12&0xF, v)
}

func opSWPB(c *CPU, op uint32) {
	addr := c.R[op>>16&0xF]
	v, ok := c.ld8(addr)
	if !ok {
		return
	}
	if !c.st8(addr, c.R[op&0xF]) {
		return
	}
	c.setRd(op>>12&0xF, v)
}

func (c *CPU) ldrex(op uint32, size, fl int) {
	addr := c.R[op>>16&0xF]
	v, ok := c.load(addr, size, fl|flagExcl)
	if !ok {
		return
	}
	c.excl.valid, c.excl.addr = true, addr
	c.setRd(op>>12&0xF, v)
}

func opLDREX(c *CPU, op uint32)  { c.ldrex(op, 4, 0) }
func opLDREXB(c *CPU, op uint32) { c.ldrex(op, 1, 0) }
func opLDREXH(c *CPU, op uint32) { c.ldrex(op, 2, 0) }

func opLDREXD(c *CPU, op uint32) {
	addr := c.R[op>>16&0xF]
	lo, ok := c.load(addr, 4, flagExcl|flagAlign8)
	if !ok {
		return
	}
	hi, ok := c.load(addr+4, 4, flagExcl)
	if !ok {
		return
	}
	c.excl.valid, c.excl.addr = true, addr
	rt := op >> 12 & 0xF
	c.R[rt] = lo
	c.setRd(rt+1, hi)
}

// strex performs the store of a STREX* if the monitor is open for the
// address; Rd = 0 on success, 1 on failure. The monitor is always closed.
func (c *CPU) strex(op uint32, size, fl int) {
	addr := c.R[op>>16&0xF]
	rd := op >> 12 & 0xF
	if !c.excl.valid || c.excl.addr != addr {
		c.excl.valid = false
		c.setRd(rd, 1)
		return
	}
	if !c.store(addr, size, c.R[op&0xF], fl|flagExcl) {
		return
	}
	c.excl.valid = false
	c.setRd(rd, 0)
}

func opSTREX(c *CPU, op uint32)  { c.strex(op, 4, 0) }
func opSTREXB(c *CPU, op uint32) { c.strex(op, 1, 0) }
func opSTREXH(c *CPU, op uint32) { c.strex(op, 2, 0) }

func opSTREXD(c *CPU, op uint32) {
	addr := c.R[op>>16&0xF]
	rd := op >> 12 & 0xF
	if !c.excl.valid || c.excl.addr != addr {
		c.excl.valid = false
		c.setRd(rd, 1)
		return
	}
	rt := op & 0xF // even (checked by the decoder), so rt+1 <= 15
	if !c.store(addr, 4, c.R[rt], flagExcl|flagAlign8) {
		return
	}
	if !c.store(addr+4, 4, c.R[rt+1], flagExcl) {
		return
	}
	c.excl.valid = false
	c.setRd(rd, 0)
}
