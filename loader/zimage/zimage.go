// Package zimage takes the compressed kernel out of an ARM Linux zImage and
// inflates it on the host, so that a boot need not run the zImage's own
// decompressor instruction by instruction.
//
// The zImage layout (Linux 6.1 arch/arm/boot/compressed/head.S and
// vmlinux.lds.S):
//
//	0x24  0x016F2818        zImage magic
//	0x28  _magic_start      0 for a position-independent zImage (else ZBOOT_ROM/XIP)
//	0x2C  _magic_end        offset of _edata: the zImage's length
//	0x30  0x04030201        endianness flag (byte-swapped in a BE8 kernel)
//	0x34  0x45454545        the table follows
//	0x38  _table_start      offset of the table
//
// The table is a list of entries, each opened by its length in words
// (counting the length word) and a tag. The "KLSZ" entry (tag 0x5A534C4B)
// holds the offset of the decompressed-size word, the kernel's BSS size
// and, in newer kernels, TEXT_OFFSET and the decompressor's malloc size; the
// oldest kernels with a table carry only the size and BSS words.
//
// The compressed kernel (piggy_data) ends at the size word: every format is
// written by the kernel's Makefile with the 4-byte little-endian length of
// the uncompressed Image appended (gzip's own trailer provides it). The
// decompressor's read-only data sits between the table and the payload and
// may hold a stream magic of its own (the XZ decoder's), so the payload is
// the last stream magic before the size word that decodes.
//
// Supported: gzip (compress/gzip), xz with the ARM BCJ filter (the xz
// container is read here; LZMA2 by github.com/ulikunitz/xz/lzma; the BCJ
// filter is bcj.go), lzma (ulikunitz/xz/lzma's .lzma reader) and lz4
// legacy frames (github.com/pierrec/lz4 blocks). LZO has no maintained Go
// decoder: such kernels, and everything else not recognised (BE8, ROM/XIP
// zImages, unknown tables), run the guest's own decompressor (Unsupported).
package zimage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"sort"
)

const (
	zMagic      = 0x016F2818
	endianFlag  = 0x04030201
	tableMagic  = 0x45454545
	klszTag     = 0x5A534C4B // "KLSZ"
	textDefault = 0x8000     // TEXT_OFFSET when the table does not say
	// MaxRatio bounds the size word against the payload: a real kernel
	// compresses 2-5:1. More than this is a decompression bomb.
	MaxRatio = 64
	// maxTries bounds how many candidate stream starts are decoded.
	maxTries = 8
)

// Unsupported says a zImage (or a file that is not one) cannot be inflated
// on the host; the guest's own decompressor should run instead.
type Unsupported struct{ Reason string }

func (e *Unsupported) Error() string { return e.Reason }

// Corrupt says a zImage is damaged: its header or compressed kernel is
// inconsistent. Booting it would fail in the guest too.
type Corrupt struct{ Problem string }

func (e *Corrupt) Error() string { return e.Problem }

func unsupported(format string, args ...any) error {
	return &Unsupported{Reason: fmt.Sprintf(format, args...)}
}

func corrupt(format string, args ...any) error {
	return &Corrupt{Problem: fmt.Sprintf(format, args...)}
}

// Header is what a zImage says about the kernel inside it.
type Header struct {
	Length     uint32 // the zImage proper (_edata), without an appended DTB
	Size       uint32 // the uncompressed kernel (the size word)
	SizeOff    uint32 // where the size word is
	BSS        uint32 // the kernel's BSS size (0: not in the table)
	TextOffset uint32 // TEXT_OFFSET: the kernel's offset from the RAM base
	// AppendedDTB is the device tree appended to the zImage, when there is
	// one and the decompressor looks for it (CONFIG_ARM_APPENDED_DTB).
	AppendedDTB []byte
	tableOff    uint32
}

// IsZImage reports whether b starts like a zImage (the magic at 0x24).
func IsZImage(b []byte) bool {
	return len(b) >= 0x30 && binary.LittleEndian.Uint32(b[0x24:]) == zMagic
}

