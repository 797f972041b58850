#!/bin/bash
# qemu-boot.sh: boot the bundled guest (guest/images) on QEMU's AST2500
# machines, as the reference for ast2500emu.
#
#   qemu-boot.sh [romulus|ast2500-evb]          interactive console (Ctrl-A x quits)
#   qemu-boot.sh --time [romulus|ast2500-evb]   boot under a pipe, time boot-to-prompt,
#                                               run a few checks, poweroff
#
# The AST2500 machines in QEMU connect the first serial backend (serial0,
# i.e. what -nographic puts on stdio) to UART5, the board's debug console,
# which Linux calls ttyS4 (console=ttyS4,115200 from the DTB's bootargs;
# no -append is given, so the DTB's /chosen/bootargs are used unchanged).
#
# Environment: QEMU (default qemu-system-arm), TIMEOUT (seconds, --time mode,
# default 600), LOG (console log file for --time, default a temp file).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
G=$(cd "$HERE/.." && pwd)/guest/images
QEMU=${QEMU:-qemu-system-arm}

mode=interactive
if [ "${1:-}" = --time ]; then
	mode=time
	shift
fi
board=${1:-romulus}
case "$board" in
romulus | romulus-bmc) machine=romulus-bmc dtb=aspeed-bmc-opp-romulus.dtb ;;
ast2500-evb | evb) machine=ast2500-evb dtb=aspeed-ast2500-evb.dtb ;;
*)
	echo "usage: $0 [--time] [romulus|ast2500-evb]" >&2
	exit 2
	;;
esac

args=(-M "$machine" -m 512M -no-reboot
	-kernel "$G/zImage" -dtb "$G/$dtb" -initrd "$G/initramfs.cpio.gz")

if [ "$mode" = interactive ]; then
	exec "$QEMU" "${args[@]}" -nographic
fi

export TIMEOUT=${TIMEOUT:-600}
export LOG=${LOG:-$(mktemp /tmp/qemu-boot-$board.XXXXXX.log)}
exec python3 - "$QEMU" "${args[@]}" -display none -monitor none -serial stdio <<'EOF'
# Drive the guest console through a pipe: wait for the shell prompt, run a
# few commands, power off, and report the wall-clock boot-to-prompt time.
import os, subprocess, sys, time, select

PROMPT = b"ast2500emu:/# "
timeout = float(os.environ["TIMEOUT"])
log = open(os.environ["LOG"], "wb")
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT)
buf = b""

def wait_for(pat, limit):
    """Read console output until pat appears after the current position."""
    global buf
    start = len(buf)
    deadline = time.monotonic() + limit
    pats = pat if isinstance(pat, tuple) else (pat,)
    while not any(x in buf[start:] for x in pats):
        left = deadline - time.monotonic()
        if left <= 0 or p.poll() is not None:
            return False
        r, _, _ = select.select([p.stdout], [], [], min(left, 1.0))
        if r:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                return False
            buf += chunk
            log.write(chunk)
            log.flush()
    return True

def cmd(line, limit=120):
    start = len(buf)
    p.stdin.write(line.encode() + b"\n")
    p.stdin.flush()
    ok = wait_for(PROMPT, limit)
    out = buf[start:].decode(errors="replace")
    print("---- %s\n%s" % (line, out.strip()))
    return ok, out

ok = wait_for(PROMPT, timeout)
t_prompt = time.monotonic() - t0
status = 0
if not ok:
    print("FAIL: no shell prompt within %.0f s (log: %s)" % (timeout, log.name))
    status = 1
else:
    text = buf.decode(errors="replace")
    for key in ("Booting Linux", "ASPEED AST2500 rev", "Run /init as init process",
                "ast2500emu-guest: init ok"):
        for l in text.splitlines():
            if key in l:
                print("log: " + l.strip())
                break
        else:
            print("MISSING: " + key)
            status = 1
    for c, want in (("uname -r", "6.1."), ("cat /proc/cmdline", "console=ttyS4"),
                    ("cat /proc/cpuinfo", "ARMv6"),
                    ("/bin/netstudy selftest", "netstudy selftest ok")):
        good, out = cmd(c)
        if not good or want not in out:
            print("FAIL: %r did not print %r" % (c, want))
            status = 1
    p.stdin.write(b"poweroff\n")
    p.stdin.flush()
    # Without a power-off driver (none on these boards) the kernel halts
    # and prints "reboot: System halted"; with one, "reboot: Power down".
    if wait_for((b"reboot: System halted", b"reboot: Power down"), 120):
        print("poweroff: ok (" + buf.decode(errors="replace").rsplit("reboot: ", 1)[1].split("\r")[0].strip() + ")")
    else:
        print("FAIL: no 'reboot: System halted/Power down' after poweroff")
        status = 1
print("boot-to-prompt: %.2f s" % t_prompt)
print("console log: " + log.name)
p.kill()
p.wait()
sys.exit(status)
EOF
