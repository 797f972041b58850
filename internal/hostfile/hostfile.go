// Package hostfile reads the files a user names on the command line
// (kernels, device trees, initrds, flash images, scripts, symbol files)
// without trusting them: the path must name a regular file, opened without
// blocking (a FIFO would otherwise wait for a writer for ever), and no
// larger than the limit its role allows (a device such as /dev/zero would
// otherwise be read until memory runs out). Every refusal is one line
// naming the file and the problem.
package hostfile

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// Error is a refused or unreadable input file.
type Error struct {
	Path    string
	Problem string
}

func (e *Error) Error() string { return e.Path + ": " + e.Problem }

func fail(path, format string, args ...any) *Error {
	return &Error{Path: path, Problem: fmt.Sprintf(format, args...)}
}

// Size limits of the roles, generous for real inputs and far below what
// would exhaust the host.
const (
	KernelLimit  = 1 << 30   // no larger than the largest RAM (1 GiB); an ELF vmlinux may carry symbols
	InitrdLimit  = 1 << 30   // the largest RAM
	DTBLimit     = 8 << 20   // device trees are tens of KiB
	FlashLimit   = 256 << 20 // the largest SPI NOR chip modelled is far smaller
	SymbolsLimit = 2 << 30   // a vmlinux with full DWARF runs to hundreds of MiB; read through ReaderAt, not in full
	TextLimit    = 1 << 20   // scripts and lists
)

// Kind names what a non-regular file is, for messages.
func Kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

// Open opens path for reading as a role file ("kernel", "dtb", ...): a
// regular file of at most limit bytes. It returns the file and its size.
func Open(role, path string, limit int64) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		switch {
		case os.IsNotExist(err):
			return nil, 0, fail(path, "%s file does not exist", role)
		case os.IsPermission(err):
			return nil, 0, fail(path, "cannot read %s file: permission denied", role)
		}
		return nil, 0, fail(path, "cannot read %s file: %v", role, unwrapPath(err))
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fail(path, "cannot read %s file: %v", role, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fail(path, "expected a regular %s file, found %s", role, Kind(fi.Mode()))
	}
	if fi.Size() > limit {
		f.Close()
		return nil, 0, fail(path, "%s file of %d bytes is larger than the %d MiB limit", role, fi.Size(), limit>>20)
	}
	return f, fi.Size(), nil
}

// Read reads a role file whole: a regular file of at most limit bytes.
func Read(role, path string, limit int64) ([]byte, error) {
	f, size, err := Open(role, path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Read what fstat reported, and no more than the limit if the file
	// grows meanwhile.
	b := make([]byte, 0, size+1) // +1: EOF is seen without growing
	b, err = readAll(io.LimitReader(f, limit+1), b)
	if err != nil {
		return nil, fail(path, "cannot read %s file: %v", role, unwrapPath(err))
	}
	if int64(len(b)) > limit {
		return nil, fail(path, "%s file grew past the %d MiB limit while being read", role, limit>>20)
	}
	return b, nil
}

func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// unwrapPath drops the operation and path of an *os.PathError: the
// message names the file already.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
