#!/bin/bash
# bench-user.sh: user-space workloads in the bundled guest (guest/images),
# ast2500emu against QEMU on the same board, in one run, with the ratio of
# each (ast2500emu's time / QEMU's: below 1 means ast2500emu is faster).
#
#   bench-user.sh [romulus|ast2500-evb]
#
# Workloads (each run REPEAT times in a row):
#   CPU-bound:     gzip -c, sha256sum and md5sum over MIB MiB of data made
#                  once per boot from /dev/urandom (not timed);
#   syscall-heavy: find /, ls -lR /, and a shell loop of LOOP fork/execs
#                  of /bin/true.
# Each workload is one shell command line, timed on the host from sending
# the line to seeing the marker the guest prints when it is done (the
# marker is made by shell arithmetic, so the echoed command line does not
# match it): the emulator process's CPU time (user + system, all threads,
# from /proc/PID/stat) and the wall clock. The ratios use CPU time, which
# stays comparable on a loaded machine; wall time is printed too. The same
# measures serve both emulators: ast2500emu's guest clock is virtual
# (--pace off), so time inside the guest would not compare.
#
# Environment: MIB (default 4), REPEAT (default 3), LOOP (default 200),
# QEMU (default qemu-system-arm), EMU (an ast2500emu binary; default: go
# build), EMU_ARGS (extra ast2500emu flags, e.g. --cpuprofile FILE, or
# --jit=off to measure the interpreter alone: the JIT is on by default),
# INTERP=1 (also run ast2500emu with --jit=off and print its ratio),
# TIMEOUT (seconds per step, default 600), KEEP=1 keeps the console logs.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
G=$ROOT/guest/images
QEMU=${QEMU:-qemu-system-arm}
board=${1:-romulus}
case "$board" in
romulus | romulus-bmc) board=romulus qmachine=romulus-bmc dtb=aspeed-bmc-opp-romulus.dtb ;;
ast2500-evb | evb) board=ast2500-evb qmachine=ast2500-evb dtb=aspeed-ast2500-evb.dtb ;;
*)
	echo "usage: $0 [romulus|ast2500-evb]" >&2
	exit 2
	;;
