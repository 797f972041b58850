package zimage

// The decoders for each compression the kernel's Makefile can put in a
// zImage (scripts/Makefile.lib: cmd_gzip, cmd_xzkern, cmd_lzma, cmd_lz4,
// each followed by the 4-byte size). Each gets the payload from its magic
// through the size word and the size it must produce, and never allocates
// more than that size (nor, through MaxRatio, much more than the payload).

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz/lzma"
)

// readAll reads r into a buffer of exactly size bytes, failing if r gives
// fewer or more.
func readAll(r io.Reader, size uint32) ([]byte, error) {
	var buf bytes.Buffer
	// Grow with the data, not with what the header claims.
	buf.Grow(int(min(size, 16<<20)))
	n, err := io.Copy(&buf, io.LimitReader(r, int64(size)+1))
	if err != nil {
		return nil, err
	}
	if n != int64(size) {
		return nil, fmt.Errorf("%w (%d bytes, size word %d)", errLength, n, size)
	}
	return buf.Bytes(), nil
}

func inflateGzip(payload []byte, size uint32) ([]byte, error) {
	br := bytes.NewReader(payload)
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	out, err := readAll(zr, size) // the reader checks CRC-32 and ISIZE at the end
	if err != nil {
		return nil, err
	}
	if br.Len() != 0 {
		return nil, fmt.Errorf("gzip stream ends %d bytes before the size word", br.Len())
	}
	return out, nil
}

// dictCap is the LZMA dictionary the decoder needs: never more than the
// output (no match reaches further back), at least the library's minimum.
func dictCap(header, size uint32) uint32 {
	c := min(header, size)
	return max(c, lzma.MinDictCap)
}

func inflateLZMA(payload []byte, size uint32) ([]byte, error) {
	if len(payload) < lzma.HeaderLen+4 {
		return nil, errors.New("truncated lzma header")
	}
	// The header's dictionary (64 MiB for lzma -9) is cut to the output
	// size so that a small kernel or a crafted header costs no more.
	p := bytes.Clone(payload[:len(payload)-4])
	binary.LittleEndian.PutUint32(p[1:], dictCap(binary.LittleEndian.Uint32(p[1:]), size))
	zr, err := lzma.NewReader(bytes.NewReader(p))
	if err != nil {
		return nil, err
	}
	return readAll(zr, size)
}

// inflateLZ4 decodes the legacy lz4 frame (lz4 -l): the magic 0x184C2102,
// then blocks of at most 8 MiB, each a 4-byte little-endian compressed size
// and the compressed block. Linux's unlz4 also takes a repeated magic
// between blocks. The frame has no checksum: the size word is the check.
func inflateLZ4(payload []byte, size uint32) ([]byte, error) {
	const blockMax = 8 << 20
	in := payload[4 : len(payload)-4]
	out := make([]byte, 0, min(size, 16<<20))
	for uint32(len(out)) < size {
		if len(in) < 4 {
			return nil, fmt.Errorf("lz4: stream ends after %d of %d bytes", len(out), size)
		}
		n := binary.LittleEndian.Uint32(in)
		in = in[4:]
		if n == 0x184C2102 {
			continue
		}
		if uint64(n) > uint64(len(in)) || int64(n) > int64(lz4.CompressBlockBound(blockMax)) {
			return nil, fmt.Errorf("lz4: block of %d bytes, %d left", n, len(in))
		}
		want := int(min(size-uint32(len(out)), blockMax))
		out = slices.Grow(out, want)[:len(out)+want]
		got, err := lz4.UncompressBlock(in[:n], out[len(out)-want:])
		if err != nil {
			return nil, fmt.Errorf("lz4: %v", err)
		}
		out = out[:len(out)-want+got]
		in = in[n:]
		if got < blockMax && uint32(len(out)) < size {
			return nil, fmt.Errorf("lz4: short block (%d bytes) before the end", got)
		}
	}
	if len(in) != 0 {
		return nil, fmt.Errorf("%w (%d bytes of stream left at %d bytes)", errLength, len(in), size)
	}
	return out, nil
}
