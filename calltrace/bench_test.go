package calltrace

import (
	"encoding/binary"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
)

// A root (main) that calls f forever: 5 instructions a round, one call
// and one return.
//
//	0x00: mov sp,#0x8000; bl main; b .
//	main (0x40): push {lr}; loop: bl f; add r0,r0,#1; b loop
//	f    (0x80): add r1,r1,#1; bx lr
var benchProg = map[uint32]uint32{
	0x0: 0xe3a0d902, 0x4: 0xeb00000d, 0x8: 0xeafffffe,
	0x40: 0xe52de004, 0x44: 0xeb00000d, 0x48: 0xe2800001, 0x4c: 0xeafffffc,
	0x80: 0xe2811001, 0x84: 0xe12fff1e,
}

func benchCPU() *arm.CPU {
	bus := &ramBus{ram: make([]byte, 1<<16)}
	for a, w := range benchProg {
		binary.LittleEndian.PutUint32(bus.ram[a:], w)
	}
	return arm.New(bus)
}

// BenchmarkNoTracer is the baseline: one op is one instruction.
func BenchmarkNoTracer(b *testing.B) {
	c := benchCPU()
	b.ResetTimer()
	c.Run(uint64(b.N))
}

// BenchmarkTracer runs the same code with the call tracer (past its node
// budget after the first calls, as in a long trace): one op is one
// instruction.
func BenchmarkTracer(b *testing.B) {
	c := benchCPU()
	syms := NewSymbols([]Symbol{{0x40, 0x10, "main"}, {0x80, 8, "f"}})
	tr, err := New(c, syms, []string{"main"}, 0)
	if err != nil {
		b.Fatal(err)
	}
	tr.MaxNodes = 1000
	c.SetHooks(tr.Hooks())
	b.ResetTimer()
	c.Run(uint64(b.N))
}

// BenchmarkEmptyHooks is the cost of the CPU's one-instruction hooked
// path alone, for comparison with BenchmarkTracer.
func BenchmarkEmptyHooks(b *testing.B) {
	c := benchCPU()
	c.SetHooks(&arm.Hooks{Before: func(uint32) bool { return true }, After: func(uint32) {}})
	b.ResetTimer()
	c.Run(uint64(b.N))
}
