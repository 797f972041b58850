package zimage

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/guest"
)

var bundled struct {
	once   sync.Once
	k      *Kernel
	err    error
	prefix []byte // header and decompressor, up to the payload
	table  int
}

// bundledKernel inflates the bundled zImage once.
func bundledKernel(t testing.TB) (*Kernel, []byte, int) {
	t.Helper()
	bundled.once.Do(func() {
		img := guest.Kernel()
		bundled.k, bundled.err = Inflate(img, 512<<20)
		if bundled.err != nil {
			return
		}
		h, _ := ParseHeader(img)
		cs := candidates(img, h)
		bundled.prefix = img[:cs[0].off]
		bundled.table = int(h.tableOff)
	})
	if bundled.err != nil {
		t.Fatal(bundled.err)
	}
	return bundled.k, bundled.prefix, bundled.table
}

// build makes a zImage from a prefix (header, decompressor, table at
// table) and a payload that ends with the size word: the KLSZ entry and
// _magic_end are set to match, and the image is padded to 8 bytes as the
// linker script does.
func build(prefix []byte, table int, payload []byte) []byte {
	img := append(append([]byte(nil), prefix...), payload...)
	sizeOff := len(img) - 4
	for len(img)%8 != 0 {
		img = append(img, 0)
	}
	binary.LittleEndian.PutUint32(img[table+8:], uint32(sizeOff))
	binary.LittleEndian.PutUint32(img[0x2C:], uint32(len(img)))
	return img
}

// tinyPrefix is a minimal zImage header with a six-word KLSZ table at
// 0x40 (BSS 0x1000, TEXT_OFFSET 0x8000), for fuzzing.
func tinyPrefix() ([]byte, int) {
	p := make([]byte, 0x60)
	le := binary.LittleEndian
	le.PutUint32(p[0x24:], zMagic)
	le.PutUint32(p[0x30:], endianFlag)
	le.PutUint32(p[0x34:], tableMagic)
	le.PutUint32(p[0x38:], 0x40)
	for i, w := range []uint32{6, klszTag, 0, 0x1000, 0x8000, 0x10000, 0} {
		le.PutUint32(p[0x40+4*i:], w)
	}
	return p, 0x40
}

func withSize(stream []byte, size int) []byte {
	return binary.LittleEndian.AppendUint32(append([]byte(nil), stream...), uint32(size))
}

func gzipStream(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, 9)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBundledZImage(t *testing.T) {
	k, _, _ := bundledKernel(t)
	if k.Format != "xz" || k.TextOffset != 0x8000 || k.BSS == 0 || int(k.Size) != len(k.Image) || k.AppendedDTB != nil {
		t.Fatalf("format %s TEXT_OFFSET %#x BSS %#x size %d (image %d) appended dtb %v", k.Format, k.TextOffset, k.BSS, k.Size, len(k.Image), k.AppendedDTB != nil)
	}
	// The kernel's entry (arch/arm/kernel/head.S stext) begins with the
	// ARM_BE8 nop or "msr cpsr_c" / "bl __hyp_stub_install": check it is
	// ARM code, not data, by the condition field of the first word.
	if w := binary.LittleEndian.Uint32(k.Image); w>>28 != 0xE {
		t.Errorf("first kernel word %#08x is not an unconditional ARM instruction", w)
	}
}

