package snapshot

import (
	"bytes"
	"strings"
	"testing"
)

// memRegion is a Region over a byte slice.
type memRegionT struct {
	b    []byte
	fill byte
}

func (m *memRegionT) Size() uint64 { return uint64(len(m.b)) }
func (m *memRegionT) Fill() byte   { return m.fill }
func (m *memRegionT) Page(i int) []byte {
	return m.b[i*PageSize : (i+1)*PageSize]
}
func (m *memRegionT) Store(i int) []byte { return m.Page(i) }
func (m *memRegionT) SetFill(i int) {
	p := m.Page(i)
	for j := range p {
		p[j] = m.fill
	}
}

func sample(t testing.TB) ([]byte, *memRegionT, *memRegionT) {
	ram := &memRegionT{b: make([]byte, 3*ChunkPages*PageSize)}
	for _, i := range []int{0, 5, 1500, 3*ChunkPages - 1} {
		copy(ram.b[i*PageSize:], strings.Repeat("page", 100+i))
	}
	flash := &memRegionT{b: bytes.Repeat([]byte{0xFF}, 64*PageSize), fill: 0xFF}
	copy(flash.b[7*PageSize:], "hello flash")
	var buf bytes.Buffer
	h := Header{Board: "romulus", RAMSize: uint64(len(ram.b)), Emulator: "test", Kernel: strings.Repeat("a", 64)}
	if err := Write(&buf, h, []byte(`{"x":1}`), []string{"ram", "fmc.cs0"},
		map[string]Region{"ram": ram, "fmc.cs0": flash}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), ram, flash
}

func TestRoundTrip(t *testing.T) {
	file, ram, flash := sample(t)
	s, err := Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	if s.Header.Board != "romulus" || string(s.State) != `{"x":1}` {
		t.Fatalf("header %+v state %q", s.Header, s.State)
	}
	ram2 := &memRegionT{b: bytes.Repeat([]byte{0x55}, len(ram.b))}
	flash2 := &memRegionT{b: make([]byte, len(flash.b)), fill: 0xFF}
	regs := map[string]Region{"ram": ram2, "fmc.cs0": flash2}
	if err := s.CheckRegions(regs); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreRegions(regs); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ram.b, ram2.b) || !bytes.Equal(flash.b, flash2.b) {
		t.Fatal("restored memory differs")
	}
	// Sparse: three zero chunks of RAM cost almost nothing.
	if len(file) > 64<<10 {
		t.Errorf("file is %d bytes", len(file))
	}
}

func TestRefused(t *testing.T) {
	file, _, _ := sample(t)
	cases := map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("XXXXXXXX"), file[8:]...),
		"version":   append(append([]byte(Magic), 9, 0, 0, 0), file[12:]...),
		"truncated": file[:len(file)-10],
		"garbage":   append(append([]byte(nil), file...), 1),
	}
	flip := append([]byte(nil), file...)
	flip[len(flip)/2] ^= 0x40
	cases["bitflip"] = flip
	for name, b := range cases {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error %q", name, err)
		}
	}
}

func TestMismatch(t *testing.T) {
	h := Header{Board: "romulus", RAMSize: 512 << 20, Kernel: strings.Repeat("a", 64)}
	if m := h.Mismatch(h); m != "" {
		t.Fatal(m)
	}
	o := h
	o.Kernel = strings.Repeat("b", 64)
	if m := h.Mismatch(o); !strings.Contains(m, "kernel") {
		t.Fatalf("mismatch %q", m)
	}
}

// FuzzParse feeds arbitrary files to the reader: it must refuse or accept
// without panicking, and an accepted file must restore or be refused
// cleanly into regions of the sizes it claims (bounded by MaxRegion but
// here kept small by the fuzzer's inputs).
func FuzzParse(f *testing.F) {
	file, _, _ := sample(f)
	f.Add(file)
	f.Add(file[:100])
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			return
		}
		regs := map[string]Region{}
		for _, name := range s.Regions() {
			m := s.mem[name]
			if m.size > 16<<20 {
				return
			}
			regs[name] = &memRegionT{b: make([]byte, m.size), fill: m.fill}
		}
		if s.CheckRegions(regs) != nil || s.Verify() != nil {
			return
		}
		if err := s.RestoreRegions(regs); err != nil {
			t.Fatalf("verified file failed to restore: %v", err)
		}
	})
}
