package mmio

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// regs is a Registers with one plain register at 0 and one W1C at 4; it
// records what the Port hands it.
type regs struct {
	r0, r4   uint32
	lastMask uint32
}

func (r *regs) ReadReg(off, mask uint32) (uint32, bool) {
	r.lastMask = mask
	switch off {
	case 0:
		return r.r0, true
	case 4:
		return r.r4, true
	}
	return 0, false
}

func (r *regs) WriteReg(off, val, mask uint32) bool {
	r.lastMask = mask
	switch off {
	case 0:
		r.r0 = Merge(r.r0, val, mask)
	case 4:
		r.r4 &^= val
	default:
		return false
	}
	return true
}

func TestPortLanes(t *testing.T) {
	var buf bytes.Buffer
	r := &regs{r0: 0x44332211, r4: 0xff}
	p := NewPort("t", NewLog(&buf), Access{}, r)
	for _, c := range []struct {
		off  uint32
		size int
		want uint32
		mask uint32
	}{
		{0, 4, 0x44332211, 0xffffffff},
		{1, 1, 0x22, 0x0000ff00},
		{3, 1, 0x44, 0xff000000},
		{2, 2, 0x4433, 0xffff0000},
	} {
		if got := p.Read(c.off, c.size); got != c.want || r.lastMask != c.mask {
			t.Errorf("Read(%d, %d) = %#x mask %#x, want %#x mask %#x", c.off, c.size, got, r.lastMask, c.want, c.mask)
		}
	}
	p.Write(2, 1, 0xAB)
	if r.r0 != 0x44AB2211 {
		t.Errorf("byte write merged to %#x", r.r0)
	}
	p.Write(0, 2, 0xBEEF)
	if r.r0 != 0x44ABBEEF {
		t.Errorf("halfword write merged to %#x", r.r0)
	}
	// A W1C register sees zeros in the lanes not written.
	p.Write(5, 1, 0xff)
	if r.r4 != 0xff {
		t.Errorf("a byte write to lane 1 cleared lane 0: %#x", r.r4)
	}
	p.Write(4, 1, 0x0f)
	if r.r4 != 0xf0 {
		t.Errorf("W1C: %#x", r.r4)
	}
}

func TestPortUnimplementedAndPolicy(t *testing.T) {
	var buf bytes.Buffer
	log := NewLog(&buf)
	r := &regs{r0: 5}
	p := NewPort("t", log, Access{MinSize: 4, MaxSize: 4}, r)
	if p.Read(0x40, 4) != 0 {
		t.Error("unknown register not zero")
	}
	p.Read(0x40, 4)
	p.Write(0x40, 4, 1)
	if n := strings.Count(buf.String(), "msg=unimplemented dev=t off=0x040 dir=read"); n != 1 {
		t.Errorf("unimplemented read logged %d times:\n%s", n, buf.String())
	}
	if !log.Seen("t", 0x40, true) {
		t.Error("unimplemented write not recorded")
	}
	r.lastMask = 0
	if p.Read(0, 1) != 0 || r.lastMask != 0 {
		t.Error("a byte read passed a word-only policy")
	}
	p.Write(0, 2, 7)
	if r.r0 != 5 {
		t.Error("a halfword write passed a word-only policy")
	}
	if !strings.Contains(buf.String(), "guest-error") {
		t.Error("policy violation not logged as a guest error")
	}
}

func TestRegFile(t *testing.T) {
	var buf bytes.Buffer
	f := NewRegFile("rf", NewLog(&buf), 0x20)
	f.Set(Reg{Kind: RW, Reset: 0x12345678}, 0x0)
	f.Set(Reg{Kind: RW, RO: 0xff00, W1C: 0xff0000, W1S: 0xff000000}, 0x4)
	f.Set(Reg{Kind: RO, Reset: 0xAA}, 0x8)
	f.Set(Reg{Kind: Reserved, Reset: 0xBB}, 0xC)
	f.Reset()
	p := NewPort("rf", f.log, Access{}, f)
	if p.Read(0, 4) != 0x12345678 || p.Read(8, 4) != 0xAA || p.Read(0xC, 4) != 0 {
		t.Fatal("reset values")
	}
	f.Put(4, 0x00FFAA00)
	p.Write(4, 4, 0x0F0F55CC)
	// plain byte: CC; RO byte keeps AA; W1C clears 0x0F of 0xFF; W1S sets 0x0F.
	if got := f.Get(4); got != 0x0FF0AACC {
		t.Errorf("mixed register = %#x, want 0x0FF0AACC", got)
	}
	p.Write(8, 4, 1)
	if f.Get(8) != 0xAA || !strings.Contains(buf.String(), "read-only") {
		t.Error("RO register written or not reported")
	}
	p.Write(0xC, 4, 1)
	p.Write(0x10, 4, 1)
	if !f.log.Seen("rf", 0x10, true) || f.log.Seen("rf", 0xC, true) {
		t.Error("unimplemented vs reserved")
	}
	p.Write(0x1000, 4, 1) // past the end: no panic
	p.Write(0, 4, 0)
	f.Reset()
	if f.Get(0) != 0x12345678 {
		t.Error("Reset")
	}
}

func TestLogLevels(t *testing.T) {
	var buf bytes.Buffer
	l := NewLog(&buf)
	l.GuestError("d", "bad %d", 1)
	l.Unimplemented("d", 4, false, 0)
	if !strings.Contains(buf.String(), "msg=guest-error dev=d what=\"bad 1\"") || !strings.Contains(buf.String(), "msg=unimplemented") {
		t.Errorf("a log file gets everything:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), "time=") {
		t.Error("records carry the host time")
	}
	// The stderr log (NewLog(nil)) hides unimplemented registers until
	// asked (-d unimp); check through a handler on a buffer.
	var hidden bytes.Buffer
	h := NewLog(&hidden)
	h.level.Set(slog.LevelInfo)
	h.Unimplemented("d", 8, true, 1)
	if hidden.Len() != 0 {
		t.Errorf("unimplemented shown at Info: %s", hidden.String())
	}
	h.ShowUnimplemented()
	h.Unimplemented("d", 8, true, 1) // already seen: still once only
	h.Unimplemented("d", 12, true, 1)
	if n := strings.Count(hidden.String(), "msg=unimplemented"); n != 1 {
		t.Errorf("%d records after ShowUnimplemented, want 1:\n%s", n, hidden.String())
	}
	q := NewLog(&buf)
	q.MaxGuest = 2
	buf.Reset()
	for range 5 {
		q.GuestError("d", "x")
	}
	if n := strings.Count(buf.String(), "guest-error"); n != 3 {
		t.Errorf("%d guest-error lines, want 2 and the suppression note", n)
	}
}
