package hostfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "k")
	os.WriteFile(reg, []byte("hello"), 0o644)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Read("kernel", reg, 100)
	if err != nil || string(b) != "hello" {
		t.Fatalf("regular file: %q %v", b, err)
	}
	cases := []struct {
		path  string
		limit int64
		want  string
	}{
		{fifo, 100, "expected a regular kernel file, found a named pipe (FIFO)"},
		{"/dev/zero", 100, "found a character device"},
		{dir, 100, "found a directory"},
		{filepath.Join(dir, "none"), 100, "kernel file does not exist"},
		{reg, 4, "kernel file of 5 bytes is larger than"},
	}
	for _, c := range cases {
		done := make(chan error, 1)
		go func() { _, err := Read("kernel", c.path, c.limit); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: error %v, want one line with %q", c.path, err, c.want)
			}
			if !strings.HasPrefix(err.Error(), c.path+": ") {
				t.Errorf("%s: error %q does not start with the path", c.path, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: Read hangs", c.path)
		}
	}
}
