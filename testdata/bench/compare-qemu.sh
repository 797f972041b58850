#!/bin/sh
# Compares the ast2500emu CPU with QEMU user-mode emulation on the same C
# benchmark (bench.c). The instruction count comes from our Go benchmark
# (BenchmarkCPU, insns/op); QEMU executes the same instructions plus a small
# libc startup, so QEMU MIPS = our instruction count / QEMU wall time.
# The ratio is the JIT's (BenchmarkCPUJIT, amd64); the interpreter's
# (BenchmarkCPU, --jit=off) is printed too.
# Usage: testdata/bench/compare-qemu.sh   (from anywhere in the repo)
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
[ -x testdata/bench/bench.linux ] || testdata/bench/build.sh
out=$(go test ./cpu/arm -run XXX -bench '^BenchmarkCPU(JIT)?$' -benchtime 1x -count 1)
echo "$out" | grep -E '^(Benchmark|ok|FAIL|---)' || true
line=$(echo "$out" | grep '^BenchmarkCPUJIT' | grep MIPS) || line=$(echo "$out" | grep '^BenchmarkCPU-')
[ -n "$line" ] || { echo "benchmark failed"; echo "$out"; exit 1; }
imips=$(echo "$out" | grep '^BenchmarkCPU-' | awk '{for(i=1;i<=NF;i++) if($i=="MIPS") print $(i-1)}')
ns=$(echo "$line" | awk '{for(i=1;i<=NF;i++) if($i=="ns/op") print $(i-1)}')
mips=$(echo "$line" | awk '{for(i=1;i<=NF;i++) if($i=="MIPS") print $(i-1)}')
insns=$(echo "$line" | awk '{for(i=1;i<=NF;i++) if($i=="insns/op") print $(i-1)}')

t0=$(date +%s%N)
qout=$(qemu-arm -cpu arm1176 testdata/bench/bench.linux)
t1=$(date +%s%N)
echo "qemu-arm output: $qout (expected $(cat testdata/bench/bench.expected))"
qns=$((t1 - t0))
awk -v ns="$ns" -v mips="$mips" -v imips="$imips" -v insns="$insns" -v qns="$qns" 'BEGIN {
	qmips = insns / (qns / 1e9) / 1e6
	printf "instructions:  %.0f\n", insns
	printf "ast2500emu:    %.3f s wall, %.1f MIPS\n", ns / 1e9, mips
	printf "qemu-arm:      %.3f s wall, %.1f MIPS\n", qns / 1e9, qmips
	printf "ratio (ours/qemu): %.3f\n", mips / qmips
	if (imips != "") printf "interpreter (--jit=off): %.1f MIPS, ratio %.3f\n", imips, imips / qmips
}'
