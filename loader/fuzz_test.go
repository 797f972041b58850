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

func FuzzFIT(f *testing.F) {
	dtb := fakeDTB(f, "")
	fit, _ := BuildFIT(fakeZImage(1024), dtb, cpioEntry("a", 0, "TRAILER!!!"))
	f.Add(fit)
	f.Fuzz(func(t *testing.T, fit []byte) {
		if len(fit) < 64 || fit[0] != 0xd0 {
			return
		}
		var l *Layout
		bounded(t, len(fit), func() error {
			fb, err := parseFIT("f", fit)
			if err != nil {
				return err
			}
			l, err = Plan(Request{Kernel: fb.Kernel, DTB: *fb.DTB, Initrd: fb.Initrd}, ramBase, fuzzRAM)
			return err
		}, planned(&l))
	})
}

// FuzzMTD fuzzes a flash image past its boot loader: the kernel partition
// at 0x80000 (a FIT or uImage) as --mtd --boot direct reads it.
func FuzzMTD(f *testing.F) {
	dtb := fakeDTB(f, "")
	fit, _ := BuildFIT(fakeZImage(1024), dtb, nil)
	f.Add(fit)
	f.Add(makeUImage([]byte("payload!"), 0, 0x80008000))
	flash := make([]byte, KernelPartition, KernelPartition+64<<10)
	f.Fuzz(func(t *testing.T, part []byte) {
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
