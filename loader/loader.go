// Package loader implements direct kernel boot with QEMU's -kernel
// semantics for 32-bit ARM (QEMU hw/arm/boot.c; Linux
// Documentation/arm/booting.rst): the kernel (zImage, or a legacy uImage)
// is placed in DRAM, the initrd at half of RAM (at most 128 MiB in), the
// device tree after the initrd, and the CPU enters the kernel in SVC mode
// with r0=0, r1=0xffffffff (no machine number: device tree boot) and r2 =
// the device tree's address. The device tree is edited with u-root's pkg/dt:
// /chosen/bootargs is replaced by --append, and linux,initrd-start/end are
// set for the initrd.
package loader

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"

	"github.com/u-root/u-root/pkg/dt"

	"github.com/ast2500emu/ast2500emu/loader/zimage"
)

// InputError is a problem with a user-supplied file. Its message names the
// file and the problem on one line.
type InputError struct {
	File    string
	Problem string
}

func (e *InputError) Error() string { return e.File + ": " + e.Problem }

func inputErr(file, format string, args ...any) error {
	return &InputError{File: file, Problem: fmt.Sprintf(format, args...)}
}

// Image is one file to load, already read.
type Image struct {
	Name string // for messages
	Data []byte
}

// ReadImage reads a file for loading.
func ReadImage(role, path string) (Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return Image{}, inputErr(path, "%s file does not exist", role)
		}
		return Image{}, inputErr(path, "cannot read %s: %v", role, err)
	}
	return Image{Name: path, Data: b}, nil
}

// Request is what the user asked to boot.
type Request struct {
	Kernel Image
	DTB    Image
	Initrd *Image  // nil: none
	Append *string // nil: keep the device tree's bootargs
	// GuestDecompress runs a zImage's own decompressor instead of
	// inflating the kernel on the host (zimage.go).
	GuestDecompress bool
}

// Layout is where everything went.
type Layout struct {
	KernelAddr uint32
	KernelSize uint32
	Entry      uint32
	InitrdAddr uint32
	InitrdSize uint32
	DTBAddr    uint32
	DTB        []byte // the edited device tree
	kernel     []byte
	initrd     []byte

	// KernelBSS is reserved above a kernel inflated on the host
	// (zimage.go); Decompress says how a zImage's kernel is inflated
	// ("host (xz)", "guest decompressor (why)"), DecompressCached whether
	// the host's kernel came from the cache.
	KernelBSS        uint32
	Decompress       string
	DecompressCached bool
	// appendedDTB is the device tree appended to a zImage whose
	// decompressor would use it instead of the one in r2.
	appendedDTB []byte
}

const (
	zImageMagic     = 0x016F2818
	uImageMagic     = 0x27051956
	kernelLoadOff   = 0x00010000 // QEMU's KERNEL_LOAD_ADDR
	uImageHeaderLen = 64
)

// Plan validates the images and computes where they go in a RAM of ramSize
// bytes at ramBase.
func Plan(req Request, ramBase, ramSize uint32) (*Layout, error) {
	l := &Layout{}
	k := req.Kernel
	switch {
	case len(k.Data) == 0:
		return nil, inputErr(k.Name, "kernel file is empty")
	case len(k.Data) >= uImageHeaderLen && binary.BigEndian.Uint32(k.Data) == uImageMagic:
		if err := l.planUImage(k, ramBase, ramSize); err != nil {
			return nil, err
		}
		if zimage.IsZImage(l.kernel) {
			if err := l.inflateZImage(k.Name, req.GuestDecompress, ramBase, ramSize); err != nil {
				return nil, err
			}
		}
	case len(k.Data) >= 0x30 && binary.LittleEndian.Uint32(k.Data[0x24:]) == zImageMagic:
		start := binary.LittleEndian.Uint32(k.Data[0x28:])
		end := binary.LittleEndian.Uint32(k.Data[0x2C:])
		if end < start {
			return nil, inputErr(k.Name, "corrupt zImage header (end %#x before start %#x)", end, start)
		}
		if size := end - start; uint64(size) > uint64(len(k.Data)) {
			return nil, inputErr(k.Name, "truncated zImage: header says %d bytes, file has %d", size, len(k.Data))
		}
		if err := l.planZImage(req, ramBase, ramSize); err != nil {
			return nil, err
		}
	default:
		return nil, inputErr(k.Name, "not an ARM zImage or uImage (no zImage magic at offset 0x24, no uImage magic at 0)")
	}
	l.KernelSize = uint32(len(l.kernel))
	if uint64(l.KernelAddr-ramBase)+uint64(l.KernelSize)+uint64(l.KernelBSS) > uint64(ramSize) {
		return nil, inputErr(k.Name, "kernel (%d bytes) does not fit in %d MiB of RAM", l.KernelSize, ramSize>>20)
	}

	// Initrd at half of RAM, at most 128 MiB in (QEMU's rule), above the
	// kernel in any case.
	off := ramSize / 2
	if off > 128<<20 {
		off = 128 << 20
	}
	l.InitrdAddr = ramBase + off
	if kEnd := l.KernelAddr + l.KernelSize + l.KernelBSS; l.InitrdAddr < kEnd {
		l.InitrdAddr = align(kEnd, 4096)
	}
	if req.Initrd != nil {
		l.initrd = req.Initrd.Data
		l.InitrdSize = uint32(len(l.initrd))
		if len(l.initrd) == 0 {
			return nil, inputErr(req.Initrd.Name, "initrd file is empty")
		}
		if uint64(l.InitrdAddr-ramBase)+uint64(len(l.initrd)) > uint64(ramSize) {
			return nil, inputErr(req.Initrd.Name, "initrd (%d bytes) does not fit in RAM: only %d bytes free above %#x in %d MiB",
				len(l.initrd), uint64(ramSize)-uint64(l.InitrdAddr-ramBase), l.InitrdAddr, ramSize>>20)
		}
	}
	dtb, err := l.appendedDTB, error(nil)
	if dtb == nil { // an appended DTB is used as it is, as head.S does
		if dtb, err = editDTB(req, l); err != nil {
			return nil, err
		}
	}
	l.DTB = dtb
	l.DTBAddr = align(l.InitrdAddr+l.InitrdSize, 4096)
	if uint64(l.DTBAddr-ramBase)+uint64(len(dtb)) > uint64(ramSize) {
		return nil, inputErr(req.DTB.Name, "device tree does not fit in RAM after the initrd")
	}
	return l, nil
}

