#!/usr/bin/env bash
# update-pgo.sh: refresh cmd/ast2500emu/default.pgo, the CPU profile Go's
# profile-guided optimisation uses when building the emulator (go build
# picks up default.pgo in the main package automatically). The profile is
# one boot of the bundled romulus guest to the shell and back to power-off.
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
p.stdin.write(b"poweroff\n"); p.stdin.flush()
p.wait(timeout=120)
PY
cp "$tmp/cpu.prof" cmd/ast2500emu/default.pgo
rm -rf "$tmp"
echo "updated cmd/ast2500emu/default.pgo"
