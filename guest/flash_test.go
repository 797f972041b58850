package guest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/loader"
	"github.com/u-root/u-root/pkg/dt"
)

func flashPart(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(FlashDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFlashPartsMatchSums checks the parts against guest/flash/SHA256SUMS.
func TestFlashPartsMatchSums(t *testing.T) {
	sums := flashPart(t, "SHA256SUMS")
	want := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		if f := strings.Fields(l); len(f) == 2 {
			want[f[1]] = f[0]
		}
	}
	for _, p := range RomulusLayout {
		h := sha256.Sum256(flashPart(t, p.File))
		if got := hex.EncodeToString(h[:]); got != want[p.File] {
			t.Errorf("%s: sha256 %s, SHA256SUMS says %q", p.File, got, want[p.File])
		}
	}
}

// TestRomulusLayoutMatchesDTB compares RomulusLayout with the
// fixed-partitions of the FMC flash in the bundled romulus device tree
// (openbmc-flash-layout.dtsi) and checks that the partitions tile the chip.
func TestRomulusLayoutMatchesDTB(t *testing.T) {
	b, ok := DTB("aspeed-bmc-opp-romulus.dtb")
	if !ok {
		t.Fatal("romulus dtb not bundled")
	}
	fdt, err := dt.ReadFDT(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var got []Partition
	fdt.RootNode.Walk(func(n *dt.Node) error {
		c, ok := n.LookProperty("compatible")
		if !ok {
			return nil
		}
		if s, _ := c.AsString(); s != "fixed-partitions" || len(got) > 0 {
			return nil
		}
		for _, p := range n.Children {
			lp, _ := p.LookProperty("label")
			rp, _ := p.LookProperty("reg")
			if lp == nil || rp == nil || len(rp.Value) != 8 {
				t.Fatalf("partition %s: no label or 8-byte reg", p.Name)
			}
			label, _ := lp.AsString()
			got = append(got, Partition{Name: label,
				Offset: binary.BigEndian.Uint32(rp.Value), Size: binary.BigEndian.Uint32(rp.Value[4:])})
		}
		return nil
	})
	if len(got) != len(RomulusLayout) {
		t.Fatalf("dtb has %d partitions %v, RomulusLayout %d", len(got), got, len(RomulusLayout))
	}
	next := uint32(0)
	for i, p := range RomulusLayout {
		g := got[i]
		if g.Name != p.Name || g.Offset != p.Offset || g.Size != p.Size {
			t.Errorf("partition %d: dtb %s 0x%x+0x%x, RomulusLayout %s 0x%x+0x%x",
				i, g.Name, g.Offset, g.Size, p.Name, p.Offset, p.Size)
		}
		if p.Offset != next {
			t.Errorf("%s starts at 0x%x, previous partition ends at 0x%x", p.Name, p.Offset, next)
		}
		next = p.Offset + p.Size
	}
	if next != RomulusFlashSize {
		t.Errorf("partitions end at 0x%x, flash is 0x%x", next, RomulusFlashSize)
	}
}

// TestRomulusMTD checks the assembled image: size, each part at its
// offset, erased (0xff) padding, the parts' magics, and the same bytes as
// the script's image when that has been built.
func TestRomulusMTD(t *testing.T) {
	img, err := RomulusMTD()
	if err != nil {
		t.Fatal(err)
	}
	if len(img) != RomulusFlashSize {
		t.Fatalf("image is %d bytes", len(img))
	}
	for _, p := range RomulusLayout {
		part := flashPart(t, p.File)
		if len(part) > int(p.Size) {
			t.Errorf("%s: %d bytes do not fit the %s partition (%d)", p.File, len(part), p.Name, p.Size)
			continue
		}
		if !bytes.Equal(img[p.Offset:p.Offset+uint32(len(part))], part) {
			t.Errorf("%s not at 0x%x", p.File, p.Offset)
		}
		pad := img[p.Offset+uint32(len(part)) : p.Offset+p.Size]
		if len(bytes.Trim(pad, "\xff")) != 0 {
			t.Errorf("%s partition: padding after %s is not erased flash", p.Name, p.File)
		}
	}
	// firmware: ARM reset vector "b <reset>"; FIT: FDT magic; rofs:
	// squashfs "hsqs"; rwfs: jffs2 magic 0x1985 (little-endian).
	if img[3] != 0xea {
		t.Errorf("no ARM branch at the reset vector: % x", img[:4])
	}
	if binary.BigEndian.Uint32(img[0x80000:]) != 0xd00dfeed {
		t.Errorf("no FIT at 0x80000")
	}
	if string(img[0x4c0000:0x4c0004]) != "hsqs" {
		t.Errorf("no squashfs at 0x4c0000")
	}
	if binary.LittleEndian.Uint16(img[0x1c00000:]) != 0x1985 {
		t.Errorf("no jffs2 at 0x1c00000")
	}
	script := filepath.Join(FlashDir(), "..", "..", "testdata", "build", "obmc-romulus.mtd")
	if b, err := os.ReadFile(script); err == nil {
		if !bytes.Equal(b, img) {
			t.Errorf("%s differs from RomulusMTD() (stale build?)", script)
		}
	} else {
		t.Logf("%s not built, not compared", script)
	}
}

// TestRomulusFIT parses the kernel partition with the loader's FIT parser
// (hashes checked there) and compares the payloads with the bundled guest.
func TestRomulusFIT(t *testing.T) {
	img, err := RomulusMTD()
	if err != nil {
		t.Fatal(err)
	}
	fb, err := loader.ParseKernelPartition("romulus.mtd", img)
	if err != nil {
		t.Fatal(err)
	}
	if fb.DTB == nil || fb.Initrd == nil {
		t.Fatalf("FIT lacks fdt or ramdisk: %+v", fb)
	}
	if !bytes.Equal(fb.Kernel.Data, Kernel()) {
		t.Errorf("FIT kernel (%d bytes) is not the bundled zImage", len(fb.Kernel.Data))
	}
	if dtb, _ := DTB("aspeed-bmc-opp-romulus.dtb"); !bytes.Equal(fb.DTB.Data, dtb) {
		t.Errorf("FIT fdt is not the bundled romulus dtb")
	}
	if len(fb.Initrd.Data) < 2 || fb.Initrd.Data[0] != 0x1f || fb.Initrd.Data[1] != 0x8b {
		t.Errorf("FIT ramdisk is not gzip data")
	}
	t.Logf("FIT config %s: kernel %d, fdt %d, ramdisk %d bytes",
		fb.Config, len(fb.Kernel.Data), len(fb.DTB.Data), len(fb.Initrd.Data))
}

// TestRomulusEnv checks the U-Boot environment: CRC32 over the data after
// the 4-byte little-endian CRC, and the variables the boot program uses.
func TestRomulusEnv(t *testing.T) {
	env := flashPart(t, "u-boot-env.bin")
	if len(env) != 0x20000 {
		t.Fatalf("environment is %d bytes, want 0x20000", len(env))
	}
	if got, want := crc32.ChecksumIEEE(env[4:]), binary.LittleEndian.Uint32(env); got != want {
		t.Fatalf("environment CRC 0x%08x, stored 0x%08x", got, want)
	}
	vars := map[string]string{}
	for _, kv := range strings.Split(string(bytes.TrimRight(env[4:], "\x00")), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	if !strings.Contains(vars["bootargs"], "console=ttyS4,115200") {
		t.Errorf("bootargs = %q, want console=ttyS4,115200...", vars["bootargs"])
	}
	if vars["bootcmd"] != "bootm 20080000" {
		t.Errorf("bootcmd = %q, want bootm 20080000", vars["bootcmd"])
	}
}
