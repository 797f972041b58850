package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/guest"
)

// obmcPrompt is the shell prompt of the OpenBMC-layout test image's rofs.
const obmcPrompt = `obmc:[^\n]*# `

// firmwareMilestones are the console lines of a boot through the image's
// own first-stage loader (testdata/firmware), in order.
var firmwareMilestones = []string{
	`ast2500emu first-stage boot`,
	`DRAM:  512 MiB at 0x80000000, test passed`,
	`WDT:   watchdog 2 armed`,
	`ENV:   CRC ok`,
	`FIT:   configuration 'conf-aspeed-bmc-opp-romulus.dtb'`,
	`Starting kernel \.\.\.`,
	`Booting Linux on physical CPU 0x0`,
}

// flashMilestones follow in both boot paths: the initramfs mounts the
// squashfs and jffs2 partitions from the emulated flash and switches to an
// overlay of the two.
var flashMilestones = []string{
	`obmc-init: mounted rofs \(squashfs\) from /dev/mtdblock4`,
	`obmc-init: mounted rwfs \(jffs2\) from /dev/mtdblock5`,
	`obmc-rcS:   /dev/mtdblock4 /run/initramfs/ro squashfs ro`,
	`obmc-rcS:   /dev/mtdblock5 /run/initramfs/rw jffs2 rw`,
	obmcPrompt,
}

