#!/bin/bash
# build-guest.sh: rebuild the bundled Linux guest in guest/images/.
#
#   * Linux 6.1 (Debian's linux-source-6.1), unmodified aspeed_g5_defconfig:
#     zImage, vmlinux (debug info stripped, symbols kept), System.map,
#     config, and the romulus / ast2500-evb device trees.
#   * initramfs.cpio.gz: Debian's armel busybox-static, busybox init with
#     testdata/initramfs/{inittab,rcS,profile,default.script} and
#     /bin/netstudy built from testdata/initramfs/netstudy.c.
#   * SHA256SUMS and BUILDINFO (package versions used).
#
# Usage (as root on Debian 12): testdata/build-guest.sh
# Environment: BUILD_DIR (scratch, default /work/build if /work exists, else
# a mktemp dir), JOBS (default nproc), SKIP_APT=1 to skip apt-get,
# SOURCE_DATE_EPOCH (default 1767225600 = 2026-01-01 00:00:00 UTC).
# Idempotent: an existing kernel tree in BUILD_DIR is reused (make rebuilds
# only what changed); everything in guest/images/ but README.md is rewritten.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$(cd "$HERE/.." && pwd)/guest/images
SRC=$HERE/initramfs
JOBS=${JOBS:-$(nproc)}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
export LC_ALL=C TZ=UTC
if [ -z "${BUILD_DIR:-}" ]; then
	if [ -d /work ]; then BUILD_DIR=/work/build; else BUILD_DIR=$(mktemp -d); fi
fi
mkdir -p "$BUILD_DIR" "$OUT"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
CROSS=arm-linux-gnueabi-

log() { echo "build-guest: $*" >&2; }

# ---------------------------------------------------------------- packages
APT_PKGS="linux-source-6.1 gcc-arm-linux-gnueabi binutils-arm-linux-gnueabi
	libc6-dev-armel-cross bc bison flex libssl-dev libelf-dev cpio gzip
	xz-utils make gcc qemu-user"
# shellcheck source=testdata/lib.sh
. "$HERE/lib.sh"
# shellcheck disable=SC2086
ensure_packages $APT_PKGS
fetch_busybox
BB_VERSION=$(dpkg-deb -f "$BB_DEB" Version)

