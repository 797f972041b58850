package arm

// ARM-state block transfers (DDI 0100I A4.1.20-22 LDM (1)(2)(3), A4.1.97-98
// STM (1)(2); addressing mode 4, A5.4).
//
// Loaded values are collected first and committed only when every access
// succeeded, so an aborted LDM leaves all registers unchanged (the
// base-restored abort model).

import "math/bits"

// decodeLdmStm decodes bits 27:25 = 100.
func decodeLdmStm(op uint32) handler {
	list := op & 0xFFFF
	rn := op >> 16 & 0xF
	if list == 0 || rn == 15 {
		return opUndef
	}
	s := op&(1<<22) != 0
	w := op&(1<<21) != 0
	if op&(1<<20) != 0 {
		switch {
		case !s:
			if op>>23&3 == 1 && w && rn == 13 {
				return opPOP
			}
			return opLDM
		case list&0x8000 != 0:
			return opLDMExcRet
		case w:
			return opUndef // LDM (user) with writeback
		}
		return opLDMUser
	}
	switch {
	case !s:
		if op>>23&3 == 2 && w && rn == 13 {
			return opPUSH
		}
		return opSTM
	case w:
		return opUndef // STM (user) with writeback
	}
	return opSTMUser
}

// blockAddr returns the lowest address of an addressing mode 4 transfer
// and the written-back base.
func (c *CPU) blockAddr(op uint32) (start, wb uint32) {
	n := uint32(bits.OnesCount16(uint16(op))) * 4
	base := c.R[op>>16&0xF]
	switch op >> 23 & 3 {
	case 0: // DA
		return base - n + 4, base - n
	case 1: // IA
		return base, base + n
	case 2: // DB
		return base - n, base - n
	}
	return base + 4, base + n // IB
}

// loadBlock loads the registers of list from start into vals.
func (c *CPU) loadBlock(list, start uint32, vals *[16]uint32) bool {
	addr := start
	for l := list; l != 0; l &= l - 1 {
		v, ok := c.ld32a(addr)
		if !ok {
			return false
		}
		vals[bits.TrailingZeros32(l)] = v
		addr += 4
	}
	return true
}

func opLDM(c *CPU, op uint32) {
	var vals [16]uint32
	list := op & 0xFFFF
	start, wb := c.blockAddr(op)
	if !c.loadBlock(list, start, &vals) {
		return
	}
	if op&(1<<21) != 0 {
		c.R[op>>16&0xF] = wb
	}
	for l := list & 0x7FFF; l != 0; l &= l - 1 {
		i := bits.TrailingZeros32(l)
		c.R[i] = vals[i]
	}
	if list&0x8000 != 0 {
		c.loadWritePC(vals[15])
	}
}

// opPOP is LDMIA sp!, {...}.
func opPOP(c *CPU, op uint32) {
	list := op & 0xFFFF
	addr := c.R[13]
	if list&(1<<13) != 0 {
		opLDM(c, op)
		return
	}
	var vals [16]uint32
	for l := list; l != 0; l &= l - 1 {
		v, ok := c.ld32a(addr)
		if !ok {
			return
		}
		vals[bits.TrailingZeros32(l)] = v
		addr += 4
	}
	c.R[13] = addr
	for l := list & 0x7FFF; l != 0; l &= l - 1 {
		i := bits.TrailingZeros32(l)
		c.R[i] = vals[i]
	}
	if list&0x8000 != 0 {
		c.loadWritePC(vals[15])
	}
}

// opLDMUser is LDM (2): loads the User-mode registers (privileged only).
func opLDMUser(c *CPU, op uint32) {
	if c.mode == ModeUSR {
		c.undef()
		return
	}
	var vals [16]uint32
	list := op & 0xFFFF
	start, _ := c.blockAddr(op)
	if !c.loadBlock(list, start, &vals) {
		return
	}
	for l := list; l != 0; l &= l - 1 {
		i := bits.TrailingZeros32(l)
		c.setUserReg(i, vals[i])
	}
}

// opLDMExcRet is LDM (3): loads registers of the current mode and the PC,
// and restores the CPSR from the SPSR.
func opLDMExcRet(c *CPU, op uint32) {
	if c.mode == ModeUSR {
		c.undef()
		return
	}
	var vals [16]uint32
	list := op & 0xFFFF
	start, wb := c.blockAddr(op)
	if !c.loadBlock(list, start, &vals) {
		return
	}
	if op&(1<<21) != 0 {
		c.R[op>>16&0xF] = wb
	}
	for l := list & 0x7FFF; l != 0; l &= l - 1 {
		i := bits.TrailingZeros32(l)
		c.R[i] = vals[i]
	}
	c.exceptionReturn(vals[15], c.spsr())
}

// opSTM stores the registers of list; the PC is stored as its address + 8,
// and a base register in the list is stored with its original value.
func opSTM(c *CPU, op uint32) {
	list := op & 0xFFFF
	start, wb := c.blockAddr(op)
	addr := start
	for l := list; l != 0; l &= l - 1 {
		if !c.st32a(addr, c.R[bits.TrailingZeros32(l)]) {
			return
		}
		addr += 4
	}
	if op&(1<<21) != 0 {
		c.R[op>>16&0xF] = wb
	}
}

// opPUSH is STMDB sp!, {...}.
func opPUSH(c *CPU, op uint32) {
	list := op & 0xFFFF
	start := c.R[13] - uint32(bits.OnesCount16(uint16(list)))*4
	addr := start
	for l := list; l != 0; l &= l - 1 {
		if !c.st32a(addr, c.R[bits.TrailingZeros32(l)]) {
			return
		}
		addr += 4
	}
	c.R[13] = start
}

// opSTMUser is STM (2): stores the User-mode registers (privileged only).
func opSTMUser(c *CPU, op uint32) {
	if c.mode == ModeUSR {
		c.undef()
		return
	}
	list := op & 0xFFFF
	start, _ := c.blockAddr(op)
	addr := start
	for l := list; l != 0; l &= l - 1 {
		if !c.st32a(addr, c.userReg(bits.TrailingZeros32(l))) {
			return
		}
		addr += 4
	}
}
