package loader

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"testing"

	"github.com/ast2500emu/ast2500emu/guest"
)

// A zImage the host can inflate: the kernel goes where the decompressor
// would put it (RAM base + TEXT_OFFSET), its BSS is reserved, the device
// tree is the edited one, and --guest-decompress keeps QEMU's placement.
func TestPlanZImageHostInflate(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // inflated once, then from the cache
	t.Setenv("AST2500EMU_NO_CACHE", "")
	req := Request{
		Kernel: Image{"zImage", guest.Kernel()},
		DTB:    Image{"x.dtb", fakeDTB(t, "console=ttyS4")},
		Initrd: &Image{"initrd", make([]byte, 1000)},
	}
	l, err := Plan(req, ramBase, ramSize)
	if err != nil {
		t.Fatal(err)
	}
	if l.Decompress != "host (xz)" || l.DecompressCached || l.KernelAddr != ramBase+0x8000 || l.Entry != l.KernelAddr || l.KernelBSS == 0 || l.KernelSize < 10<<20 {
		t.Errorf("host path: %q, kernel at %#x entry %#x, %d bytes + BSS %d", l.Decompress, l.KernelAddr, l.Entry, l.KernelSize, l.KernelBSS)
	}
	if l.InitrdAddr < l.KernelAddr+l.KernelSize+l.KernelBSS || l.DTBAddr < l.InitrdAddr+l.InitrdSize {
		t.Errorf("initrd at %#x, dtb at %#x: inside the kernel or its BSS", l.InitrdAddr, l.DTBAddr)
	}
	// 128 MiB of RAM: the initrd moves above the kernel's BSS if needed,
	// never into it.
	small, err := Plan(req, ramBase, 128<<20)
	if err != nil || !small.DecompressCached || small.InitrdAddr < small.KernelAddr+small.KernelSize+small.KernelBSS {
		t.Errorf("128 MiB: %v, initrd at %#x", err, small.InitrdAddr)
	}
	req.GuestDecompress = true
	g, err := Plan(req, ramBase, ramSize)
	if err != nil {
		t.Fatal(err)
	}
	if g.Decompress != "guest decompressor (--guest-decompress)" || g.KernelAddr != ramBase+0x10000 || !bytes.Equal(g.kernel, req.Kernel.Data) {
		t.Errorf("guest path: %q at %#x", g.Decompress, g.KernelAddr)
	}
}

// A device tree appended to a zImage whose decompressor looks for one is
// used as it is (head.S prefers it to r2's), not the edited --dtb.
func TestPlanZImageAppendedDTB(t *testing.T) {
	t.Setenv("AST2500EMU_NO_CACHE", "1")
	le := binary.LittleEndian
	p := make([]byte, 0x60)
	le.PutUint32(p[0x10:], 0xEDFE0DD0) // head.S's OF_DT_MAGIC literal
	le.PutUint32(p[0x24:], zImageMagic)
	le.PutUint32(p[0x30:], 0x04030201)
	le.PutUint32(p[0x34:], 0x45454545)
	le.PutUint32(p[0x38:], 0x40)
	for i, w := range []uint32{6, 0x5A534C4B, 0, 0x1000, 0x8000, 0x10000, 0} {
		le.PutUint32(p[0x40+4*i:], w)
	}
	kernel := bytes.Repeat([]byte{0xE1, 0xA0, 0x00, 0x00}, 4096)
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(kernel)
	w.Close()
	img := append(p, z.Bytes()...)
	le.PutUint32(img[0x48:], uint32(len(img)-4))
	for len(img)%8 != 0 {
		img = append(img, 0)
	}
	le.PutUint32(img[0x2C:], uint32(len(img)))
	appended := fakeDTB(t, "from the zImage")
	img = append(img, appended...)

	l, err := Plan(Request{Kernel: Image{"zImage", img}, DTB: Image{"x.dtb", fakeDTB(t, "from --dtb")}}, ramBase, ramSize)
	if err != nil {
		t.Fatal(err)
	}
	if l.Decompress != "host (gzip)" || !bytes.Equal(l.kernel, kernel) || !bytes.Equal(l.DTB, appended) {
		t.Errorf("%q: kernel inflated %v, appended dtb used %v", l.Decompress, bytes.Equal(l.kernel, kernel), bytes.Equal(l.DTB, appended))
	}
}
