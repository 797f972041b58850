package arm

// ARM-state block transfers (DDI 0100I A4.1.20-22 LDM (1)(2)(3), A4.1.97-98
// STM (1)(2); addressing mode 4, A5.4).
//
// Loaded values are collected first and committed only when every access
// succeeded, so an aborted LDM leaves all registers unchanged (the
// base-restored abort model).

import (
	"math/bits"
	"unsafe"
)

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

// blockRAM returns the host memory holding the n words at va when they lie
// in one RAM page that the software TLB already maps for the access kind
// (the same conditions as the single-word fast paths in mem.go), or nil.
func (c *CPU) blockRAM(va, n uint32, write bool) unsafe.Pointer {
	if va&3 != 0 || c.E || va&0xFFF+4*n > 0x1000 {
		return nil
	}
	e := &c.tlb.r[va>>12&tlbMask]
	if write {
		e = &c.tlb.w[va>>12&tlbMask]
	}
	if e.tag != va&^0xFFF|1 || e.ptr == nil {
		return nil
	}
	return unsafe.Add(e.ptr, va&0xFFF)
}

// loadBlock loads the registers of list from start into vals.
func (c *CPU) loadBlock(list, start uint32, vals *[16]uint32) bool {
	if p := c.blockRAM(start, uint32(bits.OnesCount32(list)), false); p != nil {
		for l := list; l != 0; l &= l - 1 {
			vals[bits.TrailingZeros32(l)] = *(*uint32)(p)
			p = unsafe.Add(p, 4)
		}
		return true
	}
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
	if list&(1<<13) != 0 {
		opLDM(c, op)
		return
	}
	addr := c.R[13]
	n := uint32(bits.OnesCount32(list))
	if p := c.blockRAM(addr, n, false); p != nil {
		// Every word is readable: load straight into the registers.
		c.R[13] = addr + 4*n
		for l := list & 0x7FFF; l != 0; l &= l - 1 {
			c.R[bits.TrailingZeros32(l)] = *(*uint32)(p)
			p = unsafe.Add(p, 4)
		}
		if list&0x8000 != 0 {
			c.loadWritePC(*(*uint32)(p))
		}
		return
	}
	opLDM(c, op)
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
	if c.storeBlock(list, start) && op&(1<<21) != 0 {
		c.R[op>>16&0xF] = wb
	}
}

// storeBlock stores the registers of list from start; false after an
// abort.
func (c *CPU) storeBlock(list, start uint32) bool {
	if p := c.blockRAM(start, uint32(bits.OnesCount32(list)), true); p != nil {
		for l := list; l != 0; l &= l - 1 {
			*(*uint32)(p) = c.R[bits.TrailingZeros32(l)]
			p = unsafe.Add(p, 4)
		}
		return true
	}
	addr := start
	for l := list; l != 0; l &= l - 1 {
		if !c.st32a(addr, c.R[bits.TrailingZeros32(l)]) {
			return false
		}
		addr += 4
	}
	return true
}

// opPUSH is STMDB sp!, {...}.
func opPUSH(c *CPU, op uint32) {
	list := op & 0xFFFF
	start := c.R[13] - uint32(bits.OnesCount32(list))*4
	if c.storeBlock(list, start) {
		c.R[13] = start
	}
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
