package gdbstub

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/internal/ramtest"
)

type ramBus = ramtest.Bus

// testProg counts in r0, stores it at 0x1000 and reads it back, forever:
//
//	00: mov r0, #0
//	04: mov r1, #0x1000
//	08: add r0, r0, #1
//	0c: str r0, [r1]
//	10: ldr r2, [r1]
//	14: b   0x08
var testProg = []uint32{0xe3a00000, 0xe3a01a01, 0xe2800001, 0xe5810000, 0xe5912000, 0xeafffffb}

// driver runs the CPU like the machine loop: slices, honouring halt
// requests by calling Stopped.
type driver struct {
	cpu     *arm.CPU
	stub    *Stub
	halt    atomic.Bool
	done    chan struct{}
	killed  atomic.Bool
	stopped atomic.Bool
}

func newDriver(t *testing.T, haltAtStart bool) (*driver, *client) {
	t.Helper()
	bus := ramtest.New(1 << 20)
	for i, w := range testProg {
		binary.LittleEndian.PutUint32(bus.RAM[4*i:], w)
	}
	d := &driver{cpu: arm.New(bus), done: make(chan struct{})}
	d.stub = New(Config{CPU: d.cpu, RequestHalt: func() {
		d.halt.Store(true)
		d.cpu.Stop()
	}})
	d.halt.Store(haltAtStart)
	a, b := net.Pipe()
	go func() {
		defer close(d.done)
		for !d.stopped.Load() {
			if d.halt.Load() {
				act := d.stub.Stopped()
				d.halt.Store(false)
				switch act {
				case Kill:
					d.killed.Store(true)
					return
				case Step:
					d.cpu.Run(1)
					d.halt.Store(true)
				}
				continue
			}
			d.cpu.Run(1000)
		}
	}()
	d.stub.Attach(a)
	cl := &client{t: t, conn: b, evs: make(chan Event, 256)}
	go func() {
		rd := NewReader(b)
		for {
			ev, err := rd.Next()
			if err != nil {
				close(cl.evs)
				return
			}
			cl.evs <- ev
		}
	}()
	t.Cleanup(func() {
		d.stopped.Store(true)
		b.Close()
		select {
		case <-d.done:
		case <-time.After(5 * time.Second):
			t.Error("driver did not stop")
		}
	})
	return d, cl
}

// client is a minimal GDB.
type client struct {
	t    *testing.T
	conn net.Conn
	evs  chan Event
}

// next returns the next event from the stub.
func (c *client) next() Event {
	c.t.Helper()
	select {
	case ev, ok := <-c.evs:
		if !ok {
			c.t.Fatal("connection closed")
		}
		return ev
	case <-time.After(5 * time.Second):
		c.t.Fatal("timeout waiting for the stub")
	}
	return Event{}
}

func (c *client) send(body string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.conn.Write(Encode([]byte(body))); err != nil {
		c.t.Fatalf("send %q: %v", body, err)
	}
}

// recv returns the next packet, skipping acks.
func (c *client) recv() string {
	c.t.Helper()
	for {
		ev := c.next()
		switch ev.Kind {
		case EvPacket:
			c.conn.Write([]byte{'+'})
			return string(ev.Data)
		case EvBad:
			c.t.Fatalf("bad packet from stub: %v", ev.Err)
		}
	}
}

func (c *client) do(body string) string {
	c.t.Helper()
	c.send(body)
	return c.recv()
}

func (c *client) expect(body, want string) {
	c.t.Helper()
	if got := c.do(body); got != want {
		c.t.Fatalf("%q: got %q, want %q", body, got, want)
	}
}

func (c *client) expectPrefix(body, want string) string {
	c.t.Helper()
	got := c.do(body)
	if !strings.HasPrefix(got, want) {
		c.t.Fatalf("%q: got %q, want prefix %q", body, got, want)
	}
	return got
}

func hexLE(v uint32) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return fmt.Sprintf("%x", b[:])
}

func newFuzzCPU(bus *ramBus) *arm.CPU { return arm.New(bus) }

// nullConn discards writes.
type nullConn struct{}

func (nullConn) Read(p []byte) (int, error)  { return 0, io.EOF }
func (nullConn) Write(p []byte) (int, error) { return len(p), nil }
func (nullConn) Close() error                { return nil }