// Kernel-style streams from the reference encoders, as the kernel's
// Makefiles invoke them (scripts/Makefile.lib, scripts/xz_wrap.sh), each
// followed by the size word (gzip's trailer is its own), wrapped in the
// bundled zImage's decompressor: the host decoders give the same kernel.
func TestReferenceEncoders(t *testing.T) {
	k, prefix, table := bundledKernel(t)
	data := k.Image[:1<<20]
	for _, c := range []struct {
		format string
		tool   string
		args   []string
		size   bool
	}{
		{"gzip", "gzip", []string{"-n", "-f", "-9"}, false},
		{"xz", "xz", []string{"--check=crc32", "--arm", "--lzma2=dict=32MiB"}, true},
		{"lzma", "lzma", []string{"-9"}, true},
		{"lz4", "lz4", []string{"-l", "-9", "-", "-"}, true},
		{"lzo", "lzop", []string{"-9"}, true},
	} {
		t.Run(c.format, func(t *testing.T) {
			if _, err := exec.LookPath(c.tool); err != nil {
				t.Skipf("%s not installed", c.tool)
			}
			cmd := exec.Command(c.tool, c.args...)
			cmd.Stdin = bytes.NewReader(data)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v", c.tool, err)
			}
			if c.size {
				out = withSize(out, len(data))
			}
			img := build(prefix, table, out)
			got, err := Inflate(img, 512<<20)
			if c.format == "lzo" {
				var u *Unsupported
				if !errors.As(err, &u) {
					t.Fatalf("lzo: want Unsupported (guest decompressor), got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != c.format || !bytes.Equal(got.Image, data) {
				t.Fatalf("format %s, %d bytes, equal %v", got.Format, len(got.Image), bytes.Equal(got.Image, data))
			}
			// A flipped bit in the middle of the stream is caught by
			// the stream's CRC. (Legacy lz4 frames have none: there only
			// the block structure and the size word are checked.)
			if c.format == "lz4" {
				return
			}
			bad := bytes.Clone(img)
			bad[len(prefix)+len(out)/2] ^= 0x10
			if _, err := Inflate(bad, 512<<20); err == nil {
				t.Error("corrupted stream inflated without error")
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	p, table := tinyPrefix()
	data := bytes.Repeat([]byte("kernel text "), 1000)
	good := build(p, table, gzipStream(t, data))
	if k, err := Inflate(good, 1<<20); err != nil || !bytes.Equal(k.Image, data) {
		t.Fatalf("tiny gzip zImage: %v", err)
	}
	corruptCase := func(name string, img []byte, limit uint32) {
		t.Helper()
		_, err := Inflate(img, limit)
		var c *Corrupt
		if !errors.As(err, &c) {
			t.Errorf("%s: want Corrupt, got %v", name, err)
		}
	}
	corruptCase("more than RAM", good, uint32(len(data)-1))
	// The size word says one byte more: gzip's ISIZE no longer matches.
	big := bytes.Clone(good)
	h, _ := ParseHeader(good)
	binary.LittleEndian.PutUint32(big[h.SizeOff:], uint32(len(data)+1))
	corruptCase("size word off by one", big, 1<<20)
	// A bomb: 1 GiB claimed from a few bytes.
	bomb := bytes.Clone(good)
	binary.LittleEndian.PutUint32(bomb[h.SizeOff:], 1<<30)
	corruptCase("decompression bomb", bomb, 2<<30-1)
	trunc := bytes.Clone(good)
	binary.LittleEndian.PutUint32(trunc[0x2C:], uint32(len(good)+100))
	corruptCase("length past the file", trunc, 1<<20)

	unsupportedCase := func(name string, off int, v uint32) {
		t.Helper()
		img := bytes.Clone(good)
		binary.LittleEndian.PutUint32(img[off:], v)
		_, err := Inflate(img, 1<<20)
		var u *Unsupported
		if !errors.As(err, &u) {
			t.Errorf("%s: want Unsupported, got %v", name, err)
		}
	}
	unsupportedCase("BE8", 0x30, 0x01020304)
	unsupportedCase("ZBOOT_ROM", 0x28, 0x10000000)
	unsupportedCase("no table", 0x34, 0)
	unsupportedCase("unknown table tag", table+4, 0x12345678)
}

// An appended device tree is used when the decompressor looks for one
// (the OF_DT_MAGIC literal of CONFIG_ARM_APPENDED_DTB in its code).
func TestAppendedDTB(t *testing.T) {
	p, table := tinyPrefix()
	data := bytes.Repeat([]byte{1, 2, 3, 4}, 1000)
	img := build(p, table, gzipStream(t, data))
	dtb := make([]byte, 64)
	binary.BigEndian.PutUint32(dtb, 0xD00DFEED)
	binary.BigEndian.PutUint32(dtb[4:], 64)
	with := append(bytes.Clone(img), dtb...)
	if h, err := ParseHeader(with); err != nil || h.AppendedDTB != nil {
		t.Fatalf("without APPENDED_DTB support: %v, appended %v", err, h != nil && h.AppendedDTB != nil)
	}
	binary.LittleEndian.PutUint32(with[0x10:], 0xEDFE0DD0) // the ldr literal
	h, err := ParseHeader(with)
	if err != nil || !bytes.Equal(h.AppendedDTB, dtb) {
		t.Fatalf("with APPENDED_DTB support: %v", err)
	}
	binary.BigEndian.PutUint32(with[len(img)+4:], 1<<30)
	if _, err := ParseHeader(with); err == nil {
		t.Error("appended DTB with a size past the file accepted")
	}
}

func TestCache(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("AST2500EMU_NO_CACHE", "")
	p, table := tinyPrefix()
	data := bytes.Repeat([]byte("cached kernel "), 5000)
	img := build(p, table, gzipStream(t, data))
	load := func(wantCached bool) {
		t.Helper()
		k, cached, err := Load(img, 1<<20)
		if err != nil || cached != wantCached || !bytes.Equal(k.Image, data) || k.Format != "gzip" {
			t.Fatalf("Load: err %v cached %v (want %v)", err, cached, wantCached)
		}
	}
	load(false)
	load(true)
	ents, _ := filepath.Glob(filepath.Join(CacheDir(), "*.img"))
	if len(ents) != 1 {
		t.Fatalf("cache entries: %v", ents)
	}
	// A corrupt entry is ignored and rebuilt.
	b, _ := os.ReadFile(ents[0])
	b[len(b)-1] ^= 1
	os.WriteFile(ents[0], b, 0o644)
	load(false)
	load(true)
	// The cache stays under its limit: the oldest entry goes.
	old := CacheLimit
	defer func() { CacheLimit = old }()
	CacheLimit = int64(len(data)) * 3 / 2
	past := time.Now().Add(-time.Hour)
	os.Chtimes(ents[0], past, past)
	img2 := build(p, table, gzipStream(t, append(bytes.Clone(data), 'x')))
	if _, _, err := Load(img2, 1<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ents[0]); !os.IsNotExist(err) {
		t.Error("oldest entry not evicted")
	}
}

// FuzzInflate: whatever the bytes, the zImage front end returns in
// bounded time, allocating within a small multiple of the input (plus the
// fixed decoder state), and never panics.
func FuzzInflate(f *testing.F) {
	p, table := tinyPrefix()
	data := bytes.Repeat([]byte("fuzz seed kernel "), 200)
	f.Add(build(p, table, gzipStream(f, data)))
	f.Add(build(p, table, withSize([]byte{0x02, 0x21, 0x4C, 0x18, 5, 0, 0, 0, 0x40, 'a', 'b', 'c', 'd'}, 4)))
	if _, err := exec.LookPath("xz"); err == nil {
		for _, args := range [][]string{{"--check=crc32", "--arm", "--lzma2=dict=32MiB"}, {"--format=lzma", "-9"}} {
			cmd := exec.Command("xz", args...)
			cmd.Stdin = bytes.NewReader(data)
			if out, err := cmd.Output(); err == nil {
				f.Add(build(p, table, withSize(out, len(data))))
			}
		}
	}
	f.Fuzz(func(t *testing.T, img []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		k, err := Inflate(img, 512<<20)
		d := time.Since(start)
		runtime.ReadMemStats(&after)
		if err == nil && int(k.Size) != len(k.Image) {
			t.Fatalf("kernel of %d bytes, size word %d", len(k.Image), k.Size)
		}
		const fixed = 16 << 20 // decoder tables, dictionaries up to 1 MiB, buffers
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > fixed+uint64(4*MaxRatio*len(img)) {
			t.Fatalf("%d bytes allocated for %d bytes of input", alloc, len(img))
		}
		if d > 5*time.Second {
			t.Fatalf("took %v for %d bytes", d, len(img))
		}
	})
}
