package vic

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/mmio"
)

// TestRandomAccessNoPanic drives random register accesses and input
// changes; the device must never panic and its outputs must always match
// its status registers.
func TestRandomAccessNoPanic(t *testing.T) {
	var buf bytes.Buffer
	log := mmio.NewLog(&buf)
	log.Quiet = true
	v := New(log)
	var irq, fiq bool
	v.ConnectCPU(mmio.LineFunc(func(l bool) { irq = l }), mmio.LineFunc(func(l bool) { fiq = l }))
	rng := rand.New(rand.NewSource(1))
	sizes := []int{1, 2, 4}
	for i := 0; i < 20000; i++ {
		off := uint32(rng.Intn(0x140))
		size := sizes[rng.Intn(3)]
		switch rng.Intn(3) {
		case 0:
			v.Read(off, size)
		case 1:
			v.Write(off, size, rng.Uint32())
		default:
			v.Input(rng.Intn(70) - 3).Set(rng.Intn(2) == 0)
		}
		st := uint64(v.Read(RegIRQStatus, 4)) | uint64(v.Read(RegIRQStatus+4, 4))<<32
		fs := uint64(v.Read(RegFIQStatus, 4)) | uint64(v.Read(RegFIQStatus+4, 4))<<32
		if (st != 0) != irq || (fs != 0) != fiq {
			t.Fatalf("step %d: outputs irq=%v fiq=%v disagree with status %#x %#x", i, irq, fiq, st, fs)
		}
	}
}
