package arm

import "testing"

// BenchmarkJITLoop runs a CPU-bound ARM loop (add, subtract with flags,
// conditional branch back: what the JIT chains within a page) with the
// JIT tier on, in steady state: translated once, then each op runs one
// million instructions without allocating.
func BenchmarkJITLoop(b *testing.B) {
	c, _ := aisaNew(
		0xe3a00000, // mov r0, #0
		0xe3a01000, // loop: mov r1, #0
		0xe0800001, // inner: add r0, r0, r1
		0xe2811001, // add r1, r1, #1
		0xe3510c01, // cmp r1, #256
		0x1afffffb, // bne inner
		0xeafffff9, // b loop
	)
	if !c.EnableJIT(true) {
		b.Skip("no JIT on this platform")
	}
	const budget = 1 << 20
	c.Run(budget) // translate
	b.ReportAllocs()
	b.ResetTimer()
	var total uint64
	for i := 0; i < b.N; i++ {
		total += c.Run(budget)
	}
	b.StopTimer()
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(total)/s/1e6, "MIPS")
	}
	if st := c.JITStats(); st.Blocks == 0 {
		b.Fatalf("nothing translated: %+v", st)
	}
}
