package loader

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/guest"
)

// allocDuring returns the bytes allocated while f runs.
func allocDuring(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestCheckFDTBundled(t *testing.T) {
	for _, name := range []string{"aspeed-bmc-opp-romulus.dtb", "aspeed-ast2500-evb.dtb"} {
		d, ok := guest.DTB(name)
		if !ok {
			t.Fatalf("no bundled %s", name)
		}
		if err := checkFDT(d); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// setWord returns a copy of b with header word i (big-endian) set to v.
func setWord(b []byte, i int, v uint32) []byte {
	c := append([]byte(nil), b...)
	binary.BigEndian.PutUint32(c[4*i:], v)
	return c
}

// A crafted header is refused with the field named, before anything the
// header claims is allocated (issue 18: a 12 KB tree claiming 1.9 GB of
// strings cost 1.9 GB).
func TestCheckFDTCraftedHeaders(t *testing.T) {
	good := fakeDTB(t, "console=ttyS4")
	// A 12 KB file, padded past its tree.
	pad := append(append([]byte(nil), good...), make([]byte, 12<<10-len(good))...)
	pad = setWord(pad, 1, uint32(len(pad)))
	hdr := func(i int) uint32 { return binary.BigEndian.Uint32(good[4*i:]) }
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"strings 1.9 GB", setWord(pad, 8, 1936027999), "size_dt_strings 1936027999"},
		{"struct 1.6 GB", setWord(pad, 9, 1668247156), "size_dt_struct 1668247156"},
		{"totalsize", setWord(good, 1, 1<<30), "totalsize 1073741824 runs past the end of the file"},
		{"off_dt_strings", setWord(pad, 3, 0x7fffffff), "off_dt_strings 0x7fffffff"},
		{"off_dt_struct unaligned", setWord(pad, 2, hdr(2)+2), "off_dt_struct"},
		{"off_dt_struct past end", setWord(pad, 2, 0xfffffff0), "off_dt_struct"},
		{"off_mem_rsvmap", setWord(pad, 4, 0xfffffff8), "off_mem_rsvmap 0xfffffff8"},
		{"off_mem_rsvmap in header", setWord(pad, 4, 8), "off_mem_rsvmap 0x8"},
		{"version", setWord(pad, 5, 3), "version 3"},
		{"short", good[:20], "header: expected 40 bytes"},
	}
	// A property claiming 1 GB inside a valid header.
	i := bytes.Index(good, []byte("console=ttyS4"))
	bigProp := append([]byte(nil), good...)
	binary.BigEndian.PutUint32(bigProp[i-8:], 1<<30)
	cases = append(cases, struct {
		name string
		b    []byte
		want string
	}{"property length", bigProp, "property length 1073741824"})

	for _, c := range cases {
		var err error
		n := allocDuring(func() {
			_, err = Plan(Request{Kernel: Image{"k", fakeZImage(4096)}, DTB: Image{"crafted.dtb", c.b}}, ramBase, ramSize)
		})
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line containing %q", c.name, err, c.want)
		}
		if n > 1<<20 {
			t.Errorf("%s: %d bytes allocated refusing a %d-byte tree", c.name, n, len(c.b))
		}
	}
}

// Names are bounded: u-root builds a node name a byte at a time.
func TestCheckFDTLongName(t *testing.T) {
	good := fakeDTB(t, "")
	// Rebuild with a node of a 4 KiB name: dtb.Write does not limit it.
	long := strings.Repeat("n", 4096)
	b := fakeDTBWithChild(t, long)
	if err := checkFDT(b); err == nil || !strings.Contains(err.Error(), "node name longer than") {
		t.Errorf("long node name: %v", err)
	}
	if err := checkFDT(good); err != nil {
		t.Errorf("good: %v", err)
	}
}