func expectAll(g *guestConsole, res []string, timeout time.Duration) {
	g.t.Helper()
	for _, re := range res {
		g.expect(re, timeout)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestFirmwareBootMTD boots the OpenBMC-layout romulus image
// (guest.RomulusMTD: first-stage loader, U-Boot environment, FIT, squashfs
// rofs, jffs2 rwfs) the way QEMU's -drive if=mtd does: from the reset
// vector. The loader brings up the SDMC and loads Linux from the FIT;
// Linux mounts squashfs and jffs2 from the flash. A file written to the
// jffs2-backed root survives a reboot through the watchdog (the firmware
// runs again); without --mtd-writable the image file is unchanged byte for
// byte. With --mtd-writable the file survives into a second process, which
// boots through --boot direct.
// haltThenWatchdog powers the guest off with watchdog 2 still running (the
// loader armed it; Linux's reboot notifier stops it only for a restart):
// the CPU halts, and the watchdog resets the machine at its expiry, as on
// the hardware, so the firmware boots again. Ctrl-A x then ends the run.
func haltThenWatchdog(g *guestConsole, timeout time.Duration) {
	g.t.Helper()
	g.send("poweroff\n")
	g.expect(`reboot: System halted`, timeout)
	g.expect(`ast2500emu first-stage boot`, timeout)
	g.send("\x01x")
	if code := g.wait(timeout); code != 0 {
		g.t.Fatalf("exit status after Ctrl-A x: %d", code)
	}
}

func TestFirmwareBootMTD(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest")
	}
	img, err := guest.RomulusMTD()
	if err != nil {
		t.Fatal(err)
	}
	exe := buildCLI(t)
	path := filepath.Join(t.TempDir(), "obmc-romulus.mtd")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	before := fileSum(t, path)
	const long = 3 * time.Minute

	// Run 1: firmware boot, write, reboot through the watchdog, read back.
	g := startGuest(t, exe, "firmware-1", "boot", "-M", "romulus", "--mtd", path, "--nic", "none", "--pace", "off")
	expectAll(g, firmwareMilestones, long)
	expectAll(g, flashMilestones, long)
	if o := sh(g, "mount", long); !strings.Contains(o, "overlay on / type overlay") {
		t.Errorf("root is not the rofs/rwfs overlay:\n%s", o)
	}
	sh(g, "echo kept-across-reboot > /persist.txt; sync", long)
	g.send("reboot\n")
	g.expect(`reboot: Restarting system`, long)
	expectAll(g, firmwareMilestones, long)
	expectAll(g, flashMilestones, long)
	if o := sh(g, "cat /persist.txt", long); !strings.Contains(o, "kept-across-reboot") {
		t.Errorf("file written before the watchdog reboot is gone: %q", o)
	}
	// The loader left watchdog 2 running; Linux's aspeed_wdt finds it
	// running, re-arms it with its own 30 s timeout and pings it. Two
	// minutes of guest time (idle, so skipped) pass without a reset.
	n := strings.Count(g.text(), "first-stage boot")
	o := sh(g, "sleep 120; cut -d. -f1 /proc/uptime", long)
	if strings.Count(g.text(), "first-stage boot") != n {
		t.Fatalf("the machine reset while idle: watchdog 2 not serviced (%q)", o)
	}
	var up int
	fmt.Sscanf(strings.TrimSpace(o), "%d", &up)
	if up < 120 {
		t.Errorf("uptime after sleep 120 is %q", o)
	}
	haltThenWatchdog(g, long)
	if fileSum(t, path) != before {
		t.Fatal("the image changed on disk without --mtd-writable")
	}

	// Run 2: --mtd-writable keeps what the guest writes.
	g = startGuest(t, exe, "firmware-2", "boot", "-M", "romulus", "--mtd", path, "--mtd-writable", "--nic", "none", "--pace", "off")
	expectAll(g, firmwareMilestones, long)
	expectAll(g, flashMilestones, long)
	sh(g, "echo kept-across-runs > /persist.txt; sync", long)
	haltThenWatchdog(g, long)
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(img) || bytes.Equal(after, img) {
		t.Fatalf("--mtd-writable: image is %d bytes, changed %v; want %d bytes, changed", len(after), !bytes.Equal(after, img), len(img))
	}
	if !bytes.Equal(after[:0x1c00000], img[:0x1c00000]) {
		t.Error("the guest's writes reached partitions other than rwfs")
	}

	// Run 3: the fast path (--boot direct) on the written image.
	g = startGuest(t, exe, "firmware-3", "boot", "-M", "romulus", "--mtd", path, "--boot", "direct", "--nic", "none", "--pace", "off")
	g.expect(`Booting Linux on physical CPU 0x0`, long)
	expectAll(g, flashMilestones, long)
	if o := sh(g, "cat /persist.txt; cat /proc/cmdline", long); !strings.Contains(o, "kept-across-runs") || !strings.Contains(o, "console=ttyS4,115200n8") {
		t.Errorf("second process: %q; want the file written in the first and OpenBMC's bootargs", o)
	}
	if strings.Contains(g.text(), "first-stage boot") {
		t.Error("--boot direct ran the firmware")
	}
	g.send("poweroff\n")
	if code := g.wait(long); code != 0 {
		t.Fatalf("exit status after poweroff: %d", code)
	}
}

// The firmware path takes the host-decompression shortcut: the first-stage
// loader copies the FIT's zImage to 0x80001000 and jumps to it with the MMU
// off; the machine inflates the kernel on the host and enters it at
// 0x80008000. With --guest-decompress the zImage's own decompressor runs.
// Both reach the shell deterministically.
func TestFirmwareBootHostDecompress(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest")
	}
	img, err := guest.RomulusMTD()
	if err != nil {
		t.Fatal(err)
	}
	exe := buildCLI(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "obmc-romulus.mtd")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	var insns [2]uint64
	for i, c := range []struct{ flag, want string }{
		{"--seed=1", "host (xz)"},
		{"--guest-decompress", "guest decompressor (--guest-decompress)"},
	} {
		rep := filepath.Join(dir, fmt.Sprintf("r%d.json", i))
		code, out := runSmoke(t, exe, "-M", "romulus", "--mtd", path, c.flag, "--deterministic", "--log", os.DevNull, "--timeout", "6m", "--report", rep)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.flag, code, out)
		}
		r := readReport(t, rep)
		if r.Decompress != c.want {
			t.Errorf("%s: report says decompress %q, want %q", c.flag, r.Decompress, c.want)
		}
		insns[i] = r.Instructions
	}
	// The decompressor is most of the guest path's instructions.
	if insns[0]*2 > insns[1] {
		t.Errorf("host path %d instructions, guest path %d: the shortcut saved too little", insns[0], insns[1])
	}
}
