package imgfile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func write(t *testing.T, path string, b []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, path string) *File {
	t.Helper()
	im, err := Open(path, 1<<20)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { im.Close() })
	return im
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUpdateInPlace: a symbolic link stays a link and its target changes,
// a hard link sees the change, mode and group are kept, and no file is
// left beside the image.
func TestUpdateInPlace(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "flash.img")
	write(t, img, bytes.Repeat([]byte{0xff}, 4096), 0o640)
	hard := filepath.Join(dir, "hard.img")
	if err := os.Link(img, hard); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.img")
	if err := os.Symlink("flash.img", link); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(img)

	im := open(t, link)
	if im.Path() != img {
		t.Errorf("Path %q, want the link's target %q", im.Path(), img)
	}
	if err := im.Update(0, []Extent{{100, []byte("hello")}}); err != nil {
		t.Fatal(err)
	}
	im.Close()

	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v %v", fi.Mode(), err)
	}
	for _, p := range []string{img, hard, link} {
		if b := read(t, p); len(b) != 4096 || string(b[100:105]) != "hello" {
			t.Errorf("%s does not hold the update", filepath.Base(p))
		}
	}
	after, _ := os.Stat(img)
	if after.Mode() != before.Mode() || !os.SameFile(before, after) {
		t.Errorf("mode %v -> %v, same inode %v", before.Mode(), after.Mode(), os.SameFile(before, after))
	}
	if a, b := before.Sys().(*syscall.Stat_t), after.Sys().(*syscall.Stat_t); a.Gid != b.Gid || a.Uid != b.Uid || b.Nlink != 2 {
		t.Errorf("owner %d:%d -> %d:%d, links %d", a.Uid, a.Gid, b.Uid, b.Gid, b.Nlink)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only the image and its two links", names)
	}
}

// TestUpdateGrows: an update past the end grows the file with 0xFF.
func TestUpdateGrows(t *testing.T) {
	img := filepath.Join(t.TempDir(), "short.img")
	write(t, img, []byte("abcd"), 0o644)
	im := open(t, img)
	if err := im.Update(16, []Extent{{12, []byte("wxyz")}}); err != nil {
		t.Fatal(err)
	}
	if b := read(t, img); string(b) != "abcd\xff\xff\xff\xff\xff\xff\xff\xffwxyz" {
		t.Errorf("file %q", b)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro.img")
	write(t, ro, []byte("x"), 0o444)
	if _, err := Open(ro, 1<<20); err == nil || !strings.Contains(err.Error(), "read-only (mode 0444)") {
		t.Errorf("0444 file: %v", err)
	}
	if _, err := Open(dir, 1<<20); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "none"), 1<<20); err == nil {
		t.Error("missing file accepted")
	}
	rw := filepath.Join(dir, "rw.img")
	write(t, rw, []byte("x"), 0o644)
	open(t, rw)
	if _, err := Open(rw, 1<<20); err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Errorf("second Open of a locked image: %v", err)
	}
	if os.Geteuid() != 0 {
		// Root writes in any directory; for others, a read-only
		// directory means no journal.
		sub := filepath.Join(dir, "sub")
		os.Mkdir(sub, 0o755)
		img := filepath.Join(sub, "a.img")
		write(t, img, []byte("x"), 0o644)
		os.Chmod(sub, 0o555)
		defer os.Chmod(sub, 0o755)
		if _, err := Open(img, 1<<20); err == nil || !strings.Contains(err.Error(), "journal") {
			t.Errorf("read-only directory: %v", err)
		}
	}
}

// TestRecovery: a committed journal (the run was killed while copying it
// into the image, here before the first byte) is completed by the next
// Open; an uncommitted one (killed while writing the journal) is deleted
// and the image stays as it was; old temporary files are deleted.
func TestRecovery(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "flash.img")
	orig := bytes.Repeat([]byte{0xff}, 4096)
	write(t, img, orig, 0o644)
	exts := []Extent{{0, []byte("boot")}, {4000, []byte("tail")}}
	j := encodeJournal(4096, exts)

	write(t, JournalPath(img), j, 0o600)
	write(t, filepath.Join(dir, ".flash.img.tmp123456"), []byte("litter"), 0o600)
	im := open(t, img)
	if len(im.Recovered) != 2 {
		t.Errorf("Recovered %q", im.Recovered)
	}
	b, _ := im.ReadAll()
	if string(b[:4]) != "boot" || string(b[4000:4004]) != "tail" {
		t.Errorf("the committed journal was not applied")
	}
	im.Close()
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files left in the directory", len(ents))
	}

	write(t, img, orig, 0o644)
	for _, cut := range []int{0, 3, len(j) / 2, len(j) - 1} {
		write(t, JournalPath(img), j[:cut], 0o600)
		im := open(t, img)
		if b, _ := im.ReadAll(); !bytes.Equal(b, orig) {
			t.Errorf("journal cut at %d bytes: image changed", cut)
		}
		im.Close()
		if _, err := os.Stat(JournalPath(img)); !os.IsNotExist(err) {
			t.Errorf("journal cut at %d bytes was not deleted", cut)
		}
	}
}

// FuzzParseJournal: a journal left on disk is untrusted; parsing never
// panics and accepts only extents inside the size it claims.
func FuzzParseJournal(f *testing.F) {
	f.Add(encodeJournal(4096, []Extent{{0, []byte("boot")}, {4000, []byte("tail")}}))
	f.Add([]byte(headMagic + tailMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		size, exts, ok := parseJournal(b)
		if !ok {
			return
		}
		for _, e := range exts {
			if e.Off < 0 || e.Off+int64(len(e.Data)) > size {
				t.Fatalf("extent %d+%d outside size %d", e.Off, len(e.Data), size)
			}
		}
	})
}
