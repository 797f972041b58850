package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/guest"
	"github.com/ast2500emu/ast2500emu/loader"
)

const flashSize = 32 << 20 // romulus FMC CS0: n25q256a

// mtdImage returns a flash image of size bytes (erased) with part at the
// kernel partition (0x80000).
func mtdImage(t *testing.T, size int, part []byte) []byte {
	t.Helper()
	img := bytes.Repeat([]byte{0xff}, size)
	if part != nil {
		copy(img[loader.KernelPartition:], part)
	}
	return img
}

// guestFIT is a FIT with the bundled zImage, romulus dtb and initramfs.
func guestFIT(t *testing.T) []byte {
	t.Helper()
	d, ok := guest.DTB("aspeed-bmc-opp-romulus.dtb")
	if !ok {
		t.Fatal("no bundled romulus dtb")
	}
	fit, err := loader.BuildFIT(guest.Kernel(), d, guest.Initramfs())
	if err != nil {
		t.Fatal(err)
	}
	return fit
}

// fakeZImage is a zImage header over zeros (the CPU runs andeq r0,r0,r0
// forever): enough for tests that stop the emulator themselves.
func fakeZImage() []byte {
	z := make([]byte, 64<<10)
	binary.LittleEndian.PutUint32(z[0x24:], 0x016F2818)
	binary.LittleEndian.PutUint32(z[0x2C:], 64<<10)
	return z
}

func runExit(t *testing.T, exe string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(exe, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, strings.TrimSpace(stderr.String())
}

func TestMTDBadInput(t *testing.T) {
	exe := buildCLI(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fit := guestFIT(t)
	good := write("good.mtd", mtdImage(t, flashSize, fit))
	empty := write("empty.mtd", nil)
	blank := write("blank.mtd", mtdImage(t, flashSize, nil))
	corrupt := append([]byte(nil), fit...)
	i := bytes.Index(corrupt, guest.Initramfs()[:64])
	corrupt[i+100] ^= 1
	badHash := write("badhash.mtd", mtdImage(t, flashSize, corrupt))
	nokernel := append([]byte(nil), fit...)
	copy(nokernel[bytes.Index(nokernel, []byte("kernel-1\x00")):], "kernel-9")
	noKernel := write("nokernel.mtd", mtdImage(t, flashSize, nokernel))
	big := filepath.Join(dir, "big.mtd")
	f, _ := os.Create(big)
	f.Write(mtdImage(t, 1<<20, fit[:0]))
	f.Truncate(flashSize + 4096) // sparse tail
	f.Close()
	zimage := write("zImage.bin", guest.Kernel())
	bigFIT := write("bigfit.mtd", append(mtdImage(t, flashSize, fit), 0xff))

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"firmware, erased reset vector", []string{"boot", "--mtd", good}, "good.mtd: expected a boot loader at offset 0 (the reset vector), found erased flash (0xFF)"},
		{"firmware, not a flash image", []string{"boot", "--mtd", zimage}, "zImage.bin: expected a boot loader at offset 0 (an ARM branch or load into the PC at the reset vector), found 0xe1a00000"},
		{"firmware with kernel", []string{"boot", "--mtd", good, "--kernel", zimage}, "--kernel cannot be combined with --mtd firmware boot"},
		{"firmware with append", []string{"boot", "--mtd", good, "--append", "quiet"}, "--append cannot be combined with --mtd firmware boot"},
		{"bad boot mode", []string{"boot", "--mtd", good, "--boot", "uefi"}, "--boot uefi: want firmware or direct"},
		{"boot without mtd", []string{"boot", "--boot", "direct"}, "--boot needs --mtd"},
		{"writable without mtd", []string{"boot", "--mtd-writable"}, "--mtd-writable needs --mtd"},
		{"missing", []string{"boot", "--mtd", filepath.Join(dir, "nope.mtd"), "--boot", "direct"}, "nope.mtd: expected a flash image file, found nothing"},
		{"empty", []string{"boot", "--mtd", empty, "--boot", "direct"}, "empty.mtd: expected a flash image, found an empty file"},
		{"directory", []string{"boot", "--mtd", dir, "--boot", "direct"}, "expected a flash image file, found a directory"},
		{"nothing at 0x80000", []string{"boot", "--mtd", blank, "--boot", "direct"}, "blank.mtd: expected a FIT (0xd00dfeed) or uImage at 0x80000, found ff ff ff ff"},
		{"corrupt ramdisk", []string{"boot", "--mtd", badHash, "--boot", "direct"}, "/images/ramdisk-1: hash-1: sha256 mismatch"},
		{"missing kernel node", []string{"boot", "--mtd", noKernel, "--boot", "direct"}, "expected a node /images/kernel-1, found none"},
		{"kernel with mtd", []string{"boot", "--mtd", good, "--boot", "direct", "--kernel", good}, "--kernel cannot be combined with --mtd --boot direct"},
		{"oversize", []string{"boot", "--mtd", big, "--boot", "direct", "--nic", "none"}, "big.mtd: expected a FIT"},
		{"oversize with FIT", []string{"boot", "--mtd", bigFIT, "--boot", "direct", "--nic", "none"}, "bigfit.mtd: image of 33554433 bytes is larger than the n25q256a flash chip (33554432 bytes)"},
		{"smoke firmware", []string{"smoke", "--mtd", good}, "good.mtd: expected a boot loader at offset 0"},
	}
	for _, c := range cases {
		code, msg := runExit(t, exe, c.args...)
		if code != 2 {
			t.Errorf("%s: exit status %d, want 2 (stderr %q)", c.name, code, msg)
		}
		if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: stderr %q, want one line containing %q", c.name, msg, c.want)
		}
	}
}

