#!/bin/bash
# build-mtd.sh: build the OpenBMC-layout flash image for romulus from our
# own parts, into guest/flash/, and assemble the 32 MiB image.
#
#   * firmware.bin: the first-stage boot program of testdata/firmware/
#     (start.S, boot.c, lib.c with libfdt from linux-source-6.1
#     scripts/dtc/libfdt), executes in place from flash at reset.
#   * u-boot-env.bin: mkenvimage of testdata/firmware/u-boot-env.txt
#     (0x20000 bytes, CRC32 + name=value pairs).
#   * fit.itb: mkimage -f testdata/firmware/fit.its: the bundled zImage and
#     romulus dtb (guest/images) and an initramfs holding only /init, built
#     from testdata/firmware/initfs/obmc-init.c against the kernel's nolibc.
#   * rofs.squashfs: xz squashfs, Debian's armel busybox-static, applet
#     links, /sbin/init, testdata/firmware/rofs/{inittab,rcS,profile,
#     os-release}.
#   * rwfs.jffs2: mkfs.jffs2, little-endian, 64 KiB erase blocks, padded to
#     the 0x400000-byte partition, holding README, cow/ and work/.
#   * SHA256SUMS, BUILDINFO.
# Layout (Linux arch/arm/boot/dts/openbmc-flash-layout.dtsi, 32 MiB):
#   u-boot 0x0 (0x60000) | u-boot-env 0x60000 (0x20000) |
#   kernel 0x80000 (0x440000) | rofs 0x4c0000 (0x1740000) |
#   rwfs 0x1c00000 (0x400000)
#
# Usage (as root on Debian 12): testdata/build-mtd.sh
# Environment: BUILD_DIR (scratch, default /work/build/mtd if /work exists,
# else a mktemp dir), OUT_MTD (the assembled image, default
# testdata/build/obmc-romulus.mtd), SKIP_APT=1 to skip apt-get,
# SOURCE_DATE_EPOCH (default 1767225600 = 2026-01-01 00:00:00 UTC).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=$ROOT/guest/flash
FW=$HERE/firmware
IMAGES=$ROOT/guest/images
OUT_MTD=${OUT_MTD:-$HERE/build/obmc-romulus.mtd}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
export LC_ALL=C TZ=UTC
if [ -z "${BUILD_DIR:-}" ]; then
	if [ -d /work ]; then BUILD_DIR=/work/build/mtd; else BUILD_DIR=$(mktemp -d); fi
fi
mkdir -p "$BUILD_DIR" "$OUT" "$(dirname "$OUT_MTD")"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
CROSS=arm-linux-gnueabi-

log() { echo "build-mtd: $*" >&2; }

# ---------------------------------------------------------------- packages
APT_PKGS="linux-source-6.1 gcc-arm-linux-gnueabi binutils-arm-linux-gnueabi
	u-boot-tools squashfs-tools mtd-utils device-tree-compiler cpio gzip
	xz-utils gcc qemu-user"
# shellcheck source=testdata/lib.sh
. "$HERE/lib.sh"
# shellcheck disable=SC2086
ensure_packages $APT_PKGS
fetch_busybox

