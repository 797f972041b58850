package loader

// Bounded decompression of untrusted payloads: a gzip- or bzip2-compressed
// uImage or FIT kernel, and the initrd. A payload is first inflated into
// nothing, counting, and refused as soon as it passes the limit (what fits
// in guest RAM); only a payload that fits is inflated again into memory, at
// its counted size. A decompression bomb thus costs time bounded by the
// limit and no memory.

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
)

var errTooBig = errors.New("inflates past the limit")

// decompressor returns a reader of b's inflated bytes.
func decompressor(method string, b []byte) (io.Reader, error) {
	switch method {
	case "gzip":
		return gzip.NewReader(bytes.NewReader(b))
	case "bzip2":
		return bzip2.NewReader(bytes.NewReader(b)), nil
	}
	return nil, fmt.Errorf("compression %q is not supported (none, gzip or bzip2)", method)
}

// inflate decompresses b (method gzip or bzip2) if it inflates to at most
// limit bytes.
func inflate(method string, b []byte, limit uint64) ([]byte, error) {
	r, err := decompressor(method, b)
	if err != nil {
		return nil, fmt.Errorf("corrupt %s data: %v", method, err)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("corrupt %s data: %v", method, err)
	}
	if uint64(n) > limit {
		return nil, errTooBig
	}
	r, _ = decompressor(method, b)
	out := make([]byte, n)
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, fmt.Errorf("corrupt %s data: %v", method, err)
	}
	return out, nil
}

// initrdSize walks an initrd as Linux's initramfs unpacker does
// (init/initramfs.c): cpio archives, each plain or gzip-compressed, with
// zero padding between them. It returns the bytes the archives inflate
// to, refusing past limit, and checks each newc cpio entry's name and
// file sizes against the data present. Data that is neither cpio nor
// gzip (an old-style initrd image, or another compression) is counted as
// it is.
func initrdSize(b []byte, limit uint64) (uint64, error) {
	var total uint64
	var zr *gzip.Reader
	var content *bufio.Reader
	for {
		for len(b) > 0 && b[0] == 0 {
			b = b[1:]
		}
		if len(b) == 0 {
			return total, nil
		}
		if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			if bytes.HasPrefix(b, []byte("0707")) {
				n, err := cpioSize(bytes.NewReader(b), limit-total)
				total += n
				return total, err
			}
			total += uint64(len(b))
			if total > limit {
				return total, errTooBig
			}
			return total, nil
		}
		// One decompressor for every member: each costs tens of KiB.
		br := bytes.NewReader(b)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(br)
		} else {
			err = zr.Reset(br)
		}
		if err != nil {
			return total, fmt.Errorf("corrupt gzip data: %v", err)
		}
		zr.Multistream(false)
		if content == nil {
			content = bufio.NewReader(zr)
		} else {
			content.Reset(zr)
		}
		if magic, _ := content.Peek(4); string(magic) == "0707" {
			n, err := cpioSize(content, limit-total)
			total += n
			if err != nil {
				return total, err
			}
		}
		// The rest of the member (after a cpio trailer: padding; or a
		// compressed old-style initrd image, counted).
		m, err := io.Copy(io.Discard, io.LimitReader(content, int64(limit-total)+1))
		total += uint64(m)
		if err != nil {
			return total, fmt.Errorf("corrupt gzip data: %v", err)
		}
		if total > limit {
			return total, errTooBig
		}
		b = b[len(b)-br.Len():]
	}
}

const cpioMaxName = 4096 // PATH_MAX

// cpioSize walks newc cpio entries up to the TRAILER!!! entry, counting
// bytes, without keeping them.
func cpioSize(r io.Reader, limit uint64) (uint64, error) {
	var total uint64
	var hdr [110]byte
	var name [cpioMaxName]byte
	skip := func(n uint64) error {
		if total+n > limit {
			return errTooBig
		}
		m, err := io.CopyN(io.Discard, r, int64(n))
		total += uint64(m)
		return err
	}
	pad4 := func() uint64 { return (4 - total%4) % 4 }
	for {
		if total+110 > limit {
			return total, errTooBig
		}
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if total > 0 && err == io.EOF {
				return total, fmt.Errorf("cpio archive ends at %d bytes without a TRAILER!!! entry", total)
			}
			return total, fmt.Errorf("cpio header at %d: %v", total, err)
		}
		off := total
		total += 110
		if m := string(hdr[:6]); m != "070701" && m != "070702" {
			return total, fmt.Errorf("cpio header at %d: expected magic 070701 or 070702, found %q", off, m)
		}
		field := func(i int) (uint64, error) { return strconv.ParseUint(string(hdr[6+8*i:14+8*i]), 16, 32) }
		fsize, err1 := field(6)
		nsize, err2 := field(11)
		if err1 != nil || err2 != nil {
			return total, fmt.Errorf("cpio header at %d: bad hex size field", off)
		}
		if nsize == 0 || nsize > cpioMaxName {
			return total, fmt.Errorf("cpio header at %d: namesize %d (expected 1 to %d)", off, nsize, cpioMaxName)
		}
		if _, err := io.ReadFull(r, name[:nsize]); err != nil {
			return total, fmt.Errorf("cpio entry at %d: name runs past the end of the archive", off)
		}
		total += nsize
		n := string(bytes.TrimRight(name[:nsize], "\x00"))
		if err := skip(pad4()); err != nil {
			return total, cpioErr(err, off, n, 0)
		}
		if n == "TRAILER!!!" {
			return total, nil
		}
		if err := skip(fsize); err != nil {
			return total, cpioErr(err, off, n, fsize)
		}
		if err := skip(pad4()); err != nil {
			return total, cpioErr(err, off, n, 0)
		}
	}
}

func cpioErr(err error, off uint64, name string, fsize uint64) error {
	if err == errTooBig {
		return err
	}
	return fmt.Errorf("cpio entry %q at %d: filesize %d runs past the end of the archive", name, off, fsize)
}
