#!/usr/bin/env bash
# bench-boot.sh [romulus|ast2500-evb ...]: seconds from start to the shell
# prompt for the bundled guest, on ast2500emu and on QEMU, in the same run,
# with the ratio and ast2500emu's guest instruction count. Extra ast2500emu
# flags come from $EMU_FLAGS (e.g. EMU_FLAGS=--guest-decompress to run the
# zImage's own decompressor; AST2500EMU_NO_CACHE=1 to inflate on the host
# without the kernel cache; --jit=off for the interpreter, the JIT being on
# by default); the last column says which path ran.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
G=$ROOT/guest/images
boards=("$@")
[ ${#boards[@]} -gt 0 ] || boards=(romulus ast2500-evb)
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not installed (apt-get install qemu-system-arm)" >&2; exit 1; }
EMU=$(mktemp -d)/ast2500emu
(cd "$ROOT" && go build -o "$EMU" ./cmd/ast2500emu)
printf '%-12s %10s %10s %7s %14s  %-12s %s\n' board ast2500emu qemu ratio instructions tier decompression
for b in "${boards[@]}"; do
	case $b in
	romulus) qm=romulus-bmc dtb=aspeed-bmc-opp-romulus.dtb ;;
	ast2500-evb) qm=ast2500-evb dtb=aspeed-ast2500-evb.dtb ;;
	*) echo "unknown board $b" >&2; exit 1 ;;
	esac
	stats=$(mktemp)
	ours=$(python3 "$HERE/boottime.py" "$EMU" boot -M "$b" --nic none --pace off --stats ${EMU_FLAGS:-} 2>"$stats" | tail -1)
	sleep 1
	insns=$(grep -o 'after [0-9]* instructions' "$stats" | awk '{print $2}')
	path=$(sed -n 's/^ast2500emu: kernel decompression: //p' "$stats")
	tier=$(sed -n 's/^ast2500emu: tier: \([^;]*\);.*/\1/p' "$stats")
	qemu=$(python3 "$HERE/boottime.py" qemu-system-arm -M "$qm" -m 512M -no-reboot \
		-kernel "$G/zImage" -dtb "$G/$dtb" -initrd "$G/initramfs.cpio.gz" \
		-display none -monitor none -serial stdio -nic none | tail -1)
	ratio=$(python3 -c "print('%.2f' % ($ours / $qemu))")
	printf '%-12s %9ss %9ss %6sx %14s  %-12s %s\n' "$b" "$ours" "$qemu" "$ratio" "${insns:-?}" "${tier:-?}" "${path:-?}"
	rm -f "$stats"
done
