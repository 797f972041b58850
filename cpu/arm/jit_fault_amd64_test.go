//go:build amd64

package arm

// Fault and event tests of the JIT tier against the interpreter (issue
// 15, "How it is proven"): data aborts inside translated blocks with the
// MMU on, prefetch aborts at chained branches, interrupts raised and slices
// shortened by MMIO accesses mid-slice, code modified in place (by the
// running block, by another block, by DMA between runs), pages remapped
// under running code, ASID and SCTLR changes, and every Run budget over one
// program. Each test runs the same program on a CPU with the JIT
// (threshold 1) and one without, and compares the full State(), the count
// each Run returned and the memory after every Run.

import (
	"bytes"
	"testing"
)

// jfPair is two machines (interpreter, JIT) running the same program.
type jfPair struct {
	t      *testing.T
	ci, cj *CPU
	bi, bj *jitTestBus
	runs   int
}

// newJFPair builds both machines: setup fills each bus (RAM of jdRAM
// bytes) and may install its MMIO device, given the CPU on that bus.
func newJFPair(t *testing.T, setup func(b *jitTestBus, c **CPU)) *jfPair {
	t.Helper()
	p := &jfPair{t: t, bi: newJITTestBus(jdRAM), bj: newJITTestBus(jdRAM)}
	var ci, cj *CPU
	setup(p.bi, &ci)
	setup(p.bj, &cj)
	ci, cj = New(p.bi), New(p.bj)
	p.ci, p.cj = ci, cj
	if !cj.EnableJIT(true) {
		t.Skip("no JIT here")
	}
	cj.SetJITThreshold(1)
	return p
}

// each applies f to both machines.
func (p *jfPair) each(f func(c *CPU, b *jitTestBus)) {
	f(p.ci, p.bi)
	f(p.cj, p.bj)
}

// run runs both machines for budget and fails on any difference.
func (p *jfPair) run(budget uint64) uint64 {
	p.t.Helper()
	p.runs++
	ni, nj := p.ci.Run(budget), p.cj.Run(budget)
	if d := stateDiff(p.ci.State(), p.cj.State()); d != "" || ni != nj {
		p.t.Fatalf("run %d (budget %d): interpreter ran %d, JIT %d\n%s", p.runs, budget, ni, nj, d)
	}
	if !bytes.Equal(p.bi.mem, p.bj.mem) {
		for i := range p.bi.mem {
			if p.bi.mem[i] != p.bj.mem[i] {
				p.t.Fatalf("run %d: memory differs first at %#x: interpreter %02x, JIT %02x", p.runs, i, p.bi.mem[i], p.bj.mem[i])
			}
		}
	}
	return ni
}

// native fails unless the JIT side ran generated code.
func (p *jfPair) native() {
	p.t.Helper()
	if st := p.cj.JITStats(); st.Entries == 0 || st.Blocks == 0 {
		p.t.Fatalf("the JIT never ran generated code: %+v", st)
	}
}

// code writes ops at pa.
func (b *jitTestBus) code(pa uint32, ops ...uint32) {
	for i, op := range ops {
		b.put32(pa+4*uint32(i), op)
	}
}

// jfTables writes a first-level table at l1 whose first MiB goes through
// a coarse table at l2 mapping RAM flat with full access (AP=11, XP=1
// format), except the pages in over (VA page -> descriptor, 0: fault);
// plus the MMIO section.
func jfTables(b *jitTestBus, l1, l2 uint32, over map[uint32]uint32) {
	clear(b.mem[l1 : l1+0x4000])
	b.put32(l1, l2|1)
	b.put32(l1+4*(jdMMIO>>20), jdMMIO|1<<5|0xC02)
	for pg := uint32(0); pg < 256; pg++ {
		d := uint32(0)
		if pg<<12 < jdRAM {
			d = pg<<12 | 0x032
		}
		if v, ok := over[pg<<12]; ok {
			d = v
		}
		b.put32(l2+4*pg, d)
	}
}

