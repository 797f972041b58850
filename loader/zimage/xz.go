package zimage

// The .xz container as the kernel's scripts/xz_wrap.sh writes it for ARM:
// one stream, CRC-32 check, blocks filtered with ARM BCJ then LZMA2. The
// container is read here (The .xz File Format 1.0.4: stream header, block
// headers with their filter flags, block padding and check, index, stream
// footer), because github.com/ulikunitz/xz reads only LZMA2-only blocks;
// the LZMA2 data goes to its lzma.Reader2, and the BCJ filter is bcj.go.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"

	"github.com/ulikunitz/xz/lzma"
)

const (
	xzFilterARM   = 0x07
	xzFilterLZMA2 = 0x21
)

var crc64Table = crc64.MakeTable(crc64.ECMA)

// xzReader walks a byte slice.
type xzReader struct {
	b   []byte
	off int
}

func (r *xzReader) take(n int) ([]byte, error) {
	if n < 0 || r.off+n > len(r.b) {
		return nil, fmt.Errorf("xz: truncated at %d", r.off)
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p, nil
}

// varint reads an xz multibyte integer (at most 9 bytes, 63 bits).
func (r *xzReader) varint() (uint64, error) {
	var v uint64
	for i := 0; i < 9; i++ {
		p, err := r.take(1)
		if err != nil {
			return 0, err
		}
		v |= uint64(p[0]&0x7F) << (7 * i)
		if p[0]&0x80 == 0 {
			if i > 0 && p[0] == 0 {
				return 0, errors.New("xz: non-minimal integer")
			}
			return v, nil
		}
	}
	return 0, errors.New("xz: integer too long")
}

func xzCheck(kind byte) (hash.Hash, int, error) {
	switch kind {
	case 0:
		return nil, 0, nil
	case 1:
		return crc32.NewIEEE(), 4, nil
	case 4:
		return crc64.New(crc64Table), 8, nil
	case 10:
		return sha256.New(), 32, nil
	}
	return nil, 0, fmt.Errorf("xz: unsupported check type %d", kind)
}

func inflateXZ(payload []byte, size uint32) ([]byte, error) {
	r := &xzReader{b: payload[:len(payload)-4]}
	hdr, err := r.take(12)
	if err != nil {
		return nil, err
	}
	flags := hdr[6:8]
	if flags[0] != 0 || flags[1]&0xF0 != 0 || crc32.ChecksumIEEE(flags) != binary.LittleEndian.Uint32(hdr[8:]) {
		return nil, errors.New("xz: bad stream header")
	}
	check, checkLen, err := xzCheck(flags[1])
	if err != nil {
		return nil, err
	}
	var out []byte
	blocks := 0
	for {
		start := r.off
		p, err := r.take(1)
		if err != nil {
			return nil, err
		}
		if p[0] == 0 { // index indicator: no more blocks
			break
		}
		blocks++
		blk, err := readBlock(r, start, int(p[0]), size-uint32(len(out)))
		if err != nil {
			return nil, err
		}
		for r.off&3 != 0 { // block padding
			if z, err := r.take(1); err != nil || z[0] != 0 {
				return nil, errors.New("xz: bad block padding")
			}
		}
		if check != nil {
			want, err := r.take(checkLen)
			if err != nil {
				return nil, err
			}
			check.Reset()
			check.Write(blk)
			sum := check.Sum(nil)
			if checkLen != 32 { // CRC-32 and CRC-64 are stored little-endian
				for i, j := 0, len(sum)-1; i < j; i, j = i+1, j-1 {
					sum[i], sum[j] = sum[j], sum[i]
				}
			}
			if !bytes.Equal(sum, want) {
				return nil, errors.New("xz: block check mismatch")
			}
		}
		if out == nil {
			out = blk
		} else {
			out = append(out, blk...)
		}
	}
	if blocks == 0 || uint32(len(out)) != size {
		return nil, fmt.Errorf("%w (%d bytes, size word %d)", errLength, len(out), size)
	}
	return out, xzTail(r, blocks, flags)
}

// readBlock decodes one block whose header starts at start with the
// encoded header size hs; at most room bytes may come out.
func readBlock(r *xzReader, start, hs int, room uint32) ([]byte, error) {
	hlen := (hs + 1) * 4
	r.off = start
	h, err := r.take(hlen)
	if err != nil {
		return nil, err
	}
	if crc32.ChecksumIEEE(h[:hlen-4]) != binary.LittleEndian.Uint32(h[hlen-4:]) {
		return nil, errors.New("xz: block header CRC mismatch")
	}
	hr := &xzReader{b: h[:hlen-4], off: 2}
	bf := h[1]
	if bf&0x3C != 0 {
		return nil, errors.New("xz: reserved block flags")
	}
	if bf&0x40 != 0 {
		if _, err := hr.varint(); err != nil {
			return nil, err
		}
	}
	if bf&0x80 != 0 {
		u, err := hr.varint()
		if err != nil {
			return nil, err
		}
		if u > uint64(room) {
			return nil, fmt.Errorf("xz: block of %d bytes exceeds the size word", u)
		}
	}
	var bcj, dict uint32
	bcjOn := false
	nf := int(bf&3) + 1
	for i := 0; i < nf; i++ {
		id, err := hr.varint()
		if err != nil {
			return nil, err
		}
		n, err := hr.varint()
		if err != nil {
			return nil, err
		}
		props, err := hr.take(int(min(n, 1<<16)))
		if err != nil {
			return nil, err
		}
		switch {
		case id == xzFilterARM && i < nf-1 && !bcjOn:
			bcjOn = true
			switch len(props) {
			case 0:
			case 4:
				bcj = binary.LittleEndian.Uint32(props)
				if bcj&3 != 0 {
					return nil, errors.New("xz: ARM BCJ start offset not aligned")
				}
			default:
				return nil, errors.New("xz: bad ARM BCJ properties")
			}
		case id == xzFilterLZMA2 && i == nf-1 && len(props) == 1 && props[0] <= 40:
			d := props[0]
			if d == 40 {
				dict = 0xFFFFFFFF
			} else {
				dict = (2 | uint32(d&1)) << (d/2 + 11)
			}
		default:
			return nil, fmt.Errorf("xz: unsupported filter %#x in position %d of %d", id, i+1, nf)
		}
	}
	for _, z := range h[hr.off : hlen-4] {
		if z != 0 {
			return nil, errors.New("xz: bad block header padding")
		}
	}
	br := bytes.NewReader(r.b[r.off:])
	zr, err := lzma.Reader2Config{DictCap: int(dictCap(dict, room))}.NewReader2(br)
	if err != nil {
		return nil, err
	}
	out, err := readUpTo(zr, room)
	if err != nil {
		return nil, err
	}
	if !zr.EOS() {
		return nil, errors.New("xz: LZMA2 data does not end")
	}
	r.off = len(r.b) - br.Len()
	if bcjOn {
		armBCJDecode(out, bcj)
	}
	return out, nil
}

// readUpTo reads an LZMA2 stream to its end, failing past room bytes.
func readUpTo(zr *lzma.Reader2, room uint32) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(min(room, 16<<20)))
	n, err := buf.ReadFrom(io.LimitReader(zr, int64(room)+1))
	if err != nil {
		return nil, err
	}
	if n > int64(room) {
		return nil, fmt.Errorf("%w (more than %d bytes)", errLength, room)
	}
	return buf.Bytes(), nil
}

