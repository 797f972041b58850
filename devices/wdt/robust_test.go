package wdt

import (
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
)

// TestRandomAccessNoPanic drives random register accesses while time
// passes; the device must never panic.
func TestRandomAccessNoPanic(t *testing.T) {
	r := newRig(t)
	devtest.Fuzz{
		Seed: 1, Span: 0x30,
		Value: devtest.Small(0x1000),
		Actions: []func(*rand.Rand){
			func(*rand.Rand) { r.w.Write(RegRestart, 4, RestartMagic) },
			func(rng *rand.Rand) { r.w.Write(RegCtrl, 4, rng.Uint32()&0xfff) },
			func(rng *rand.Rand) { r.clk.Advance(uint64(rng.Intn(5000000))) },
		},
		Check: func(testing.TB, int) { r.resetL = false },
	}.Run(t, r.w)
}
