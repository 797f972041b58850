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
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ast2500emu/ast2500emu/internal/hostfile"

	"github.com/u-root/u-root/pkg/dt"
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

// ReadImage reads a file for loading: role is "kernel", "dtb" or
// "initrd". The file must be a regular file within the role's size limit
// (internal/hostfile).
func ReadImage(role, path string) (Image, error) {
	limit := int64(hostfile.KernelLimit)
	switch role {
	case "dtb":
		limit = hostfile.DTBLimit
	case "initrd":
		limit = hostfile.InitrdLimit
	}
	return ReadImageMax(role, path, limit)
}

// ReadImageMax is ReadImage with a tighter limit, such as the RAM size
// for a kernel or initrd: a file that cannot fit is refused unread.
func ReadImageMax(role, path string, limit int64) (Image, error) {
	b, err := hostfile.Read(role, path, limit)
	if err != nil {
		var he *hostfile.Error
		if errors.As(err, &he) {
			return Image{}, &InputError{File: he.Path, Problem: he.Problem}
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
	// AnyBoard accepts a device tree whose root compatible does not name
	// the AST2500 (--dtb-any-board).
	AnyBoard bool
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
	segs       []segment // an ELF kernel's segments (kernel is nil)
	initrd     []byte
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
	case len(k.Data) >= 4 && string(k.Data[:4]) == elf.ELFMAG:
		if err := l.planELF(k, ramBase, ramSize); err != nil {
			return nil, err
		}
	case len(k.Data) >= uImageHeaderLen && binary.BigEndian.Uint32(k.Data) == uImageMagic:
		if err := l.planUImage(k, ramBase, ramSize); err != nil {
			return nil, err
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
		l.KernelAddr = ramBase + kernelLoadOff
		l.Entry = l.KernelAddr
		l.kernel = k.Data
	default:
		return nil, inputErr(k.Name, "not an ARM zImage, uImage or ELF (no zImage magic at offset 0x24, no uImage or ELF magic at 0)")
	}
	if l.segs == nil {
		l.KernelSize = uint32(len(l.kernel))
	}
	if uint64(l.KernelAddr-ramBase)+uint64(l.KernelSize) > uint64(ramSize) {
		return nil, inputErr(k.Name, "kernel (%d bytes) does not fit in %d MiB of RAM", l.KernelSize, ramSize>>20)
	}

	// Initrd at half of RAM, at most 128 MiB in (QEMU's rule), above the
	// kernel in any case.
	off := ramSize / 2
	if off > 128<<20 {
		off = 128 << 20
	}
	l.InitrdAddr = ramBase + off
	if kEnd := l.KernelAddr + l.KernelSize; l.InitrdAddr < kEnd {
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
		// The kernel unpacks the initramfs into RAM: refuse one that
		// cannot fit, or whose cpio headers claim more than is there.
		if _, err := initrdSize(l.initrd, uint64(ramSize)); err == errTooBig {
			return nil, inputErr(req.Initrd.Name, "initrd inflates past the %d MiB of guest RAM", ramSize>>20)
		} else if err != nil {
			return nil, inputErr(req.Initrd.Name, "corrupt initrd: %v", err)
		}
	}
	dtb, err := editDTB(req, l, ramBase, ramSize)
	if err != nil {
		return nil, err
	}
	l.DTB = dtb
	l.DTBAddr = align(l.InitrdAddr+l.InitrdSize, 4096)
	if uint64(l.DTBAddr-ramBase)+uint64(len(dtb)) > uint64(ramSize) {
		return nil, inputErr(req.DTB.Name, "device tree does not fit in RAM after the initrd")
	}
	return l, nil
}

func align(v, a uint32) uint32 { return (v + a - 1) &^ (a - 1) }

// SoCCompatible is what the root compatible of an AST2500 board's device
// tree contains (Linux arch/arm/boot/dts/aspeed-g5.dtsi).
const SoCCompatible = "aspeed,ast2500"

func editDTB(req Request, l *Layout, ramBase, ramSize uint32) ([]byte, error) {
	d := req.DTB
	if len(d.Data) < 4 || binary.BigEndian.Uint32(d.Data) != dt.Magic {
		return nil, inputErr(d.Name, "not a flattened device tree (no 0xd00dfeed magic)")
	}
	fdt, err := readFDT(d.Data)
	if err != nil {
		return nil, inputErr(d.Name, "corrupt device tree: %v", err)
	}
	root := fdt.RootNode
	if !req.AnyBoard {
		compat, _ := propString(root, "compatible")
		if !slices.Contains(strings.Split(compat, "\x00"), SoCCompatible) {
			return nil, inputErr(d.Name, "device tree is for another board (root compatible %q lacks %q); --dtb-any-board boots it anyway",
				strings.ReplaceAll(compat, "\x00", ", "), SoCCompatible)
		}
	}
	chosen, ok := root.LookupChildByName("chosen")
	if !ok {
		chosen = dt.NewNode("chosen")
		root.Children = append(root.Children, chosen)
	}
	setMemory(root, ramBase, ramSize)
	if req.Append != nil {
		chosen.Update(dt.PropertyString("bootargs", *req.Append))
	}
	if l.initrd != nil {
		start, end := l.InitrdAddr, l.InitrdAddr+l.InitrdSize
		if cells(root, "#address-cells", 1) == 2 {
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

var zeros [64 << 10]byte

// setMemory sets /memory reg to the RAM installed, as QEMU does for
// -m: the first memory node (device_type "memory", or named memory or
// memory@...) is rewritten, or one is added.
func setMemory(root *dt.Node, base, size uint32) {
	ac, sc := cells(root, "#address-cells", 2), cells(root, "#size-cells", 1)
	var reg []byte
	for _, c := range []struct{ n, v uint32 }{{ac, base}, {sc, size}} {
		for i := uint32(1); i < c.n; i++ {
			reg = binary.BigEndian.AppendUint32(reg, 0)
		}
		reg = binary.BigEndian.AppendUint32(reg, c.v)
	}
	var mem *dt.Node
	for _, n := range root.Children {
		t, _ := propString(n, "device_type")
		if t == "memory" || n.Name == "memory" || strings.HasPrefix(n.Name, "memory@") {
			mem = n
			break
		}
	}
	if mem == nil {
		mem = dt.NewNode(fmt.Sprintf("memory@%x", base), dt.WithProperty(dt.PropertyString("device_type", "memory")))
		root.Children = append(root.Children, mem)
	}
	mem.Update(dt.Property{Name: "reg", Value: reg})
}

// cells reads a #address-cells or #size-cells property (1 or 2), or def.
func cells(n *dt.Node, name string, def uint32) uint32 {
	if p, ok := n.LookProperty(name); ok {
		if v, err := p.AsU32(); err == nil && (v == 1 || v == 2) {
			return v
		}
	}
	return def
}

// Memory is where the images are written (the SoC's DRAM).
type Memory interface {
	WritePhys(pa uint32, p []byte) bool
}

// Load writes the planned images into memory.
func (l *Layout) Load(mem Memory) error {
	for _, s := range l.segs {
		if !mem.WritePhys(s.addr, s.data) {
			return fmt.Errorf("loader: cannot write %d bytes at %#x", len(s.data), s.addr)
		}
		for a, end := s.addr+uint32(len(s.data)), s.addr+s.size; a < end; {
			n := min(end-a, uint32(len(zeros)))
			if !mem.WritePhys(a, zeros[:n]) {
				return fmt.Errorf("loader: cannot clear %d bytes at %#x", n, a)
			}
			a += n
		}
	}
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
