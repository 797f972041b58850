package loader

// Validation of an untrusted flattened device tree before u-root's
// pkg/dt reads it. That reader allocates what the header claims
// (size_dt_strings, each property's length) before it finds out whether the
// file holds that much, and builds node names a byte at a time, so a 12 KB
// file claiming gigabytes of strings costs gigabytes. checkFDT walks the
// header, the memory reservation block and the structure block (the
// Devicetree Specification v0.4, chapter 5: "Flattened Devicetree (DTB)
// Format") against the bytes actually present, allocating nothing, and
// names the first field that does not fit.

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/u-root/u-root/pkg/dt"
)

const (
	fdtHeaderLen   = 40 // v17 header: ten big-endian words
	fdtBeginNode   = 1
	fdtEndNode     = 2
	fdtProp        = 3
	fdtNop         = 4
	fdtEnd         = 9
	fdtMaxNameLen  = 127 // node and property names are at most 31 characters (plus a unit address); far longer is not a device tree
	fdtMaxDepth    = 64  // libfdt's FDT_MAX_DEPTH
	fdtRsvEntryLen = 16
)

// checkFDT validates b as a flattened device tree that u-root's
// dt.ReadFDT can read in memory proportional to len(b). The error names
// the header field or block at fault.
func checkFDT(b []byte) error {
	if len(b) < fdtHeaderLen {
		return fmt.Errorf("header: expected %d bytes, found %d", fdtHeaderLen, len(b))
	}
	w := func(i int) uint32 { return binary.BigEndian.Uint32(b[4*i:]) }
	magic, total, offStruct, offStrings, offRsv := w(0), w(1), w(2), w(3), w(4)
	version, lastComp, sizeStrings, sizeStruct := w(5), w(6), w(8), w(9)
	if magic != fdtMagic {
		return fmt.Errorf("magic: expected 0xd00dfeed, found %#08x", magic)
	}
	n := uint64(len(b))
	if uint64(total) > n {
		return fmt.Errorf("totalsize %d runs past the end of the file (%d bytes)", total, n)
	}
	if total < fdtHeaderLen {
		return fmt.Errorf("totalsize %d is smaller than the header", total)
	}
	// u-root reads versions 16 and 17, and later ones compatible with 17.
	if !(version == 16 || version == 17 || (version > 17 && lastComp <= 17)) {
		return fmt.Errorf("version %d (last compatible %d): expected 16 or 17", version, lastComp)
	}
	t := uint64(total)
	if offRsv < fdtHeaderLen || offRsv%8 != 0 || uint64(offRsv) >= t {
		return fmt.Errorf("off_mem_rsvmap %#x: expected an 8-byte aligned offset past the header and inside totalsize %d", offRsv, total)
	}
	// The reservation block ends with an all-zero entry.
	rsvEnd := uint64(offRsv)
	for {
		if rsvEnd+fdtRsvEntryLen > t {
			return fmt.Errorf("off_mem_rsvmap %#x: the reservation block has no terminating entry before totalsize %d", offRsv, total)
		}
		e := b[rsvEnd : rsvEnd+fdtRsvEntryLen]
		rsvEnd += fdtRsvEntryLen
		if binary.BigEndian.Uint64(e) == 0 && binary.BigEndian.Uint64(e[8:]) == 0 {
			break
		}
	}
	if offStruct%4 != 0 || uint64(offStruct) < rsvEnd {
		return fmt.Errorf("off_dt_struct %#x: expected a 4-byte aligned offset after the reservation block (ends at %#x)", offStruct, rsvEnd)
	}
	if uint64(offStruct)+uint64(sizeStruct) > t {
		return fmt.Errorf("size_dt_struct %d at off_dt_struct %#x runs past totalsize %d", sizeStruct, offStruct, total)
	}
	if uint64(offStrings) > t {
		return fmt.Errorf("off_dt_strings %#x is past totalsize %d", offStrings, total)
	}
	if uint64(offStrings)+uint64(sizeStrings) > t {
		return fmt.Errorf("size_dt_strings %d at off_dt_strings %#x runs past totalsize %d", sizeStrings, offStrings, total)
	}
	return checkStruct(b[offStruct:offStruct+sizeStruct], b[offStrings:offStrings+sizeStrings])
}

// checkStruct walks the structure block's tokens.
func checkStruct(s, strs []byte) error {
	pos, depth, roots := 0, 0, 0
	fail := func(format string, args ...any) error {
		return fmt.Errorf("structure block at %#x: %s", pos, fmt.Sprintf(format, args...))
	}
	align := func(p int) int { return (p + 3) &^ 3 }
	for {
		if pos+4 > len(s) {
			return fail("expected a token, found the end of size_dt_struct (%d bytes)", len(s))
		}
		tok := binary.BigEndian.Uint32(s[pos:])
		switch tok {
		case fdtBeginNode:
			if depth == 0 {
				if roots++; roots > 1 {
					return fail("a second root node")
				}
			}
			if depth++; depth > fdtMaxDepth {
				return fail("nodes nested deeper than %d", fdtMaxDepth)
			}
			name := pos + 4
			end := name
			for end < len(s) && s[end] != 0 && end-name <= fdtMaxNameLen {
				end++
			}
			switch {
			case end == len(s):
				return fail("node name runs past the end of size_dt_struct")
			case end-name > fdtMaxNameLen:
				return fail("node name longer than %d bytes", fdtMaxNameLen)
			}
			pos = align(end + 1)
		case fdtEndNode:
			if depth == 0 {
				return fail("FDT_END_NODE without FDT_BEGIN_NODE")
			}
			depth--
			pos += 4
		case fdtProp:
			if depth == 0 {
				return fail("property outside a node")
			}
			if pos+12 > len(s) {
				return fail("property header runs past the end of size_dt_struct")
			}
			plen := uint64(binary.BigEndian.Uint32(s[pos+4:]))
			nameoff := uint64(binary.BigEndian.Uint32(s[pos+8:]))
			if uint64(pos)+12+plen > uint64(len(s)) {
				return fail("property length %d runs past the end of size_dt_struct (%d bytes)", plen, len(s))
			}
			if nameoff >= uint64(len(strs)) {
				return fail("property name offset %#x is outside size_dt_strings (%d bytes)", nameoff, len(strs))
			}
			// The reader copies the name: keep it short, and the scan
			// for its NUL bounded.
			name := strs[nameoff:]
			if len(name) > fdtMaxNameLen+1 {
				name = name[:fdtMaxNameLen+1]
			}
			if bytes.IndexByte(name, 0) < 0 {
				return fail("property name at strings offset %#x: expected a NUL within %d bytes, found none", nameoff, fdtMaxNameLen+1)
			}
			pos = align(pos + 12 + int(plen))
		case fdtNop:
			pos += 4
		case fdtEnd:
			if depth != 0 || roots == 0 {
				return fail("FDT_END with %d nodes open and %d root nodes", depth, roots)
			}
			return nil
		default:
			return fail("unknown token %#x", tok)
		}
	}
}

// readFDT validates b and reads it with u-root's pkg/dt.
func readFDT(b []byte) (*dt.FDT, error) {
	if err := checkFDT(b); err != nil {
		return nil, err
	}
	total := binary.BigEndian.Uint32(b[4:])
	return dt.ReadFDT(bytes.NewReader(b[:total]))
}
