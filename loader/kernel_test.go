package loader

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"strconv"
	"strings"
	"testing"
)

// makeUImage builds a uImage as mkimage does: header and data CRCs set.
func makeUImage(payload []byte, comp byte, load uint32) []byte {
	h := make([]byte, 64)
	binary.BigEndian.PutUint32(h[0:], uImageMagic)
	binary.BigEndian.PutUint32(h[12:], uint32(len(payload)))
	binary.BigEndian.PutUint32(h[16:], load)
	binary.BigEndian.PutUint32(h[20:], load)
	binary.BigEndian.PutUint32(h[24:], crc32.ChecksumIEEE(payload))
	h[29], h[30], h[31] = 2, 2, comp
	copy(h[32:], "test kernel")
	binary.BigEndian.PutUint32(h[4:], crc32.ChecksumIEEE(h))
	return append(h, payload...)
}

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func planKernel(t *testing.T, k []byte) (*Layout, error) {
	t.Helper()
	return Plan(Request{Kernel: Image{"k", k}, DTB: Image{"d", fakeDTB(t, "")}}, ramBase, ramSize)
}

func TestUImage(t *testing.T) {
	payload := []byte("payload!")
	l, err := planKernel(t, makeUImage(payload, 0, 0x80008000))
	if err != nil {
		t.Fatal(err)
	}
	if l.KernelAddr != 0x80008000 || l.Entry != 0x80008000 || !bytes.Equal(l.kernel, payload) {
		t.Errorf("uImage layout %#x %#x", l.KernelAddr, l.Entry)
	}
}

func TestUImageGzip(t *testing.T) {
	payload := bytes.Repeat([]byte("kernel "), 10000)
	l, err := planKernel(t, makeUImage(gz(t, payload), 1, 0x80008000))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(l.kernel, payload) || l.KernelSize != uint32(len(payload)) {
		t.Errorf("gzip uImage: %d bytes loaded, want %d", len(l.kernel), len(payload))
	}
}

func TestUImageBad(t *testing.T) {
	good := makeUImage([]byte("payload!"), 0, 0x80008000)
	badH := append([]byte(nil), good...)
	badH[40] ^= 1 // in the name
	badD := append([]byte(nil), good...)
	badD[70] ^= 1
	// A bomb: 600 MiB of zeros in about 600 KiB (gzip members of 1 MiB
	// of zeros each, concatenated), for 512 MiB of RAM.
	bomb := makeUImage(bytes.Repeat(gz(t, make([]byte, 1<<20)), 600), 1, 0x80008000)
	cases := []struct {
		name string
		k    []byte
		want string
	}{
		{"header crc", badH, "uImage header CRC mismatch"},
		{"data crc", badD, "uImage data CRC mismatch"},
		{"lzma", makeUImage([]byte("x"), 3, 0x80008000), "compression 3 (lzma) is not supported"},
		{"corrupt gzip", makeUImage([]byte("not gzip at all"), 1, 0x80008000), "corrupt gzip data"},
		{"bomb", bomb, "inflates past the"},
		{"load outside RAM", makeUImage([]byte("x"), 0, 0x10000000), "outside RAM"},
	}
	for _, c := range cases {
		var err error
		n := allocDuring(func() { _, err = planKernel(t, c.k) })
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line containing %q", c.name, err, c.want)
		}
		if n > uint64(4*len(c.k))+1<<20 {
			t.Errorf("%s: %d bytes allocated for a %d-byte kernel", c.name, n, len(c.k))
		}
	}
}

func TestELFKernel(t *testing.T) {
	vmlinux, err := os.ReadFile("../guest/images/vmlinux")
	if err != nil {
		t.Skip(err)
	}
	l, err := planKernel(t, vmlinux)
	if err != nil {
		t.Fatal(err)
	}
	if l.KernelAddr != 0x80008000 || l.Entry != 0x80008000 || len(l.segs) != 10 {
		t.Errorf("vmlinux: kernel at %#x entry %#x, %d segments", l.KernelAddr, l.Entry, len(l.segs))
	}
	// The last segment has .bss: memory size past the file size.
	last := l.segs[len(l.segs)-1]
	if last.addr != 0x80e00000 || last.size != 0x10efd0 || len(last.data) != 0xd83a4 {
		t.Errorf("last segment %#x %#x %#x", last.addr, last.size, len(last.data))
	}
	if end := l.KernelAddr + l.KernelSize; end != 0x80e00000+0x10efd0 || l.InitrdAddr < end {
		t.Errorf("kernel ends at %#x, initrd at %#x", end, l.InitrdAddr)
	}
	mem := fakeMem{}
	if err := l.Load(mem); err != nil {
		t.Fatal(err)
	}
	if got := mem.read(0x80008000, 4); !bytes.Equal(got, vmlinux[0x1000:0x1004]) {
		t.Errorf("first instruction %x", got)
	}

	// Crafted program headers.
	ph := func(i int) int { return 52 + 32*i }
	set := func(off int, v uint32) []byte {
		c := append([]byte(nil), vmlinux...)
		binary.LittleEndian.PutUint32(c[off:], v)
		return c
	}
	cases := []struct {
		name string
		k    []byte
		want string
	}{
		{"filesz past file", set(ph(1)+16, 0x7fffffff), "p_filesz 2147483647 is larger than p_memsz"},
		{"offset past file", set(ph(1)+4, 0x7fff0000), "runs past the end of the file"},
		{"memsz 2 GB", set(ph(9)+20, 0x7fffffff), "outside 512 MiB of RAM"},
		{"paddr low", set(ph(0)+12, 0x1000), "outside 512 MiB of RAM"},
		{"machine", set(18, uint32(elf.EM_X86_64)|1<<16), "not for 32-bit ARM"}, // e_machine, e_version 1
	}
	for _, c := range cases {
		var err error
		n := allocDuring(func() { _, err = planKernel(t, c.k) })
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
		if n > 2*uint64(len(vmlinux)) {
			t.Errorf("%s: %d bytes allocated", c.name, n)
		}
	}
}

