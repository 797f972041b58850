//go:build amd64

package arm

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm/difftest"
)

// jitClasses returns the difftest classes with the given names.
func jitClasses(t *testing.T, names ...string) []difftest.Class {
	t.Helper()
	var out []difftest.Class
	for _, n := range names {
		found := false
		for _, c := range difftest.ARMClasses {
			if c.Name == n {
				out = append(out, c)
				found = true
			}
		}
		if !found {
			t.Fatalf("no class %q", n)
		}
	}
	return out
}

// jitScale multiplies a test's default size by $JIT_DIFF_SCALE (for long
// runs: JIT_DIFF_SCALE=20 runs 20 times as many blocks).
func jitScale(n int) int {
	if s, err := strconv.Atoi(os.Getenv("JIT_DIFF_SCALE")); err == nil && s > 0 {
		return n * s
	}
	return n
}

func TestJITLdStDiff(t *testing.T) {
	classes := jitClasses(t, "ldr-str-imm", "ldr-str-reg", "ldrh-ldrd-imm", "ldrh-ldrd-reg", "dp-imm")
	jitDiffBlocks(t, classes, jitScale(4000), 15)
}

// TestJITLdStDiffAny draws loads and stores with none of the random
// classes' filters: loads to the PC (which branch anywhere), writeback
// with Rt = Rn or Rn = R15, stores of R15, the unprivileged T forms and
// the UNDEFINED encodings. Whatever the interpreter does with them, the
// JIT must do the same.
func TestJITLdStDiffAny(t *testing.T) {
	classes := append(jitClasses(t, "dp-imm"),
		difftest.Class{Name: "ldst-any", Value: 0x04000000, Mask: 0x0C000000, Mem: true,
			Filter: func(op uint32) bool { return op&0x02000010 != 0x02000010 }},
		difftest.Class{Name: "extra-any", Value: 0x00000090, Mask: 0x0E000090, Mem: true,
			Filter: func(op uint32) bool { return op&0x60 != 0 }},
	)
	jitDiffBlocks(t, classes, jitScale(2000), 16)
}

// jitLdStRun runs ops (at aisaCode, with the words of data placed by
// setup) on the interpreter and on the JIT (threshold 1), with the MMU
// on (tlbTestCPU's tables) when mmu is set, and fails on any difference
// in instruction count, state or memory. It returns the JIT's CPU and
// memory.
func jitLdStRun(t *testing.T, mmu bool, budget uint64, setup func(*CPU, *aisaBus), ops ...uint32) (*CPU, *aisaBus) {
	t.Helper()
	mk := func() (*CPU, *aisaBus) {
		c, b := aisaNew()
		if mmu {
			c, b = tlbTestCPU(t)
		}
		for i, op := range ops {
			b.put32(aisaCode+4*uint32(i), op)
		}
		b.put32(0x10, BranchSelf) // the Data Abort vector
		if setup != nil {
			setup(c, b)
		}
		c.SetPC(aisaCode)
		return c, b
	}
	ci, bi := mk()
	cj, bj := mk()
	if !cj.EnableJIT(true) {
		t.Skip("no JIT here")
	}
	cj.SetJITThreshold(1)
	ni, nj := ci.Run(budget), cj.Run(budget)
	si, sj := ci.State(), cj.State()
	if ni != nj || si != sj {
		t.Fatalf("interpreter ran %d, JIT %d\ninterp R=%x CPSR=%08x CP15=%+v\njit    R=%x CPSR=%08x CP15=%+v",
			ni, nj, si.R, si.CPSR, si.CP15, sj.R, sj.CPSR, sj.CP15)
	}
	if !bytes.Equal(bi.mem, bj.mem) {
		for a := range bi.mem {
			if bi.mem[a] != bj.mem[a] {
				t.Fatalf("memory differs first at %#x: interpreter %#x, JIT %#x", a, bi.mem[a], bj.mem[a])
			}
		}
	}
	return cj, bj
}

