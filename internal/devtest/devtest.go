// Package devtest is the shared rig of the device tests: a virtual clock
// driven the way the machine loop drives it, a device log captured in a
// buffer, and a random-access robustness check for any mmio.Device.
package devtest

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// Clock is a virtual clock whose time is an instruction count at 1 ns per
// instruction, advanced by the test.
type Clock struct {
	*vclock.Clock
	insns uint64
}

// NewClock returns a clock at time zero.
func NewClock() *Clock {
	c := &Clock{Clock: vclock.New(1000)}
	c.Attach(&c.insns)
	return c
}

// To advances guest time to ns, firing every timer due on the way at its
// deadline, as the machine loop does.
func (c *Clock) To(ns uint64) {
	for {
		next, ok := c.Next()
		if !ok || next > ns {
			break
		}
		if next > c.Now() {
			c.insns += next - c.Now()
		}
		c.RunDue()
	}
	if ns > c.Now() {
		c.insns += ns - c.Now()
	}
	c.RunDue()
}

// Advance runs guest time forward by ns (see To).
func (c *Clock) Advance(ns uint64) { c.To(c.Now() + ns) }

// Log returns a device log that records everything in the returned buffer.
func Log() (*mmio.Log, *bytes.Buffer) {
	var buf bytes.Buffer
	return mmio.NewLog(&buf), &buf
}

// Fuzz is a random-access robustness check: random reads and writes of
// random sizes at random offsets, mixed with the device's own actions.
// The device must never panic, and Check (if set) must hold after every
// step.
type Fuzz struct {
	Seed  int64
	Steps int    // default 20000
	Span  uint32 // offsets are drawn from [0, Span) (default 0x1100)
	// Hot, when non-zero, draws half of the offsets from [0, Hot): the
	// implemented registers.
	Hot   uint32
	Sizes []int // default 1, 2 and 4
	// Value draws a value to write (default: any 32-bit value).
	Value func(r *rand.Rand) uint32
	// Actions are other things that happen (time passes, an input
	// changes); each is picked as often as a read or a write.
	Actions []func(r *rand.Rand)
	// Check runs after every step; step counts from 0.
	Check func(t testing.TB, step int)
}

// Run drives d.
func (f Fuzz) Run(t testing.TB, d mmio.Device) {
	t.Helper()
	steps, span, sizes := f.Steps, f.Span, f.Sizes
	if steps == 0 {
		steps = 20000
	}
	if span == 0 {
		span = 0x1100
	}
	if sizes == nil {
		sizes = []int{1, 2, 4}
	}
	r := rand.New(rand.NewSource(f.Seed))
	for i := 0; i < steps; i++ {
		off := uint32(r.Int63n(int64(span)))
		if f.Hot != 0 && r.Intn(2) == 0 {
			off = uint32(r.Int63n(int64(f.Hot)))
		}
		size := sizes[r.Intn(len(sizes))]
		switch k := r.Intn(2 + len(f.Actions)); k {
		case 0:
			d.Read(off, size)
		case 1:
			v := r.Uint32()
			if f.Value != nil {
				v = f.Value(r)
			}
			d.Write(off, size, v)
		default:
			f.Actions[k-2](r)
		}
		if f.Check != nil {
			f.Check(t, i)
		}
	}
}

// Small is a Fuzz.Value that draws half of the values below limit (small
// counts and reloads, so events happen soon) and the others anywhere.
func Small(limit uint32) func(*rand.Rand) uint32 {
	return func(r *rand.Rand) uint32 {
		if r.Intn(2) == 0 {
			return r.Uint32() % limit
		}
		return r.Uint32()
	}
}
