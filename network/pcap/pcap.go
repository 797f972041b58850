// Package pcap records Ethernet frames into a classic libpcap capture file
// (nanosecond-resolution variant, link type Ethernet/DLT_EN10MB) that
// tshark, tcpdump and Wireshark read. The file format is written by
// github.com/gopacket/gopacket/pcapgo; this package adds buffering with a
// flush after every packet, so the file on disk always ends on a packet
// boundary (a capture cut short by an abrupt stop stays readable), and a
// network.Tap that records both directions of a network.Port.
//
// Timestamps come from the caller (the machine passes guest time), never
// from the host clock, so captures of a deterministic run are identical.
package pcap

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/ast2500emu/ast2500emu/network"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// SnapLen is the snapshot length written in the file header; frames are
// never truncated below it (jumbo frames included).
const SnapLen = 262144

// Writer appends frames to a pcap file. It is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	f    io.WriteCloser
	buf  *bufio.Writer
	pw   *pcapgo.Writer
	err  error // first write error; later writes are dropped
	path string
}

// NewWriter creates (or truncates) the capture file at path and writes the
// pcap file header. An unwritable path is reported here.
func NewWriter(path string) (*Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("pcap: cannot create capture file: %w", err)
	}
	return NewWriterTo(f, path)
}

// NewWriterTo writes the capture to f (closed by Close), named path in
// errors: a file the caller creates itself, e.g. only once its other
// inputs are validated.
func NewWriterTo(f io.WriteCloser, path string) (*Writer, error) {
	w := &Writer{f: f, buf: bufio.NewWriterSize(f, 64<<10), path: path}
	w.pw = pcapgo.NewWriterNanos(w.buf)
	if err := w.pw.WriteFileHeader(SnapLen, layers.LinkTypeEthernet); err != nil {
		f.Close()
		return nil, fmt.Errorf("pcap: %s: %w", path, err)
	}
	if err := w.buf.Flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("pcap: %s: %w", path, err)
	}
	return w, nil
}

// Write appends one frame with timestamp ts and flushes it to the file.
// After the first error (disk full, closed writer) frames are dropped and
// that error is returned again.
func (w *Writer) Write(frame []byte, ts time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	data := frame
	if len(data) > SnapLen {
		data = data[:SnapLen]
	}
	ci := gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(data), Length: len(frame)}
	if err := w.pw.WritePacket(ci, data); err != nil {
		w.err = fmt.Errorf("pcap: %s: %w", w.path, err)
		return w.err
	}
	if err := w.buf.Flush(); err != nil {
		w.err = fmt.Errorf("pcap: %s: %w", w.path, err)
		return w.err
	}
	return nil
}

var errClosed = errors.New("pcap: writer closed")

// Close flushes and closes the file. Further writes return an error.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	ferr := w.buf.Flush()
	cerr := w.f.Close()
	w.f = nil
	if w.err == nil {
		w.err = errClosed
	}
	if ferr != nil {
		return fmt.Errorf("pcap: %s: %w", w.path, ferr)
	}
	if cerr != nil {
		return fmt.Errorf("pcap: %s: %w", w.path, cerr)
	}
	return nil
}

// tap records every frame crossing a network.Port.
type tap struct {
	w   *Writer
	now func() time.Time
}

// Tap returns a tap for a network.Port that writes every frame in both
// directions to w, stamped with now() (the machine passes guest time).
// Closing the tap closes w.
func Tap(w *Writer, now func() time.Time) network.Tap { return &tap{w: w, now: now} }

func (t *tap) Frame(frame []byte) { _ = t.w.Write(frame, t.now()) }

func (t *tap) Close() error { return t.w.Close() }