// jfMMUOn sets the MMU state: translation at l1, domains 0 and 1 client.
func jfMMUOn(c *CPU, l1 uint32) {
	s := c.State()
	s.CP15.SCTLR = sctlrResetValue | sctlrU | sctlrXP | sctlrM
	s.CP15.TTBR0 = l1
	s.CP15.DACR = 0x55555555
	c.Restore(s)
}

// jfVectors puts "b ." at every vector: an exception ends Run there.
func jfVectors(b *jitTestBus) {
	for v := uint32(0); v < 0x20; v += 4 {
		b.put32(v, BranchSelf)
	}
}

func TestJITDataAbortInBlock(t *testing.T) {
	cases := []struct {
		name       string
		op         uint32 // at 0x1014, after a loop that warmed the block
		r3         uint32
		sctlrA     bool
		dfsr, dfar uint32
	}{
		{"store to unmapped page", 0xe5830000, 0x9004, false, 0x807, 0x9004},                         // str r0, [r3]
		{"load from unmapped page", 0xe5930000, 0x9ffc, false, 0x007, 0x9ffc},                        // ldr r0, [r3]
		{"store to read-only page", 0xe5830000, 0xA010, false, 0x80F, 0xA010},                        // str r0, [r3]
		{"byte store, no access page", 0xe5c30003, 0xB000, false, 0x80F, 0xB003},                     // strb r0, [r3, #3]
		{"load from a bus error (external)", 0xe5930000, jdMMIO + 0x10, false, 0x008, jdMMIO + 0x10}, // ldr r0, [r3]
		{"unaligned load, SCTLR.A", 0xe5930002, 0x8000, true, 0x001, 0x8002},                         // ldr r0, [r3, #2]
		{"post-indexed store, unmapped", 0xe4830004, 0x9000, false, 0x807, 0x9000},                   // str r0, [r3], #4
		{"ldm from unmapped page", 0xe8930003, 0x9000, false, 0x007, 0x9000},                         // ldm r3, {r0, r1}
		{"stmdb across into unmapped", 0xe9230003, 0x9004, false, 0x807, 0x9000},                     // stmdb r3!, {r0, r1}
		{"strh to read-only page", 0xe1c300b0, 0xA000, false, 0x80F, 0xA000},                         // strh r0, [r3]
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newJFPair(t, func(b *jitTestBus, _ **CPU) {
				jfVectors(b)
				jfTables(b, jdL1, jdL2, map[uint32]uint32{0x9000: 0, 0xA000: 0xA000 | 0x232, 0xB000: 0xB000 | 0x002})
				b.code(0x1000,
					0xe3a00000, // mov r0, #0
					0xe2800001, // add r0, r0, #1
					0xe5921000, // ldr r1, [r2]
					0xe3500003, // cmp r0, #3
					jdBranch(1, false, 0x1010, 0x1004),
					tc.op,
					0xe2800004, // add r0, r0, #4
					BranchSelf)
			})
			p.each(func(c *CPU, _ *jitTestBus) {
				jfMMUOn(c, jdL1)
				if tc.sctlrA {
					s := c.State()
					s.CP15.SCTLR |= sctlrA
					c.Restore(s)
				}
				c.R[2], c.R[3] = 0x8000, tc.r3
				c.SetPC(0x1000)
			})
			p.run(1000)
			p.native()
			s := p.cj.State()
			if s.R[15] != 0x10 || s.CPSR&0x1F != ModeABT || s.CP15.DFSR != tc.dfsr || s.CP15.DFAR != tc.dfar ||
				s.R[14] != 0x1014+8 || s.Insns != 1+4*3+1+1 {
				t.Errorf("PC %#x mode %#x DFSR %#x DFAR %#x LR_abt %#x Insns %d; want PC 0x10, Abort, DFSR %#x, DFAR %#x, LR 0x101c, Insns 15",
					s.R[15], s.CPSR&0x1F, s.CP15.DFSR, s.CP15.DFAR, s.R[14], s.Insns, tc.dfsr, tc.dfar)
			}
		})
	}
}

