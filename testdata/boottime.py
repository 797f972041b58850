#!/usr/bin/env python3
# boottime.py CMD [ARGS...]: run an emulator with the bundled guest on a
# pipe, and print the wall-clock seconds from start to the shell prompt,
# then power the guest off. Used by bench-boot.sh and bench-mtd.sh for
# ast2500emu and QEMU. PROMPT (environment) overrides the prompt.
import os, select, subprocess, sys, time

PROMPT = os.environ.get("PROMPT", "ast2500emu:/# ").encode()
timeout = float(os.environ.get("TIMEOUT", "300"))
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
buf = b""
while PROMPT not in buf:
    left = t0 + timeout - time.monotonic()
    if left <= 0 or p.poll() is not None:
        print("FAIL: no prompt", file=sys.stderr)
        p.kill()
        sys.exit(1)
    r, _, _ = select.select([p.stdout], [], [], min(left, 1.0))
    if r:
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            continue
        buf += chunk
t = time.monotonic() - t0
p.stdin.write(b"poweroff\n")
p.stdin.flush()
try:
    p.wait(timeout=60)
except subprocess.TimeoutExpired:
    p.kill()
print("%.2f" % t)