// A copy loop that runs until the budget ends: the first load and store
// miss the soft TLB (their exit sites run them and fill it), every later
// access hits natively.
func TestJITLdStMissThenHit(t *testing.T) {
	c, b := jitLdStRun(t, false, 3*256+2, nil,
		0xe3a00902, // mov r0, #0x8000
		0xe3a01802, // mov r1, #0x20000
		0xe4903004, // loop: ldr r3, [r0], #4
		0xe4813004, // str r3, [r1], #4
		0xeafffffc, // b loop
	)
	if !bytes.Equal(b.mem[0x20000:0x20400], b.mem[0x8000:0x8400]) {
		t.Fatal("copy incomplete")
	}
	st := c.JITStats()
	t.Logf("%+v", st)
	if st.Exits > 4 {
		t.Fatalf("%d exits to Go: the hits did not run natively", st.Exits)
	}
}

// jitLdStMix exercises every addressing form (immediate, register,
// scaled register with each shift and RRX; offset, pre-indexed and
// post-indexed) with aligned and unaligned addresses: the unaligned ones
// take the slow path.
var jitLdStMix = []uint32{
	0xe3a00902, // mov r0, #0x8000
	0xe3a01802, // mov r1, #0x20000
	0xe3a02040, // mov r2, #64
	0xe4903004, // loop: ldr r3, [r0], #4
	0xe4813004, // str r3, [r1], #4
	0xe5504001, // ldrb r4, [r0, #-1]
	0xe5c14100, // strb r4, [r1, #256]
	0xe15050b2, // ldrh r5, [r0, #-2]
	0xe1c15fbe, // strh r5, [r1, #254]
	0xe15060d3, // ldrsb r6, [r0, #-3]
	0xe15070f4, // ldrsh r7, [r0, #-4]
	0xe0868007, // add r8, r6, r7
	0xe140a0d4, // ldrd r10, r11, [r0, #-4]
	0xe1e1a8f4, // strd r10, r11, [r1, #132]!
	0xe2411088, // sub r1, r1, #136
	0xe7909102, // ldr r9, [r0, r2, lsl #2]
	0xe70190a2, // str r9, [r1, -r2, lsr #1]
	0xe77091c2, // ldrb r9, [r0, -r2, asr #3]!
	0xe08001c2, // add r0, r0, r2, asr #3
	0xe7c193e2, // strb r9, [r1, r2, ror #7]
	0xe110c0b2, // ldrh r12, [r0, -r2]
	0xe181c0b2, // strh r12, [r1, r2]
	0xe130c0f2, // ldrsh r12, [r0, -r2]!
	0xe090c0d2, // ldrsb r12, [r0], r2
	0xe100a0d2, // ldrd r10, r11, [r0, -r2]
	0xe001a0f2, // strd r10, r11, [r1], -r2
	0xe0811002, // add r1, r1, r2
	0xe710c062, // ldr r12, [r0, -r2, rrx]
	0xe581c300, // str r12, [r1, #768]
	0xe7b0c0a2, // ldr r12, [r0, r2, lsr #1]!
	0xe040c0a2, // sub r12, r0, r2, lsr #1
	0xe1a0000c, // mov r0, r12
	0xe2522001, // subs r2, r2, #1
	0x1affffe0, // bne loop
	BranchSelf,
}

func TestJITLdStForms(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mmu   bool
		setup func(*CPU, *aisaBus)
	}{
		{"legacy", false, nil},
		{"unaligned", false, func(c *CPU, _ *aisaBus) { c.cp15.sctlr |= sctlrU; c.mmu.update(c) }},
		{"mmu", true, nil},
		{"carry", false, func(c *CPU, _ *aisaBus) { c.C = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jitLdStRun(t, tc.mmu, 5000, tc.setup, jitLdStMix...)
		})
	}
}