func TestJITPrefetchAbortAtChainedBranch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target uint32
		over   map[uint32]uint32
		ifsr   uint32
	}{
		{"unmapped page", 0x3000, map[uint32]uint32{0x3000: 0}, 0x007},
		{"execute-never page", 0x3000, map[uint32]uint32{0x3000: 0x3000 | 0x033}, 0x00F},
		{"outside RAM", 0x40000, nil, 0x007},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newJFPair(t, func(b *jitTestBus, _ **CPU) {
				jfVectors(b)
				jfTables(b, jdL1, jdL2, tc.over)
				// A loop in page 1, a call into page 2 (through the
				// dispatcher), which branches to the target.
				b.code(0x1000,
					0xe3a00000, // mov r0, #0
					0xe2800001, // add r0, r0, #1
					0xe3500003, // cmp r0, #3
					jdBranch(1, false, 0x100c, 0x1004),
					jdBranch(0xE, true, 0x1010, 0x2000))
				b.code(0x2000,
					0xe2800010, // add r0, r0, #16
					jdBranch(0xE, false, 0x2004, tc.target))
			})
			p.each(func(c *CPU, _ *jitTestBus) {
				jfMMUOn(c, jdL1)
				c.SetPC(0x1000)
			})
			p.run(1000)
			p.native()
			s := p.cj.State()
			if s.R[15] != 0xC || s.CPSR&0x1F != ModeABT || s.CP15.IFSR != tc.ifsr || s.CP15.IFAR != tc.target ||
				s.R[14] != tc.target+4 || s.R[0] != 19 {
				t.Errorf("PC %#x mode %#x IFSR %#x IFAR %#x LR_abt %#x r0 %d", s.R[15], s.CPSR&0x1F, s.CP15.IFSR, s.CP15.IFAR, s.R[14], s.R[0])
			}
		})
	}
}

// jfDevice is an MMIO register block at jdMMIO: a write of v to offset 0
// raises the IRQ line when v%5 == 0 and shortens the slice to v%4+1 more
// instructions when v%3 == 0; a write to offset 4 lowers the line; a read
// of offset 8 returns the instruction count (a device reading the
// virtual clock).
func jfDevice(c **CPU) func(off uint32, size int, v uint64, write bool) uint64 {
	return func(off uint32, size int, v uint64, write bool) uint64 {
		cpu := *c
		switch {
		case write && off == 0:
			if v%5 == 0 {
				cpu.SetIRQ(true)
			}
			if v%3 == 0 {
				cpu.LimitSlice(v%4 + 1)
			}
		case write && off == 4:
			cpu.SetIRQ(false)
		case !write && off == 8:
			return cpu.Insns
		}
		return 0
	}
}

func TestJITInterruptMidSlice(t *testing.T) {
	for _, mmu := range []bool{false, true} {
		p := newJFPair(t, func(b *jitTestBus, c **CPU) {
			b.mmio = jfDevice(c)
			jfVectors(b)
			jfTables(b, jdL1, jdL2, nil)
			b.put32(0x18, jdBranch(0xE, false, 0x18, 0x100))
			b.code(0x100,
				0xe5888004, // str r8, [r8, #4]: lower the line
				0xe2899001, // add r9, r9, #1
				0xe25ef004) // subs pc, lr, #4
			b.code(0x1000,
				0xe3a04101, // mov r4, #0x40000000
				0xe3a00000, // mov r0, #0
				0xe2800001, // add r0, r0, #1
				0xe5840000, // str r0, [r4]
				0xe5942008, // ldr r2, [r4, #8]
				0xe0833002, // add r3, r3, r2
				0xe0811000, // add r1, r1, r0
				jdBranch(0xE, false, 0x101c, 0x1008))
		})
		p.each(func(c *CPU, b *jitTestBus) {
			if mmu {
				jfMMUOn(c, jdL1)
			}
			s := c.State()
			s.CPSR = ModeSVC // IRQs enabled
			s.R[15] = 0x1000
			c.Restore(s)
			c.R[8] = jdMMIO
		})
		for _, budget := range []uint64{7, 1, 100, 3, 1000, 13, 10000} {
			p.run(budget)
		}
		p.native()
		if p.cj.R[9] == 0 {
			t.Errorf("mmu %v: no interrupt was taken", mmu)
		}
	}
}

