# lib.sh: steps shared by build-guest.sh and build-mtd.sh (sourced; needs
# log() and BUILD_DIR).

# ensure_packages PKG...: add the armel dpkg architecture and install the
# Debian packages that are missing (skipped with SKIP_APT=1).
ensure_packages() {
	[ "${SKIP_APT:-0}" != 1 ] || return 0
	if ! dpkg --print-foreign-architectures | grep -qx armel; then
		log "adding dpkg architecture armel"
		dpkg --add-architecture armel
		apt-get update
	fi
	local missing="" p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		log "installing:$missing"
		apt-get update
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
	fi
}

# fetch_busybox: Debian's busybox-static:armel, fetched and unpacked into
# $BUILD_DIR/busybox-armel/root, never installed (installing it would
# replace the host's /bin/busybox with an ARM binary and conflicts with the
# host's busybox package). Sets BB_DIR and BB_DEB.
fetch_busybox() {
	BB_DIR=$BUILD_DIR/busybox-armel
	if [ ! -x "$BB_DIR/root/bin/busybox" ]; then
		log "fetching busybox-static:armel"
		rm -rf "$BB_DIR" && mkdir -p "$BB_DIR"
		(cd "$BB_DIR" && apt-get download busybox-static:armel)
		dpkg-deb -x "$BB_DIR"/busybox-static_*_armel.deb "$BB_DIR/root"
	fi
	BB_DEB=$(ls "$BB_DIR"/busybox-static_*_armel.deb)
}
