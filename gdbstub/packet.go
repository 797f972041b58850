// Package gdbstub implements the GDB remote serial protocol for the
// emulated ARM1176 core, enough for gdb-multiarch with "set architecture
// arm": a target description (org.gnu.gdb.arm.core with CPSR and
// org.gnu.gdb.arm.vfp with D0-D15 and FPSCR), register and memory access
// through the guest's current MMU view, software and hardware breakpoints,
// write/read/access watchpoints, single step, continue, Ctrl-C, detach and
// kill.
//
// Sources: the GDB manual, appendix E "GDB Remote Serial Protocol" (packet
// framing, escapes, stop replies, qSupported, qXfer:features:read, Z/z,
// vCont) and appendix G "Target Descriptions" (the ARM feature names and
// register sets). The register numbering follows GDB's ARM convention
// (r0-r15 = 0-15, cpsr = 25).
//
// This file is the framing layer: reading packets, acknowledgements and the
// Ctrl-C byte from a stream, and encoding replies.
package gdbstub

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxPacket bounds the body of a packet the stub accepts (and advertises
// as PacketSize).
const MaxPacket = 0x4000

// EventKind says what the reader found on the stream.
type EventKind int

const (
	EvPacket    EventKind = iota // a packet with a valid checksum
	EvInterrupt                  // the Ctrl-C byte 0x03 outside a packet
	EvAck                        // '+'
	EvNack                       // '-': the peer asks for the last reply again
	EvBad                        // a malformed packet (Err says why; answered with '-')
)

// Event is one unit read from the stream.
type Event struct {
	Kind EventKind
	Data []byte // EvPacket: the body with escapes removed
	Err  error  // EvBad
}

// Errors reported for malformed packets.
var (
	ErrChecksum  = errors.New("gdbstub: packet checksum mismatch")
	ErrTooLong   = errors.New("gdbstub: packet too long")
	ErrBadEscape = errors.New("gdbstub: bad escape at end of packet")
	ErrBadFormat = errors.New("gdbstub: malformed packet")
)

// Reader splits a byte stream into events.
type Reader struct {
	r *bufio.Reader
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReaderSize(r, 4096)} }

// Next returns the next event. It returns io.EOF (or the stream's error)
// when the stream ends; malformed packets are EvBad events, never errors,
// and bytes between packets other than '+', '-' and 0x03 are skipped.
func (rd *Reader) Next() (Event, error) {
	for {
		b, err := rd.r.ReadByte()
		if err != nil {
			return Event{}, err
		}
		switch b {
		case '+':
			return Event{Kind: EvAck}, nil
		case '-':
			return Event{Kind: EvNack}, nil
		case 0x03:
			return Event{Kind: EvInterrupt}, nil
		case '$':
			return rd.packet()
		}
	}
}

// packet reads the rest of a packet after '$'.
func (rd *Reader) packet() (Event, error) {
	var raw []byte
	var sum byte
	tooLong := false
	for {
		b, err := rd.r.ReadByte()
		if err != nil {
			return Event{}, err
		}
		if b == '#' {
			break
		}
		if b == '$' {
			// A new packet starts before this one ended: drop the old.
			raw, sum, tooLong = raw[:0], 0, false
			continue
		}
		sum += b
		if len(raw) >= 2*MaxPacket+16 {
			tooLong = true
			continue
		}
		raw = append(raw, b)
	}
	var cs [2]byte
	for i := range cs {
		b, err := rd.r.ReadByte()
		if err != nil {
			return Event{}, err
		}
		cs[i] = b
	}
	want, err := strconv.ParseUint(string(cs[:]), 16, 8)
	if err != nil {
		return Event{Kind: EvBad, Err: fmt.Errorf("%w: checksum %q is not hex", ErrBadFormat, cs[:])}, nil
	}
	if byte(want) != sum {
		return Event{Kind: EvBad, Err: ErrChecksum}, nil
	}
	if tooLong {
		return Event{Kind: EvBad, Err: ErrTooLong}, nil
	}
	data, err := Unescape(raw)
	if err != nil {
		return Event{Kind: EvBad, Err: err}, nil
	}
	if len(data) > MaxPacket {
		return Event{Kind: EvBad, Err: ErrTooLong}, nil
	}
	return Event{Kind: EvPacket, Data: data}, nil
}

// Unescape removes the protocol's '}' escapes (the next byte XOR 0x20) and
// expands run-length encoding ('*' followed by a repeat count + 29).
func Unescape(raw []byte) ([]byte, error) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		switch b := raw[i]; b {
		case '}':
			if i+1 >= len(raw) {
				return nil, ErrBadEscape
			}
			i++
			out = append(out, raw[i]^0x20)
		case '*':
			if len(out) == 0 || i+1 >= len(raw) || raw[i+1] < 29 {
				return nil, fmt.Errorf("%w: bad run-length encoding", ErrBadFormat)
			}
			i++
			n := int(raw[i]) - 29
			if len(out)+n > MaxPacket {
				return nil, ErrTooLong
			}
			last := out[len(out)-1]
			for ; n > 0; n-- {
				out = append(out, last)
			}
		default:
			out = append(out, b)
		}
	}
	return out, nil
}

// Encode frames a reply: '$', the body with '$', '#', '}' and '*' escaped,
// '#' and the two-digit checksum.
func Encode(body []byte) []byte {
	out := make([]byte, 0, len(body)+8)
	out = append(out, '$')
	var sum byte
	for _, b := range body {
		if b == '$' || b == '#' || b == '}' || b == '*' {
			out = append(out, '}')
			sum += '}'
			b ^= 0x20
		}
		out = append(out, b)
		sum += b
	}
	return hex.AppendEncode(append(out, '#'), []byte{sum})
}

// parseHex parses a hexadecimal number of at most 32 bits.
func parseHex(s string) (uint32, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: empty number", ErrBadFormat)
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: bad number %q", ErrBadFormat, s)
	}
	return uint32(v), nil
}

// parseAddrLen parses "ADDR,LEN".
func parseAddrLen(s string) (addr, n uint32, err error) {
	a, l, ok := strings.Cut(s, ",")
	if !ok {
		return 0, 0, fmt.Errorf("%w: want ADDR,LEN", ErrBadFormat)
	}
	if addr, err = parseHex(a); err != nil {
		return
	}
	n, err = parseHex(l)
	return
}

// decodeHexBytes decodes a string of hex byte pairs.
func decodeHexBytes(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadFormat, err)
	}
	return b, nil
}

// appendHexLE appends v as size (at most 8) little-endian bytes in hex.
func appendHexLE(out []byte, v uint64, size int) []byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return hex.AppendEncode(out, b[:size])
}

// leValue decodes up to 8 little-endian bytes.
func leValue(b []byte) uint64 {
	var w [8]byte
	copy(w[:], b)
	return binary.LittleEndian.Uint64(w[:])
}
