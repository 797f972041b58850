#!/usr/bin/env bash
# gen-netstack.sh: regenerate docs/netstack/ — the kernel call graphs of the
# socket system calls, recorded live by ast2500emu --trace-calls while the
# bundled guest runs "netstudy selftest" (a TCP server and client over
# loopback: socket, bind, listen, connect, accept, write, read, close).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=docs/netstack
DEPTH=${DEPTH:-10}
ROOTS=__sys_socket,__sys_bind,__sys_listen,__sys_connect,__sys_accept4,ksys_write,ksys_read,close_fd,__fput
tmp=$(mktemp -d)
go build -o "$tmp/ast2500emu" ./cmd/ast2500emu
for fmt in tree boxes dot json; do
	python3 - "$tmp/ast2500emu" "$ROOTS" "$DEPTH" "$fmt" "$OUT/study.$fmt" <<'PY'
import subprocess, sys
exe, roots, depth, fmt, out = sys.argv[1:6]
p = subprocess.Popen([exe, "boot", "--nic", "none", "--pace", "off", "--log", "/dev/null",
                      "--trace-calls", roots, "--vmlinux", "guest/images/vmlinux",
                      "--trace-depth", depth, "--trace-format", fmt, "--trace-out", out],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def wait_for(pat):
    buf = b""
    while pat not in buf:
        chunk = p.stdout.read1(65536)
        if not chunk:
            sys.exit("emulator exited before %r" % pat)
        buf += chunk
wait_for(b"ast2500emu:/# ")
p.stdin.write(b"netstudy selftest\n"); p.stdin.flush()
wait_for(b"netstudy selftest ok")
p.stdin.write(b"poweroff\n"); p.stdin.flush()
p.wait(timeout=300)
print("wrote", out)
PY
done
rm -rf "$tmp"
