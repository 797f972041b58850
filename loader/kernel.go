package loader

// Kernel formats besides the zImage, as QEMU's -kernel takes them
// (hw/arm/boot.c: an ELF first, then a uImage, then a zImage or raw
// image):
//
//   - a legacy uImage (U-Boot include/image.h): a 64-byte big-endian
//     header (magic 0x27051956, header CRC-32 with the CRC field zeroed,
//     payload size, load address, entry point, payload CRC-32, OS,
//     architecture, type, compression) and the payload, loaded at the load
//     address, inflated first if compressed (gzip, bzip2);
//   - an ELF executable such as vmlinux: each PT_LOAD segment is copied to
//     its physical address (p_paddr, as QEMU's load_elf does), the rest of
//     its memory size zeroed, and the CPU enters at e_entry.
//
// Every size and address a header claims is checked against the file and
// against RAM before anything is allocated.

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"hash/crc32"
)

const elfMaxLoads = 64

// segment is one piece of an ELF kernel: data at addr, then zeros up to
// size bytes.
type segment struct {
	addr, size uint32
	data       []byte
}

var uImageCompression = map[byte]string{0: "none", 1: "gzip", 2: "bzip2", 3: "lzma", 4: "lzo", 5: "lz4", 6: "zstd"}

func (l *Layout) planUImage(k Image, ramBase, ramSize uint32) error {
	h := k.Data[:uImageHeaderLen]
	hcrc := binary.BigEndian.Uint32(h[4:])
	size := binary.BigEndian.Uint32(h[12:])
	load := binary.BigEndian.Uint32(h[16:])
	ep := binary.BigEndian.Uint32(h[20:])
	dcrc := binary.BigEndian.Uint32(h[24:])
	arch, typ, comp := h[29], h[30], h[31]
	zeroed := append([]byte(nil), h...)
	binary.BigEndian.PutUint32(zeroed[4:], 0)
	method, known := uImageCompression[comp]
	switch {
	case crc32.ChecksumIEEE(zeroed) != hcrc:
		return inputErr(k.Name, "uImage header CRC mismatch: header says %#08x, computed %#08x", hcrc, crc32.ChecksumIEEE(zeroed))
	case arch != 2: // IH_ARCH_ARM
		return inputErr(k.Name, "uImage is not for ARM (arch %d)", arch)
	case typ != 2: // IH_TYPE_KERNEL
		return inputErr(k.Name, "uImage is not a kernel image (type %d)", typ)
	case method != "none" && method != "gzip" && method != "bzip2": // what inflate takes
		if !known {
			method = "unknown"
		}
		return inputErr(k.Name, "uImage compression %d (%s) is not supported; use none, gzip or bzip2", comp, method)
	case uint64(size)+uImageHeaderLen > uint64(len(k.Data)):
		return inputErr(k.Name, "truncated uImage: header says %d payload bytes, file has %d", size, len(k.Data)-uImageHeaderLen)
	case load < ramBase || uint64(load-ramBase) >= uint64(ramSize):
		return inputErr(k.Name, "uImage load address %#x is outside RAM", load)
	}
	payload := k.Data[uImageHeaderLen : uImageHeaderLen+size]
	if c := crc32.ChecksumIEEE(payload); c != dcrc {
		return inputErr(k.Name, "uImage data CRC mismatch: header says %#08x, computed %#08x over %d bytes", dcrc, c, size)
	}
	room := uint64(ramSize) - uint64(load-ramBase)
	if method != "none" {
		var err error
		if payload, err = inflate(method, payload, room); err != nil {
			if err == errTooBig {
				return inputErr(k.Name, "%s uImage payload inflates past the %d bytes of RAM above its load address %#x", method, room, load)
			}
			return inputErr(k.Name, "uImage payload: %v", err)
		}
	}
	if uint64(len(payload)) > room {
		return inputErr(k.Name, "uImage load address %#x: the %d-byte payload runs past the end of RAM", load, len(payload))
	}
	l.KernelAddr, l.Entry = load, ep
	l.kernel = payload
	return nil
}

