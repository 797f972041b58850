#!/bin/bash
# bench-net.sh: TCP throughput through the user-mode network, ast2500emu
# against QEMU, with the same bundled guest (guest/images) on the same
# board, in one run.
#
#   bench-net.sh [romulus|ast2500-evb]
#
# For each emulator: boot, bring eth0 up with DHCP (10.0.2.15), then
#   host -> guest: the host connects through a TCP host forward to
#                  "netstudy sink" in the guest and sends BYTES;
#   guest -> host: "netstudy source 10.0.2.2 PORT BYTES" in the guest sends
#                  to a host listener on 127.0.0.1 (10.0.2.2 is the host's
#                  loopback in both user networks).
# Throughput is measured on the host, from connect/accept to the peer's
# EOF, in MB/s (10^6 bytes per second); the host side is a small Python
# sink/source. The ratio is ast2500emu / QEMU.
#
# ast2500emu runs with --nic user --pace on (guest time follows the wall
# clock while the guest waits for the host, as on a terminal); QEMU with
# -nic user,hostfwd=... (libslirp; NC-SI for romulus-bmc through slirp's
# NC-SI responder, a PHY for ast2500-evb).
#
# Environment: BYTES (default 33554432 = 32 MiB), QEMU (default
# qemu-system-arm), EMU (an ast2500emu binary; default: go build), TIMEOUT
# (seconds per phase, default 300), KEEP=1 keeps the console logs.
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
WORK=$(mktemp -d /tmp/bench-net.XXXXXX)
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
if [ -z "${EMU:-}" ]; then
	EMU=$WORK/ast2500emu
	(cd "$ROOT" && go build -o "$EMU" ./cmd/ast2500emu)
fi
command -v "$QEMU" >/dev/null || { echo "bench-net: $QEMU not found" >&2; exit 1; }

export BYTES=${BYTES:-33554432} TIMEOUT=${TIMEOUT:-300} WORK board
exec python3 - "$EMU" "$QEMU" "$qmachine" "$G" "$dtb" <<'EOF'
import os, select, socket, subprocess, sys, time

emu, qemu, qmachine, G, dtb = sys.argv[1:6]
N = int(os.environ["BYTES"])
TIMEOUT = float(os.environ["TIMEOUT"])
WORK, board = os.environ["WORK"], os.environ["board"]
PROMPT = b"ast2500emu:/# "
GUEST_SINK = 5002

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p

class Guest:
    def __init__(self, name, argv):
        self.log = open(os.path.join(WORK, name + ".console.log"), "wb")
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = b""

    def wait_for(self, pat, limit=TIMEOUT):
        start = len(self.buf)
        deadline = time.monotonic() + limit
        while pat not in self.buf[start:]:
            left = deadline - time.monotonic()
            if left <= 0 or self.p.poll() is not None:
                raise SystemExit("bench-net: timed out waiting for %r (log %s)" % (pat, self.log.name))
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 1.0))
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if not chunk:
                    continue
                self.buf += chunk
                self.log.write(chunk)
                self.log.flush()
        return self.buf[start:].decode(errors="replace")

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def cmd(self, line, limit=TIMEOUT):
        self.send(line)
        return self.wait_for(PROMPT, limit)

    def close(self):
        self.send("poweroff")
        try:
            self.p.wait(20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()

def host_to_guest(g, port):
    g.send("netstudy sink %d > /dev/null" % GUEST_SINK)
    time.sleep(1)
    chunk = bytes(range(256)) * 256
    for _ in range(100):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        except OSError:
            time.sleep(0.2)
            continue
        t0 = time.monotonic()
        sent = 0
        try:
            while sent < N:
                sent += s.send(chunk[: min(len(chunk), N - sent)])
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass
        except OSError:
            s.close()
            time.sleep(0.2)  # the forwarder accepted before the guest listened
            continue
        dt = time.monotonic() - t0
        s.close()
        out = g.wait_for(PROMPT)
        if "netstudy sink: %d bytes" % N not in out:
            if "netstudy sink: 0 bytes" in out:
                continue
            raise SystemExit("bench-net: guest sink says: " + out)
        return dt
    raise SystemExit("bench-net: could not reach the guest sink")

def guest_to_host(g):
    l = socket.socket()
    l.bind(("127.0.0.1", 0))
    l.listen(1)
    g.send("netstudy source 10.0.2.2 %d %d" % (l.getsockname()[1], N))
    l.settimeout(TIMEOUT)
    c, _ = l.accept()
    t0 = time.monotonic()
    got = 0
    while True:
        b = c.recv(1 << 20)
        if not b:
            break
        got += len(b)
    dt = time.monotonic() - t0
    c.close()
    l.close()
    out = g.wait_for(PROMPT)
    if got != N:
        raise SystemExit("bench-net: host got %d of %d bytes; guest: %s" % (got, N, out))
    return dt

def run(name, argv_fn):
    port = free_port()
    g = Guest(name, argv_fn(port))
    try:
        t0 = time.monotonic()
        g.wait_for(PROMPT)
        boot = time.monotonic() - t0
        out = g.cmd("ip link set eth0 up; udhcpc -i eth0 -n -q")
        if "lease of 10.0.2.15" not in out:
            raise SystemExit("bench-net: %s: no DHCP lease: %s" % (name, out))
        up = host_to_guest(g, port)
        down = guest_to_host(g)
    finally:
        g.close()
    r = (N / 1e6 / up, N / 1e6 / down)
    print("%-11s boot-to-prompt %5.1f s   host->guest %7.2f MB/s   guest->host %7.2f MB/s" % (name, boot, r[0], r[1]))
    sys.stdout.flush()
    return r

print("bench-net: %s, %d bytes each way, user-mode network" % (board, N))
emu_r = run("ast2500emu", lambda port: [emu, "boot", "-M", board, "--nic", "user", "--pace", "on",
                                        "--hostfwd", "tcp:127.0.0.1:%d-:%d" % (port, GUEST_SINK)])
qemu_r = run("qemu", lambda port: [qemu, "-M", qmachine, "-m", "512M", "-no-reboot",
                                   "-kernel", os.path.join(G, "zImage"), "-dtb", os.path.join(G, dtb),
                                   "-initrd", os.path.join(G, "initramfs.cpio.gz"),
                                   "-nic", "user,hostfwd=tcp:127.0.0.1:%d-:%d" % (port, GUEST_SINK),
                                   "-display", "none", "-monitor", "none", "-serial", "stdio"])
print("ratio ast2500emu/qemu: host->guest %.2f   guest->host %.2f" % (emu_r[0] / qemu_r[0], emu_r[1] / qemu_r[1]))
EOF
