// Package snapshot is the file format of a saved machine: a header that
// says what the machine was made from, the device and CPU state as a
// document, and memory (RAM, SRAM, flash chips) as sparse compressed pages.
//
// Layout (little-endian):
//
//	magic   "A25SNAP\x00"
//	version uint32 (Version)
//	sections, each: tag [4]byte, length uint64, payload, crc32 (IEEE) of payload
//	  "HEAD"  Header as JSON (first section)
//	  "STAT"  uncompressed length uint64, then the machine state document
//	          (JSON) compressed with DEFLATE
//	  "MEM "  one memory region (see Region)
//	  "END "  empty; nothing may follow
//
// A memory region is: name length uint8, name, size uint64, fill byte
// (what an unsaved page holds: 0 for RAM, 0xFF for erased flash), chunk
// count uint32, then chunks. A chunk covers ChunkPages pages: index
// uint32, a bitmap of ChunkPages bits saying which pages are stored,
// compressed length uint64 and the stored pages, concatenated and
// compressed with DEFLATE. Pages equal to the fill are not stored;
// chunks with no stored page are left out. Chunks are independent, so a
// restore decompresses them in parallel.
//
// The reader checks every length against what is left of the file and
// every region against the machine it restores into, so a truncated or
// corrupt file is refused before anything is allocated for it or written
// into the machine.
package snapshot

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/bits"
	"runtime"
	"sync"
)

// Version is the format version this package writes and reads.
const Version = 1

// Magic opens every snapshot file.
const Magic = "A25SNAP\x00"

const (
	// PageSize is the granularity of memory regions.
	PageSize = 4096
	// ChunkPages is the number of pages per independently compressed chunk.
	ChunkPages = 1024
	// MaxState bounds the uncompressed state document.
	MaxState = 64 << 20
	// MaxRegion bounds one memory region (the largest flash chip the SoC
	// can carry is 256 MiB, RAM 1 GiB).
	MaxRegion = 1 << 30
)

// Header says what a snapshot was made from. Restoring into a machine made
// from anything else is refused.
type Header struct {
	Board    string `json:"board"`
	RAMSize  uint64 `json:"ram_size"`
	Emulator string `json:"emulator"` // emulator version that wrote the file
	// Layout fingerprints the state document's structure (every field's
	// name and type), so a build that keeps its state differently refuses
	// the file even when the version string is the same.
	Layout string `json:"layout"`
	// SHA-256 (hex) of the images the machine was started from; empty when
	// not used.
	Kernel string `json:"kernel,omitempty"`
	DTB    string `json:"dtb,omitempty"`
	Initrd string `json:"initrd,omitempty"`
	Flash  string `json:"flash,omitempty"`
	Boot   string `json:"boot"` // direct or firmware
	// Append is the kernel command line given instead of the device
	// tree's (--append), if any.
	Append string `json:"append,omitempty"`
	// Seed is the entropy seed (it also makes the NC-SI NIC's MAC).
	Seed uint64 `json:"seed"`
	// Where the machine was when it was saved.
	Insns   uint64 `json:"insns"`
	GuestNs uint64 `json:"guest_ns"`
}

// Mismatch returns a description of the first field in which the machine
// h describes differs from the one want describes, or "". The RAM size is
// checked against the machine itself.
func (h Header) Mismatch(want Header) string {
	type f struct{ name, got, want string }
	for _, x := range []f{
		{"board", want.Board, h.Board},
		{"boot method", want.Boot, h.Boot},
		{"kernel command line", want.Append, h.Append},
		{"seed", fmt.Sprint(want.Seed), fmt.Sprint(h.Seed)},
		{"kernel", want.Kernel, h.Kernel},
		{"device tree", want.DTB, h.DTB},
		{"initrd", want.Initrd, h.Initrd},
		{"flash image", want.Flash, h.Flash},
	} {
		if x.got != x.want {
			return fmt.Sprintf("it was made with %s %s, this machine has %s", x.name, short(x.want), short(x.got))
		}
	}
	return ""
}

func short(s string) string {
	switch {
	case s == "":
		return "(none)"
	case len(s) == 64:
		return "sha256:" + s[:12]
	}
	return s
}

