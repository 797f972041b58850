package loader

// Fuzz targets for every parser of host input here (issue 18): the device
// tree loader, kernels (uImage, ELF, zImage header), FITs and the flash
// image's kernel partition. Each asserts that the input is handled (any
// error must be an InputError) within a time bound and with allocation
// within a small multiple of the input size, plus what a valid inflated
// payload costs (bounded by RAM).
//
// go test -run=^$ -fuzz=FuzzDTB -fuzztime=20s ./loader (and FuzzKernel,
// FuzzFIT, FuzzMTD); .ci/run does this.

import (
	"errors"
	"testing"
	"time"
)

const fuzzRAM = 128 << 20

// bounded runs f, failing t if it takes over 5 s or allocates more than
// 64 bytes per input byte plus 1 MiB plus extra().
func bounded(t *testing.T, in int, f func() error, extra func() uint64) {
	t.Helper()
	var err error
	start := time.Now()
	n := allocDuring(func() { err = f() })
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v on %d bytes", d, in)
	}
	if limit := 64*uint64(in) + 1<<20 + extra(); n > limit {
		t.Errorf("allocated %d bytes on %d bytes of input (limit %d)", n, in, limit)
	}
	var ie *InputError
	if err != nil && !errors.As(err, &ie) {
		t.Errorf("error %v (%T) is not an InputError", err, err)
	}
}

func planned(l **Layout) func() uint64 {
	return func() uint64 {
		if *l == nil {
			return 0
		}
		return 2 * uint64((*l).KernelSize)
	}
}

func FuzzDTB(f *testing.F) {
	// Small seeds: the fuzzer minimises what it finds, and a bundled
	// tree (34 KB) makes that slow; TestCheckFDTBundled covers those.
	f.Add(fakeDTB(f, "console=ttyS4,115200"))
	f.Add(fakeDTBWithChild(f, "memory@80000000"))
	kernel := fakeZImage(4096)
	f.Fuzz(func(t *testing.T, dtb []byte) {
		bounded(t, len(dtb), func() error {
			_, err := Plan(Request{Kernel: Image{"k", kernel}, DTB: Image{"d", dtb}, AnyBoard: true}, ramBase, fuzzRAM)
			return err
		}, func() uint64 { return 0 })
	})
}

func FuzzKernel(f *testing.F) {
	f.Add(makeUImage([]byte("payload!"), 0, 0x80008000))
	f.Add(makeUImage(gz(f, make([]byte, 1<<16)), 1, 0x80008000))
	f.Add(fakeZImage(256))
	f.Add([]byte("\x7fELF\x01\x01\x01\x00"))
	dtb := fakeDTB(f, "")
	f.Fuzz(func(t *testing.T, k []byte) {
		var l *Layout
		bounded(t, len(k), func() error {
			var err error
			l, err = Plan(Request{Kernel: Image{"k", k}, DTB: Image{"d", dtb}}, ramBase, fuzzRAM)
			return err
		}, planned(&l))
	})
}

// FIT and MTD inputs are edits of a valid image, not whole images. Go's
// fuzzer minimises every input that finds new coverage, and its
// minimiser is quadratic in the input's length: on a whole 2.4 KB FIT it
// tried millions of candidates, so a 20 s run spent its time minimising
// the first finds and ran a handful of new inputs (issue 18). An edit
// (replace n bytes at off with patch) stays a few bytes long, so
// minimising it is cheap, and every input is a nearly valid image that
// reaches the deep checks (hashes, nodes, the kernel's and initrd's
// sizes) instead of failing on the magic.

// splice returns base with the n bytes at off (both folded into range)
// replaced by patch.
func splice(base []byte, off uint16, n uint16, patch []byte) []byte {
	o := int(off) % (len(base) + 1)
	end := min(o+int(n), len(base))
	out := make([]byte, 0, len(base)-(end-o)+len(patch))
	out = append(out, base[:o]...)
	out = append(out, patch...)
	return append(out, base[end:]...)
}

// addEdits seeds a FIT or MTD target: the image unchanged, its header's
// total size too large and too small, and a cut inside the structure.
func addEdits(f *testing.F, kind uint8) {
	f.Add(kind, uint16(0), uint16(0), []byte{})
	f.Add(kind, uint16(4), uint16(4), []byte{0xff, 0xff, 0xff, 0xff})
	f.Add(kind, uint16(4), uint16(4), []byte{0, 0, 0, 0x40})
	f.Add(kind, uint16(200), uint16(16), []byte{})
}

func FuzzFIT(f *testing.F) {
	dtb := fakeDTB(f, "")
	fit, err := BuildFIT(fakeZImage(256), dtb, cpioEntry("a", 0, "TRAILER!!!"))
	if err != nil {
		f.Fatal(err)
	}
	addEdits(f, 0)
	f.Fuzz(func(t *testing.T, _ uint8, off, n uint16, patch []byte) {
		img := splice(fit, off, n, patch)
		if len(img) < 64 { // parseFIT's caller checks this
			return
		}
		var l *Layout
		bounded(t, len(img), func() error {
			fb, err := parseFIT("f", img)
			if err != nil {
				return err
			}
			l, err = Plan(Request{Kernel: fb.Kernel, DTB: *fb.DTB, Initrd: fb.Initrd}, ramBase, fuzzRAM)
			return err
		}, planned(&l))
	})
}

// FuzzMTD fuzzes a flash image past its boot loader: the kernel partition
// at 0x80000 (a FIT, kind even, or a uImage, kind odd) as --mtd --boot
// direct reads it.
func FuzzMTD(f *testing.F) {
	dtb := fakeDTB(f, "")
	fit, err := BuildFIT(fakeZImage(256), dtb, nil)
	if err != nil {
		f.Fatal(err)
	}
	bases := [][]byte{fit, makeUImage([]byte("payload!"), 0, 0x80008000)}
	addEdits(f, 0)
	addEdits(f, 1)
	flash := make([]byte, KernelPartition, KernelPartition+64<<10)
	f.Fuzz(func(t *testing.T, kind uint8, off, n uint16, patch []byte) {
		part := splice(bases[kind%2], off, n, patch)
		img := append(flash[:KernelPartition], part...)
		var l *Layout
		bounded(t, len(part), func() error {
			fb, err := ParseKernelPartition("f.mtd", img)
			if err != nil {
				return err
			}
			req := Request{Kernel: fb.Kernel, Initrd: fb.Initrd}
			if fb.DTB != nil {
				req.DTB = *fb.DTB
			} else {
				req.DTB = Image{"d", dtb}
			}
			l, err = Plan(req, ramBase, fuzzRAM)
			return err
		}, planned(&l))
	})
}
