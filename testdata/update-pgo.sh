#!/usr/bin/env bash
# update-pgo.sh: refresh cmd/ast2500emu/default.pgo, the CPU profile Go's
# profile-guided optimisation uses when building the emulator (go build
# picks up default.pgo in the main package automatically). The profile is
# one boot of the bundled romulus guest to the shell, then a user-space
# workload like bench-user.sh's (gzip, sha256sum, md5sum over 4 MiB; find,
# ls -lR and a fork/exec loop), then power-off: the kernel's own
# decompressor no longer runs (the zImage is inflated on the host), so the
# profile is what users run after the boot.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
tmp=$(mktemp -d)
go build -pgo=off -o "$tmp/ast2500emu" ./cmd/ast2500emu
python3 - "$tmp/ast2500emu" "$tmp/cpu.prof" <<'PY'
import subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "boot", "--nic", "none", "--pace", "off", "--log", "/dev/null",
                      "--cpuprofile", sys.argv[2]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
buf = b""
while b"ast2500emu:/# " not in buf:
    chunk = p.stdout.read1(65536)
    if not chunk:
        sys.exit("no prompt")
    buf += chunk
work = (b"dd if=/dev/urandom of=/tmp/f bs=1M count=4 2>/dev/null; "
        b"gzip -c /tmp/f | md5sum; sha256sum /tmp/f; md5sum /tmp/f; "
        b"find / >/dev/null 2>&1; ls -lR / >/dev/null 2>&1; "
        b"i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i+1)); done; "
        b"echo PGO-$((6*7))-DONE\n")
p.stdin.write(work); p.stdin.flush()
buf = b""
while b"PGO-42-DONE" not in buf:
    chunk = p.stdout.read1(65536)
    if not chunk:
        sys.exit("workload did not finish")
    buf += chunk
p.stdin.write(b"poweroff\n"); p.stdin.flush()
p.wait(timeout=120)
PY
cp "$tmp/cpu.prof" cmd/ast2500emu/default.pgo
rm -rf "$tmp"
echo "updated cmd/ast2500emu/default.pgo"
