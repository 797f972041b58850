package arm

import (
	"reflect"
	"testing"
)

// A core's State restored into a fresh core (with a copy of memory) runs
// on identically: banked registers, flags, VFP and CP15 come back, and the
// decoded-code and TLB caches refill.
func TestStateRestore(t *testing.T) {
	// A loop: r0 counts down, r1 accumulates, a VFP add each round; then
	// a branch to itself.
	prog := []uint32{
		0xE3A00C01, // mov r0, #256
		0xE2811003, // L: add r1, r1, #3
		0xEE300A00, // vadd.f32 s0, s0, s0
		0xE2500001, // subs r0, r0, #1
		0x1AFFFFFB, // bne L
		0xEAFFFFFE, // b .
	}
	c1, b1 := aisaNew(prog...)
	c1.cp15.cpacr = 0xF << 20 // cp10, cp11 enabled
	c1.vfp.fpexc = 1 << 30    // VFP enabled
	c1.vfp.s[0] = 0x3F800000  // 1.0
	c1.SetCPSR(ModeIRQ | 0x1C0)
	c1.R[13] = 0x7000 // IRQ's SP
	c1.SetCPSR(ModeSVC | 0x1C0)
	c1.R[13] = 0x6000
	c1.Run(100)
	st := c1.State()

	b2 := &aisaBus{mem: append([]byte(nil), b1.mem...)}
	c2 := New(b2)
	c2.Restore(st)
	if got := c2.State(); !reflect.DeepEqual(got, st) {
		t.Fatalf("state after restore:\n%+v\nwant\n%+v", got, st)
	}
	c1.Run(2000)
	c2.Run(2000)
	if a, b := c1.State(), c2.State(); !reflect.DeepEqual(a, b) {
		t.Fatalf("diverged after restore:\n%+v\n%+v", a, b)
	}
	if c2.R[1] != 3*256 || c2.bankSP[bankOf(ModeIRQ)] != 0x7000 {
		t.Fatalf("r1 %d, IRQ SP %#x", c2.R[1], c2.bankSP[bankOf(ModeIRQ)])
	}
}