// Region is a memory the snapshot saves page by page.
type Region interface {
	// Size is the region's length in bytes (a multiple of PageSize).
	Size() uint64
	// Fill is the byte an unsaved page holds.
	Fill() byte
	// Page returns page i for saving (nil: all Fill).
	Page(i int) []byte
	// Store returns writable storage for page i on restore; the reader
	// fills it. Pages not stored in the file get SetFill.
	Store(i int) []byte
	// SetFill makes page i all Fill (on restore, for pages the file left out).
	SetFill(i int)
}

// Snapshot is a file's contents, parsed and checked.
type Snapshot struct {
	Header Header
	State  []byte // the state document (JSON)
	mem    map[string]memRegion
	names  []string
}

type memRegion struct {
	size   uint64
	fill   byte
	chunks []chunk
}

type chunk struct {
	index  uint32
	bitmap []byte
	data   []byte // compressed
	stored int
}

// Error is a problem with a snapshot file (or with fitting it to the
// machine it is restored into).
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errf(format string, a ...any) error { return &Error{fmt.Sprintf(format, a...)} }

// Write writes a snapshot: header, state document and regions (in the
// order of names).
func Write(w io.Writer, h Header, state []byte, names []string, regions map[string]Region) error {
	bw := &errWriter{w: w}
	bw.write([]byte(Magic))
	bw.u32(Version)
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	bw.section("HEAD", hj)

	var sb bytes.Buffer
	binary.Write(&sb, binary.LittleEndian, uint64(len(state)))
	fw, _ := flate.NewWriter(&sb, flate.BestSpeed)
	fw.Write(state)
	fw.Close()
	bw.section("STAT", sb.Bytes())

	for _, name := range names {
		sec, err := encodeRegion(name, regions[name])
		if err != nil {
			return err
		}
		bw.section("MEM ", sec)
	}
	bw.section("END ", nil)
	return bw.err
}

func encodeRegion(name string, r Region) ([]byte, error) {
	if len(name) == 0 || len(name) > 255 {
		return nil, fmt.Errorf("snapshot: bad region name %q", name)
	}
	size := r.Size()
	npages := int(size / PageSize)
	nchunks := (npages + ChunkPages - 1) / ChunkPages
	type out struct {
		bitmap []byte
		data   []byte
	}
	outs := make([]out, nchunks)
	fill := r.Fill()
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for ci := 0; ci < nchunks; ci++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(ci int) {
			defer func() { <-sem; wg.Done() }()
			bitmap := make([]byte, ChunkPages/8)
			var buf bytes.Buffer
			var fw *flate.Writer
			for j := 0; j < ChunkPages; j++ {
				i := ci*ChunkPages + j
				if i >= npages {
					break
				}
				p := r.Page(i)
				if p == nil || allByte(p, fill) {
					continue
				}
				if fw == nil {
					fw, _ = flate.NewWriter(&buf, flate.BestSpeed)
				}
				bitmap[j/8] |= 1 << (j % 8)
				fw.Write(p)
			}
			if fw != nil {
				fw.Close()
				outs[ci] = out{bitmap, buf.Bytes()}
			}
		}(ci)
	}
	wg.Wait()
	var b bytes.Buffer
	b.WriteByte(byte(len(name)))
	b.WriteString(name)
	binary.Write(&b, binary.LittleEndian, size)
	b.WriteByte(fill)
	n := 0
	for _, o := range outs {
		if o.data != nil {
			n++
		}
	}
	binary.Write(&b, binary.LittleEndian, uint32(n))
	for ci, o := range outs {
		if o.data == nil {
			continue
		}
		binary.Write(&b, binary.LittleEndian, uint32(ci))
		b.Write(o.bitmap)
		binary.Write(&b, binary.LittleEndian, uint64(len(o.data)))
		b.Write(o.data)
	}
	return b.Bytes(), nil
}

func allByte(p []byte, v byte) bool {
	if v == 0 {
		// Fast path: compare 8 bytes at a time.
		for len(p) >= 8 {
			if binary.LittleEndian.Uint64(p) != 0 {
				return false
			}
			p = p[8:]
		}
	}
	for _, b := range p {
		if b != v {
			return false
		}
	}
	return true
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) write(p []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
}

func (e *errWriter) u32(v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	e.write(b[:])
}

