package main

// Output files (--pcap, --log) are created only once every input and flag
// has been validated and the machine is built, so a run refused for a bad
// input never truncates an existing capture or log. Until then, what is
// written to them (a pcap file header) is held in memory.

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
)

// lateFile is an output file created by open; writes before that are
// buffered, and a lateFile never opened creates nothing.
type lateFile struct {
	mu   sync.Mutex
	flag string // the flag that named it, for errors
	path string
	f    *os.File
	buf  bytes.Buffer
}

func (l *lateFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		return l.f.Write(p)
	}
	return l.buf.Write(p)
}

// open creates (or truncates) the file and writes what was buffered.
func (l *lateFile) open() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		return nil
	}
	f, err := os.Create(l.path)
	if err != nil {
		return usage("%s: %v", l.flag, err)
	}
	if _, err := f.Write(l.buf.Bytes()); err != nil {
		f.Close()
		return usage("%s: %v", l.flag, err)
	}
	l.buf = bytes.Buffer{}
	l.f = f
	return nil
}

func (l *lateFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// checkOutput refuses an output path that cannot be created: a directory
// or a missing parent directory (found before the run, without creating
// or truncating anything).
func checkOutput(flag, path string) error {
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return usage("%s %s: is a directory", flag, path)
		}
		return nil
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usage("%s %s: directory %s does not exist", flag, path, dir)
	}
	return nil
}

// newOutput validates an output flag's path and returns its lateFile,
// registered to be opened by openOutputs.
func (o *bootOptions) newOutput(flag, path string) (*lateFile, error) {
	if err := checkOutput(flag, path); err != nil {
		return nil, err
	}
	l := &lateFile{flag: flag, path: path}
	o.outputs = append(o.outputs, l)
	return l, nil
}

// openOutputs creates the output files (after machine.New succeeded).
func (o *bootOptions) openOutputs() error {
	for _, l := range o.outputs {
		if err := l.open(); err != nil {
			return err
		}
	}
	return nil
}
