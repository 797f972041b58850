package timer

import (
	"math/rand"
	"testing"
)

// TestRandomAccessNoPanic drives random register accesses while time
// passes; the device must never panic or loop, and interrupt pulses must
// always leave the lines low.
func TestRandomAccessNoPanic(t *testing.T) {
	r := newRig(t)
	rng := rand.New(rand.NewSource(1))
	sizes := []int{1, 2, 4}
	for i := 0; i < 20000; i++ {
		off := uint32(rng.Intn(0xa0))
		size := sizes[rng.Intn(3)]
		val := rng.Uint32()
		if rng.Intn(2) == 0 {
			val &= 0xfff // small reloads and matches, so events happen
		}
		switch rng.Intn(4) {
		case 0:
			r.tm.Read(off, size)
		case 1:
			r.tm.Write(off, size, val)
		case 2:
			r.tm.Write(RegCtrl, 4, rng.Uint32())
		default:
			r.to(r.clk.Now() + uint64(rng.Intn(200000)))
		}
		if i%1000 == 0 {
			r.tm.SetAPBHz(uint64(rng.Intn(50000000)))
		}
		r.clk.RunDue() // must terminate: no timer re-arms into the past forever
		for j, l := range r.level {
			if l {
				t.Fatalf("step %d: timer %d line left high", i, j+1)
			}
		}
	}
}