// planELF loads an ELF executable's PT_LOAD segments.
func (l *Layout) planELF(k Image, ramBase, ramSize uint32) error {
	// debug/elf allocates per section and program header the header
	// claims: check the tables lie in the file first (ELF32 layout).
	d := k.Data
	if len(d) < 52 || d[4] != byte(elf.ELFCLASS32) || d[5] != byte(elf.ELFDATA2LSB) {
		return inputErr(k.Name, "ELF is not 32-bit little-endian ARM (a %d-byte file, class %d, data %d)", len(d), d[min(4, len(d)-1)], d[min(5, len(d)-1)])
	}
	le := binary.LittleEndian
	for _, t := range []struct {
		name           string
		off            uint32
		num, entsize   uint16
		wantEnt, maxNo uint16
	}{
		{"program header", le.Uint32(d[28:]), le.Uint16(d[44:]), le.Uint16(d[42:]), 32, 256},
		{"section header", le.Uint32(d[32:]), le.Uint16(d[48:]), le.Uint16(d[46:]), 40, 4096},
	} {
		if t.num == 0 {
			continue
		}
		switch {
		case t.entsize != t.wantEnt:
			return inputErr(k.Name, "ELF %s size %d: expected %d", t.name, t.entsize, t.wantEnt)
		case t.num > t.maxNo:
			return inputErr(k.Name, "ELF claims %d %ss (at most %d taken)", t.num, t.name, t.maxNo)
		case uint64(t.off)+uint64(t.num)*uint64(t.entsize) > uint64(len(d)):
			return inputErr(k.Name, "ELF %s table (%d at %#x) runs past the end of the file (%d bytes)", t.name, t.num, t.off, len(d))
		}
	}
	f, err := elf.NewFile(bytes.NewReader(k.Data))
	if err != nil {
		return inputErr(k.Name, "corrupt ELF: %v", err)
	}
	switch {
	case f.Class != elf.ELFCLASS32 || f.Machine != elf.EM_ARM:
		return inputErr(k.Name, "ELF is not for 32-bit ARM (class %v, machine %v)", f.Class, f.Machine)
	case f.Data != elf.ELFDATA2LSB:
		return inputErr(k.Name, "ELF is big-endian; the AST2500 runs little-endian")
	case f.Type != elf.ET_EXEC:
		return inputErr(k.Name, "ELF is not an executable (type %v)", f.Type)
	}
	lo, hi := uint64(1)<<32, uint64(0)
	entry := uint32(f.Entry)
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Memsz == 0 {
			continue
		}
		if len(l.segs) == elfMaxLoads {
			return inputErr(k.Name, "ELF has more than %d PT_LOAD segments", elfMaxLoads)
		}
		switch {
		case p.Filesz > p.Memsz:
			return inputErr(k.Name, "ELF segment at %#x: p_filesz %d is larger than p_memsz %d", p.Paddr, p.Filesz, p.Memsz)
		case p.Off+p.Filesz > uint64(len(k.Data)) || p.Off+p.Filesz < p.Off:
			return inputErr(k.Name, "ELF segment at %#x: p_offset %#x + p_filesz %d runs past the end of the file (%d bytes)", p.Paddr, p.Off, p.Filesz, len(k.Data))
		case p.Paddr < uint64(ramBase) || p.Paddr-uint64(ramBase)+p.Memsz > uint64(ramSize):
			return inputErr(k.Name, "ELF segment at physical %#x (%d bytes) is outside %d MiB of RAM at %#x", p.Paddr, p.Memsz, ramSize>>20, ramBase)
		}
		l.segs = append(l.segs, segment{addr: uint32(p.Paddr), size: uint32(p.Memsz), data: k.Data[p.Off : p.Off+p.Filesz]})
		lo, hi = min(lo, p.Paddr), max(hi, p.Paddr+p.Memsz)
		// QEMU enters at e_entry; a virtual entry inside a segment is
		// taken to its physical address (the MMU is off at entry).
		if f.Entry >= p.Vaddr && f.Entry-p.Vaddr < p.Memsz {
			entry = uint32(f.Entry - p.Vaddr + p.Paddr)
		}
	}
	if len(l.segs) == 0 {
		return inputErr(k.Name, "ELF has no PT_LOAD segment to load")
	}
	if entry < uint32(lo) || uint64(entry) >= hi {
		return inputErr(k.Name, "ELF entry point %#x is outside its segments (%#x-%#x)", f.Entry, lo, hi)
	}
	l.KernelAddr, l.Entry = uint32(lo), entry
	l.KernelSize = uint32(hi - lo)
	return nil
}
