package loader

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func flashWith(part []byte) []byte {
	img := bytes.Repeat([]byte{0xff}, KernelPartition+len(part)+4096)
	copy(img[KernelPartition:], part)
	return img
}

func TestFITRoundTrip(t *testing.T) {
	k, d, r := []byte("kernel-bytes"), []byte("dtb-bytes"), []byte("ramdisk-bytes")
	fit, err := BuildFIT(k, d, r)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := ParseKernelPartition("img", flashWith(fit))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fb.Kernel.Data, k) || fb.DTB == nil || !bytes.Equal(fb.DTB.Data, d) || fb.Initrd == nil || !bytes.Equal(fb.Initrd.Data, r) || fb.Config != "conf-1" {
		t.Errorf("parsed %+v", fb)
	}
	// Without a ramdisk.
	fit, _ = BuildFIT(k, d, nil)
	if fb, err = ParseKernelPartition("img", flashWith(fit)); err != nil || fb.Initrd != nil {
		t.Errorf("no ramdisk: %v %+v", err, fb)
	}
}

func TestFITUImage(t *testing.T) {
	u := make([]byte, 64+5)
	copy(u, []byte{0x27, 0x05, 0x19, 0x56})
	u[15] = 5
	fb, err := ParseKernelPartition("img", flashWith(u))
	if err != nil || len(fb.Kernel.Data) != 69 || fb.DTB != nil {
		t.Errorf("uImage: %v %+v", err, fb)
	}
}

func TestFITBad(t *testing.T) {
	k, d, r := []byte("kernel-bytes"), []byte("dtb-bytes"), []byte("ramdisk-bytes")
	good, _ := BuildFIT(k, d, r)
	corrupt := func(b []byte, old, new string) []byte {
		i := bytes.Index(b, []byte(old))
		c := append([]byte(nil), b...)
		copy(c[i:], new)
		return c
	}
	for _, tc := range []struct {
		name string
		img  []byte
		want string
	}{
		{"nothing", bytes.Repeat([]byte{0xff}, 1<<20), "expected a FIT (0xd00dfeed) or uImage at 0x80000, found ff ff"},
		{"short", make([]byte, 4096), "expected a FIT (0xd00dfeed) or uImage at 0x80000, found the end"},
		{"kernel hash", flashWith(corrupt(good, "kernel-bytes", "kernel-BYTES")), "/images/kernel-1: hash-1: sha256 mismatch"},
		{"ramdisk hash", flashWith(corrupt(good, "ramdisk-bytes", "ramdisk-BYTES")), "/images/ramdisk-1: hash-1: sha256 mismatch"},
		{"no kernel node", flashWith(corrupt(good, "kernel-1\x00\x00\x00\x00", "kernel-9")), `expected a node /images/kernel-1, found none`},
		{"no fdt", flashWith(corrupt(good, "fdt\x00", "fxt\x00")), `expected a "fdt" image, found none`},
	} {
		_, err := ParseKernelPartition("img", tc.img)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
		if _, ok := err.(*InputError); !ok {
			t.Errorf("%s: %T is not an InputError", tc.name, err)
		}
	}
}

// TestFITFromMkimage parses FITs made by U-Boot's mkimage (u-boot-tools),
// with embedded and external (-E) data, @-style node names and the three
// common hash algorithms. Skipped without mkimage.
func TestFITFromMkimage(t *testing.T) {
	mk, err := exec.LookPath("mkimage")
	if err != nil {
		t.Skip("mkimage (u-boot-tools) not installed")
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"k.bin": bytes.Repeat([]byte("kernel"), 1000),
		"d.bin": []byte("not really a dtb"),
		"r.bin": bytes.Repeat([]byte{1, 2, 3}, 777),
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	its := `/dts-v1/;
/ {
	description = "t";
	#address-cells = <1>;
	images {
		kernel@1 { data = /incbin/("k.bin"); type = "kernel"; arch = "arm"; os = "linux"; compression = "none";
			load = <0x80001000>; entry = <0x80001000>; hash@1 { algo = "sha256"; }; };
		fdt@1 { data = /incbin/("d.bin"); type = "flat_dt"; arch = "arm"; compression = "none"; hash@1 { algo = "sha1"; }; };
		ramdisk@1 { data = /incbin/("r.bin"); type = "ramdisk"; arch = "arm"; os = "linux"; compression = "none"; hash@1 { algo = "crc32"; }; };
	};
	configurations { default = "conf@1"; conf@1 { kernel = "kernel@1"; fdt = "fdt@1"; ramdisk = "ramdisk@1"; }; };
};
`
	if err := os.WriteFile(filepath.Join(dir, "t.its"), []byte(its), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []bool{false, true} {
		args := []string{"-f", "t.its", "t.itb"}
		if ext {
			args = append([]string{"-E"}, args...)
		}
		cmd := exec.Command(mk, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mkimage %v: %v\n%s", args, err, out)
		}
		itb, err := os.ReadFile(filepath.Join(dir, "t.itb"))
		if err != nil {
			t.Fatal(err)
		}
		fb, err := ParseKernelPartition("t", flashWith(itb))
		if err != nil {
			t.Fatalf("external %v: %v", ext, err)
		}
		if !bytes.Equal(fb.Kernel.Data, files["k.bin"]) || !bytes.Equal(fb.DTB.Data, files["d.bin"]) || fb.Initrd == nil || !bytes.Equal(fb.Initrd.Data, files["r.bin"]) {
			t.Errorf("external %v: payloads differ", ext)
		}
		// A flipped payload byte is caught by its node's hash.
		bad := flashWith(itb)
		i := bytes.Index(bad, files["r.bin"][:30])
		bad[i+10] ^= 0x80
		if _, err := ParseKernelPartition("t", bad); err == nil || !strings.Contains(err.Error(), "/images/ramdisk@1: hash@1: crc32 mismatch") {
			t.Errorf("external %v: corrupt ramdisk: %v", ext, err)
		}
	}
}
