// CPU benchmark: runs testdata/bench/bench.bin (bench.c built bare-metal:
// CRC32, heapsort, string loops, integer multiply/divide; a few hundred
// million instructions) on the harness board of systest_test.go, checks its
// checksum line against testdata/bench/bench.expected (the same C program
// built for Linux and run under qemu-arm -cpu arm1176) and reports MIPS.
// BenchmarkCPUJIT runs it with the JIT tier. testdata/bench/compare-qemu.sh
// compares the results with QEMU's speed.
package arm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func BenchmarkCPU(b *testing.B) { benchCPU(b, false) }

// BenchmarkCPUJIT is BenchmarkCPU with the JIT tier on (amd64).
func BenchmarkCPUJIT(b *testing.B) { benchCPU(b, true) }

func benchCPU(b *testing.B, jit bool) {
	img := sysImage(b, "bench", "bench")
	want, err := os.ReadFile(filepath.Join("..", "..", "testdata", "bench", "bench.expected"))
	if err != nil {
		b.Fatal(err)
	}
	board := newSysBoard()
	if jit && !board.cpu.EnableJIT(true) {
		b.Skip("no JIT on this platform")
	}
	const budget = 2_000_000_000
	var total uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		board.load(img)
		b.StartTimer()
		n, exited := board.run(budget)
		total += n
		if !exited || board.code != 0 {
			b.Fatalf("bench did not exit cleanly: exited=%v code=%d after %d instructions, PC=%#x, output %q",
				exited, board.code, n, board.cpu.PC(), board.out)
		}
	}
	b.StopTimer()
	if got := strings.TrimSpace(string(board.out)); got != strings.TrimSpace(string(want)) {
		b.Fatalf("output %q, want %q", got, want)
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(total)/s/1e6, "MIPS")
	}
	b.ReportMetric(float64(total)/float64(b.N), "insns/op")
}
