package arm

import "testing"

// BenchmarkThumbLoop runs a Thumb loop mixing loads, stores, ALU
// operations, PUSH/POP and a conditional branch (10 instructions per
// iteration) through Run; it reports MIPS.
func BenchmarkThumbLoop(b *testing.B) {
	c, _ := thNewCPU([]uint16{
		0x681a, // ldr r2, [r3, #0]
		0x3201, // adds r2, #1
		0x601a, // str r2, [r3, #0]
		0x1880, // adds r0, r0, r2
		0x00c4, // lsls r4, r0, #3
		0x4044, // eors r4, r0
		0xb510, // push {r4, lr}
		0xbc30, // pop {r4, r5}
		0x3901, // subs r1, #1
		0xd1f5, // bne loop
		0xe7fe, // b .
	})
	c.R[1] = 0xFFFFFFFF
	c.R[3] = thData
	b.ResetTimer()
	n := c.Run(uint64(b.N))
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "MIPS")
	if testing.AllocsPerRun(1, func() { c.Run(1000) }) != 0 {
		b.Error("Run allocates")
	}
}