# Kernel sources: libfdt, nolibc and gen_init_cpio (only these few files
# are extracted from the tarball).
TARBALL=/usr/src/linux-source-6.1.tar.xz
KSRC=$BUILD_DIR/linux-source-6.1
STAMP=$BUILD_DIR/linux-source-6.1.stamp
want_stamp=$(stat -c '%s %Y' "$TARBALL")
if [ ! -f "$KSRC/usr/gen_init_cpio.c" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want_stamp" ]; then
	log "extracting libfdt, nolibc and gen_init_cpio from $TARBALL"
	rm -rf "$KSRC"
	tar -C "$BUILD_DIR" -xf "$TARBALL" linux-source-6.1/scripts/dtc/libfdt \
		linux-source-6.1/tools/include/nolibc linux-source-6.1/usr/gen_init_cpio.c
	echo "$want_stamp" >"$STAMP"
fi

# ---------------------------------------------------------------- firmware
log "building firmware.bin"
FWB=$BUILD_DIR/firmware
rm -rf "$FWB" && mkdir -p "$FWB"
LIBFDT=$KSRC/scripts/dtc/libfdt
FW_CFLAGS=(-march=armv6 -marm -mfloat-abi=soft -mno-unaligned-access
	-ffreestanding -fno-builtin -nostdlib -static -no-pie -fno-pic -Os
	-Wall -Werror -ffunction-sections -fdata-sections -ffile-prefix-map="$BUILD_DIR"=.
	-ffile-prefix-map="$ROOT"=. -nostdinc -isystem "$(${CROSS}gcc -print-file-name=include)"
	-I"$FW/include" -I"$FW" -I"$LIBFDT")
objs=()
for f in fdt fdt_ro fdt_rw fdt_wip fdt_strerror fdt_addresses; do
	${CROSS}gcc "${FW_CFLAGS[@]}" -Wno-error -c "$LIBFDT/$f.c" -o "$FWB/$f.o"
	objs+=("$FWB/$f.o")
done
for f in start.S boot.c lib.c; do
	${CROSS}gcc "${FW_CFLAGS[@]}" -c "$FW/$f" -o "$FWB/${f%.*}.o"
	objs+=("$FWB/${f%.*}.o")
done
${CROSS}gcc "${FW_CFLAGS[@]}" -T "$FW/firmware.ld" -Wl,--gc-sections -Wl,--build-id=none \
	-o "$FWB/firmware.elf" "${objs[@]}" -lgcc
${CROSS}objcopy -O binary "$FWB/firmware.elf" "$OUT/firmware.bin"
chmod 0644 "$OUT/firmware.bin"

# ---------------------------------------------------------------- env
log "building u-boot-env.bin"
mkenvimage -s 0x20000 -o "$OUT/u-boot-env.bin" "$FW/u-boot-env.txt"
chmod 0644 "$OUT/u-boot-env.bin"

# ---------------------------------------------------------------- initramfs + FIT
log "building the initramfs (obmc-init) and fit.itb"
FITD=$BUILD_DIR/fit
rm -rf "$FITD" && mkdir -p "$FITD"
${CROSS}gcc -Os -nostdlib -static -fno-asynchronous-unwind-tables -fno-ident -s \
	-Wall -Werror -Wl,--build-id=none -include "$KSRC/tools/include/nolibc/nolibc.h" \
	-I "$KSRC/tools/include/nolibc" -o "$FITD/init" "$FW/initfs/obmc-init.c" -lgcc
gcc -O2 -o "$BUILD_DIR/gen_init_cpio" "$KSRC/usr/gen_init_cpio.c"
# gen_init_cpio -t sets the time of directories and nodes; files keep theirs.
touch -d "@$SOURCE_DATE_EPOCH" "$FITD/init"
cat >"$FITD/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /run 0755 0 0
dir /newroot 0755 0 0
file /init $FITD/init 0755 0 0
LIST
"$BUILD_DIR/gen_init_cpio" -t "$SOURCE_DATE_EPOCH" "$FITD/initramfs.list" | gzip -9n >"$FITD/initramfs.cpio.gz"
install -m 0644 "$IMAGES/zImage" "$IMAGES/aspeed-bmc-opp-romulus.dtb" "$FITD/"
cp "$FW/fit.its" "$FITD/fit.its"
(cd "$FITD" && mkimage -f fit.its fit.itb >mkimage.log)
install -m 0644 "$FITD/fit.itb" "$OUT/fit.itb"

# ---------------------------------------------------------------- rofs
log "building rofs.squashfs"
RO=$BUILD_DIR/rofs
rm -rf "$RO" && mkdir -p "$RO"
for d in bin sbin usr usr/bin usr/sbin etc etc/init.d proc sys dev run tmp \
	root var var/log mnt; do
	mkdir -p "$RO/$d"
done
install -m 0755 "$BB_DIR/root/bin/busybox" "$RO/bin/busybox"
qemu-arm "$BB_DIR/root/bin/busybox" --list-full | while read -r a; do
	[ "$a" = bin/busybox ] && continue
	ln -sf /bin/busybox "$RO/$a"
done
ln -sf /bin/busybox "$RO/sbin/init"
install -m 0644 "$FW/rofs/inittab" "$RO/etc/inittab"
install -m 0755 "$FW/rofs/rcS" "$RO/etc/init.d/rcS"
install -m 0644 "$FW/rofs/profile" "$RO/etc/profile"
install -m 0644 "$FW/rofs/os-release" "$RO/etc/os-release"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$RO/etc/passwd"
printf 'root:x:0:\n' >"$RO/etc/group"
printf 'romulus\n' >"$RO/etc/hostname"
: >"$RO/etc/fstab"
chmod 0700 "$RO/root"
chmod 1777 "$RO/tmp"
find "$RO" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
rm -f "$OUT/rofs.squashfs"
# mksquashfs takes its mkfs and file times from SOURCE_DATE_EPOCH (and
# refuses -mkfs-time/-all-time alongside it).
mksquashfs "$RO" "$OUT/rofs.squashfs" -comp xz -all-root -reproducible \
	-noappend -quiet -no-progress
chmod 0644 "$OUT/rofs.squashfs"

# ---------------------------------------------------------------- rwfs
log "building rwfs.jffs2"
RW=$BUILD_DIR/rwfs
rm -rf "$RW" && mkdir -p "$RW/cow" "$RW/work"
install -m 0644 "$FW/rwfs-README" "$RW/README"
find "$RW" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkfs.jffs2 -l -e 0x10000 --pad=0x400000 -U -r "$RW" -o "$OUT/rwfs.jffs2"
chmod 0644 "$OUT/rwfs.jffs2"

# ---------------------------------------------------------------- checks + image
part() { # name offset size file
	local sz
	sz=$(stat -c %s "$4")
	if [ "$sz" -gt $(($3)) ]; then
		log "ERROR: $4 is $sz bytes, larger than the $1 partition ($(($3)))"
		exit 1
	fi
	dd if="$4" of="$OUT_MTD.tmp" bs=64K seek=$(($2 / 0x10000)) conv=notrunc status=none
	log "$(printf '%-10s 0x%07x %9d of %9d bytes' "$1" $(($2)) "$sz" $(($3)))"
}
log "assembling $OUT_MTD"
head -c $((32 << 20)) /dev/zero | tr '\0' '\377' >"$OUT_MTD.tmp"
part u-boot 0x0 0x60000 "$OUT/firmware.bin"
part u-boot-env 0x60000 0x20000 "$OUT/u-boot-env.bin"
part kernel 0x80000 0x440000 "$OUT/fit.itb"
part rofs 0x4c0000 0x1740000 "$OUT/rofs.squashfs"
part rwfs 0x1c00000 0x400000 "$OUT/rwfs.jffs2"
mv "$OUT_MTD.tmp" "$OUT_MTD"

ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
{
	echo "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
	echo "linux-source-6.1=$(ver linux-source-6.1)"
	echo "gcc-arm-linux-gnueabi=$(ver gcc-arm-linux-gnueabi)"
	echo "u-boot-tools=$(ver u-boot-tools)"
	echo "squashfs-tools=$(ver squashfs-tools)"
	echo "mtd-utils=$(ver mtd-utils)"
	echo "device-tree-compiler=$(ver device-tree-compiler)"
	echo "busybox-static:armel=$(dpkg-deb -f "$BB_DEB" Version)"
	echo "zImage.sha256=$(sha256sum "$IMAGES/zImage" | cut -d' ' -f1)"
	echo "image.sha256=$(sha256sum "$OUT_MTD" | cut -d' ' -f1)"
} >"$OUT/BUILDINFO"
sz() { stat -c %s "$OUT/$1"; }
cat >"$OUT/README.md" <<README
# guest/flash: OpenBMC-layout flash image parts (romulus)

Built by \`testdata/build-mtd.sh\` (do not edit by hand); \`guest.RomulusMTD()\`
assembles the 32 MiB image from them, byte for byte the same as the script's
\`\$OUT_MTD\` (default \`testdata/build/obmc-romulus.mtd\`, not committed).
Boot it with \`ast2500emu boot -M romulus --mtd IMG\` or
\`qemu-system-arm -M romulus-bmc -nographic -drive file=IMG,if=mtd,format=raw\`.

| partition  | offset    | size      | file             | bytes |
|------------|-----------|-----------|------------------|-------|
| u-boot     | 0x0       | 0x60000   | firmware.bin     | $(sz firmware.bin) |
| u-boot-env | 0x60000   | 0x20000   | u-boot-env.bin   | $(sz u-boot-env.bin) |
| kernel     | 0x80000   | 0x440000  | fit.itb          | $(sz fit.itb) |
| rofs       | 0x4c0000  | 0x1740000 | rofs.squashfs    | $(sz rofs.squashfs) |
| rwfs       | 0x1c00000 | 0x400000  | rwfs.jffs2       | $(sz rwfs.jffs2) |

The layout is Linux's arch/arm/boot/dts/openbmc-flash-layout.dtsi, which the
romulus device tree includes for the FMC CS0 flash (n25q256a, 64 KiB erase
blocks); the rest of each partition is 0xff (erased flash).

- **firmware.bin**: our first-stage boot program (testdata/firmware/:
  start.S, boot.c, lib.c, libfdt from Linux 6.1). It runs in place from
  flash at reset, prints on UART5 at 115200, unlocks the SCU, brings up the
  SDMC through its registers (unlock, MCR04, PHY init, self-test, size
  probe, cache init), checks DRAM, arms watchdog 2 (300 s), reads the
  environment, parses the FIT with libfdt, copies kernel/ramdisk/dtb,
  fixes up /chosen and /memory and jumps to Linux ("Starting kernel ...").
- **u-boot-env.bin**: mkenvimage of testdata/firmware/u-boot-env.txt:
  \`bootargs=console=ttyS4,115200n8 earlycon\`, \`bootcmd=bootm 20080000\`.
- **fit.itb**: mkimage -f testdata/firmware/fit.its: kernel-1 (the bundled
  guest/images/zImage, load/entry 0x80001000), fdt-aspeed-bmc-opp-romulus.dtb,
  ramdisk-1 (gzip'd newc cpio holding /init = obmc-init, built from
  testdata/firmware/initfs/obmc-init.c with the kernel's nolibc), default
  configuration conf-aspeed-bmc-opp-romulus.dtb, sha256 hashes.
- **rofs.squashfs**: xz squashfs: Debian's armel busybox-static with applet
  links, /sbin/init -> busybox, testdata/firmware/rofs/{inittab, rcS,
  profile, os-release}.
- **rwfs.jffs2**: mkfs.jffs2, little-endian, 64 KiB erase blocks, padded to
  the partition: README plus empty cow/ and work/ (overlayfs upper and work
  directories).

Boot sequence and what tests can match on the console: the banner
\`ast2500emu first-stage boot\`, \`DRAM:  512 MiB at 0x80000000, test passed\`,
\`Starting kernel ...\`, then obmc-init's \`obmc-init: mounted rofs (squashfs)
from /dev/mtdblock4\` and \`obmc-init: mounted rwfs (jffs2) from
/dev/mtdblock5\` (mtd0 is the whole chip "bmc"), rcS's \`obmc-rcS: ...\`, and
a root shell on ttyS4 whose prompt is \`obmc:<cwd># \` (\`obmc:/# \` at start).
The root is an overlay (lower: rofs at /run/initramfs/ro, upper:
/run/initramfs/rw/cow on the jffs2 rwfs): files written anywhere under /
persist across reboots in the rwfs partition.

SHA256SUMS lists the parts, BUILDINFO the package versions used.
README
(cd "$OUT" && sha256sum firmware.bin u-boot-env.bin fit.itb rofs.squashfs rwfs.jffs2 >SHA256SUMS)
log "done: $OUT_MTD"