// xzTail checks the index and stream footer after the last block.
func xzTail(r *xzReader, blocks int, flags []byte) error {
	idxStart := r.off - 1
	n, err := r.varint()
	if err != nil {
		return err
	}
	if n != uint64(blocks) {
		return fmt.Errorf("xz: index lists %d blocks, stream has %d", n, blocks)
	}
	for i := uint64(0); i < 2*n; i++ {
		if _, err := r.varint(); err != nil {
			return err
		}
	}
	for r.off&3 != 0 {
		if z, err := r.take(1); err != nil || z[0] != 0 {
			return errors.New("xz: bad index padding")
		}
	}
	idx := r.b[idxStart:r.off]
	c, err := r.take(4)
	if err != nil {
		return err
	}
	if crc32.ChecksumIEEE(idx) != binary.LittleEndian.Uint32(c) {
		return errors.New("xz: index CRC mismatch")
	}
	f, err := r.take(12)
	if err != nil {
		return err
	}
	if string(f[10:]) != "YZ" || !bytes.Equal(f[8:10], flags) || crc32.ChecksumIEEE(f[4:10]) != binary.LittleEndian.Uint32(f) {
		return errors.New("xz: bad stream footer")
	}
	for _, z := range r.b[r.off:] { // stream padding
		if z != 0 {
			return errors.New("xz: data after the stream")
		}
	}
	return nil
}