// TestMTDPadding loads a short image (padded, with a warning naming both
// sizes), stops the emulator with SIGTERM, and checks that --mtd-writable
// leaves a file the guest did not change alone.
func TestMTDPadding(t *testing.T) {
	exe := buildCLI(t)
	d, _ := guest.DTB("aspeed-bmc-opp-romulus.dtb")
	fit, err := loader.BuildFIT(fakeZImage(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	img := mtdImage(t, 1<<20, fit)
	path := filepath.Join(t.TempDir(), "short.mtd")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "boot", "--mtd", path, "--mtd-writable", "--boot", "direct", "--nic", "none", "--pace", "off")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	cmd.Stdin = strings.NewReader("")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	want := "short.mtd: image of 1048576 bytes is smaller than the n25q256a flash chip (33554432 bytes); padded with 0xFF in memory"
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(stderr.String(), want) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
	if err != nil {
		t.Errorf("exit after SIGTERM: %v (stderr %q)", err, stderr.String())
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, img) {
		t.Errorf("the image changed (%d bytes, was %d) though the guest did not write flash", len(got), len(img))
	}
}

// TestBootMTDDirect boots the bundled guest from a FIT in a 32 MiB flash
// image (--boot direct) three times: a write to /dev/mtdblock5 without
// --mtd-writable leaves the file byte for byte unchanged; with it, the
// data reaches the file when the run ends by SIGHUP (then SIGTERM and
// SIGINT during the save), through a symbolic link, keeping the mode and a
// hard link, and a third run reads
// it back from flash and saves a new write on poweroff. (rwfs,
// not mtdblock4 = rofs: the test FIT, 5.5 MB, overruns the 4.25 MiB kernel
// partition into rofs.)
func TestBootMTDDirect(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	img := mtdImage(t, flashSize, guestFIT(t))
	path := filepath.Join(t.TempDir(), "romulus.mtd")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	const boot = 4 * time.Minute
	const rwfs = 0x1c00000 // mtd5 "rwfs" in the romulus layout (mtd0 is the whole chip)
	// sigterm ends the run with SIGTERM instead of the guest's poweroff.
	run := func(name string, writable bool, marker, expectRead string, sigterm bool) {
		args := []string{"boot", "--boot", "direct", "--mtd", path, "-M", "romulus", "--nic", "none", "--pace", "off"}
		if writable {
			args = append(args, "--mtd-writable")
		}
		g := startGuest(t, exe, name, args...)
		g.expect(`Booting Linux on physical CPU`, boot)
		g.expect(`Kernel command line: console=ttyS4,115200n8 root=/dev/ram rw`, boot)
		g.expect(`Run /init as init process`, boot)
		g.expect(prompt, boot)
		if expectRead != "" {
			if r := g.run("head -c 32 /dev/mtd5", time.Minute); !strings.Contains(r, expectRead) {
				t.Errorf("%s: /dev/mtd5 reads %q, want %q", name, r, expectRead)
			}
		}
		if marker != "" {
			g.run("echo "+marker+" > /dev/mtdblock5; sync", time.Minute)
		}
		if sigterm {
			g.cmd.Process.Signal(syscall.SIGHUP)
			g.cmd.Process.Signal(syscall.SIGTERM)
			g.cmd.Process.Signal(syscall.SIGINT)
		} else {
			g.send("poweroff\n")
		}
		if code := g.wait(boot); code != 0 {
			t.Errorf("%s: exit status at the end (SIGTERM %v): %d", name, sigterm, code)
		}
	}

	run("mtd-readonly", false, "not-saved-marker", "", false)
	if got, _ := os.ReadFile(path); !bytes.Equal(got, img) {
		t.Fatalf("without --mtd-writable the image changed")
	}
	// The writable runs go through a symbolic link to a 0640 file with a
	// second hard link; the first ends with SIGHUP (terminal closed)
	// followed at once by SIGTERM and SIGINT, which must not cut the save.
	dir := filepath.Dir(path)
	hard := filepath.Join(dir, "hard.mtd")
	if err := os.Link(path, hard); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o640)
	link := filepath.Join(dir, "link.mtd")
	if err := os.Symlink("romulus.mtd", link); err != nil {
		t.Fatal(err)
	}
	target := path
	path = link
	run("mtd-writable", true, "saved-marker", "", true)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("--mtd link.mtd: the symbolic link was replaced (%v, %v)", fi.Mode(), err)
	}
	if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode after the save: %v, want 0640 (%v)", fi.Mode(), err)
	}
	if h, _ := os.ReadFile(hard); !bytes.HasPrefix(h[rwfs:], []byte("saved-marker")) {
		t.Errorf("the hard link does not see the save")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("files beside the image after the save: %v", names)
	}
	got, _ := os.ReadFile(path)
	if len(got) != len(img) || !bytes.HasPrefix(got[rwfs:], []byte("saved-marker")) {
		t.Fatalf("with --mtd-writable the file (%d bytes) lacks the marker at 0x%x: %q", len(got), rwfs, got[rwfs:rwfs+16])
	}
	if !bytes.Equal(got[:rwfs], img[:rwfs]) {
		t.Errorf("with --mtd-writable, bytes before rwfs changed")
	}
	// A second process reads it from flash, writes again and powers off.
	run("mtd-second-run", true, "second-marker", "saved-marker", false)
	if got, _ := os.ReadFile(path); len(got) != len(img) || !bytes.HasPrefix(got[rwfs:], []byte("second-marker")) {
		t.Errorf("after poweroff with --mtd-writable the file lacks the second marker")
	}
}

