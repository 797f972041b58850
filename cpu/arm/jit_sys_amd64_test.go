//go:build amd64

package arm

import "testing"

// The system instructions the JIT translates natively (hints, BLX
// register, barriers, cache maintenance, thread ID reads) in SVC and
// User mode, against the interpreter; in User mode cache maintenance is
// undefined and must take the Undefined Instruction exception as there.
func TestJITSystemOps(t *testing.T) {
	body := []uint32{
		0xe320f000, // nop
		0xe320f001, // yield
		0xee072f9a, // mcr p15, 0, r2, c7, c10, 4 (DSB)
		0xee072fba, // mcr p15, 0, r2, c7, c10, 5 (DMB)
		0xee1d3f70, // mrc p15, 0, r3, c13, c0, 3 (TPIDRURO)
		0xee1d4f50, // mrc p15, 0, r4, c13, c0, 2 (TPIDRURW)
		0xe12fff35, // blx r5
		0xe2866001, // add r6, r6, #1 (returns here)
		0xee070f3a, // mcr p15, 0, r0, c7, c10, 1 (clean D line)
		0xee070f3e, // mcr p15, 0, r0, c7, c14, 1 (clean+invalidate D line)
		0xeafffffe, // b .
	}
	for _, user := range []bool{false, true} {
		for _, thumbTarget := range []bool{false, true} {
			setup := func(c *CPU, b *aisaBus) {
				c.cp15.tpidruro, c.cp15.tpidrurw = 0x1234, 0x5678
				// The BLX target: "bx lr" in ARM at 0x2000, or
				// Thumb "bx lr" (0x4770) at 0x2100.
				b.put32(0x2000, 0xe12fff1e)
				b.put32(0x2100, 0x47704770)
				c.R[5] = 0x2000
				if thumbTarget {
					c.R[5] = 0x2101
				}
				b.put32(0x4, BranchSelf) // the Undefined vector
				if user {
					c.SetCPSR(ModeUSR | psrI | psrF)
				}
			}
			c, _ := jitLdStRun(t, false, 60, setup, body...)
			if c.R[3] != 0x1234 || c.R[4] != 0x5678 || c.R[6] != 1 {
				t.Errorf("user=%v thumb=%v: r3=%#x r4=%#x r6=%d", user, thumbTarget, c.R[3], c.R[4], c.R[6])
			}
			if user != (c.Mode() == ModeUND) {
				t.Errorf("user=%v: ended in mode %#x", user, c.Mode())
			}
		}
	}
}

// LDREX/STREX pairs (with the monitor open, closed, or for another
// address) against the interpreter.
func TestJITDiffExclusive(t *testing.T) {
	jitDiffBlocks(t, jitClasses(t, "ldrex-strex", "dp-imm", "ldr-str-imm"), jitScale(3000), 41)
}

// Thread ID writes: TPIDRURW from User mode, TPIDRPRW (privileged only:
// undefined from User mode).
func TestJITThreadIDWrites(t *testing.T) {
	body := []uint32{
		0xee0d1f50, // mcr p15, 0, r1, c13, c0, 2 (TPIDRURW)
		0xee0d2f90, // mcr p15, 0, r2, c13, c0, 4 (TPIDRPRW)
		0xee0d3f70, // mcr p15, 0, r3, c13, c0, 3 (TPIDRURO)
		0xee1d4f90, // mrc p15, 0, r4, c13, c0, 4 (TPIDRPRW)
		0xeafffffe, // b .
	}
	for _, user := range []bool{false, true} {
		c, _ := jitLdStRun(t, false, 20, func(c *CPU, b *aisaBus) {
			c.R[1], c.R[2], c.R[3] = 11, 22, 33
			b.put32(0x4, BranchSelf)
			if user {
				c.SetCPSR(ModeUSR | psrI | psrF)
			}
		}, body...)
		if c.cp15.tpidrurw != 11 || user == (c.cp15.tpidrprw == 22) || !user && c.R[4] != 22 {
			t.Errorf("user=%v: TPIDRURW %d TPIDRPRW %d", user, c.cp15.tpidrurw, c.cp15.tpidrprw)
		}
	}
}