// The writeback forms the random classes leave out (Rt = Rn, where a
// load's Rt wins), stores of the PC (address + 8, as c.R[15] reads),
// PC-relative loads and R15 as the offset register.
func TestJITLdStOverlaps(t *testing.T) {
	jitLdStRun(t, false, 100, nil,
		0xe3a01902, // mov r1, #0x8000
		0xe5b11004, // ldr r1, [r1, #4]!
		0xe3a02902, // mov r2, #0x8000
		0xe4922008, // ldr r2, [r2], #8
		0xe3a03802, // mov r3, #0x20000
		0xe5a33004, // str r3, [r3, #4]!
		0xe4833004, // str r3, [r3], #4
		0xe5e33001, // strb r3, [r3, #1]!
		0xe0c330b3, // strh r3, [r3], #3
		0xe583f010, // str pc, [r3, #16]
		0xe5c3f015, // strb pc, [r3, #21]
		0xe3a04902, // mov r4, #0x8000
		0xe1f440b2, // ldrh r4, [r4, #2]!
		0xe3a04902, // mov r4, #0x8000
		0xe05440d3, // ldrsb r4, [r4], #-3
		0xe3a04902, // mov r4, #0x8000
		0xe1e440d8, // ldrd r4, r5, [r4, #8]!
		0xe3a06902, // mov r6, #0x8000
		0xe0c660d8, // ldrd r6, r7, [r6], #8
		0xe3a08802, // mov r8, #0x20000
		0xe1e881f0, // strd r8, r9, [r8, #16]!
		0xe51f6004, // ldr r6, [pc, #-4]
		0xe15f70b6, // ldrh r7, [pc, #-6]
		0xe3a08a07, // mov r8, #0x7000
		0xe798900f, // ldr r9, [r8, pc]
		0xe758a00f, // ldrb r10, [r8, -pc]
		0xe3a0a802, // mov r10, #0x20000
		0xe7aaa6aa, // str r10, [r10, r10, lsr #13]!
		0xe3a0b902, // mov r11, #0x8000
		0xe7bbb62b, // ldr r11, [r11, r11, lsr #12]!
		0xe3a0c802, // mov r12, #0x20000
		0xe28cc040, // add r12, r12, #64
		0xe16cc0f8, // strd r12, r13, [r12, #-8]!
		0xe14cf2b0, // strh pc, [r12, #-32]
		BranchSelf,
	)
}

// LDR to the PC ends the block natively and interworks: an ARM target
// (bit 1 ignored), then a Thumb one.
func TestJITLdStLoadPC(t *testing.T) {
	c, _ := jitLdStRun(t, false, 50, func(c *CPU, b *aisaBus) {
		b.put32(0x9000, 0x1102)
		b.put32(0x9004, 0x1203)
		b.put32(0x1100, 0xe49df004) // ldr pc, [sp], #4
		b.put32(0x1200, 0xe7fe0000) // Thumb at 0x1202: b .
	},
		0xe3a0da09, // mov sp, #0x9000
		0xe35d0000, // cmp sp, #0
		0x049df004, // ldreq pc, [sp], #4 (not taken)
		0xe49df004, // ldr pc, [sp], #4
	)
	if !c.T || c.PC() != 0x1202 || c.R[13] != 0x9008 {
		t.Fatalf("T %v pc %#x sp %#x", c.T, c.PC(), c.R[13])
	}
}

// A store into the running block's own page: the next instruction runs
// the new code, as in the interpreter.
func TestJITLdStSelfModifying(t *testing.T) {
	c, _ := jitLdStRun(t, false, 20, nil,
		0xe59f100c, // ldr r1, [pc, #12]
		0xe58f1000, // str r1, [pc]
		0xe3a00001, // mov r0, #1
		0xe3a00002, // mov r0, #2 (replaced by mov r0, #42)
		BranchSelf,
		0xe3a0002a, // mov r0, #42
	)
	if c.R[0] != 42 {
		t.Fatalf("r0 = %d: the store did not reach the code", c.R[0])
	}
}

// Loads and stores that abort: the base is not written back, and FSR,
// FAR, PC and the count match the interpreter's.
func TestJITLdStAbort(t *testing.T) {
	for _, tc := range []struct {
		name string
		mmu  bool
		ops  []uint32
		far  uint32
	}{
		{"translation load", true, []uint32{0xe3a01605, 0xe3a02005, 0xe5b10004, BranchSelf}, 0x500004},     // ldr r0, [r1, #4]!
		{"translation store", true, []uint32{0xe3a01605, 0xe3a02005, 0xe4812004, BranchSelf}, 0x500000},    // str r2, [r1], #4
		{"translation halfword", true, []uint32{0xe3a01605, 0xe3a02005, 0xe1f100b2, BranchSelf}, 0x500002}, // ldrh r0, [r1, #2]!
		{"external", false, []uint32{0xe3a01602, 0xe3a02005, 0xe1c120f8, BranchSelf}, 0x200008},            // strd r2, r3, [r1, #8]
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := jitLdStRun(t, tc.mmu, 10, nil, tc.ops...)
			if c.Mode() != ModeABT || c.cp15.dfar != tc.far || c.R[1]&0xFFF != 0 {
				t.Fatalf("mode %#x FAR %#x r1 %#x", c.Mode(), c.cp15.dfar, c.R[1])
			}
		})
	}
}

