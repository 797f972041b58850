package wdt

import (
	"math/rand"
	"testing"
)

// TestRandomAccessNoPanic drives random register accesses while time
// passes; the device must never panic.
func TestRandomAccessNoPanic(t *testing.T) {
	r := newRig(t)
	rng := rand.New(rand.NewSource(1))
	sizes := []int{1, 2, 4}
	for i := 0; i < 20000; i++ {
		off := uint32(rng.Intn(0x30))
		size := sizes[rng.Intn(3)]
		val := rng.Uint32()
		if rng.Intn(2) == 0 {
			val &= 0xfff
		}
		switch rng.Intn(5) {
		case 0:
			r.w.Read(off, size)
		case 1:
			r.w.Write(off, size, val)
		case 2:
			r.w.Write(RegRestart, 4, RestartMagic)
		case 3:
			r.w.Write(RegCtrl, 4, val)
		default:
			r.to(r.clk.Now() + uint64(rng.Intn(5000000)))
		}
		r.resetL = false
	}
}
