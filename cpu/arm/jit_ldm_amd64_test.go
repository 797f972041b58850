//go:build amd64

package arm

import (
	"bytes"
	"os"
	"strconv"
	"testing"
)

// jitDiffScale is the multiplier of the random-block counts of the JIT
// differential tests (JIT_DIFF_SCALE, default 1).
func jitDiffScale() int {
	if v, err := strconv.Atoi(os.Getenv("JIT_DIFF_SCALE")); err == nil && v > 0 {
		return v
	}
	return 1
}

func TestJITDiffLdm(t *testing.T) {
	n := 1000 * jitDiffScale()
	jitDiffBlocks(t, jitClasses(t, "ldm-stm", "dp-imm"), n, 21)
	jitDiffBlocks(t, jitClasses(t, "ldm-stm", "ldm-pc", "dp-imm"), n, 22)
	jitDiffBlocks(t, jitClasses(t, "ldm-stm", "ldr-str-imm", "mul-mla", "dp-imm"), n/2, 23)
}

// jitPairMem is jitPair with initial registers, comparing memory too.
func jitPairMem(t *testing.T, budget uint64, regs map[int]uint32, ops ...uint32) (*CPU, *CPU) {
	t.Helper()
	ci, bi := aisaNew(ops...)
	cj, bj := aisaNew(ops...)
	if !cj.EnableJIT(true) {
		t.Skip("no JIT here")
	}
	cj.SetJITThreshold(1)
	for r, v := range regs {
		ci.R[r], cj.R[r] = v, v
	}
	ni := ci.Run(budget)
	nj := cj.Run(budget)
	si, sj := ci.State(), cj.State()
	if ni != nj || si != sj || !bytes.Equal(bi.mem, bj.mem) {
		t.Fatalf("interpreter ran %d, JIT %d (memory equal %v)\ninterp %x CPSR %08x\njit    %x CPSR %08x",
			ni, nj, bytes.Equal(bi.mem, bj.mem), si.R, si.CPSR, sj.R, sj.CPSR)
	}
	return ci, cj
}

// A push and a pop across a page boundary take the exit (slow) path; the
// same pair within a page runs inline.
func TestJITPushPopPageCross(t *testing.T) {
	prog := []uint32{
		0xe92d00ff, // push {r0-r7}
		0xe3a00000, // mov r0, #0
		0xe3a01000, // mov r1, #0
		0xe3a07000, // mov r7, #0
		0xe8bd00ff, // pop {r0-r7}
		0xe2588001, // subs r8, r8, #1
		0x1afffff8, // bne 0x1000
		0xeafffffe, // b .
	}
	regs := map[int]uint32{0: 0x11, 1: 0x22, 2: 0x33, 3: 0x44, 4: 0x55, 5: 0x66, 6: 0x77, 7: 0x88, 8: 10}
	var exits [2]uint64
	for k, sp := range []uint32{0x20010, 0x20020} {
		regs[13] = sp
		_, cj := jitPairMem(t, 200, regs, prog...)
		if cj.R[13] != sp || cj.R[0] != 0x11 || cj.R[7] != 0x88 || cj.R[8] != 0 {
			t.Fatalf("sp %#x: %x", sp, cj.R)
		}
		exits[k] = cj.JITStats().Exits
	}
	// 10 pushes and 10 pops exit when they cross the page; within it, only
	// the first of each (a cold soft TLB) does.
	if exits[0] < exits[1]+18 {
		t.Fatalf("exits: %d across the page, %d within", exits[0], exits[1])
	}
}

// POP {..., pc} returns to ARM code (chained natively) and to Thumb code
// (an exit with T set).
func TestJITPopPC(t *testing.T) {
	_, cj := jitPairMem(t, 400, map[int]uint32{13: 0x20000, 5: 20},
		0xeb000002, // 0x1000: bl 0x1010
		0xe2555001, // subs r5, r5, #1
		0x1afffffc, // bne 0x1000
		0xeafffffe, // b .
		0xe92d4030, // 0x1010: push {r4, r5, lr}
		0xe2800001, // add r0, r0, #1
		0xe8bd8030, // pop {r4, r5, pc}
	)
	if cj.R[0] != 20 || cj.R[5] != 0 || cj.PC() != 0x100c {
		t.Fatalf("r0 %d r5 %d pc %#x", cj.R[0], cj.R[5], cj.PC())
	}

	// POP {pc} of an odd address: Thumb.
	ci, cj := jitPairMem(t, 50, map[int]uint32{13: 0x20000, 1: 0x1011},
		0xe52d1004, // push {r1}
		0xe3a00000, // mov r0, #0
		0xe8bd8000, // pop {pc}
		0xeafffffe, // b .
		0xe7fe202a, // 0x1010: movs r0, #42; b .
	)
	if !cj.T || cj.R[0] != 42 || cj.PC() != 0x1012 || ci.PC() != 0x1012 {
		t.Fatalf("T %v r0 %d pc %#x", cj.T, cj.R[0], cj.PC())
	}
	// POP {r4, pc} of an address with bit 1 set: ARM, aligned down.
	_, cj = jitPairMem(t, 50, map[int]uint32{13: 0x20000},
		0xe3a03007, // mov r3, #7
		0xe3a04a01, // mov r4, #0x1000
		0xe284401a, // add r4, r4, #0x1a
		0xe88d0018, // stmia sp, {r3, r4}
		0xe8bd8010, // pop {r4, pc}
		0xeafffffe, // b .
		0xe3a00009, // 0x1018: mov r0, #9
		0xeafffffe, // b .
	)
	if cj.T || cj.R[0] != 9 || cj.R[4] != 7 || cj.PC() != 0x101c || cj.R[13] != 0x20008 {
		t.Fatalf("T %v r0 %d r4 %#x pc %#x", cj.T, cj.R[0], cj.R[4], cj.PC())
	}
}