// Big-endian data (SETEND BE): every access takes the slow path, and
// little-endian accesses are native again after SETEND LE.
func TestJITLdStBigEndian(t *testing.T) {
	c, _ := jitLdStRun(t, false, 20, nil,
		0xe3a01902, // mov r1, #0x8000
		0xe3a05802, // mov r5, #0x20000
		0xf1010200, // setend be
		0xe5910000, // ldr r0, [r1]
		0xe1d120b2, // ldrh r2, [r1, #2]
		0xe1d130f4, // ldrsh r3, [r1, #4]
		0xe4850004, // str r0, [r5], #4
		0xe1c520b8, // strh r2, [r5, #8]
		0xe1c160d8, // ldrd r6, r7, [r1, #8]
		0xf1010000, // setend le
		0xe5914000, // ldr r4, [r1]
		0xe5854010, // str r4, [r5, #16]
		BranchSelf,
	)
	if c.R[0] != 0x00010203 || c.R[4] != 0x03020100 {
		t.Fatalf("r0 %#x r4 %#x", c.R[0], c.R[4])
	}
}

// jitCopyLoop copies 32 bytes word by word with post-indexed loads and
// stores, rewinds both pointers with pre-indexed writeback and starts
// again: a memcpy inner loop with no other instruction class in it.
var jitCopyLoop = []uint32{
	0xe4903004, 0xe4813004, // loop: ldr r3, [r0], #4; str r3, [r1], #4
	0xe4903004, 0xe4813004,
	0xe4903004, 0xe4813004,
	0xe4903004, 0xe4813004,
	0xe4903004, 0xe4813004,
	0xe4903004, 0xe4813004,
	0xe4903004, 0xe4813004,
	0xe4903004, 0xe4813004,
	0xe5309020, // ldr r9, [r0, #-32]!
	0xe5219020, // str r9, [r1, #-32]!
	0xeaffffec, // b loop
}

// BenchmarkJITCopy runs jitCopyLoop on the interpreter and on the JIT and
// reports each one's instruction rate.
func BenchmarkJITCopy(b *testing.B) {
	for _, jit := range []bool{false, true} {
		name := "interp"
		if jit {
			name = "jit"
		}
		b.Run(name, func(b *testing.B) {
			c, _ := aisaNew(jitCopyLoop...)
			if jit && !c.EnableJIT(true) {
				b.Skip("no JIT here")
			}
			c.R[0], c.R[1] = 0x8000, 0x20000
			c.Run(1000) // translate and fill the soft TLB
			b.ReportAllocs()
			b.ResetTimer()
			n := c.Run(uint64(b.N))
			b.StopTimer()
			if c.Mode() != ModeSVC || c.PC() < aisaCode || c.PC() >= aisaCode+4*uint32(len(jitCopyLoop)) {
				b.Fatalf("left the loop: mode %#x pc %#x", c.Mode(), c.PC())
			}
			if el := b.Elapsed().Seconds(); el > 0 {
				b.ReportMetric(float64(n)/el/1e6, "MIPS")
			}
		})
	}
}

// LDRD/STRD whose second word lies in the next page take the slow path
// (the interpreter's two accesses); within a page they run natively. The
// last one crosses into an unmapped page and aborts.
func TestJITLdStPairPageCross(t *testing.T) {
	c, _ := jitLdStRun(t, true, 20, func(c *CPU, b *aisaBus) {
		c.R[4], c.R[5] = 0x8FFC, 0x20FFC
		b.put32(0x9000, 0x12345678)
		c.R[8] = 0xFFFFC
	},
		0xe1c400d0, // ldrd r0, r1, [r4]
		0xe1c500f0, // strd r0, r1, [r5]
		0xe14420d4, // ldrd r2, r3, [r4, #-4]
		0xe14520f4, // strd r2, r3, [r5, #-4]
		0xe1e460d4, // ldrd r6, r7, [r4, #4]!
		0xe1c800d0, // ldrd r0, r1, [r8]
		BranchSelf,
	)
	if c.R[1] != 0x12345678 || c.R[4] != 0x9000 || c.Mode() != ModeABT || c.cp15.dfar != 0x100000 {
		t.Fatalf("r1 %#x r4 %#x mode %#x FAR %#x", c.R[1], c.R[4], c.Mode(), c.cp15.dfar)
	}
}
