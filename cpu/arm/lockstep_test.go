package arm

import (
	"hash/crc32"
	"strings"
	"testing"
)

// lockstepSide runs a loop summing 2000 words from aisaData (pointer in
// r2) into r0, then a store of the sum.
func lockstepSide(t *testing.T) (LockstepSide, *aisaBus) {
	c, b := aisaNew(
		0xe3a03e7d, // mov r3, #2000
		0xe4921004, // ldr r1, [r2], #4
		0xe0800001, // add r0, r0, r1
		0xe2533001, // subs r3, r3, #1
		0x1afffffb, // bne 1b
		0xe5820000, // str r0, [r2]
		BranchSelf)
	c.R[2] = aisaData
	return LockstepSide{
		CPU: c,
		// The table's first page is not summed: the test changes it.
		Sum: func() uint64 { return uint64(crc32.ChecksumIEEE(b.mem[aisaData+0x1000:])) },
		Save: func() func() {
			saved := append([]byte(nil), b.mem...)
			return func() { copy(b.mem, saved) }
		},
	}, b
}

func TestLockstepFindsDivergence(t *testing.T) {
	a, _ := lockstepSide(t)
	b, bus := lockstepSide(t)
	bus.put32(aisaData+4*500, 0x12345678) // read by the 501st ldr
	r := Lockstep(a, b, LockstepOptions{Step: 1000, Max: 100000,
		Disasm: func(op, pc uint32, thumb bool) string { return "insn" }})
	t.Log(r)
	want := 1 + 4*500 // the ldr of iteration 501 is instruction 2002
	if !strings.Contains(r, "narrowed to the 1 instructions from Insns "+itoa(want)) || !strings.Contains(r, "R[1]:") ||
		!strings.Contains(r, "00001004: e4921004  insn") {
		t.Errorf("report does not name instruction %d (the ldr at 0x1004) and R[1]", want+1)
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		if n /= 10; n == 0 {
			return string(b[i:])
		}
	}
}
