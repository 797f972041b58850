#!/bin/sh
# Runs the QEMU variants (./build.sh qemu) of the test programs on
# qemu-system-arm versatilepb with an ARM1176 CPU, as a reference check of
# the programs themselves. Usage: ./run-qemu.sh [prog...]
cd "$(dirname "$0")"
PROGS=${*:-modes exceptions mmu tlb vfp unaligned}
rc=0
for p in $PROGS; do
	echo "== $p"
	timeout 20 qemu-system-arm -M versatilepb -cpu arm1176,has_el3=on -m 128 \
		-nographic -monitor none -serial stdio -semihosting \
		-audiodev none,id=snd0 -device loader,file=qemu-out/$p.elf,cpu-num=0 2>/dev/null
	e=$?
	echo "== $p exit $e"
	[ $e = 0 ] || rc=1
done
exit $rc
