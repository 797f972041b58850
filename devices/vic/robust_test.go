package vic

import (
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
)

// TestRandomAccessNoPanic drives random register accesses and input
// changes; the device must never panic and its outputs must always match
// its status registers.
func TestRandomAccessNoPanic(t *testing.T) {
	log, _ := devtest.Log()
	log.Quiet = true
	v := New(log)
	var irq, fiq bool
	v.ConnectCPU(mmio.LineFunc(func(l bool) { irq = l }), mmio.LineFunc(func(l bool) { fiq = l }))
	devtest.Fuzz{
		Seed: 1, Span: 0x140,
		Actions: []func(*rand.Rand){
			func(rng *rand.Rand) { v.Input(rng.Intn(70) - 3).Set(rng.Intn(2) == 0) },
		},
		Check: func(t testing.TB, step int) {
			st := uint64(v.Read(RegIRQStatus, 4)) | uint64(v.Read(RegIRQStatus+4, 4))<<32
			fs := uint64(v.Read(RegFIQStatus, 4)) | uint64(v.Read(RegFIQStatus+4, 4))<<32
			if (st != 0) != irq || (fs != 0) != fiq {
				t.Fatalf("step %d: outputs irq=%v fiq=%v disagree with status %#x %#x", step, irq, fiq, st, fs)
			}
		},
	}.Run(t, v)
}
