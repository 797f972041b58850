package arm

import "testing"

// BenchmarkARMLoop runs a loop of typical integer code (load post-indexed,
// ALU, store, compare, conditional move, push/pop, flag-setting subtract,
// shifted EOR, conditional branch) and reports the instruction rate.
func BenchmarkARMLoop(b *testing.B) {
	c, _ := aisaNew(
		0xe4913004, // ldr r3, [r1], #4
		0xe0822003, // add r2, r2, r3
		0xe5842004, // str r2, [r4, #4]
		0xe3520000, // cmp r2, #0
		0x01a06007, // moveq r6, r7
		0xe92d4030, // push {r4, r5, lr}
		0xe8bd4030, // pop {r4, r5, lr}
		0xe2500001, // subs r0, r0, #1
		0xe0255182, // eor r5, r5, r2, lsl #3
		0x1afffff5, // bne 0x1000
		0xe3a00801, // mov r0, #0x10000
		0xe3a01902, // mov r1, #0x8000
		0xeafffff2, // b 0x1000
	)
	c.R[0], c.R[1], c.R[4], c.R[13] = 0x10000, 0x8000, 0x9000, 0x80000
	b.ResetTimer()
	n := c.Run(uint64(b.N))
	b.StopTimer()
	if c.Mode() != ModeSVC || c.PC() < aisaCode || c.PC() > aisaCode+0x30 {
		b.Fatalf("left the loop: mode %#x pc %#x", c.Mode(), c.PC())
	}
	if el := b.Elapsed().Seconds(); el > 0 {
		b.ReportMetric(float64(n)/el/1e6, "MIPS")
	}
}