// STM of the PC stores the instruction's address + 8; STM with Rn the
// lowest register and writeback stores Rn's original value.
func TestJITStmPCAndBase(t *testing.T) {
	_, cj := jitPairMem(t, 20, map[int]uint32{0: 0x9000, 1: 5},
		0xe1a00000, // nop
		0xe8a08003, // stmia r0!, {r0, r1, pc}
		0xe9300006, // ldmdb r0!, {r1, r2}
		0xeafffffe, // b .
	)
	if cj.R[1] != 5 || cj.R[2] != 0x100c || cj.R[0] != 0x9004 {
		t.Fatalf("%x", cj.R)
	}
}

// An LDM whose second word faults (MMU on, translation fault on the next
// page) aborts exactly as in the interpreter: FSR, FAR, PC, count, and
// registers unchanged.
func TestJITLdmFaultSecondWord(t *testing.T) {
	setup := func() (*CPU, *aisaBus) {
		c, b := tlbTestCPU(t)
		// 0x00308000 -> PA 0x8000 (page 8 of the coarse table); page 9
		// is unmapped.
		for i, op := range []uint32{
			0xe5903000, // ldr r3, [r0] (fills the TLB entry)
			0xe8900003, // ldmia r0, {r0, r1}
			0xe2822001, // add r2, r2, #1
			0xeafffffe, // b .
		} {
			b.put32(aisaCode+4*uint32(i), op)
		}
		c.R[0] = 0x00308FFC
		c.R[2] = 0
		c.SetPC(aisaCode)
		return c, b
	}
	ci, _ := setup()
	cj, _ := setup()
	if !cj.EnableJIT(true) {
		t.Skip("no JIT here")
	}
	cj.SetJITThreshold(1)
	ni, nj := ci.Run(10), cj.Run(10)
	si, sj := ci.State(), cj.State()
	if ni != nj || si != sj {
		t.Fatalf("interp ran %d, jit %d\ninterp %x DFSR %#x DFAR %#x\njit    %x DFSR %#x DFAR %#x",
			ni, nj, si.R, si.CP15.DFSR, si.CP15.DFAR, sj.R, sj.CP15.DFSR, sj.CP15.DFAR)
	}
	if sj.CP15.DFAR != 0x00309000 || cj.Mode() != ModeABT || cj.R[14] != 0x100c || sj.R[0] != 0x00308FFC || sj.R[2] != 0 {
		t.Fatalf("DFAR %#x mode %#x lr %#x r0 %#x r2 %d", sj.CP15.DFAR, cj.Mode(), cj.R[14], sj.R[0], sj.R[2])
	}
	if sj.CP15.DFSR&0xF != 7 { // translation fault, page
		t.Fatalf("DFSR %#x", sj.CP15.DFSR)
	}
}

// BenchmarkJITCalls runs a call-heavy loop (BL to a function that pushes,
// computes and pops the PC) on the interpreter and on the JIT. Every
// instruction of the loop is one this branch translates.
func BenchmarkJITCalls(b *testing.B) {
	prog := []uint32{
		0xeb000000, // 0x1000: bl 0x1008
		0xeafffffd, // b 0x1000
		0xe92d4070, // 0x1008: push {r4, r5, r6, lr}
		0xe0200291, // mla r0, r1, r2, r0
		0xe6ef3070, // uxtb r3, r0
		0xe8bd8070, // pop {r4, r5, r6, pc}
	}
	for _, jit := range []bool{false, true} {
		name := "interp"
		if jit {
			name = "jit"
		}
		b.Run(name, func(b *testing.B) {
			c, _ := aisaNew(prog...)
			c.R[13] = 0x80000
			if jit && !c.EnableJIT(true) {
				b.Skip("no JIT here")
			}
			c.Run(10000) // warm up (translate)
			b.ReportAllocs()
			b.ResetTimer()
			n := c.Run(uint64(b.N))
			b.StopTimer()
			if c.PC() < aisaCode || c.PC() > aisaCode+0x20 || c.R[13] != 0x80000 && c.R[13] != 0x80000-16 {
				b.Fatalf("left the loop: pc %#x sp %#x", c.PC(), c.R[13])
			}
			if el := b.Elapsed().Seconds(); el > 0 {
				b.ReportMetric(float64(n)/el/1e6, "MIPS")
			}
		})
	}
}