func TestJITSelfModifyingCode(t *testing.T) {
	p := newJFPair(t, func(b *jitTestBus, _ **CPU) {
		jfVectors(b)
		b.code(0x1000,
			0xe5851000, // str r1, [r5]: patch 0x1014 (this block) with r1
			0xe2800001, // add r0, r0, #1
			0xe2800001, // add r0, r0, #1
			0xe2822001, // add r2, r2, #1
			0xe3520003, // cmp r2, #3
			0xe2800064, // add r0, r0, #100 (patched to add r0, r0, #7)
			jdBranch(0xB, false, 0x1018, 0x1000),
			0xe5861000, // str r1, [r6]: patch the block at 0x1800
			jdBranch(0xE, true, 0x1020, 0x1800),
			0xe2877001, // add r7, r7, #1
			0xe3570004, // cmp r7, #4
			jdBranch(0xB, false, 0x102c, 0x101c),
			BranchSelf)
		b.code(0x1800,
			0xe2800c01, // add r0, r0, #256 (patched to add r0, r0, #7)
			0xe12fff1e) // bx lr
	})
	p.each(func(c *CPU, _ *jitTestBus) {
		c.R[1] = 0xe2800007 // add r0, r0, #7
		c.R[5], c.R[6] = 0x1014, 0x1800
		c.SetPC(0x1000)
	})
	p.run(10000)
	p.native()
	if r0 := p.cj.R[0]; r0 != 3*2+3*7+4*7 {
		t.Errorf("r0 = %d, want %d (the patched instructions ran)", r0, 3*2+3*7+4*7)
	}

	// DMA between runs: a loop that has been translated changes under
	// the JIT; InvalidatePhys reports it.
	p = newJFPair(t, func(b *jitTestBus, _ **CPU) {
		jfVectors(b)
		b.code(0x1000,
			0xe2800001, // add r0, r0, #1
			0xe2811002, // add r1, r1, #2
			jdBranch(0xE, false, 0x1008, 0x1000))
	})
	p.each(func(c *CPU, _ *jitTestBus) { c.SetPC(0x1000) })
	p.run(100)
	p.native()
	p.each(func(c *CPU, b *jitTestBus) {
		b.put32(0x1004, 0xe2811c01) // add r1, r1, #256
		c.InvalidatePhys(0x1004, 4)
	})
	before := p.cj.R[1]
	p.run(99)
	if got := p.cj.R[1] - before; got != 33*256 {
		t.Errorf("after the DMA write r1 grew by %d, want %d", got, 33*256)
	}
}

