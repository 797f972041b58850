//go:build amd64

package arm

import (
	"encoding/binary"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm/difftest"
)

// jitDPBlocks is the number of random blocks of TestJITDiffDP per class
// mix; JIT_DP_BLOCKS scales it (e.g. 200000 for a long run).
func jitDPBlocks(t *testing.T, def int) int {
	if s := os.Getenv("JIT_DP_BLOCKS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("JIT_DP_BLOCKS: %v", err)
		}
		return n
	}
	return def
}

// TestJITDiffDP runs random blocks of data-processing instructions (flags
// flowing from one to the next), alone and mixed with branches so that
// conditions are exercised.
func TestJITDiffDP(t *testing.T) {
	n := jitDPBlocks(t, 4000)
	dp := jitClasses(t, "dp-imm", "dp-shift-imm", "dp-shift-reg")
	// The classes draw encodings the interpreter treats as undefined
	// (TST..CMN with Rd != 0, MOV/MVN with Rn != 0); without them, blocks
	// run to their end and flags flow through all of them.
	undef := reflect.ValueOf(opUndef).Pointer()
	var defined []difftest.Class
	for _, c := range dp {
		filter := c.Filter
		c.Filter = func(op uint32) bool {
			return (filter == nil || filter(op)) && reflect.ValueOf(decodeARM(op)).Pointer() != undef
		}
		defined = append(defined, c)
	}
	t.Run("dp-defined", func(t *testing.T) { jitDiffBlocks(t, defined, n, 17) })
	t.Run("dp", func(t *testing.T) { jitDiffBlocks(t, dp, n/4, 15) })
	t.Run("dp-branch", func(t *testing.T) {
		jitDiffBlocks(t, append(defined, jitClasses(t, "b-bl")...), n/4, 16)
	})
}

// jitDPRig runs single instructions on an interpreter and a JIT CPU from
// the same state.
type jitDPRig struct {
	ci, cj *CPU
	bi, bj *aisaBus
}

func newJITDPRig(t *testing.T) *jitDPRig {
	r := &jitDPRig{bi: &aisaBus{mem: make([]byte, aisaRAMSize)}, bj: &aisaBus{mem: make([]byte, aisaRAMSize)}}
	r.ci, r.cj = New(r.bi), New(r.bj)
	if !r.cj.EnableJIT(true) {
		t.Skip("no JIT here")
	}
	r.cj.SetJITThreshold(1)
	return r
}

// run executes ops followed by a branch to itself with registers regs and
// flags nzcv (bits 31..28) on both CPUs and fails on any difference.
func (r *jitDPRig) run(t *testing.T, regs [15]uint32, nzcv uint32, ops ...uint32) {
	t.Helper()
	ops = append(ops, BranchSelf)
	for _, b := range []*aisaBus{r.bi, r.bj} {
		for i, op := range ops {
			binary.LittleEndian.PutUint32(b.mem[aisaCode+4*i:], op)
		}
	}
	for _, c := range []*CPU{r.ci, r.cj} {
		c.Reset()
		c.SetCPSR(uint32(ModeSVC) | nzcv&0xF0000000 | psrI | psrF | psrA)
		copy(c.R[:], regs[:])
		c.SetPC(aisaCode)
	}
	budget := uint64(len(ops) + 2)
	ni, nj := r.ci.Run(budget), r.cj.Run(budget)
	si, sj := r.ci.State(), r.cj.State()
	if ni != nj || si != sj {
		t.Fatalf("ops %08x regs %x nzcv %x: interp ran %d, jit %d\ninterp R=%x CPSR=%08x\njit    R=%x CPSR=%08x",
			ops, regs, nzcv>>28, ni, nj, si.R, si.CPSR, sj.R, sj.CPSR)
	}
}

// mustTranslate fails unless the data-processing translator takes op
// natively (an edge case left to the interpreter would test nothing).
func mustTranslate(t *testing.T, op uint32) {
	t.Helper()
	var tr jitTranslator
	if !tr.tryDP(op) {
		t.Fatalf("%08x not translated", op)
	}
}

var jitDPValues = []uint32{0, 1, 2, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFFE, 0x55555555, 0xAAAAAAAA}

// jitDPShiftValues have each of bits 0, 1, 30 and 31 both set and clear.
var jitDPShiftValues = []uint32{0, 0x80000001, 0x7FFFFFFE, 0xFFFFFFFF, 0x40000002, 0xAAAAAAAA}