# ------------------------------------------------------------------ kernel
TARBALL=/usr/src/linux-source-6.1.tar.xz
KSRC=$BUILD_DIR/linux-source-6.1
STAMP=$BUILD_DIR/linux-source-6.1.stamp
want_stamp=$(stat -c '%s %Y' "$TARBALL")
if [ ! -f "$KSRC/Makefile" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want_stamp" ]; then
	log "extracting $TARBALL"
	rm -rf "$KSRC"
	tar -C "$BUILD_DIR" -xf "$TARBALL"
	echo "$want_stamp" >"$STAMP"
fi

export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026"
export KBUILD_BUILD_USER=ast2500emu KBUILD_BUILD_HOST=ast2500emu KBUILD_BUILD_VERSION=1
KMAKE=(make -C "$KSRC" ARCH=arm CROSS_COMPILE=$CROSS)
if [ ! -f "$KSRC/.config" ]; then
	"${KMAKE[@]}" -s aspeed_g5_defconfig
fi
# Guard: the tree must hold the unmodified defconfig.
"${KMAKE[@]}" -s KCONFIG_CONFIG=.config.check aspeed_g5_defconfig
if ! cmp -s "$KSRC/.config" "$KSRC/.config.check"; then
	log "kernel .config differs from aspeed_g5_defconfig, resetting it"
	cp "$KSRC/.config.check" "$KSRC/.config"
fi
rm -f "$KSRC/.config.check" "$KSRC/.config.check.old"
log "building kernel (-j$JOBS)"
"${KMAKE[@]}" -j"$JOBS" zImage dtbs

KREL=$("${KMAKE[@]}" -s kernelrelease)
install -m 0644 "$KSRC/arch/arm/boot/zImage" "$OUT/zImage"
for dtb in aspeed-bmc-opp-romulus aspeed-ast2500-evb; do
	install -m 0644 "$KSRC/arch/arm/boot/dts/$dtb.dtb" "$OUT/$dtb.dtb"
done
install -m 0644 "$KSRC/System.map" "$OUT/System.map"
install -m 0644 "$KSRC/.config" "$OUT/config"
# Keep .symtab (symbolised traces), drop DWARF (hundreds of MB otherwise).
${CROSS}strip --strip-debug -o "$OUT/vmlinux" "$KSRC/vmlinux"
chmod 0644 "$OUT/vmlinux"

# --------------------------------------------------------------- initramfs
log "building initramfs"
STAGE=$BUILD_DIR/initramfs-stage
rm -rf "$STAGE" && mkdir -p "$STAGE"
gcc -O2 -o "$BUILD_DIR/gen_init_cpio" "$KSRC/usr/gen_init_cpio.c"
${CROSS}gcc -static -O2 -s -Wall -Wextra -o "$STAGE/netstudy" "$SRC/netstudy.c"
install -m 0755 "$BB_DIR/root/bin/busybox" "$STAGE/busybox"
install -m 0644 "$SRC/inittab" "$STAGE/inittab"
install -m 0755 "$SRC/rcS" "$STAGE/rcS"
install -m 0644 "$SRC/profile" "$STAGE/profile"
install -m 0755 "$SRC/default.script" "$STAGE/default.script"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$STAGE/passwd"
printf 'root:x:0:\n' >"$STAGE/group"
printf 'ast2500emu\n' >"$STAGE/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tast2500emu\n' >"$STAGE/hosts"
touch -d "@$SOURCE_DATE_EPOCH" "$STAGE"/*

LIST=$BUILD_DIR/initramfs.list
{
	for d in /bin /sbin /usr /usr/bin /usr/sbin /usr/share /usr/share/udhcpc \
		/etc /etc/init.d /proc /sys /dev /tmp /run /var /mnt; do
		echo "dir $d 0755 0 0"
	done
	echo "dir /root 0700 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "file /bin/busybox $STAGE/busybox 0755 0 0"
	echo "file /bin/netstudy $STAGE/netstudy 0755 0 0"
	echo "file /etc/inittab $STAGE/inittab 0644 0 0"
	echo "file /etc/init.d/rcS $STAGE/rcS 0755 0 0"
	echo "file /etc/profile $STAGE/profile 0644 0 0"
	echo "file /etc/passwd $STAGE/passwd 0644 0 0"
	echo "file /etc/group $STAGE/group 0644 0 0"
	echo "file /etc/hostname $STAGE/hostname 0644 0 0"
	echo "file /etc/hosts $STAGE/hosts 0644 0 0"
	echo "file /usr/share/udhcpc/default.script $STAGE/default.script 0755 0 0"
	# Debian's busybox looks for the udhcpc script in /etc/udhcpc.
	echo "dir /etc/udhcpc 0755 0 0"
	echo "slink /etc/udhcpc/default.script /usr/share/udhcpc/default.script 0777 0 0"
	echo "slink /init /bin/busybox 0777 0 0"
	# Applet links: busybox --list-full run under qemu-arm (user mode).
	qemu-arm "$BB_DIR/root/bin/busybox" --list-full | while read -r a; do
		case "$a" in bin/busybox | linuxrc | "") continue ;; esac
		echo "slink /$a /bin/busybox 0777 0 0"
	done
} | sort -k2,2 -u >"$LIST"
"$BUILD_DIR/gen_init_cpio" -t "$SOURCE_DATE_EPOCH" "$LIST" | gzip -9 -n >"$OUT/initramfs.cpio.gz"
chmod 0644 "$OUT/initramfs.cpio.gz"

# ------------------------------------------------------------- build info
{
	echo "kernel release: $KREL"
	echo "kernel source: linux-source-6.1 $(dpkg-query -W -f='${Version}' linux-source-6.1)"
	echo "kernel config: aspeed_g5_defconfig (unmodified)"
	echo "kernel compiler: $(${CROSS}gcc --version | head -1)"
	echo "busybox: busybox-static:armel $BB_VERSION"
	echo "KBUILD_BUILD_TIMESTAMP=$KBUILD_BUILD_TIMESTAMP"
	echo "KBUILD_BUILD_USER=$KBUILD_BUILD_USER KBUILD_BUILD_HOST=$KBUILD_BUILD_HOST KBUILD_BUILD_VERSION=$KBUILD_BUILD_VERSION"
	echo "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
} >"$OUT/BUILDINFO"

(cd "$OUT" && sha256sum $(ls | grep -vx -e SHA256SUMS -e README.md | sort) >SHA256SUMS)
log "done: $OUT"
ls -l "$OUT" >&2
