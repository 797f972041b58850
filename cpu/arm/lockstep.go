package arm

// Lockstep: a debugging aid for the JIT tier (and for any change to the
// run loop). Two machines that should behave identically, typically the
// same program on a CPU with the JIT and one without, run side by side in
// chunks; at the first chunk after which their states or memories differ,
// the chunk is narrowed by re-running halves of it from the saved state,
// and the report lists the differing fields, both register files and the
// last instructions of the divergent chunk as the reference side ran them,
// marking those where the JIT side has a translated block.

import (
	"fmt"
	"reflect"
	"strings"
)

// LockstepSide is one of the two machines Lockstep compares.
type LockstepSide struct {
	CPU *CPU
	// Sum returns a checksum of the memory this CPU's bus holds (nil:
	// memory is not compared).
	Sum func() uint64
	// Save records the memory and returns a function that puts it back
	// (it may be called more than once).
	// With Save on both sides a divergent chunk is narrowed by re-running
	// parts of it from the saved CPU state (CPU.Restore: caches and
	// translations are dropped, so set the JIT threshold to 1); without,
	// the chunk is reported as found.
	Save func() (restore func())
}

// LockstepOptions tune Lockstep.
type LockstepOptions struct {
	Step uint64 // instructions per chunk (0: 10000)
	Max  uint64 // instructions in all (0: until both machines stop making progress)
	// Disasm names an instruction in the report (trace.Disasm fits;
	// nil: the words only).
	Disasm func(op, pc uint32, thumb bool) string
	// Trace is how many of the divergent chunk's last instructions the
	// report lists (0: 32).
	Trace int
}

// Lockstep runs a and b in chunks of o.Step instructions and returns ""
// if they never diverged, else a report of the first divergence. Both
// machines are left where the report describes them. Devices that keep
// state outside the memory Save covers are not rewound when a chunk is
// re-run: narrowing is exact for CPUs over plain memory.
func Lockstep(a, b LockstepSide, o LockstepOptions) string {
	if o.Step == 0 {
		o.Step = 10000
	}
	if o.Trace == 0 {
		o.Trace = 32
	}
	canNarrow := a.Save != nil && b.Save != nil
	if d := lockstepDiff(a, b, 0, 0); d != "" {
		return "lockstep: the machines differ before the first instruction\n" + d
	}
	var done uint64
	for o.Max == 0 || done < o.Max {
		n := o.Step
		if o.Max != 0 {
			n = min(n, o.Max-done)
		}
		start := lockstepMark(a, b, canNarrow)
		na, nb := a.CPU.Run(n), b.CPU.Run(n)
		if d := lockstepDiff(a, b, na, nb); d != "" {
			return lockstepReport(a, b, o, start, n, d)
		}
		if na == 0 && nb == 0 {
			return ""
		}
		done += na
	}
	return ""
}

// lockstepPoint is a saved start of a chunk.
type lockstepPoint struct {
	sa, sb State
	ra, rb func()
}

func lockstepMark(a, b LockstepSide, save bool) lockstepPoint {
	p := lockstepPoint{sa: a.CPU.State(), sb: b.CPU.State()}
	if save {
		p.ra, p.rb = a.Save(), b.Save()
	}
	return p
}

// rewind puts both machines back at p.
func (p lockstepPoint) rewind(a, b LockstepSide) {
	p.ra()
	p.rb()
	a.CPU.Restore(p.sa)
	b.CPU.Restore(p.sb)
}

// lockstepDiff describes how the two machines differ after a chunk in
// which they ran na and nb instructions ("" if they do not).
func lockstepDiff(a, b LockstepSide, na, nb uint64) string {
	var s strings.Builder
	if na != nb {
		fmt.Fprintf(&s, "ran %d vs %d instructions\n", na, nb)
	}
	s.WriteString(StateDiff(a.CPU.State(), b.CPU.State()))
	if a.Sum != nil && b.Sum != nil {
		if x, y := a.Sum(), b.Sum(); x != y {
			fmt.Fprintf(&s, "memory checksum %#x vs %#x\n", x, y)
		}
	}
	return s.String()
}