func align(v, a uint32) uint32 { return (v + a - 1) &^ (a - 1) }

func (l *Layout) planUImage(k Image, ramBase, ramSize uint32) error {
	h := k.Data[:uImageHeaderLen]
	size := binary.BigEndian.Uint32(h[12:])
	load := binary.BigEndian.Uint32(h[16:])
	ep := binary.BigEndian.Uint32(h[20:])
	arch, typ, comp := h[29], h[30], h[31]
	switch {
	case arch != 2: // IH_ARCH_ARM
		return inputErr(k.Name, "uImage is not for ARM (arch %d)", arch)
	case typ != 2: // IH_TYPE_KERNEL
		return inputErr(k.Name, "uImage is not a kernel image (type %d)", typ)
	case comp != 0:
		return inputErr(k.Name, "compressed uImage payloads are not supported (compression %d); use a zImage", comp)
	case uint64(size)+uImageHeaderLen > uint64(len(k.Data)):
		return inputErr(k.Name, "truncated uImage: header says %d payload bytes, file has %d", size, len(k.Data)-uImageHeaderLen)
	case load < ramBase || uint64(load-ramBase)+uint64(size) > uint64(ramSize):
		return inputErr(k.Name, "uImage load address %#x is outside RAM", load)
	}
	l.KernelAddr, l.Entry = load, ep
	l.kernel = k.Data[uImageHeaderLen : uImageHeaderLen+size]
	return nil
}

func editDTB(req Request, l *Layout) ([]byte, error) {
	d := req.DTB
	if len(d.Data) < 4 || binary.BigEndian.Uint32(d.Data) != dt.Magic {
		return nil, inputErr(d.Name, "not a flattened device tree (no 0xd00dfeed magic)")
	}
	fdt, err := dt.ReadFDT(bytes.NewReader(d.Data))
	if err != nil {
		return nil, inputErr(d.Name, "corrupt device tree: %v", err)
	}
	root := fdt.RootNode
	chosen, ok := root.LookupChildByName("chosen")
	if !ok {
		chosen = dt.NewNode("chosen")
		root.Children = append(root.Children, chosen)
	}
	if req.Append != nil {
		chosen.Update(dt.PropertyString("bootargs", *req.Append))
	}
	if l.initrd != nil {
		cells := uint32(1)
		if p, ok := root.LookProperty("#address-cells"); ok {
			if v, err := p.AsU32(); err == nil {
				cells = v
			}
		}
		start, end := l.InitrdAddr, l.InitrdAddr+l.InitrdSize
		if cells == 2 {
			chosen.Update(dt.PropertyU64("linux,initrd-start", uint64(start)))
			chosen.Update(dt.PropertyU64("linux,initrd-end", uint64(end)))
		} else {
			chosen.Update(dt.PropertyU32("linux,initrd-start", start))
			chosen.Update(dt.PropertyU32("linux,initrd-end", end))
		}
	}
	var out bytes.Buffer
	if _, err := fdt.Write(&out); err != nil {
		return nil, inputErr(d.Name, "cannot rewrite device tree: %v", err)
	}
	return out.Bytes(), nil
}

// Memory is where the images are written (the SoC's DRAM).
type Memory interface {
	WritePhys(pa uint32, p []byte) bool
}

// Load writes the planned images into memory.
func (l *Layout) Load(mem Memory) error {
	for _, part := range []struct {
		addr uint32
		data []byte
	}{{l.KernelAddr, l.kernel}, {l.InitrdAddr, l.initrd}, {l.DTBAddr, l.DTB}} {
		if len(part.data) == 0 {
			continue
		}
		if !mem.WritePhys(part.addr, part.data) {
			return fmt.Errorf("loader: cannot write %d bytes at %#x", len(part.data), part.addr)
		}
	}
	return nil
}
