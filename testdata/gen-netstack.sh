#!/usr/bin/env bash
# gen-netstack.sh: regenerate docs/netstack/ — the kernel call graphs of the
# socket system calls, recorded live by ast2500emu --trace-calls while the
# bundled guest runs "netstudy selftest" (a TCP server and client over
# loopback: socket, bind, listen, connect, accept, write, read, close).
#
# Each format is one "smoke --deterministic" run: the console input is
# injected at fixed guest points and the clock is virtual, so the files are
# the same on every machine and change only with the kernel, the guest, the
# tracer or DEPTH.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=docs/netstack
DEPTH=${DEPTH:-10}
ROOTS=__sys_socket,__sys_bind,__sys_listen,__sys_connect,__sys_accept4,ksys_write,ksys_read,close_fd,__fput
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ast2500emu" ./cmd/ast2500emu
for fmt in tree boxes dot json; do
	"$tmp/ast2500emu" smoke --deterministic --nic none --log /dev/null \
		--expect 'ast2500emu:/# $' --send 'netstudy selftest\n' \
		--expect 'netstudy selftest ok' --expect 'ast2500emu:/# $' \
		--send 'poweroff\n' --expect 'System halted' \
		--trace-calls "$ROOTS" --vmlinux guest/images/vmlinux \
		--trace-depth "$DEPTH" --trace-format "$fmt" --trace-out "$OUT/study.$fmt" >/dev/null
	echo "wrote $OUT/study.$fmt"
done
