//go:build amd64

package arm

import "testing"

func TestLockstepJITAgrees(t *testing.T) {
	a, _ := lockstepSide(t)
	b, _ := lockstepSide(t)
	if !b.CPU.EnableJIT(true) {
		t.Skip("no JIT here")
	}
	b.CPU.SetJITThreshold(1)
	if r := Lockstep(a, b, LockstepOptions{Step: 777, Max: 20000}); r != "" {
		t.Fatal(r)
	}
	if a.CPU.R[0] == 0 || a.CPU.Insns < 8000 {
		t.Fatalf("the program did not run: r0 %#x, %d instructions", a.CPU.R[0], a.CPU.Insns)
	}
}