// TestJITDPShifts covers every shift type with S set, by immediate
// amounts 0, 1, 31 (and the LSR/ASR #32 and RRX encodings) and by register
// amounts 0, 1, 31, 32, 33, 255 (and amounts with bits above the low
// byte), for every opcode, with C clear and set.
func TestJITDPShifts(t *testing.T) {
	r := newJITDPRig(t)
	var regAmounts = []uint32{0, 1, 31, 32, 33, 255, 0x100, 0x120, 0xFFFFFF1F}
	for opc := uint32(0); opc < 16; opc++ {
		rd := uint32(3)
		if opc>>2 == 2 {
			rd = 0
		}
		rn := uint32(0)
		for typ := uint32(0); typ < 4; typ++ {
			for _, s := range []uint32{1, 0} {
				if s == 0 && opc>>2 == 2 {
					continue
				}
				base := 0xE0000000 | opc<<21 | s<<20 | rn<<16 | rd<<12 | 1 // Rm = r1
				var ops []uint32
				for _, amt := range []uint32{0, 1, 31} {
					ops = append(ops, base|amt<<7|typ<<5)
				}
				ops = append(ops, base|2<<8|typ<<5|0x10) // by r2
				for _, op := range ops {
					if op == base && typ == 0 {
						continue // LSL #0 is the register form, below
					}
					mustTranslate(t, op)
					for _, v := range jitDPShiftValues {
						for _, amt := range regAmounts {
							if op&0x10 == 0 && amt != 0 {
								continue // the register amount only matters by register
							}
							for _, nzcv := range []uint32{0x20000000, 0xD0000000} {
								regs := [15]uint32{0: 0x12345678, 1: v, 2: amt, 3: 0xDEADBEEF}
								r.run(t, regs, nzcv, op)
							}
						}
					}
				}
			}
		}
	}
}

// TestJITDPArith covers the arithmetic opcodes on boundary values: carry in
// both states for ADC, SBC, RSC, and the overflow boundaries of CMP/CMN,
// in the register, immediate and Rd = Rn (memory destination) forms.
func TestJITDPArith(t *testing.T) {
	r := newJITDPRig(t)
	imms := []uint32{0x000, 0x001, 0x0FF, 0x4FF, 0x102, 0x2FF} // 0, 1, 255, 0xFF000000, 0x80000000, 0xFF0000...
	for _, opc := range []uint32{2, 3, 4, 5, 6, 7, 10, 11} {
		for _, s := range []uint32{1, 0} {
			if s == 0 && opc>>2 == 2 {
				continue
			}
			for _, rd := range []uint32{3, 0} {
				if opc>>2 == 2 && rd != 0 {
					continue
				}
				base := 0xE0000000 | opc<<21 | s<<20 | rd<<12 // Rn = r0
				ops := []uint32{base | 1}                     // Rm = r1
				for _, imm := range imms {
					ops = append(ops, base|1<<25|imm)
				}
				for _, op := range ops {
					mustTranslate(t, op)
					for _, n := range jitDPValues {
						for _, m := range jitDPValues {
							if op&(1<<25) != 0 && m != 0 {
								continue
							}
							for _, nzcv := range []uint32{0, 0x20000000, 0xF0000000, 0xD0000000} {
								r.run(t, [15]uint32{0: n, 1: m}, nzcv, op)
							}
						}
					}
				}
			}
		}
	}
}

// TestJITDPImmCarry covers the immediate forms of the logical opcodes with
// S: a zero rotation keeps C, a non-zero one sets it from bit 31.
func TestJITDPImmCarry(t *testing.T) {
	r := newJITDPRig(t)
	for _, opc := range []uint32{0, 1, 8, 9, 12, 13, 14, 15} {
		rn := uint32(1)
		if opc == 13 || opc == 15 {
			rn = 0
		}
		rd := uint32(3)
		if opc>>2 == 2 {
			rd = 0
		}
		for _, imm := range []uint32{0x000, 0x0FF, 0x080, 0x102, 0x201, 0xF0F, 0x4FF} {
			op := 0xE2100000 | opc<<21 | rn<<16 | rd<<12 | imm
			mustTranslate(t, op)
			for _, v := range jitDPValues {
				for _, nzcv := range []uint32{0, 0x20000000, 0xF0000000, 0xD0000000} {
					r.run(t, [15]uint32{1: v, 3: v}, nzcv, op)
				}
			}
		}
	}
}

// TestJITDPPC covers the PC as Rn and Rm (reading the instruction's
// address + 8), and that the forms left to the interpreter still run
// correctly at exit sites.
func TestJITDPPC(t *testing.T) {
	r := newJITDPRig(t)
	ops := []uint32{
		0xE28F0010, // add r0, pc, #16
		0xE08F0001, // add r0, pc, r1
		0xE0810F8F, // add r0, r1, pc, lsl #31
		0xE1B0002F, // lsrs r0, pc, #32
		0xE1B0004F, // asrs r0, pc, #32
		0xE1B0006F, // rrxs r0, pc
		0xE04F0001, // sub r0, pc, r1
		0xE06F0001, // rsb r0, pc, r1
		0xE0EF0001, // rsc r0, pc, r1
		0xE35F0000, // cmp pc, #0
		0xE1A0000F, // mov r0, pc
		0xE1F0000F, // mvns r0, pc
	}
	for _, op := range ops {
		mustTranslate(t, op)
		for _, nzcv := range []uint32{0, 0x20000000} {
			r.run(t, [15]uint32{1: 0x80000001}, nzcv, op, op&^0xF000|0x4000) // and again into r4
		}
	}
	// Left to the interpreter: exception returns (Rd = PC with S), PC in
	// a register-shifted form, undefined encodings.
	for _, op := range []uint32{
		0xE1B0F00E, // movs pc, lr
		0xE08F0211, // add r0, pc, r1, lsl r2
		0xE3A10001, // mov with Rn != 0
		0xE3501001, // cmp with Rd != 0
	} {
		var tr jitTranslator
		if tr.tryDP(op) {
			t.Errorf("%08x translated", op)
		}
	}
	r.run(t, [15]uint32{1: 3, 2: 1, 14: aisaCode + 8}, 0, 0xE08F0211, 0xE1A0F00E)
}