// lockstepReport narrows the divergent chunk of n instructions from
// start (when memory can be saved) and describes it.
func lockstepReport(a, b LockstepSide, o LockstepOptions, start lockstepPoint, n uint64, diff string) string {
	var r strings.Builder
	fmt.Fprintf(&r, "lockstep: divergence in the %d instructions from Insns %d (PC %#x)\n", n, start.sa.Insns, start.sa.R[15])
	if start.ra != nil {
		// Halve the chunk while a half reproduces the divergence: the
		// first half from the chunk's start, else the rest from its
		// middle.
		for n > 1 {
			start.rewind(a, b)
			h := n / 2
			na, nb := a.CPU.Run(h), b.CPU.Run(h)
			if d := lockstepDiff(a, b, na, nb); d != "" {
				n, diff = h, d
				continue
			}
			mid := lockstepMark(a, b, true)
			na, nb = a.CPU.Run(n-h), b.CPU.Run(n-h)
			d := lockstepDiff(a, b, na, nb)
			if d == "" {
				// Not reproducible in parts (a block that only the
				// whole chunk enters): stop at this size.
				start.rewind(a, b)
				a.CPU.Run(n)
				b.CPU.Run(n)
				break
			}
			start, n, diff = mid, n-h, d
		}
		fmt.Fprintf(&r, "narrowed to the %d instructions from Insns %d (PC %#x)\n", n, start.sa.Insns, start.sa.R[15])
	}
	r.WriteString(diff)
	fmt.Fprintf(&r, "side A: %s\nside B: %s\n", lockstepRegs(a.CPU), lockstepRegs(b.CPU))
	if start.ra != nil {
		r.WriteString(lockstepTrace(a, b, o, start, n))
	}
	return r.String()
}

func lockstepRegs(c *CPU) string {
	s := c.State()
	return fmt.Sprintf("R %08x CPSR %08x Insns %d JIT %v", s.R, s.CPSR, s.Insns, c.jit != nil)
}

// lockstepTrace re-runs the chunk on the reference side (the one without
// the JIT, else A) with a Before hook and lists its last instructions;
// '*' marks addresses where the other side has a translated block.
func lockstepTrace(a, b LockstepSide, o LockstepOptions, start lockstepPoint, n uint64) string {
	ref, other := a, b
	if a.CPU.jit != nil && b.CPU.jit == nil {
		ref, other = b, a
	}
	// Run the other side first, so that its translations of the chunk
	// exist, then the reference side with the hook.
	start.rewind(a, b)
	other.CPU.Run(n)
	type step struct {
		pc, op uint32
		thumb  bool
	}
	var last []step
	c := ref.CPU
	c.SetHooks(&Hooks{Before: func(pc uint32) bool {
		s := step{pc: pc, thumb: c.T}
		s.op, _ = c.InsnAt(pc)
		if len(last) == o.Trace {
			copy(last, last[1:])
			last = last[:len(last)-1]
		}
		last = append(last, s)
		return true
	}})
	c.Run(n)
	c.SetHooks(nil)
	var r strings.Builder
	fmt.Fprintf(&r, "last %d instructions of the chunk (reference side; * = translated block start on the other side):\n", len(last))
	for _, s := range last {
		mark := " "
		if k := other.CPU.jitBlockLen(s.pc); k > 0 {
			mark = "*"
		}
		text := ""
		if o.Disasm != nil {
			text = o.Disasm(s.op, s.pc, s.thumb)
		}
		w := 8
		if s.thumb {
			w = 4
		}
		fmt.Fprintf(&r, "%s %08x: %0*x  %s\n", mark, s.pc, w, s.op, text)
	}
	return r.String()
}

// StateDiff lists the fields in which two core states differ, one per
// line ("" if none).
func StateDiff(x, y State) string {
	var s strings.Builder
	stateDiffValue(&s, "", reflect.ValueOf(x), reflect.ValueOf(y))
	return s.String()
}

func stateDiffValue(s *strings.Builder, name string, x, y reflect.Value) {
	switch x.Kind() {
	case reflect.Struct:
		for i := 0; i < x.NumField(); i++ {
			f := x.Type().Field(i)
			n := f.Name
			if name != "" {
				n = name + "." + n
			}
			stateDiffValue(s, n, x.Field(i), y.Field(i))
		}
	case reflect.Array:
		for i := 0; i < x.Len(); i++ {
			stateDiffValue(s, fmt.Sprintf("%s[%d]", name, i), x.Index(i), y.Index(i))
		}
	default:
		if vx, vy := x.Interface(), y.Interface(); vx != vy {
			switch v := vx.(type) {
			case uint32:
				fmt.Fprintf(s, "%s: %#x vs %#x\n", name, v, vy)
			default:
				fmt.Fprintf(s, "%s: %v vs %v\n", name, v, vy)
			}
		}
	}
}
