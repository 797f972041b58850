//go:build amd64

package arm

import (
	"testing"
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