func (e *errWriter) section(tag string, payload []byte) {
	var h [12]byte
	copy(h[:4], tag)
	binary.LittleEndian.PutUint64(h[4:], uint64(len(payload)))
	e.write(h[:])
	e.write(payload)
	e.u32(crc32.ChecksumIEEE(payload))
}

// reader walks a byte slice, refusing to read past its end.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errf("truncated (wants %d bytes, %d left)", n, len(r.b))
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *reader) u8() byte {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *reader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if p := r.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

// Parse checks a whole file and returns its contents. The state document
// is decompressed; memory stays compressed until Restore.
func Parse(b []byte) (*Snapshot, error) {
	if len(b) < len(Magic)+4 || string(b[:len(Magic)]) != Magic {
		return nil, errf("not an ast2500emu snapshot (bad magic)")
	}
	r := &reader{b: b[len(Magic):]}
	if v := r.u32(); v != Version {
		return nil, errf("format version %d, this ast2500emu reads version %d", v, Version)
	}
	s := &Snapshot{mem: map[string]memRegion{}}
	var sawHead, sawState, sawEnd bool
	for !sawEnd {
		tag := string(r.take(4))
		n := r.u64()
		payload := r.take(n)
		crc := r.u32()
		if r.err != nil {
			return nil, r.err
		}
		if crc32.ChecksumIEEE(payload) != crc {
			return nil, errf("section %q is corrupt (checksum mismatch)", tag)
		}
		if !sawHead && tag != "HEAD" {
			return nil, errf("no header")
		}
		switch tag {
		case "HEAD":
			if sawHead {
				return nil, errf("two headers")
			}
			sawHead = true
			if err := json.Unmarshal(payload, &s.Header); err != nil {
				return nil, errf("bad header: %v", err)
			}
		case "STAT":
			if sawState {
				return nil, errf("two state sections")
			}
			sawState = true
			st, err := inflateState(payload)
			if err != nil {
				return nil, err
			}
			s.State = st
		case "MEM ":
			name, m, err := parseRegion(payload)
			if err != nil {
				return nil, err
			}
			if _, dup := s.mem[name]; dup {
				return nil, errf("memory region %s saved twice", name)
			}
			s.mem[name] = m
			s.names = append(s.names, name)
		case "END ":
			sawEnd = true
		default:
			return nil, errf("unknown section %q", tag)
		}
	}
	if len(r.b) != 0 {
		return nil, errf("%d bytes of garbage after the end", len(r.b))
	}
	if !sawState {
		return nil, errf("no machine state")
	}
	return s, nil
}

func inflateState(p []byte) ([]byte, error) {
	r := &reader{b: p}
	n := r.u64()
	if r.err != nil {
		return nil, errf("state section: %v", r.err)
	}
	if n > MaxState || n > uint64(len(r.b))*1032+64 {
		// DEFLATE expands at most about 1032:1.
		return nil, errf("state section claims %d bytes", n)
	}
	out := make([]byte, n)
	fr := flate.NewReader(bytes.NewReader(r.b))
	if _, err := io.ReadFull(fr, out); err != nil {
		return nil, errf("state section is corrupt: %v", err)
	}
	if err := expectEOF(fr); err != nil {
		return nil, errf("state section: %v", err)
	}
	return out, nil
}

func expectEOF(r io.Reader) error {
	var one [1]byte
	n, err := r.Read(one[:])
	for n == 0 && err == nil {
		n, err = r.Read(one[:])
	}
	if n != 0 {
		return errors.New("longer than it claims")
	}
	if err != io.EOF {
		return err
	}
	return nil
}

func parseRegion(p []byte) (string, memRegion, error) {
	r := &reader{b: p}
	name := string(r.take(uint64(r.u8())))
	m := memRegion{size: r.u64(), fill: r.u8()}
	nchunks := r.u32()
	if r.err != nil {
		return "", m, errf("memory region: %v", r.err)
	}
	if name == "" || m.size == 0 || m.size%PageSize != 0 || m.size > MaxRegion {
		return "", m, errf("memory region %q has a bad size %d", name, m.size)
	}
	maxChunks := (m.size/PageSize + ChunkPages - 1) / ChunkPages
	if uint64(nchunks) > maxChunks {
		return "", m, errf("memory region %s claims %d chunks (at most %d)", name, nchunks, maxChunks)
	}
	npages := m.size / PageSize
	last := int64(-1)
	for i := uint32(0); i < nchunks; i++ {
		c := chunk{index: r.u32(), bitmap: r.take(ChunkPages / 8)}
		c.data = r.take(r.u64())
		if r.err != nil {
			return "", m, errf("memory region %s: %v", name, r.err)
		}
		if int64(c.index) <= last || uint64(c.index) >= maxChunks {
			return "", m, errf("memory region %s: chunk %d out of order or range", name, c.index)
		}
		last = int64(c.index)
		for j := 0; j < ChunkPages; j++ {
			if c.bitmap[j/8]&(1<<(j%8)) != 0 && uint64(c.index)*ChunkPages+uint64(j) >= npages {
				return "", m, errf("memory region %s: page past its end", name)
			}
		}
		for _, b := range c.bitmap {
			c.stored += bits.OnesCount8(b)
		}
		m.chunks = append(m.chunks, c)
	}
	if len(r.b) != 0 {
		return "", m, errf("memory region %s: trailing bytes", name)
	}
	return name, m, nil
}

// Regions lists the memory regions in the file, in file order.
func (s *Snapshot) Regions() []string { return s.names }

// CheckRegions verifies that the file has exactly the regions given, of
// the same sizes and fills, before anything is written into them.
func (s *Snapshot) CheckRegions(regions map[string]Region) error {
	for name, r := range regions {
		m, ok := s.mem[name]
		if !ok {
			return errf("no contents for memory %s", name)
		}
		if m.size != r.Size() || m.fill != r.Fill() {
			return errf("memory %s is %d bytes in the file, %d in this machine", name, m.size, r.Size())
		}
	}
	for _, name := range s.names {
		if _, ok := regions[name]; !ok {
			return errf("memory %s is in the file but not in this machine", name)
		}
	}
	return nil
}

// Verify decompresses every chunk without storing it, so that a corrupt
// memory image is found before the machine is touched.
func (s *Snapshot) Verify() error {
	return s.eachChunk(func(name string, m memRegion, c chunk) error {
		fr := flate.NewReader(bytes.NewReader(c.data))
		n, err := io.Copy(io.Discard, io.LimitReader(fr, int64(c.stored)*PageSize+1))
		if err != nil {
			return errf("memory %s is corrupt: %v", name, err)
		}
		if n != int64(c.stored)*PageSize {
			return errf("memory %s is corrupt (chunk %d holds %d bytes, wants %d)", name, c.index, n, c.stored*PageSize)
		}
		return nil
	})
}

// RestoreRegions writes the saved pages into the regions and sets every
// other page to its fill. Call CheckRegions (and Verify, to leave nothing
// half-restored on a corrupt file) first.
func (s *Snapshot) RestoreRegions(regions map[string]Region) error {
	for name, r := range regions {
		m := s.mem[name]
		stored := make([]bool, m.size/PageSize)
		for _, c := range m.chunks {
			for j := 0; j < ChunkPages; j++ {
				if c.bitmap[j/8]&(1<<(j%8)) != 0 {
					stored[int(c.index)*ChunkPages+j] = true
				}
			}
		}
		for i, ok := range stored {
			if !ok {
				r.SetFill(i)
			}
		}
	}
	return s.eachChunk(func(name string, m memRegion, c chunk) error {
		r := regions[name]
		fr := flate.NewReader(bytes.NewReader(c.data))
		for j := 0; j < ChunkPages; j++ {
			if c.bitmap[j/8]&(1<<(j%8)) == 0 {
				continue
			}
			if _, err := io.ReadFull(fr, r.Store(int(c.index)*ChunkPages+j)); err != nil {
				return errf("memory %s is corrupt: %v", name, err)
			}
		}
		return nil
	})
}

// eachChunk runs fn on every chunk, in parallel, and returns the first error.
func (s *Snapshot) eachChunk(fn func(name string, m memRegion, c chunk) error) error {
	type job struct {
		name string
		m    memRegion
		c    chunk
	}
	jobs := make(chan job)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if err := fn(j.name, j.m, j.c); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, name := range s.names {
		m := s.mem[name]
		for _, c := range m.chunks {
			jobs <- job{name, m, c}
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}