// TestMTDWritableRefused: an image the save at exit could not write is
// refused before the run, with exit status 2 and one line.
func TestMTDWritableRefused(t *testing.T) {
	exe := buildCLI(t)
	dir := t.TempDir()
	img := mtdImage(t, 1<<20, nil)
	ro := filepath.Join(dir, "ro.mtd")
	if err := os.WriteFile(ro, img, 0o444); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "ro-link.mtd")
	os.Symlink("ro.mtd", link)
	rw := filepath.Join(dir, "rw.mtd")
	os.WriteFile(rw, img, 0o644)
	// A held lock: another emulator writing the same image.
	f, _ := os.Open(rw)
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{ro, "ro.mtd: the file is read-only (mode 0444)"},
		{link, "ro-link.mtd: the file is read-only (mode 0444)"},
		{rw, "rw.mtd: the file is in use by another process"},
	} {
		code, msg := runExit(t, exe, "boot", "--mtd", c.path, "--mtd-writable", "--boot", "direct", "--nic", "none")
		if code != 2 || strings.Count(msg, "\n") != 0 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one line containing %q", filepath.Base(c.path), code, msg, c.want)
		}
	}
	if b, _ := os.ReadFile(ro); !bytes.Equal(b, img) {
		t.Error("the read-only image changed")
	}
}
