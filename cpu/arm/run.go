package arm

// The execution loop. Instructions come from the decoded-instruction
// cache (codecache.go), one block at a time. Interrupts are sampled between
// blocks (a block ends at a taken branch, an exception, a page boundary, or
// the instruction budget).

import "unsafe"

// Run executes instructions until about budget have retired, Stop is
// called, or the core halts in WFI with no interrupt to wake it. It returns
// the number of instructions retired.
func (c *CPU) Run(budget uint64) uint64 {
	start := c.Insns
	c.sliceEnd = start + budget
	c.stop.Store(false)
	for c.Insns < c.sliceEnd {
		end := c.sliceEnd
		if c.halted {
			if !c.fiqLine && !c.irqLine {
				break
			}
			c.halted = false
		}
		if c.irqPending() {
			c.takeInterrupt()
		}
		if c.hooks != nil && c.hookedAt(c.pc) {
			if !c.runHooked(end) {
				break
			}
		} else {
			c.runBlock(end)
		}
		if c.stop.Load() {
			break
		}
	}
	return c.Insns - start
}

// Step executes exactly one instruction (or takes one pending interrupt).
func (c *CPU) Step() {
	if c.halted && (c.fiqLine || c.irqLine) {
		c.halted = false
	}
	if c.halted {
		return
	}
	if c.irqPending() {
		c.takeInterrupt()
		return
	}
	c.execOne()
}

// runBlock executes instructions from c.pc, in the current instruction
// set, until the block ends: at the instruction budget, a page boundary, a
// branch out of the page or into the other instruction set, or when
// something asks for the loop to stop (c.limit = 0: an exception, a
// translation or code change, an interrupt request). Branches within the
// page stay in the loop. c.Insns is kept current so that devices reading
// the clock during an access see the right time.
//
// One loop serves ARM and Thumb: the slot array, the instruction size and
// the PC offset are chosen once per block. Thumb slots hold 16-bit
// opcodes, whose bits 31:28 are 0; condX turns them into the condition
// AL, so the ARM condition test passes them unchanged.
func (c *CPU) runBlock(end uint64) {
	pc := c.pc
	p := c.fetchPage(pc)
	if p == nil {
		c.pc = c.nextPC
		c.branched = false
		c.Insns++
		return
	}
	thumb := c.T
	// The slot of pc is at (pc & m) << k: 16-byte slots, one per word
	// (ARM: m = 0xFFC, k = 2) or halfword (Thumb: m = 0xFFE, k = 3). The
	// mask ignores the low PC bits as indexing by pc>>2 or pc>>1 would.
	var (
		slots       unsafe.Pointer
		m, k        uint32
		size, condX uint32
	)
	if thumb {
		if p.thumb == nil {
			p.thumb = newThumbPage()
		}
		slots, m, k, size, condX = unsafe.Pointer(p.thumb), 0xFFE, 3, 2, 0xE
	} else {
		slots, m, k, size, condX = unsafe.Pointer(&p.arm), 0xFFC, 2, 4, 0
	}
	c.limit = end
	if c.jit != nil && !thumb && c.jitEnter(p, pc) {
		return
	}
	n := c.Insns
	for {
		e := (*entry)(unsafe.Add(slots, uintptr(pc&m)<<k))
		c.R[15] = pc + 2*size
		op := e.op
		n++
		c.Insns = n
		if cond := op>>28 ^ condX; cond >= 0xE || c.condPass(cond) {
			e.fn(c, op)
			if c.branched {
				c.branched = false
				npc := c.nextPC
				if (npc^pc)&^0xFFF != 0 || c.T != thumb || n >= c.limit {
					pc = npc
					break
				}
				pc = npc
				if c.jit != nil && !thumb && c.jitEnter(p, pc) {
					return
				}
				continue
			}
		}
		pc += size
		if pc&0xFFF == 0 || n >= c.limit {
			break
		}
	}
	c.pc = pc
}

// execOne executes the single instruction at c.pc (debugging, tracing).
func (c *CPU) execOne() {
	pc := c.pc
	p := c.fetchPage(pc)
	c.Insns++
	if p == nil {
		c.pc = c.nextPC
		c.branched = false
		return
	}
	c.limit = ^uint64(0)
	if c.T {
		if p.thumb == nil {
			p.thumb = newThumbPage()
		}
		e := &p.thumb[pc>>1&2047]
		c.R[15] = pc + 4
		e.fn(c, e.op)
		pc += 2
	} else {
		e := &p.arm[pc>>2&1023]
		c.R[15] = pc + 8
		if cond := e.op >> 28; cond >= 0xE || c.condPass(cond) {
			e.fn(c, e.op)
		}
		pc += 4
	}
	if c.branched {
		c.branched = false
		pc = c.nextPC
	}
	c.pc = pc
}
