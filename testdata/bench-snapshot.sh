#!/usr/bin/env bash
# bench-snapshot.sh [romulus|ast2500-evb] [RUNS]: what a snapshot saves.
# Boots the bundled guest once and saves it at the shell prompt, then
# times "uname -a" from process start: restored from the snapshot (RUNS
# times, median), after a full boot, and after a full boot on QEMU (which
# cannot snapshot this machine: its savevm refuses an if=mtd flash and a
# diskless -kernel boot), in the same run. Prints wall and CPU seconds, the
# ratios and the snapshot's size.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
G=$ROOT/guest/images
b=${1:-romulus}
runs=${2:-5}
case $b in
romulus) qm=romulus-bmc dtb=aspeed-bmc-opp-romulus.dtb ;;
ast2500-evb) qm=ast2500-evb dtb=aspeed-ast2500-evb.dtb ;;
*) echo "unknown board $b" >&2; exit 1 ;;
esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
EMU=$T/ast2500emu
(cd "$ROOT" && go build -o "$EMU" ./cmd/ast2500emu)
S=$T/prompt.snap
"$EMU" boot -M "$b" --nic none --pace off --save-snapshot "$S" --snapshot-on '# $' --snapshot-quit </dev/null >/dev/null 2>"$T/save.log"
size=$(stat -c %s "$S")
restored=()
for i in $(seq "$runs"); do
	restored+=("$(python3 "$HERE/unametime.py" --no-prompt "$EMU" boot --snapshot "$S" --nic none --pace off)")
done
med=$(printf '%s\n' "${restored[@]}" | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')
full=$(python3 "$HERE/unametime.py" "$EMU" boot -M "$b" --nic none --pace off)
printf '%-34s %8s %8s\n' "uname -a from process start" "wall s" "cpu s"
printf '%-34s %8s %8s\n' "ast2500emu --snapshot (median of $runs)" $med
printf '%-34s %8s %8s\n' "ast2500emu full boot" $full
qemu=""
if command -v qemu-system-arm >/dev/null; then
	qemu=$(python3 "$HERE/unametime.py" qemu-system-arm -M "$qm" -m 512M -no-reboot \
		-kernel "$G/zImage" -dtb "$G/$dtb" -initrd "$G/initramfs.cpio.gz" \
		-display none -monitor none -serial stdio -nic none)
	printf '%-34s %8s %8s\n' "qemu-system-arm full boot" $qemu
fi
python3 - "$med" "$full" "$qemu" "$size" <<'PY'
import sys
r, f, q, size = sys.argv[1].split(), sys.argv[2].split(), sys.argv[3].split(), int(sys.argv[4])
print("snapshot: %.1f MiB; restore is %.0fx faster than a boot (saves %.2f s per run)" % (size / 2**20, float(f[0]) / float(r[0]), float(f[0]) - float(r[0])))
if q:
    print("vs QEMU booting: %.0fx faster (saves %.2f s per run)" % (float(q[0]) / float(r[0]), float(q[0]) - float(r[0])))
PY
