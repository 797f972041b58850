package pcap

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/network"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func frame(n int, tag byte) []byte {
	f := make([]byte, n)
	for i := range f {
		f[i] = tag + byte(i)
	}
	return f
}

type rec struct {
	data []byte
	ts   time.Time
}

func readAll(t *testing.T, path string) ([]rec, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Errorf("link type = %v, want Ethernet", r.LinkType())
	}
	var out []rec
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if ci.CaptureLength != len(data) || ci.Length != len(data) {
			t.Errorf("packet %d: capture length %d, length %d, data %d", len(out), ci.CaptureLength, ci.Length, len(data))
		}
		out = append(out, rec{append([]byte(nil), data...), ci.Timestamp})
	}
}

func TestWriteReadBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.pcap")
	w, err := NewWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Unix(0, 0).Add(1234567891 * time.Nanosecond) // guest time 1.234567891 s
	sizes := []int{60, 1514, 42, 9018}
	for i, n := range sizes {
		if err := w.Write(frame(n, byte(i)), base.Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(frame(60, 0), base); err == nil {
		t.Error("Write after Close succeeded")
	}
	got, err := readAll(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(sizes) {
		t.Fatalf("read %d packets, want %d", len(got), len(sizes))
	}
	for i, n := range sizes {
		if !bytes.Equal(got[i].data, frame(n, byte(i))) {
			t.Errorf("packet %d: data differs", i)
		}
		want := base.Add(time.Duration(i) * time.Millisecond)
		if !got[i].ts.Equal(want) {
			t.Errorf("packet %d: timestamp %v, want %v", i, got[i].ts.UTC(), want.UTC())
		}
	}
}

// An abrupt stop (no Close) leaves a readable file holding every packet
// written so far; a stop in the middle of a packet loses only that packet.
func TestAbruptStop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cut.pcap")
	w, err := NewWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if err := w.Write(frame(100+i, byte(i)), time.Unix(int64(i), 0)); err != nil {
			t.Fatal(err)
		}
	}
	// No Close: the file must already hold all five packets.
	got, err := readAll(t, path)
	if err != nil || len(got) != 5 {
		t.Fatalf("unclosed file: %d packets, err %v; want 5", len(got), err)
	}
	// Cut the file inside the last packet, as a crash during a write would.
	st, _ := os.Stat(path)
	if err := os.Truncate(path, st.Size()-10); err != nil {
		t.Fatal(err)
	}
	got, err = readAll(t, path)
	if len(got) != 4 {
		t.Fatalf("truncated file: %d packets (err %v); want the 4 complete ones", len(got), err)
	}
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Logf("reader error on cut packet: %v", err)
	}
	w.Close()
}

func TestUnwritablePath(t *testing.T) {
	_, err := NewWriter(filepath.Join(t.TempDir(), "no-such-dir", "x.pcap"))
	if err == nil {
		t.Fatal("NewWriter on a missing directory succeeded")
	}
	if !strings.Contains(err.Error(), "cannot create capture file") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q is not a clear one-line message", err)
	}
}

type fakeBackend struct {
	sent    [][]byte
	deliver func([]byte)
	closed  bool
}

func (f *fakeBackend) Send(b []byte)              { f.sent = append(f.sent, append([]byte(nil), b...)) }
func (f *fakeBackend) Start(d func([]byte)) error { f.deliver = d; return nil }
func (f *fakeBackend) LinkUp() bool               { return true }
func (f *fakeBackend) Close() error               { f.closed = true; return nil }

func TestTapRecordsBothDirections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tap.pcap")
	w, err := NewWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	fb := &fakeBackend{}
	clock := time.Unix(100, 0)
	b := network.NewPort(fb)
	b.AddTap(Tap(w, func() time.Time { clock = clock.Add(time.Microsecond); return clock }))
	var delivered [][]byte
	b.Connect(func(f []byte) { delivered = append(delivered, f) })
	if err := b.Start(func(f func()) { f() }); err != nil {
		t.Fatal(err)
	}
	b.Send(frame(60, 1))
	fb.deliver(frame(70, 2))
	b.Send(frame(80, 3))
	if len(fb.sent) != 2 || len(delivered) != 1 {
		t.Fatalf("sent %d delivered %d; want 2 and 1", len(fb.sent), len(delivered))
	}
	if err := b.Close(); err != nil || !fb.closed {
		t.Fatalf("Close: %v, backend closed %v", err, fb.closed)
	}
	got, err := readAll(t, path)
	if err != nil || len(got) != 3 {
		t.Fatalf("%d packets, err %v; want 3", len(got), err)
	}
	for i, want := range []struct {
		n   int
		tag byte
	}{{60, 1}, {70, 2}, {80, 3}} {
		if !bytes.Equal(got[i].data, frame(want.n, want.tag)) {
			t.Errorf("packet %d differs", i)
		}
		if ts := time.Unix(100, int64(i+1)*1000); !got[i].ts.Equal(ts) {
			t.Errorf("packet %d: ts %v want %v", i, got[i].ts, ts)
		}
	}
}
