package timer

import (
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
)

// TestRandomAccessNoPanic drives random register accesses while time
// passes; the device must never panic or loop, and interrupt pulses must
// always leave the lines low.
func TestRandomAccessNoPanic(t *testing.T) {
	r := newRig(t)
	devtest.Fuzz{
		Seed: 1, Span: 0xa0,
		Value: devtest.Small(0x1000),
		Actions: []func(*rand.Rand){
			func(rng *rand.Rand) { r.tm.Write(RegCtrl, 4, rng.Uint32()) },
			func(rng *rand.Rand) { r.clk.Advance(uint64(rng.Intn(200000))) },
			func(rng *rand.Rand) {
				if rng.Intn(500) == 0 {
					r.tm.SetAPBHz(uint64(rng.Intn(50000000)))
				}
			},
		},
		Check: func(t testing.TB, step int) {
			r.clk.RunDue() // must terminate: no timer re-arms into the past forever
			for j, l := range r.level {
				if l {
					t.Fatalf("step %d: timer %d line left high", step, j+1)
				}
			}
		},
	}.Run(t, r.tm)
}