type fakeMem map[uint32]byte

func (m fakeMem) WritePhys(pa uint32, p []byte) bool {
	if pa < 0x80008000 || pa > 0x80008010 {
		return true // keep only the first bytes
	}
	for i, b := range p {
		if i > 16 {
			break
		}
		m[pa+uint32(i)] = b
	}
	return true
}

func (m fakeMem) read(pa uint32, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = m[pa+uint32(i)]
	}
	return b
}

func TestInitrdBounds(t *testing.T) {
	bundled, err := os.ReadFile("../guest/images/initramfs.cpio.gz")
	if err != nil {
		t.Skip(err)
	}
	n, err := initrdSize(bundled, ramSize)
	if err != nil || n < uint64(len(bundled)) {
		t.Fatalf("bundled initramfs: %d bytes, %v", n, err)
	}
	// Padded with zeros and followed by a second plain archive, as
	// initramfs images may be.
	if _, err := initrdSize(append(append(bundled, make([]byte, 512)...), cpioEntry("b", 0, "TRAILER!!!")...), ramSize); err != nil {
		t.Errorf("padded, concatenated: %v", err)
	}
	cpioBomb := cpioEntry("big", 0xfffffff0) // claims 4 GiB, holds nothing
	cases := []struct {
		name string
		b    []byte
		ram  uint32
		want string
	}{
		{"gzip bomb", bytes.Repeat(gz(t, make([]byte, 1<<20)), 200), 128 << 20, "initrd inflates past the 128 MiB of guest RAM"},
		{"cpio filesize past end", cpioEntry("a", 1000), ramSize, `cpio entry "a" at 0: filesize 1000 runs past the end`},
		{"cpio filesize 4 GiB", cpioBomb, ramSize, "initrd inflates past"},
		{"gzip cpio filesize past end", gz(t, cpioEntry("x", 1<<20)), ramSize, `cpio entry "x" at 0: filesize 1048576 runs past the end`},
		{"no trailer", gz(t, cpioEntry("x", 0)), ramSize, "without a TRAILER!!! entry"},
		{"corrupt gzip", append([]byte{0x1f, 0x8b}, "garbage"...), ramSize, "corrupt gzip"},
	}
	for _, c := range cases {
		var err error
		n := allocDuring(func() {
			_, err = Plan(Request{Kernel: Image{"k", fakeZImage(4096)}, DTB: Image{"d", fakeDTB(t, "")}, Initrd: &Image{"i", c.b}}, ramBase, c.ram)
		})
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line containing %q", c.name, err, c.want)
		}
		if n > uint64(4*len(c.b))+1<<20 {
			t.Errorf("%s: %d bytes allocated for a %d-byte initrd", c.name, n, len(c.b))
		}
	}
}

// cpioEntry builds newc entries named names, the first claiming fsize
// bytes of data (none present); later ones are empty.
func cpioEntry(name string, fsize uint32, more ...string) []byte {
	var b bytes.Buffer
	for i, n := range append([]string{name}, more...) {
		size := fsize
		if i > 0 {
			size = 0
		}
		fmtHex := func(v uint32) string { return strings.ToUpper(strings.Repeat("0", 8-len(hex32(v))) + hex32(v)) }
		b.WriteString("070701")
		for f := 0; f < 13; f++ {
			switch f {
			case 6:
				b.WriteString(fmtHex(size))
			case 11:
				b.WriteString(fmtHex(uint32(len(n) + 1)))
			default:
				b.WriteString("00000000")
			}
		}
		b.WriteString(n + "\x00")
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	return b.Bytes()
}

func hex32(v uint32) string { return strconv.FormatUint(uint64(v), 16) }
