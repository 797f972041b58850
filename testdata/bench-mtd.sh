#!/usr/bin/env bash
# bench-mtd.sh: seconds from start to the shell prompt for the OpenBMC-layout
# romulus flash image (guest/flash, assembled here), in the same run:
# ast2500emu through the firmware (reset vector, first-stage loader, FIT),
# ast2500emu with --boot direct, and QEMU -M romulus-bmc -drive if=mtd
# (firmware path; QEMU has no direct path for an MTD image). RUNS=N repeats
# each and prints every time. Extra ast2500emu flags come from $EMU_FLAGS
# (e.g. EMU_FLAGS=--guest-decompress).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=${RUNS:-1}
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not installed (apt-get install qemu-system-arm)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
EMU=$TMP/ast2500emu
(cd "$ROOT" && go build -o "$EMU" ./cmd/ast2500emu)
# Assemble the 32 MiB image from the parts (layout: guest/flash/README.md).
python3 - "$ROOT/guest/flash" "$TMP/obmc-romulus.mtd" <<'PY'
import sys
d, out = sys.argv[1:3]
img = bytearray(b"\xff" * (32 << 20))
for off, name in [(0x0, "firmware.bin"), (0x60000, "u-boot-env.bin"), (0x80000, "fit.itb"),
                  (0x4c0000, "rofs.squashfs"), (0x1c00000, "rwfs.jffs2")]:
    b = open("%s/%s" % (d, name), "rb").read()
    img[off:off + len(b)] = b
open(out, "wb").write(img)
PY
export PROMPT="obmc:/# "
times() {
	local out=""
	for _ in $(seq "$RUNS"); do
		cp "$TMP/obmc-romulus.mtd" "$TMP/run.mtd"
		out="$out $(python3 "$HERE/boottime.py" "$@" | tail -1)"
		sleep 1
	done
	echo "$out"
}
fw=$(times "$EMU" boot -M romulus --mtd "$TMP/run.mtd" --nic none --pace off ${EMU_FLAGS:-})
direct=$(times "$EMU" boot -M romulus --mtd "$TMP/run.mtd" --boot direct --nic none --pace off ${EMU_FLAGS:-})
qemu=$(times qemu-system-arm -M romulus-bmc -nographic -monitor none -serial stdio -nic none \
	-drive file="$TMP/run.mtd",if=mtd,format=raw)
printf '%-34s %s\n' "ast2500emu --mtd (firmware)" "$fw" \
	"ast2500emu --mtd --boot direct" "$direct" \
	"qemu -M romulus-bmc -drive if=mtd" "$qemu"
