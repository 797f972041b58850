#!/usr/bin/env python3
# unametime.py [--no-prompt] CMD [ARGS...]: run an emulator with the
# bundled guest on a pipe, type "uname -a" (at the shell prompt, or at once
# with --no-prompt, for a machine restored at its prompt), and print the
# wall-clock seconds from start until its output appears and the CPU
# seconds the emulator had used by then; then power the guest off. Used by
# bench-snapshot.sh.
import os, select, subprocess, sys, time

PROMPT = b"ast2500emu:/# "
args = sys.argv[1:]
wait_prompt = True
if args and args[0] == "--no-prompt":
    wait_prompt, args = False, args[1:]
t0 = time.monotonic()
p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

def wait_for(pat, start):
    buf = b""
    while pat not in buf[start:]:
        if time.monotonic() - t0 > 300 or p.poll() is not None:
            print("FAIL: no %r" % pat, file=sys.stderr)
            p.kill()
            sys.exit(1)
        r, _, _ = select.select([p.stdout], [], [], 1.0)
        if r:
            buf += os.read(p.stdout.fileno(), 65536)
    return buf

if wait_prompt:
    wait_for(PROMPT, 0)
p.stdin.write(b"uname -a\n")
p.stdin.flush()
wait_for(b"armv6l", 0)
t = time.monotonic() - t0
# CPU time up to here (not the power-off that follows).
with open("/proc/%d/stat" % p.pid) as f:
    fields = f.read().rsplit(")", 1)[1].split()
cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
p.stdin.write(b"poweroff\n")
p.stdin.flush()
try:
    p.wait(timeout=60)
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
print("%.3f %.3f" % (t, cpu))
