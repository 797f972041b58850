//go:build amd64

package arm

import (
	"encoding/binary"
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm/difftest"
)

// FuzzJIT runs random instruction words as a block on the interpreter and
// on the JIT (the differential machine of jit_diff_amd64_test.go) and
// fails at any difference in state, count or memory; a panic or a native
// fault in generated code kills the run. The first input byte picks the
// machine state (MMU, mode, flags, where the block starts: page start or
// straddling a page boundary, the budget slices); the rest, as
// little-endian words, is the block (at most 16 words).
func FuzzJIT(f *testing.F) {
	seed := func(sel byte, ops ...uint32) {
		b := []byte{sel}
		for _, op := range ops {
			b = binary.LittleEndian.AppendUint32(b, op)
		}
		f.Add(b)
	}
	// Real blocks: a counted loop, a load/store loop, a call, data
	// aborts with the MMU on, an LDM/STM pair, a conditional chain.
	seed(0, 0xe3a00000, 0xe3a01064, 0xe0800001, 0xe2511001, 0x1afffffc, BranchSelf)
	seed(1, 0xe5921000, 0xe0811000, 0xe5821000, 0xe2800001, 0xe350000a, 0xbafffff9)
	seed(0x12, 0xe92d4030, 0xe3a04010, 0xe2544001, 0x1afffffd, 0xe8bd4030, 0xe12fff1e)
	seed(0x23, 0xe5830000, 0xe5930004, 0xe4831004, 0xe8930003, 0xe2800004, BranchSelf)
	seed(0x34, 0xe0910002, 0x30a11003, 0x40511004, 0xe1b02103, 0x03a05001, 0xca000001, 0xe1a00000, 0xeafffff8)
	seed(0x45, 0xe7821103, 0xe19210b4, 0xe1d320d2, 0xe0010392, 0xe0c10392, 0xe6ef1072, 0xe16f1f12)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 5 {
			return
		}
		sel := data[0]
		var ops []uint32
		for i := 1; i+4 <= len(data) && len(ops) < 16; i += 4 {
			ops = append(ops, binary.LittleEndian.Uint32(data[i:]))
		}
		p := fuzzJITPair(t)
		b := &jdBlock{ops: ops, thresh: 1}
		for range ops {
			b.classes = append(b.classes, "fuzz")
		}
		b.start = jdCodeLo + 0x1000
		if sel&1 != 0 {
			b.start = jdCodeLo + 0x2000 - 4*uint32(len(ops)/2+1) // straddles
		}
		r := rand.New(rand.NewSource(int64(sel)))
		regs := difftest.RandomRegs(r, true, jdMemLo, jdMemHi)
		s := &b.state
		copy(s.R[:], regs[:])
		s.R[15] = b.start
		s.CPSR = [4]uint32{ModeSVC, ModeUSR, ModeSYS, ModeABT}[sel>>1&3] | uint32(sel>>4)<<28 | psrI | psrF | psrA
		for i := range s.BankSPSR {
			s.BankSPSR[i] = ModeSVC | psrI | psrF | psrA
			s.BankLR[i] = b.start
			s.BankSP[i] = jdMemLo + 0x8000
		}
		s.CP15.SCTLR = sctlrResetValue | sctlrU | sctlrXP
		if sel&8 != 0 {
			s.CP15.SCTLR |= sctlrM
		}
		s.CP15.TTBR0, s.CP15.DACR = jdL1, 0x55555555
		b.slices = []uint64{uint64(len(ops)) + 1, 3, 64}
		b.irq = make([]bool, len(b.slices))
		if d := p.run(b); d != "" {
			t.Fatalf("%s\n%s", d, b)
		}
	})
}

var fuzzPair *jdPair

func fuzzJITPair(t *testing.T) *jdPair {
	if fuzzPair == nil {
		fuzzPair = newJDPair(t, rand.New(rand.NewSource(1)))
	}
	return fuzzPair
}
