#!/bin/sh
# Builds the CPU benchmark twice from bench.c:
#   bench.bin/bench.elf  bare-metal for the Go harness (cpu/arm bench_test.go)
#   bench.linux          static Linux armel executable for qemu-arm -cpu arm1176
set -e
cd "$(dirname "$0")"
CROSS=arm-linux-gnueabi-
if ! command -v ${CROSS}gcc >/dev/null 2>&1; then
	apt-get update && apt-get install -y gcc-arm-linux-gnueabi binutils-arm-linux-gnueabi
fi
FLAGS="-O2 -march=armv6kz -mtune=arm1176jzf-s -marm -Wall"
${CROSS}gcc $FLAGS -DBAREMETAL -nostdlib -nostartfiles -ffreestanding -fno-builtin \
	-fno-tree-loop-distribute-patterns -static -T link.ld \
	-Wl,--build-id=none,--no-warn-rwx-segments,-z,noexecstack \
	-o bench.elf bench_start.S bench.c -lgcc
${CROSS}objcopy -O binary bench.elf bench.bin
${CROSS}strip -g bench.elf
${CROSS}gcc $FLAGS -static -o bench.linux bench.c
${CROSS}strip bench.linux
echo built bench.bin bench.linux
# Expected output line, from the Linux build under QEMU (the Go benchmark
# compares the bare-metal run against it).
if command -v qemu-arm >/dev/null 2>&1; then
	qemu-arm -cpu arm1176 ./bench.linux > bench.expected
	cat bench.expected
fi