// TestJITDPCoverage checks that the translator takes every data-processing
// encoding the random classes draw, except the ones the interpreter
// treats as undefined.
func TestJITDPCoverage(t *testing.T) {
	undef := reflect.ValueOf(opUndef).Pointer()
	total, native := 0, 0
	for _, c := range jitClasses(t, "dp-imm", "dp-shift-imm", "dp-shift-reg") {
		rnd := rand.New(rand.NewSource(int64(len(c.Name))))
		for i := 0; i < 20000; i++ {
			op := c.Gen(rnd)&0x0FFFFFFF | 0xE0000000
			var tr jitTranslator
			got := tr.tryDP(op)
			want := reflect.ValueOf(decodeARM(op)).Pointer() != undef
			if got != want {
				t.Fatalf("%08x: translated %v, interpreter defines it %v", op, got, want)
			}
			total++
			if got {
				native++
			}
		}
	}
	t.Logf("%d of %d translated", native, total)
}

// BenchmarkJITDP runs a loop of data-processing instructions (immediate,
// register, shifted operands, flag-setting and conditional) on the
// interpreter and on the JIT, reporting MIPS.
func BenchmarkJITDP(b *testing.B) {
	prog := []uint32{
		0xE3A00000, // mov r0, #0
		0xE3A01A01, // mov r1, #0x1000
		// loop:
		0xE0800001, // add r0, r0, r1
		0xE0202181, // eor r2, r0, r1, lsl #3
		0xE1A03122, // lsr r3, r2, #2
		0xE0833002, // add r3, r3, r2
		0xE2033EFF, // and r3, r3, #0xFF0
		0xE1844003, // orr r4, r4, r3
		0xE0455233, // sub r5, r5, r3, lsr r2
		0xE3540C01, // cmp r4, #0x100
		0x83A04000, // movhi r4, #0
		0xE0966003, // adds r6, r6, r3
		0xE0A77000, // adc r7, r7, r0
		0xE1C88003, // bic r8, r8, r3
		0xE2511001, // subs r1, r1, #1
		0x1AFFFFF1, // bne loop
		0xEAFFFFEE, // b to the top (mov r0...)
	}
	for _, mode := range []string{"interp", "jit"} {
		b.Run(mode, func(b *testing.B) {
			c, _ := aisaNew(prog...)
			if mode == "jit" && !c.EnableJIT(true) {
				b.Skip("no JIT here")
			}
			b.ReportAllocs()
			b.ResetTimer()
			n := c.Run(uint64(b.N))
			b.StopTimer()
			if c.PC() < aisaCode || c.PC() > aisaCode+4*uint32(len(prog)) {
				b.Fatalf("left the loop: pc %#x", c.PC())
			}
			if el := b.Elapsed().Seconds(); el > 0 {
				b.ReportMetric(float64(n)/el/1e6, "MIPS")
			}
		})
	}
}

// Computed branches (Rd = PC without S) run natively: jump tables, the
// in-place form add pc, pc, #imm, and mov pc, lr.
func TestJITDPToPC(t *testing.T) {
	for _, r1 := range []uint32{0, 1, 2} {
		c, _ := jitLdStRun(t, false, 40, func(c *CPU, b *aisaBus) {
			c.R[1] = r1
			c.R[14] = aisaCode + 0x20
		},
			0xE08FF101, // add pc, pc, r1, lsl #2
			0xE3A02001, // mov r2, #1
			0xE3A02002, // mov r2, #2
			0xE3A03003, // mov r3, #3
			0xE28FF000, // add pc, pc, #0 (skips the next)
			0xE3A04004, // mov r4, #4 (skipped)
			0xE1A0F00E, // mov pc, lr
			0xE3A05005, // mov r5, #5 (skipped)
			0xEAFFFFFE, // b . (at +0x20)
		)
		if want := map[bool]uint32{true: 3}[r1 < 2]; c.R[3] != want || c.R[4] != 0 || c.R[5] != 0 || c.PC() != aisaCode+0x20 {
			t.Errorf("r1=%d: r2=%d r3=%d r4=%d r5=%d pc=%#x", r1, c.R[2], c.R[3], c.R[4], c.R[5], c.PC())
		}
		if c.JITStats().Exits > 2 {
			t.Errorf("r1=%d: %d exits: the computed branches did not run natively", r1, c.JITStats().Exits)
		}
	}
}