// ParseHeader reads the zImage header and table of img. An error is
// *Unsupported (let the guest decompress) or *Corrupt.
func ParseHeader(img []byte) (*Header, error) {
	le := binary.LittleEndian
	if !IsZImage(img) {
		return nil, unsupported("no zImage magic at 0x24")
	}
	if len(img) < 0x3C {
		return nil, unsupported("zImage header without a table (old kernel)")
	}
	if f := le.Uint32(img[0x30:]); f != endianFlag {
		return nil, unsupported("big-endian (BE8) zImage (endianness flag %#08x)", f)
	}
	if s := le.Uint32(img[0x28:]); s != 0 {
		return nil, unsupported("zImage linked to run at %#x (ZBOOT_ROM/XIP)", s)
	}
	h := &Header{Length: le.Uint32(img[0x2C:]), TextOffset: textDefault}
	if h.Length > uint32(len(img)) || h.Length < 0x3C {
		return nil, corrupt("zImage header says %d bytes, file has %d", h.Length, len(img))
	}
	if le.Uint32(img[0x34:]) != tableMagic {
		return nil, unsupported("zImage without the 0x45454545 table (old kernel)")
	}
	t := le.Uint32(img[0x38:])
	h.tableOff = t
	if t&3 != 0 || uint64(t)+8 > uint64(h.Length) {
		return nil, corrupt("zImage table offset %#x outside the image (%d bytes)", t, h.Length)
	}
	found := false
	for off := t; uint64(off)+8 <= uint64(h.Length); {
		n := le.Uint32(img[off:])
		if n == 0 {
			break
		}
		if n < 2 || uint64(off)+4*uint64(n) > uint64(h.Length) {
			return nil, corrupt("zImage table entry at %#x: length %d words runs past the image", off, n)
		}
		if le.Uint32(img[off+4:]) == klszTag {
			if n < 3 {
				return nil, corrupt("zImage KLSZ table entry has no size word")
			}
			w := func(i uint32) uint32 { return le.Uint32(img[off+4*i:]) }
			h.SizeOff = w(2)
			if n >= 4 {
				h.BSS = w(3)
			}
			if n >= 5 {
				h.TextOffset = w(4)
			}
			found = true
			break
		}
		off += 4 * n
	}
	if !found {
		return nil, unsupported("zImage table has no KLSZ (size) entry")
	}
	if h.SizeOff <= t || uint64(h.SizeOff)+4 > uint64(h.Length) {
		return nil, corrupt("zImage size word offset %#x outside the image (%d bytes)", h.SizeOff, h.Length)
	}
	if h.TextOffset&0xFFF != 0 || h.TextOffset < 0x4000 || h.TextOffset >= 1<<27 {
		return nil, unsupported("unusual TEXT_OFFSET %#x", h.TextOffset)
	}
	h.Size = le.Uint32(img[h.SizeOff:])
	if h.Size == 0 {
		return nil, corrupt("zImage says the kernel is 0 bytes")
	}
	if rest := img[h.Length:]; len(rest) >= 8 && binary.BigEndian.Uint32(rest) == 0xD00DFEED && appendedDTBSupport(img[:t]) {
		n := binary.BigEndian.Uint32(rest[4:])
		if n < 40 || uint64(n) > uint64(len(rest)) {
			return nil, corrupt("appended device tree: totalsize %d, %d bytes follow the zImage", n, len(rest))
		}
		h.AppendedDTB = rest[:n]
	}
	return h, nil
}

// appendedDTBSupport reports whether the decompressor looks for a device
// tree at _edata: head.S (CONFIG_ARM_APPENDED_DTB) compares the word there
// with 0xd00dfeed as read little-endian, a literal that only that check
// puts in the decompressor's code.
func appendedDTBSupport(code []byte) bool {
	return bytes.Contains(code, []byte{0xD0, 0x0D, 0xFE, 0xED})
}

// Kernel is an inflated kernel.
type Kernel struct {
	Header
	Format string // gzip, xz, lzma, lz4
	Image  []byte // the uncompressed kernel (Image), Size bytes
	SHA256 [32]byte
}

// stream magics, in the order the Makefile's compressors write them.
var magics = []struct {
	format string
	magic  []byte
}{
	{"gzip", []byte{0x1F, 0x8B, 0x08}},
	{"xz", []byte{0xFD, '7', 'z', 'X', 'Z', 0x00}},
	{"lzma", []byte{0x5D, 0x00, 0x00}},
	{"lz4", []byte{0x02, 0x21, 0x4C, 0x18}},
	{"lzo", []byte{0x89, 'L', 'Z', 'O', 0x00, '\r', '\n', 0x1A, '\n'}},
}