func TestJITRemapUnderRunningCode(t *testing.T) {
	const l1b, l2b = 0x14000, 0x13000 // a second table (another process)
	p := newJFPair(t, func(b *jitTestBus, _ **CPU) {
		jfVectors(b)
		jfTables(b, jdL1, jdL2, map[uint32]uint32{0x3000: 0x5000 | 0x832}) // nG
		jfTables(b, l1b, l2b, map[uint32]uint32{0x3000: 0x6000 | 0x832})
		b.code(0x5000, 0xe2800001, 0xe12fff1e) // add r0, r0, #1; bx lr
		b.code(0x6000, 0xe2800010, 0xe12fff1e) // add r0, r0, #16; bx lr
		b.code(0x7000, 0xe2800c01, 0xe12fff1e) // add r0, r0, #256; bx lr
		b.code(0x3000, 0xe2800a01, 0xe12fff1e) // add r0, r0, #4096; bx lr
		b.code(0x1000,
			jdBranch(0xE, true, 0x1000, 0x3000), // VA 0x3000 -> PA 0x5000
			jdBranch(0xE, true, 0x1004, 0x3000),
			0xe58a1000,                          // str r1, [r10]: L2 entry of 0x3000 -> PA 0x7000
			0xee08bf37,                          // mcr p15, 0, r11, c8, c7, 1: TLB invalidate by MVA
			jdBranch(0xE, true, 0x1010, 0x3000), // -> 0x7000
			0xee026f10,                          // mcr p15, 0, r6, c2, c0, 0: TTBR0 = second table
			0xee0d7f30,                          // mcr p15, 0, r7, c13, c0, 1: ASID 1
			jdBranch(0xE, true, 0x101c, 0x3000), // -> 0x6000
			0xee029f10,                          // mcr p15, 0, r9, c2, c0, 0: TTBR0 = first table
			0xee0d8f30,                          // mcr p15, 0, r8, c13, c0, 1: ASID 0
			jdBranch(0xE, true, 0x1028, 0x3000), // -> 0x7000 (ASID 0 entries were dropped by MVA)
			0xee01cf10,                          // mcr p15, 0, r12, c1, c0, 0: SCTLR: MMU off
			jdBranch(0xE, true, 0x1030, 0x3000), // -> PA 0x3000
			0xe2833001,                          // add r3, r3, #1
			0xe3530002,                          // cmp r3, #2
			jdBranch(0xB, false, 0x103c, 0x1000),
			BranchSelf)
	})
	p.each(func(c *CPU, _ *jitTestBus) {
		jfMMUOn(c, jdL1)
		c.R[1] = 0x7000 | 0x832
		c.R[10] = jdL2 + 4*3
		c.R[11] = 0x3000
		c.R[6], c.R[7] = l1b, 1
		c.R[9], c.R[8] = jdL1, 0
		c.R[12] = sctlrResetValue | sctlrU | sctlrXP
		c.SetPC(0x1000)
	})
	p.run(13) // part of the way
	p.run(1000)
	p.native()
	// First pass: 1+1+256+16+256+4096; the second runs with the MMU off
	// throughout: 6 * 4096.
	if want := uint32(1 + 1 + 256 + 16 + 256 + 4096 + 6*4096); p.cj.R[0] != want {
		t.Errorf("r0 = %#x, want %#x (PC %#x, CPSR %#x, r3 %d)", p.cj.R[0], want, p.cj.PC(), p.cj.CPSR(), p.cj.R[3])
	}
}

// TestJITEveryBudget runs one program under every budget from 1 to N,
// repeatedly: each slice must end at the same instruction on both tiers.
func TestJITEveryBudget(t *testing.T) {
	prog := func(b *jitTestBus, _ **CPU) {
		jfVectors(b)
		b.code(0x1000,
			0xe3a00000, // mov r0, #0
			0xe2800001, // add r0, r0, #1
			0xe5921000, // ldr r1, [r2]
			0xe0811000, // add r1, r1, r0
			0xe5821000, // str r1, [r2]
			0xe3100001, // tst r0, #1
			0x12833001, // addne r3, r3, #1
			0xe350000a, // cmp r0, #10
			jdBranch(0xB, false, 0x1020, 0x1004),
			jdBranch(0xE, true, 0x1024, 0x1ff8), // straddles into page 2
			jdBranch(0xE, false, 0x1028, 0x1000))
		b.code(0x1ff8,
			0xe2844001, // add r4, r4, #1
			0xe2844001, // add r4, r4, #1
			0xe2844001, // add r4, r4, #1 (page 2)
			0xe12fff1e) // bx lr
	}
	for budget := uint64(1); budget <= 40; budget++ {
		p := newJFPair(t, prog)
		p.each(func(c *CPU, _ *jitTestBus) {
			c.R[2] = 0x8000
			c.SetPC(0x1000)
		})
		for total := uint64(0); total < 400; {
			total += p.run(budget)
		}
		if budget >= 20 {
			p.native()
		}
	}
}
