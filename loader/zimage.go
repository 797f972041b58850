package loader

import (
	"errors"
	"fmt"

	"github.com/ast2500emu/ast2500emu/loader/zimage"
)

// planZImage places a zImage. By default the kernel inside it is inflated
// on the host (loader/zimage) and placed where the zImage's decompressor
// would put it: at the RAM base (the load address rounded down to 128 MiB,
// as AUTO_ZRELADDR does) plus TEXT_OFFSET, with the 16 KiB of initial page
// tables below it left free and its BSS reserved above it; the CPU then
// enters the kernel itself. A zImage the host cannot inflate (LZO, BE8,
// XIP, an unknown table), or req.GuestDecompress, loads the zImage as QEMU
// does and lets its decompressor run. A corrupt zImage, or one that would
// inflate past RAM, is refused.
func (l *Layout) planZImage(req Request, ramBase, ramSize uint32) error {
	l.KernelAddr = ramBase + kernelLoadOff
	l.Entry = l.KernelAddr
	l.kernel = req.Kernel.Data
	return l.inflateZImage(req.Kernel.Name, req.GuestDecompress, ramBase, ramSize)
}

// inflateZImage replaces the zImage planned at l.KernelAddr (its load
// address) with the kernel inside it, when the host can inflate it.
func (l *Layout) inflateZImage(name string, guest bool, ramBase, ramSize uint32) error {
	if guest {
		l.Decompress = "guest decompressor (--guest-decompress)"
		return nil
	}
	base := l.KernelAddr & 0xF8000000
	if base < ramBase {
		l.Decompress = "guest decompressor (RAM base not 128 MiB aligned)"
		return nil
	}
	h, err := zimage.ParseHeader(l.kernel)
	if err == nil && base+h.TextOffset-ramBase >= ramSize {
		err = fmt.Errorf("TEXT_OFFSET %#x outside RAM", h.TextOffset)
	}
	var kern *zimage.Kernel
	cached := false
	if err == nil {
		kern, cached, err = zimage.Load(l.kernel, ramSize-(base+h.TextOffset-ramBase))
	}
	var c *zimage.Corrupt
	if errors.As(err, &c) {
		return inputErr(name, "%v", err)
	}
	if err != nil {
		l.Decompress = "guest decompressor (" + err.Error() + ")"
		return nil
	}
	l.KernelAddr = base + kern.TextOffset
	l.Entry = l.KernelAddr
	l.kernel = kern.Image
	l.KernelBSS = kern.BSS
	l.appendedDTB = kern.AppendedDTB
	l.Decompress = "host (" + kern.Format + ")"
	l.DecompressCached = cached
	return nil
}
