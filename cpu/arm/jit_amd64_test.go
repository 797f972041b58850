//go:build amd64

package arm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm/difftest"
)

// jitPair runs the same program on the interpreter and on the JIT
// (threshold 1) and compares the final state.
func jitPair(t *testing.T, budget uint64, ops ...uint32) (*CPU, *CPU) {
	t.Helper()
	ci, _ := aisaNew(ops...)
	cj, _ := aisaNew(ops...)
	if !cj.EnableJIT(true) {
		t.Skip("no JIT here")
	}
	cj.SetJITThreshold(1)
	ni := ci.Run(budget)
	nj := cj.Run(budget)
	si, sj := ci.State(), cj.State()
	if ni != nj || si != sj {
		t.Fatalf("interpreter ran %d, JIT %d\ninterp %+v\njit    %+v", ni, nj, si.R, sj.R)
	}
	return ci, cj
}

func TestJITLoop(t *testing.T) {
	_, cj := jitPair(t, 10000,
		0xe3a00000, // mov r0, #0
		0xe3a01064, // mov r1, #100
		0xe0800001, // add r0, r0, r1
		0xe2511001, // subs r1, r1, #1
		0x1afffffc, // bne loop
		0xeafffffe, // b .
	)
	if cj.R[0] != 5050 {
		t.Fatalf("r0 = %d", cj.R[0])
	}
	st := cj.JITStats()
	t.Logf("%+v", st)
	if st.Blocks == 0 {
		t.Fatal("nothing translated")
	}
}

// jitDiffBlocks runs random blocks of instructions drawn from classes on
// the interpreter and on the JIT (threshold 1) from the same random state,
// and fails at the first difference in state, memory or count.
func jitDiffBlocks(t *testing.T, classes []difftest.Class, blocks, blockLen int, seed int64) {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	bi := &aisaBus{mem: make([]byte, aisaRAMSize)}
	bj := &aisaBus{mem: make([]byte, aisaRAMSize)}
	ci, cj := New(bi), New(bj)
	if !cj.EnableJIT(true) {
		t.Skip("no JIT here")
	}
	cj.SetJITThreshold(1)
	anyMem := false // without memory classes, the data area stays zero
	for _, c := range classes {
		anyMem = anyMem || c.Mem
	}
	for n := 0; n < blocks; n++ {
		ops := make([]uint32, 0, blockLen+1)
		mem := false
		for len(ops) < blockLen {
			c := &classes[r.Intn(len(classes))]
			mem = mem || c.Mem
			op := c.Gen(r)
			if c.Prefix != nil {
				ops = append(ops, c.Prefix(r, op)...)
			}
			ops = append(ops, op)
		}
		ops = append(ops, BranchSelf)
		regs := difftest.RandomRegs(r, mem, 0x10000, 0x30000)
		cpsr := uint32(ModeSVC) | r.Uint32()&0xF0000000 | psrI | psrF | psrA
		if anyMem {
			for i := range bi.mem {
				bi.mem[i] = 0
			}
			for a := 0x10000; a < 0x30000; a++ {
				bi.mem[a] = byte(r.Intn(256))
			}
		}
		for i, op := range ops {
			binary.LittleEndian.PutUint32(bi.mem[aisaCode+4*i:], op)
		}
		copy(bj.mem, bi.mem)
		for _, c := range []*CPU{ci, cj} {
			c.Reset()
			c.SetCPSR(cpsr)
			for i, v := range regs {
				c.R[i] = v
			}
			c.SetPC(aisaCode)
		}
		budget := uint64(len(ops) + 8)
		ni, nj := ci.Run(budget), cj.Run(budget)
		si, sj := ci.State(), cj.State()
		if ni != nj || si != sj || !bytes.Equal(bi.mem, bj.mem) {
			var b strings.Builder
			for i, op := range ops {
				fmt.Fprintf(&b, "  %#x: %08x\n", aisaCode+4*i, op)
			}
			t.Fatalf("block %d differs (interp ran %d, jit %d; memory equal %v)\n%s\ninterp R=%x CPSR=%08x\njit    R=%x CPSR=%08x",
				n, ni, nj, bytes.Equal(bi.mem, bj.mem), b.String(), si.R, si.CPSR, sj.R, sj.CPSR)
		}
	}
}

func TestJITDiffQuick(t *testing.T) {
	jitDiffBlocks(t, difftest.ARMClasses, 3000, 6, 1)
}
