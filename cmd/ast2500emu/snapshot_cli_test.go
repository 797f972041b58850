package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/guest"
)

func runCLI(t *testing.T, exe string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(exe, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, o.String(), e.String()
}

var savedRe = regexp.MustCompile(`snapshot saved to \S+ \((\d+) instructions`)

// TestSnapshotCLI is the CI flow in separate processes: boot once to the
// shell prompt and save (--snapshot-on), then
//   - a fresh process restores it and runs M instructions, and saves
//     again: byte for byte the snapshot a full boot saves at the same
//     instruction, and the console output continues the first one's;
//   - smoke --snapshot runs two scripts from it in parallel (--jobs 2);
//   - bad snapshots and other images are refused with exit status 2 and
//     one line.
func TestSnapshotCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("boots the guest")
	}
	exe := buildCLI(t)
	dir := t.TempDir()
	at := filepath.Join(dir, "prompt.snap")
	base := []string{"boot", "--nic", "none", "--pace", "off"}
	code, out1, errs := runCLI(t, exe, append(base, "--save-snapshot", at, "--snapshot-on", `# $`, "--snapshot-quit")...)
	mm := savedRe.FindStringSubmatch(errs)
	if code != 0 || mm == nil {
		t.Fatalf("boot --save-snapshot: exit %d\n%s\n%s", code, tailLog(out1), errs)
	}
	n, _ := strconv.ParseUint(mm[1], 10, 64)
	fi, _ := os.Stat(at)
	t.Logf("snapshot at the prompt: %d instructions, %.1f MiB", n, float64(fi.Size())/(1<<20))

	const M = 30_000_000
	end := fmt.Sprint(n + M)
	b, c := filepath.Join(dir, "restored.snap"), filepath.Join(dir, "full.snap")
	code, out2, errs := runCLI(t, exe, append(base, "--snapshot", at, "--save-snapshot", b, "--snapshot-after", end, "--snapshot-quit")...)
	if code != 0 {
		t.Fatalf("boot --snapshot: exit %d\n%s", code, errs)
	}
	code, out3, errs := runCLI(t, exe, append(base, "--save-snapshot", c, "--snapshot-after", end, "--snapshot-quit")...)
	if code != 0 {
		t.Fatalf("full boot: exit %d\n%s", code, errs)
	}
	bb, _ := os.ReadFile(b)
	cb, _ := os.ReadFile(c)
	if !bytes.Equal(bb, cb) {
		t.Errorf("the restored run's snapshot at %s instructions differs from a full boot's (%d vs %d bytes)", end, len(bb), len(cb))
	}
	if out1+out2 != out3 {
		t.Errorf("console: boot-to-prompt + restored run != full boot\nrestored: %q\nfull tail: %q", tailLog(out2), tailLog(out3))
	}

	// Two scripts from the one snapshot, in parallel.
	s1, s2 := filepath.Join(dir, "uname.txt"), filepath.Join(dir, "ps.txt")
	os.WriteFile(s1, []byte("send uname -a\\n\nexpect Linux ast2500emu .*armv6l\n"), 0o644)
	os.WriteFile(s2, []byte("send cat /proc/cpuinfo\\n\nexpect ARMv6-compatible processor\n"), 0o644)
	rep := filepath.Join(dir, "reports") + "/"
	code, out := runSmoke(t, exe, "--snapshot", at, "--deterministic", "--jobs", "2", "--script", s1, "--script", s2, "--report", rep)
	if code != 0 {
		t.Fatalf("smoke --snapshot --jobs 2: exit %d\n%s", code, out)
	}
	for i := 1; i <= 2; i++ {
		if r := readReport(t, filepath.Join(rep, fmt.Sprintf("run-%d.json", i))); r.Result != "pass" {
			t.Errorf("run %d: %s %s", i, r.Result, r.Reason)
		}
	}

	// Refusals: exit 2, one line naming the file.
	good, _ := os.ReadFile(at)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	flip := append([]byte(nil), good...)
	flip[len(flip)/3] ^= 1
	evbDTB, _ := guest.DTB("aspeed-ast2500-evb.dtb")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"truncated", []string{"--snapshot", write("trunc.snap", good[:len(good)/2])}, "truncated"},
		{"corrupt", []string{"--snapshot", write("flip.snap", flip)}, "corrupt"},
		{"version", []string{"--snapshot", write("v9.snap", append(append([]byte("A25SNAP\x00"), 9, 0, 0, 0), good[12:]...))}, "version"},
		{"not a snapshot", []string{"--snapshot", write("junk.snap", bytes.Repeat([]byte{7}, 100))}, "magic"},
		{"missing", []string{"--snapshot", filepath.Join(dir, "nope.snap")}, "no such file"},
		{"board", []string{"--snapshot", at, "-M", "ast2500-evb"}, "board"},
		{"dtb", []string{"--snapshot", at, "--dtb", write("evb.dtb", evbDTB)}, "device tree"},
		{"append", []string{"--snapshot", at, "--append", "console=ttyS4"}, "command line"},
		{"ram", []string{"--snapshot", at, "-m", "256M"}, "RAM"},
	}
	for _, tc := range cases {
		code, _, errs := runCLI(t, exe, append(base, tc.args...)...)
		errs = strings.TrimSpace(errs)
		if code != 2 || strings.Count(errs, "\n") != 0 || !strings.Contains(errs, tc.want) || strings.Contains(errs, "panic") {
			t.Errorf("%s: exit %d, %q (want exit 2, one line mentioning %q)", tc.name, code, errs, tc.want)
		}
	}
}

// program writes p at off through the chip's SPI commands (WREN, PP).
func program(c *spinor.Chip, off uint32, p []byte) {
	c.Select()
	c.Transfer(0x06)
	c.Deselect()
	c.Select()
	for _, b := range []byte{0x02, byte(off >> 16), byte(off >> 8), byte(off)} {
		c.Transfer(b)
	}
	for _, b := range p {
		c.Transfer(b)
	}
	c.Deselect()
}

// After a restore, --mtd-writable writes back only the pages the restored
// guest changes: not what the snapshot's chip held beyond the file.
func TestMTDWritableAfterRestore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.mtd")
	img := bytes.Repeat([]byte{0xFF}, 1<<20)
	copy(img[0x1000:], "original")
	os.WriteFile(path, img, 0o644)
	f, err := readFlashImage(path, true)
	if err != nil {
		t.Fatal(err)
	}
	chip := spinor.New(spinor.N25Q256A)
	chip.Load(f.data)
	f.chip = chip
	// The snapshot's flash held a change the file never got.
	program(chip, 0x2000, []byte("saved-in-snapshot"))
	chip.Restored()
	program(chip, 0x3000, []byte("after-restore"))
	if err := f.save(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := append([]byte(nil), img...)
	copy(want[0x3000:], "after-restore")
	if !bytes.Equal(got, want) {
		t.Errorf("file after write-back: page 0x2000 %q, page 0x3000 %q", got[0x2000:0x2011], got[0x3000:0x300d])
	}
}
