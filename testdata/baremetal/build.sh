#!/bin/sh
# Builds the bare-metal CPU test programs for the ast2500emu harness board
# (RAM at 0, test device at 0x10000000): <prog>.elf and <prog>.bin here.
#   ./build.sh        harness binaries (committed; the Go tests use them)
#   ./build.sh qemu   QEMU versatilepb variants into ./qemu-out (not
#                     committed), run them with ./run-qemu.sh
set -e
cd "$(dirname "$0")"
CROSS=arm-linux-gnueabi-
if ! command -v ${CROSS}gcc >/dev/null 2>&1; then
	apt-get update && apt-get install -y gcc-arm-linux-gnueabi binutils-arm-linux-gnueabi
fi
PROGS="modes exceptions mmu tlb vfp unaligned"
OUT=.
DEFS=
if [ "$1" = qemu ]; then
	OUT=qemu-out
	DEFS=-DPLAT_QEMU
	mkdir -p $OUT
fi
CFLAGS="-march=armv6kz -mtune=arm1176jzf-s -marm -mfpu=vfp -mfloat-abi=softfp \
 -O2 -nostdlib -ffreestanding -fno-builtin -fno-pic -mno-unaligned-access \
 -fno-stack-protector -fno-tree-loop-distribute-patterns -Wall -g $DEFS"
for p in $PROGS; do
	extra=
	[ -f ${p}_asm.S ] && extra=${p}_asm.S
	${CROSS}gcc $CFLAGS -T link.ld -static -Wl,--build-id=none,--no-warn-rwx-segments,-z,noexecstack -nostartfiles -o $OUT/$p.elf \
		start.S rt.c access.S $p.c $extra -lgcc
	${CROSS}objcopy -O binary $OUT/$p.elf $OUT/$p.bin
	[ "$OUT" = . ] && ${CROSS}strip -g $p.elf
done
echo built: $PROGS
