package trace

import (
	"io"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
)

// The overhead benchmarks run the same loop (ALU, load, store, branch;
// 10 million instructions per op) on a bare CPU:
//
//	BenchmarkCPUPlain      no hooks (what every run without --trace-insn does)
//	BenchmarkTraceOff      a tracer installed whose --trace-range excludes
//	                       the loop: Hooks.Only keeps the loop on the fast path
//	BenchmarkTraceOn       every instruction traced to io.Discard (1/10 of the work)
var benchProg = map[uint32]uint32{
	0x00: 0xe3a02a01, // mov r2, #0x1000
	0x04: 0xe2800001, // loop: add r0, r0, #1
	0x08: 0xe0211000, // eor r1, r1, r0
	0x0c: 0xe5821000, // str r1, [r2]
	0x10: 0xe5923000, // ldr r3, [r2]
	0x14: 0xe0844003, // add r4, r4, r3
	0x18: 0xeafffff9, // b loop
}

const benchInsns = 10_000_000

func runBench(b *testing.B, setup func(c *arm.CPU)) { runBenchN(b, benchInsns, setup) }

func runBenchN(b *testing.B, n uint64, setup func(c *arm.CPU)) {
	c := newCPU(b, benchProg, nil)
	setup(c)
	b.ResetTimer()
	var total uint64
	for i := 0; i < b.N; i++ {
		total += c.Run(n)
	}
	b.StopTimer()
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(total)/s/1e6, "MIPS")
	}
}

func BenchmarkCPUPlain(b *testing.B) {
	runBench(b, func(c *arm.CPU) {})
}

func BenchmarkTraceOff(b *testing.B) {
	runBench(b, func(c *arm.CPU) {
		tr := New(c, io.Discard, 0x80000000, 0x80100000)
		c.SetHooks(tr.Hooks())
	})
}

func BenchmarkTraceOn(b *testing.B) {
	runBenchN(b, benchInsns/10, func(c *arm.CPU) {
		tr := New(c, io.Discard, 0, 0)
		c.SetHooks(tr.Hooks())
	})
}
