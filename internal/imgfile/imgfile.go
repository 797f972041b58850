// Package imgfile writes changes back into a disk or flash image file
// without ever losing or damaging data (--mtd-writable).
//
// The image is updated in place, never replaced: a rename would turn a
// symbolic link into a regular file, split hard links and drop the file's
// mode, owner and group. To survive a crash or SIGKILL in the middle of an
// update, every update first goes to a write-ahead journal beside the
// image (".NAME.ast2500emu-journal", in the directory of the file a
// symbolic link points to), is synced, and only then is copied into the
// image. The journal ends with a commit record (magic, image size and a
// CRC-32 of everything before it):
//
//   - a journal without a valid commit record was cut short before the
//     image was touched: Open deletes it;
//   - a committed journal may have been cut short while it was being
//     copied: Open copies it again (the copy is idempotent) and deletes it.
//
// Open refuses what an update would fail on at the end of a long run: a
// file that is not a regular file, a read-only file (mode without write
// permission, even for root), a read-only file system, a directory where
// the journal cannot be created, and an image another process holds open
// for writing through this package (an advisory lock).
package imgfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Extent is data to write at Off.
type Extent struct {
	Off  int64
	Data []byte
}

// File is an image opened for in-place updates.
type File struct {
	path    string // symbolic links resolved
	journal string
	f       *os.File
	size    int64
	// Recovered describes what Open did with a journal or temporary file
	// left by an interrupted run ("" if there was none).
	Recovered []string
}

const (
	headMagic = "A25JRNL1"
	tailMagic = "A25JEND1"
	tailSize  = 8 + 8 + 4
	// JournalSuffix ends the journal's name (".NAME" + JournalSuffix).
	JournalSuffix = ".ast2500emu-journal"
)

// JournalPath is the journal beside the image at path (path already
// resolved).
func JournalPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+JournalSuffix)
}

// Open opens the image at path for updates, after finishing or discarding
// what an interrupted update left behind. maxSize bounds the image (and
// so the journal) Open accepts. The caller reads the image with ReadAll.
func Open(path string, maxSize int64) (*File, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, err
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if fi.Mode().Perm()&0o222 == 0 {
		return nil, fmt.Errorf("the file is read-only (mode %04o); make it writable or leave out --mtd-writable", fi.Mode().Perm())
	}
	f, err := os.OpenFile(real, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot open for writing: %w", unwrapPath(err))
	}
	im := &File{path: real, journal: JournalPath(real), f: f}
	if err := lock(f); err != nil {
		f.Close()
		return nil, err
	}
	if err := im.recover(maxSize); err != nil {
		f.Close()
		return nil, err
	}
	// The journal must be creatable at the end: probe the directory now.
	j, err := os.OpenFile(im.journal, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot create the write-ahead journal %s: %w", im.journal, unwrapPath(err))
	}
	j.Close()
	os.Remove(im.journal)
	if fi, err = f.Stat(); err != nil {
		f.Close()
		return nil, err
	}
	if fi.Size() > maxSize {
		f.Close()
		return nil, fmt.Errorf("file of %d bytes is larger than %d bytes", fi.Size(), maxSize)
	}
	im.size = fi.Size()
	return im, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Path is the image's path with symbolic links resolved.
func (im *File) Path() string { return im.path }

// ReadAll reads the whole image.
func (im *File) ReadAll() ([]byte, error) {
	b := make([]byte, im.size)
	if _, err := im.f.ReadAt(b, 0); err != nil && err != io.EOF {
		return nil, err
	}
	return b, nil
}

// oldTemp matches the temporary files of the rename-based save of earlier
// versions (".NAME.tmpDIGITS").
func oldTemp(base string) *regexp.Regexp {
	return regexp.MustCompile(`^\.` + regexp.QuoteMeta(base) + `\.tmp[0-9]+$`)
}

// recover finishes a committed journal or deletes an uncommitted one, and
// deletes temporary files of earlier versions' saves.
func (im *File) recover(maxSize int64) error {
	dir, base := filepath.Dir(im.path), filepath.Base(im.path)
	if ents, err := os.ReadDir(dir); err == nil {
		re := oldTemp(base)
		for _, e := range ents {
			if e.Type().IsRegular() && re.MatchString(e.Name()) {
				if os.Remove(filepath.Join(dir, e.Name())) == nil {
					im.Recovered = append(im.Recovered, "deleted "+e.Name()+", left by an interrupted save")
				}
			}
		}
	}
	fi, err := os.Lstat(im.journal)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file; remove it", im.journal)
	}
	if fi.Size() > 2*maxSize+1<<20 {
		return fmt.Errorf("journal %s of %d bytes is too large; remove it", im.journal, fi.Size())
	}
	data, err := os.ReadFile(im.journal)
	if err != nil {
		return err
	}
	size, exts, ok := parseJournal(data)
	if ok && size > maxSize {
		return fmt.Errorf("journal %s claims an image of %d bytes, more than %d; remove it", im.journal, size, maxSize)
	}
	if !ok {
		// Never committed: the image was not touched.
		if err := os.Remove(im.journal); err != nil {
			return err
		}
		im.Recovered = append(im.Recovered, "deleted an incomplete journal (the interrupted save never started; its changes are lost)")
		return nil
	}
	if err := im.apply(size, exts); err != nil {
		return fmt.Errorf("completing the interrupted save from %s: %w", im.journal, err)
	}
	if err := os.Remove(im.journal); err != nil {
		return err
	}
	syncDir(dir)
	im.Recovered = append(im.Recovered, "completed a save an earlier run was interrupted in")
	return nil
}