type candidate struct {
	off    int
	format string
}

// candidates lists the stream magics between the table and the size word,
// last first: at most maxTries of each format, and only maxTries are tried.
func candidates(img []byte, h *Header) []candidate {
	region := img[:h.SizeOff]
	var cs []candidate
	for _, m := range magics {
		end := len(region)
		for n := 0; n < maxTries; n++ {
			i := bytes.LastIndex(region[:end], m.magic)
			if i < 0 || i <= int(h.tableOff) {
				break
			}
			cs = append(cs, candidate{i, m.format})
			end = i
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].off > cs[j].off })
	return cs
}

// Inflate parses img and inflates the kernel in it. limit bounds the
// uncompressed size (the RAM the kernel may take). An error is
// *Unsupported (let the guest decompress) or *Corrupt.
func Inflate(img []byte, limit uint32) (*Kernel, error) {
	h, err := ParseHeader(img)
	if err != nil {
		return nil, err
	}
	if h.Size > limit {
		return nil, corrupt("zImage says the kernel inflates to %d bytes, more than the %d bytes of RAM for it", h.Size, limit)
	}
	cs := candidates(img, h)
	if len(cs) == 0 {
		return nil, unsupported("no known compressed stream (gzip, xz, lzma, lz4, lzo) before the size word")
	}
	var firstErr error
	lzo := false
	tries := 0
	for _, c := range cs {
		payload := img[c.off : h.SizeOff+4]
		if !plausible(c.format, payload, h.Size) {
			continue
		}
		if c.format == "lzo" {
			lzo = true
			continue
		}
		if tries++; tries > maxTries {
			break
		}
		if uint64(h.Size) > MaxRatio*uint64(len(payload))+1<<20 {
			if firstErr == nil {
				firstErr = corrupt("zImage says %d compressed bytes inflate to %d: refusing a decompression bomb", len(payload), h.Size)
			}
			continue
		}
		var out []byte
		switch c.format {
		case "gzip":
			out, err = inflateGzip(payload, h.Size)
		case "xz":
			out, err = inflateXZ(payload, h.Size)
		case "lzma":
			out, err = inflateLZMA(payload, h.Size)
		case "lz4":
			out, err = inflateLZ4(payload, h.Size)
		}
		if err == nil {
			return &Kernel{Header: *h, Format: c.format, Image: out, SHA256: sha256.Sum256(out)}, nil
		}
		if firstErr == nil {
			firstErr = corrupt("%s kernel at %#x: %v", c.format, c.off, err)
		}
	}
	if lzo {
		return nil, unsupported("lzo-compressed zImage (no maintained Go lzo decoder)")
	}
	if firstErr == nil {
		firstErr = unsupported("no known compressed stream (gzip, xz, lzma, lz4, lzo) before the size word")
	}
	return nil, firstErr
}

// plausible checks a candidate stream's header cheaply, so that a magic
// that is only a coincidence in the decompressor's data or inside another
// stream is not decoded.
func plausible(format string, p []byte, size uint32) bool {
	le := binary.LittleEndian
	switch format {
	case "gzip": // method deflate, no reserved flags
		return len(p) >= 18 && p[3]&0xE0 == 0
	case "xz": // stream flags and their CRC
		return len(p) >= 32 && p[6] == 0 && crc32.ChecksumIEEE(p[6:8]) == le.Uint32(p[8:])
	case "lzma": // lc/lp/pb 3/0/2, a dictionary of 2^n or 3*2^n, the size unknown or the size word
		if len(p) < 13+4 {
			return false
		}
		d := le.Uint32(p[1:])
		n := le.Uint64(p[5:])
		pow := d&(d-1) == 0 || d%3 == 0 && (d/3)&(d/3-1) == 0
		return d >= 4096 && pow && (n == ^uint64(0) || n == uint64(size))
	case "lz4": // the first block fits
		return len(p) >= 12 && uint64(le.Uint32(p[4:]))+8+4 <= uint64(len(p))
	case "lzo":
		return len(p) >= 16
	}
	return false
}

var errLength = errors.New("output length differs from the size word")
