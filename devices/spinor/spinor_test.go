package spinor

import (
	"encoding/binary"
	"testing"
)

func xfer(c *Chip, out []byte, n int) []byte {
	c.Select()
	for _, b := range out {
		c.Transfer(b)
	}
	in := make([]byte, n)
	for i := range in {
		in[i] = c.Transfer(0)
	}
	c.Deselect()
	return in
}

func TestSFDP(t *testing.T) {
	for _, m := range []Model{N25Q256A, MX66L1G45G, MX25L25635E, W25Q256} {
		c := New(m)
		hdr := xfer(c, []byte{0x5A, 0, 0, 0, 0}, 16)
		if string(hdr[:4]) != "SFDP" || hdr[5] != 1 || hdr[0xB] != 9 || hdr[0xF] != 0xFF || hdr[8] != 0 {
			t.Fatalf("%s: header % x", m.Name, hdr)
		}
		ptp := uint32(hdr[0xC]) | uint32(hdr[0xD])<<8 | uint32(hdr[0xE])<<16
		bfpt := xfer(c, []byte{0x5A, byte(ptp >> 16), byte(ptp >> 8), byte(ptp), 0}, 36)
		dw := func(i int) uint32 { return binary.LittleEndian.Uint32(bfpt[4*(i-1):]) }
		if bits := uint64(dw(2)) + 1; bits != uint64(m.Size)*8 {
			t.Errorf("%s: density %d bits", m.Name, bits)
		}
		if dw(1)>>17&3 != 1 {
			t.Errorf("%s: address bytes field %d", m.Name, dw(1)>>17&3)
		}
		if dw(8)&0xFF != 12 || dw(8)>>8&0xFF != 0x20 || dw(9)&0xFF != 16 || dw(9)>>8&0xFF != 0xD8 {
			t.Errorf("%s: erase types %#x %#x", m.Name, dw(8), dw(9))
		}
	}
}

func TestIDStatusReset(t *testing.T) {
	c := New(MX66L1G45G)
	if id := xfer(c, []byte{0x9F}, 4); id[0] != 0xC2 || id[1] != 0x20 || id[2] != 0x1B || id[3] != 0 {
		t.Errorf("id % x", id)
	}
	xfer(c, []byte{0x06}, 0)
	if sr := xfer(c, []byte{0x05}, 2); sr[0] != 2 || sr[1] != 2 {
		t.Errorf("status % x", sr)
	}
	xfer(c, []byte{0x04}, 0)
	if sr := xfer(c, []byte{0x05}, 1); sr[0] != 0 {
		t.Errorf("status after WRDI % x", sr)
	}
	xfer(c, []byte{0xB7}, 0)
	if !c.FourByte() || !c.DirectRead(0x0B, 4) || c.DirectRead(0x0B, 3) || !c.DirectRead(0x0C, 4) {
		t.Error("4-byte mode")
	}
	xfer(c, []byte{0x99}, 0) // reset without reset-enable: ignored
	if !c.FourByte() {
		t.Error("0x99 alone reset the chip")
	}
	xfer(c, []byte{0x66}, 0)
	xfer(c, []byte{0x99}, 0)
	if c.FourByte() {
		t.Error("software reset kept 4-byte mode")
	}
	// Commands while deselected are ignored.
	if c.Transfer(0x9F) != 0xFF {
		t.Error("deselected transfer")
	}
}

func TestLoadDirty(t *testing.T) {
	c := New(N25Q256A)
	if err := c.Load(make([]byte, 33<<20)); err == nil {
		t.Error("oversized image accepted")
	}
	img := make([]byte, 5000) // short: padded with 0xFF
	img[4999] = 0x5A
	var changed [][2]uint32
	c.OnChange(func(off, n uint32) { changed = append(changed, [2]uint32{off, n}) })
	if err := c.Load(img); err != nil {
		t.Fatal(err)
	}
	d := c.Data()
	if len(d) != 32<<20 || d[0] != 0 || d[4999] != 0x5A || d[5000] != 0xFF || d[len(d)-1] != 0xFF {
		t.Error("loaded contents")
	}
	if len(c.Dirty()) != 0 {
		t.Error("load left pages dirty")
	}
	changed = nil
	xfer(c, []byte{0x06}, 0)
	xfer(c, []byte{0x20, 0, 0x10, 0}, 0) // erase 4K at 0x1000
	xfer(c, []byte{0x06}, 0)
	xfer(c, []byte{0x02, 0, 0x20, 0x10, 0xAA}, 0)
	if r := c.Dirty(); len(r) != 1 || r[0] != (Range{0x1000, 0x2000}) {
		t.Errorf("dirty %v", r)
	}
	if len(changed) != 2 || changed[0] != [2]uint32{0x1000, 0x1000} || changed[1] != [2]uint32{0x2000, 256} {
		t.Errorf("change callbacks %v", changed)
	}
	var b [2]byte
	c.ReadAt(b[:], 0x1386)
	if b[0] != 0xFF || c.Page(0x2010)[0x10] != 0xAA {
		t.Error("erase/program contents")
	}
	c.ClearDirty()
	if len(c.Dirty()) != 0 {
		t.Error("ClearDirty")
	}
	// Reads wrap at the end of the chip.
	got := xfer(c, []byte{0x06}, 0)
	_ = got
	xfer(c, []byte{0xB7}, 0)
	r := xfer(c, []byte{0x03, 0x01, 0xFF, 0xFF, 0xFF}, 2)
	if r[0] != 0xFF || r[1] != 0 {
		t.Errorf("wrap read % x", r)
	}
}