// parseJournal checks the commit record and returns the extents.
func parseJournal(b []byte) (size int64, exts []Extent, ok bool) {
	if len(b) < len(headMagic)+tailSize || string(b[:len(headMagic)]) != headMagic {
		return 0, nil, false
	}
	t := b[len(b)-tailSize:]
	body := b[:len(b)-tailSize]
	if string(t[:8]) != tailMagic || binary.LittleEndian.Uint32(t[16:]) != crc32.ChecksumIEEE(body) {
		return 0, nil, false
	}
	if binary.LittleEndian.Uint64(t[8:]) > 1<<62 {
		return 0, nil, false
	}
	size = int64(binary.LittleEndian.Uint64(t[8:]))
	r := body[len(headMagic):]
	for len(r) > 0 {
		if len(r) < 16 {
			return 0, nil, false
		}
		off, n := binary.LittleEndian.Uint64(r), binary.LittleEndian.Uint64(r[8:])
		r = r[16:]
		if n > uint64(len(r)) || off > uint64(size) || n > uint64(size)-off {
			return 0, nil, false
		}
		exts = append(exts, Extent{int64(off), r[:n]})
		r = r[n:]
	}
	return size, exts, true
}

// Update writes exts into the image, which becomes size bytes long
// (never shorter than it is). It returns only when the data is on disk;
// an error before the journal is committed leaves the image unchanged.
func (im *File) Update(size int64, exts []Extent) error {
	if size < im.size {
		size = im.size
	}
	for _, e := range exts {
		if e.Off < 0 || e.Off+int64(len(e.Data)) > size {
			return fmt.Errorf("extent at %d+%d past the image size %d", e.Off, len(e.Data), size)
		}
	}
	j, err := os.OpenFile(im.journal, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w (the file is unchanged)", unwrapPath(err))
	}
	_, err = j.Write(encodeJournal(size, exts))
	if err == nil {
		err = j.Sync()
	}
	if cerr := j.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(im.journal)
		return fmt.Errorf("journal: %w (the file is unchanged)", unwrapPath(err))
	}
	dir := filepath.Dir(im.path)
	syncDir(dir)
	// Committed: from here on, a crash is completed by the next Open.
	if err := im.apply(size, exts); err != nil {
		return fmt.Errorf("%w (the changes are kept in %s and are written at the next run with --mtd-writable)", unwrapPath(err), im.journal)
	}
	if err := os.Remove(im.journal); err != nil {
		return err
	}
	syncDir(dir)
	im.size = size
	return nil
}

// encodeJournal builds the journal: header, extents (offset, length,
// data), commit record.
func encodeJournal(size int64, exts []Extent) []byte {
	var buf bytes.Buffer
	buf.WriteString(headMagic)
	var w [16]byte
	for _, e := range exts {
		binary.LittleEndian.PutUint64(w[:], uint64(e.Off))
		binary.LittleEndian.PutUint64(w[8:], uint64(len(e.Data)))
		buf.Write(w[:])
		buf.Write(e.Data)
	}
	sum := crc32.ChecksumIEEE(buf.Bytes())
	buf.WriteString(tailMagic)
	binary.LittleEndian.PutUint64(w[:], uint64(size))
	buf.Write(w[:8])
	binary.LittleEndian.PutUint32(w[:], sum)
	buf.Write(w[:4])
	return buf.Bytes()
}

// apply copies the extents into the image and syncs it.
func (im *File) apply(size int64, exts []Extent) error {
	fi, err := im.f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() < size {
		// Grow with erased flash (0xFF), not zeros: the extents cover
		// what the guest wrote, the rest of the tail is erased.
		pad := bytes.Repeat([]byte{0xff}, 64<<10)
		for off := fi.Size(); off < size; {
			n := min(int64(len(pad)), size-off)
			if _, err := im.f.WriteAt(pad[:n], off); err != nil {
				return err
			}
			off += n
		}
	}
	for _, e := range exts {
		if _, err := im.f.WriteAt(e.Data, e.Off); err != nil {
			return err
		}
	}
	return im.f.Sync()
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Close releases the image (and its lock).
func (im *File) Close() error {
	if im == nil || im.f == nil {
		return nil
	}
	err := im.f.Close()
	im.f = nil
	return err
}
