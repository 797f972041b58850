package loader

import (
	"bytes"
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
