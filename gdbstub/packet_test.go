package gdbstub

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/ast2500emu/ast2500emu/internal/ramtest"
	"io"
	"strings"
	"testing"
)

func TestReaderTable(t *testing.T) {
	type want struct {
		kind EventKind
		data string
		err  error
	}
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"simple", "$g#67", []want{{EvPacket, "g", nil}}},
		{"acks and junk", "+-xx$?#3f", []want{{EvAck, "", nil}, {EvNack, "", nil}, {EvPacket, "?", nil}}},
		{"interrupt", "\x03$c#63", []want{{EvInterrupt, "", nil}, {EvPacket, "c", nil}}},
		{"bad checksum", "$g#00$g#67", []want{{EvBad, "", ErrChecksum}, {EvPacket, "g", nil}}},
		{"checksum not hex", "$g#zz", []want{{EvBad, "", ErrBadFormat}}},
		{"escape", "$X0,1:}]#" + sum("X0,1:}]"), []want{{EvPacket, "X0,1:}", nil}}},
		{"escape at end", "$a}#" + sum("a}"), []want{{EvBad, "", ErrBadEscape}}},
		{"run length", "$0* #" + sum("0* "), []want{{EvPacket, "0000", nil}}},
		{"run length bad", "$* #" + sum("* "), []want{{EvBad, "", ErrBadFormat}}},
		{"restart inside packet", "$ab$g#67", []want{{EvPacket, "g", nil}}},
		{"empty", "$#00", []want{{EvPacket, "", nil}}},
		{"too long", "$" + strings.Repeat("a", 3*MaxPacket) + "#" + sum(strings.Repeat("a", 3*MaxPacket)), []want{{EvBad, "", ErrTooLong}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rd := NewReader(strings.NewReader(tc.in))
			for i, w := range tc.want {
				ev, err := rd.Next()
				if err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
				if ev.Kind != w.kind || string(ev.Data) != w.data || (w.err != nil && !errors.Is(ev.Err, w.err)) {
					t.Fatalf("event %d: got kind %d data %q err %v, want %d %q %v", i, ev.Kind, ev.Data, ev.Err, w.kind, w.data, w.err)
				}
			}
			if _, err := rd.Next(); err != io.EOF {
				t.Fatalf("trailing: %v", err)
			}
		})
	}
}

func sum(s string) string {
	var c byte
	for i := 0; i < len(s); i++ {
		c += s[i]
	}
	return fmt.Sprintf("%02x", c)
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, body := range []string{"", "OK", "a$b#c}d*e", strings.Repeat("\xff\x00", 100)} {
		ev, err := NewReader(bytes.NewReader(Encode([]byte(body)))).Next()
		if err != nil || ev.Kind != EvPacket || string(ev.Data) != body {
			t.Errorf("%q: got %+v %v", body, ev, err)
		}
	}
	if got := string(Encode([]byte("OK"))); got != "$OK#9a" {
		t.Errorf("Encode(OK) = %s", got)
	}
}

func TestParseHelpers(t *testing.T) {
	if a, n, err := parseAddrLen("8000,40"); err != nil || a != 0x8000 || n != 0x40 {
		t.Errorf("parseAddrLen: %x %x %v", a, n, err)
	}
	for _, bad := range []string{"", "8000", ",4", "8000,", "g,4", "1ffffffff,4", "-1,4", "+1,4"} {
		if _, _, err := parseAddrLen(bad); err == nil {
			t.Errorf("parseAddrLen(%q) accepted", bad)
		}
	}
	if _, err := decodeHexBytes("abc"); err == nil {
		t.Error("odd hex accepted")
	}
	if _, err := decodeHexBytes("zz"); err == nil {
		t.Error("bad hex accepted")
	}
}

// FuzzReader feeds arbitrary streams to the packet reader: it must never
// panic and must end at EOF.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"$g#67", "+$?#3f", "\x03", "$X0,1:}]#00", "$0* #00", "$$$#", "$a}#", "-$m0,4#fd"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rd := NewReader(bytes.NewReader(in))
		for i := 0; i <= len(in); i++ {
			ev, err := rd.Next()
			if err != nil {
				return
			}
			if ev.Kind == EvPacket && len(ev.Data) > MaxPacket {
				t.Fatalf("packet of %d bytes", len(ev.Data))
			}
		}
		t.Fatal("reader did not reach EOF")
	})
}

// FuzzStubPackets feeds arbitrary packet bodies to the command handler of
// a halted stub: no panic, and a reply for every packet.
func FuzzStubPackets(f *testing.F) {
	for _, s := range []string{"g", "G00", "p19", "P0=zz", "m0,4", "mffffffff,ffffffff", "M0,2:00", "X0,1:", "Z2,fffffffe,8", "z0,4,4", "qXfer:features:read:target.xml:ffffffff,ffffffff", "vCont;s", "c10", "Cxx;zz", "Hg0", "D"} {
		f.Add([]byte(s))
	}
	bus := ramtest.New(1 << 20)
	f.Fuzz(func(t *testing.T, p []byte) {
		s := New(Config{CPU: newFuzzCPU(bus)})
		s.cur = &conn{rw: nullConn{}, events: make(chan Event)}
		s.cur.noAck.Store(true)
		s.handle(p, "T05")
	})
}