esac
command -v "$QEMU" >/dev/null || { echo "bench-user: $QEMU not found (apt-get install qemu-system-arm)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/bench-user.XXXXXX)
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
if [ -z "${EMU:-}" ]; then
	EMU=$WORK/ast2500emu
	(cd "$ROOT" && go build -o "$EMU" ./cmd/ast2500emu)
fi

export MIB=${MIB:-4} REPEAT=${REPEAT:-3} LOOP=${LOOP:-200} TIMEOUT=${TIMEOUT:-600} WORK board EMU_ARGS=${EMU_ARGS:-} INTERP=${INTERP:-0}
exec python3 - "$EMU" "$QEMU" "$qmachine" "$G" "$dtb" <<'PY'
import os, select, shlex, subprocess, sys, time

TICK = os.sysconf("SC_CLK_TCK")

emu, qemu, qmachine, G, dtb = sys.argv[1:6]
MIB, REPEAT, LOOP = int(os.environ["MIB"]), int(os.environ["REPEAT"]), int(os.environ["LOOP"])
TIMEOUT = float(os.environ["TIMEOUT"])
WORK, board = os.environ["WORK"], os.environ["board"]
PROMPT = b"ast2500emu:/# "

def rep(cmd):
    return "for r in $(seq %d); do %s; done" % (REPEAT, cmd)

WORKLOADS = [
    ("cpu", "gzip", rep("gzip -c /tmp/data > /dev/null")),
    ("cpu", "sha256sum", rep("sha256sum /tmp/data > /dev/null")),
    ("cpu", "md5sum", rep("md5sum /tmp/data > /dev/null")),
    ("sys", "find /", rep("find / > /dev/null 2>&1")),
    ("sys", "ls -lR /", rep("ls -lR / > /dev/null 2>&1")),
    ("sys", "fork/exec x%d" % LOOP,
     rep("i=0; while [ $i -lt %d ]; do /bin/true; i=$((i+1)); done" % LOOP)),
]

class Guest:
    def __init__(self, name, argv):
        self.log = open(os.path.join(WORK, name + ".console.log"), "wb")
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = b""
        self.pos = 0  # output before it has been matched already
        self.n = 0

    def wait_for(self, pat):
        deadline = time.monotonic() + TIMEOUT
        while pat not in self.buf[self.pos:]:
            left = deadline - time.monotonic()
            if left <= 0 or self.p.poll() is not None:
                raise SystemExit("bench-user: timed out waiting for %r (log %s)" % (pat, self.log.name))
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 1.0))
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if chunk:
                    self.buf += chunk
                    self.log.write(chunk)
                    self.log.flush()
        self.pos = self.buf.index(pat, self.pos) + len(pat)

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def cpu(self):
        with open("/proc/%d/stat" % self.p.pid) as f:
            st = f.read().rsplit(")", 1)[1].split()
        return (int(st[11]) + int(st[12])) / TICK  # utime, stime

    def run(self, line):
        """Runs line in the guest; returns the emulator's CPU seconds and
        the wall seconds until it is done."""
        self.n += 1
        mark = "@@%d@@" % (self.n + 1000)
        c0, t0 = self.cpu(), time.monotonic()
        self.send("%s; echo @@$((%d+1000))@@" % (line, self.n))
        self.wait_for(mark.encode())
        c, t = self.cpu() - c0, time.monotonic() - t0
        self.wait_for(PROMPT)
        return c, t

    def close(self):
        self.send("poweroff")
        try:
            self.p.wait(30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()

def measure(name, argv):
    g = Guest(name, argv)
    try:
        g.wait_for(PROMPT)
        g.run("dd if=/dev/urandom of=/tmp/data bs=64k count=%d 2>/dev/null" % (MIB * 16))
        times = [g.run(cmd) for _, _, cmd in WORKLOADS]
        g.close()
    finally:
        if g.p.poll() is None:
            g.p.kill()
            g.p.wait()
    return times

ours = measure("ast2500emu", [emu, "boot", "-M", board, "--nic", "none", "--pace", "off"] +
               shlex.split(os.environ["EMU_ARGS"]))
interp = None
if os.environ["INTERP"] == "1":
    interp = measure("ast2500emu-interp", [emu, "boot", "-M", board, "--nic", "none", "--pace", "off"] +
                     shlex.split(os.environ["EMU_ARGS"]) + ["--jit=off"])
theirs = measure("qemu", [qemu, "-M", qmachine, "-m", "512M", "-no-reboot",
                          "-kernel", os.path.join(G, "zImage"), "-dtb", os.path.join(G, dtb),
                          "-initrd", os.path.join(G, "initramfs.cpio.gz"),
                          "-display", "none", "-monitor", "none", "-serial", "stdio", "-nic", "none"])

print("bench-user: %s, %d MiB, %d repeats; seconds of emulator CPU time (wall time)" % (board, MIB, REPEAT))
print("%-16s %18s %18s %7s%s" % ("workload", "ast2500emu", "qemu", "ratio", "  --jit=off ratio" if interp else ""))
def row(name, o, q, i):
    extra = "  %7.2fs %6.2fx" % (i[0], i[0] / q[0]) if i else ""
    print("%-16s %7.2fs (%7.2fs) %7.2fs (%7.2fs) %6.2fx%s" % (name, o[0], o[1], q[0], q[1], o[0] / q[0], extra))
for kind in ("cpu", "sys"):
    so, sq, si = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    for n, ((k, name, _), o, q) in enumerate(zip(WORKLOADS, ours, theirs)):
        if k != kind:
            continue
        i = interp[n] if interp else None
        so = [so[0] + o[0], so[1] + o[1]]
        sq = [sq[0] + q[0], sq[1] + q[1]]
        if i:
            si = [si[0] + i[0], si[1] + i[1]]
        row(name, o, q, i)
    row(kind + " total", so, sq, si if interp else None)
PY
