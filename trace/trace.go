// Package trace writes an instruction trace of the emulated ARM1176: one
// line per executed instruction with the instruction count, the address,
// the encoding, the disassembly and the registers the instruction wrote,
// plus a line per exception taken. It works through the CPU's hooks
// (cpu/arm/hooks.go): with a range given, only code in the pages of that
// range runs instruction by instruction, everything else stays on the fast
// path; without a tracer the CPU pays nothing.
//
// Line format (fields separated by spaces):
//
//	COUNT PC: ENCODING  DISASSEMBLY  [reg=value ...]
//	COUNT exception KIND from PC -> VECTOR
//
// COUNT is the CPU's retired-instruction count after the instruction
// (conditional instructions that fail count too). ENCODING is 8 hex
// digits in ARM state, 4 in Thumb. The written registers are those whose
// value differs after the instruction: r0-r14 of the mode the instruction
// ended in, cpsr (the whole register), d0-d15, fpscr, and pc when the
// instruction did not fall through to the next one.
package trace

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
)

// Tracer records the instructions of one CPU.
type Tracer struct {
	cpu    *arm.CPU
	w      *bufio.Writer
	lo, hi uint64 // traced addresses: lo <= pc < hi
	err    error

	// state captured in Before
	active bool
	op     uint32
	thumb  bool
	regs   [15]uint32
	cpsr   uint32
	d      [16]uint64
	fpscr  uint32
	line   []byte
	texts  map[uint64]string // disassembly by encoding, address and state
}

// New returns a tracer writing to w, limited to addresses in [lo, hi)
// (hi = 0: no limit). Install its Hooks on the CPU.
func New(c *arm.CPU, w io.Writer, lo, hi uint32) *Tracer {
	t := &Tracer{cpu: c, w: bufio.NewWriterSize(w, 1<<16), lo: uint64(lo), hi: uint64(hi), texts: map[uint64]string{}}
	if hi == 0 {
		t.hi = 1 << 32
	}
	return t
}

// Hooks returns the CPU hooks that drive the tracer.
func (t *Tracer) Hooks() *arm.Hooks {
	h := &arm.Hooks{Before: t.before, After: t.after, Exception: t.exception}
	if t.lo != 0 || t.hi != 1<<32 {
		// Code outside the range's pages runs on the fast path.
		end := min(t.hi, 0xFFFFFFFF)
		h.Only = [][2]uint32{{uint32(t.lo), uint32(end)}}
	}
	return h
}

// Flush writes buffered lines out and returns the first write error.
func (t *Tracer) Flush() error {
	if err := t.w.Flush(); t.err == nil {
		t.err = err
	}
	return t.err
}

func (t *Tracer) in(pc uint32) bool { return uint64(pc) >= t.lo && uint64(pc) < t.hi }

func (t *Tracer) before(pc uint32) bool {
	t.active = t.in(pc)
	if !t.active {
		return true
	}
	c := t.cpu
	t.thumb = c.Thumb()
	op, ok := c.InsnAt(pc)
	if !ok {
		op = 0xFFFFFFFF // unmapped: the fetch aborts
	}
	t.op = op
	for i := range t.regs {
		t.regs[i] = c.Reg(i)
	}
	t.cpsr = c.CPSR()
	for i := range t.d {
		t.d[i] = c.VFPReg64(i)
	}
	t.fpscr = c.FPSCR()
	return true
}

func hex32(b []byte, v uint32) []byte {
	for s := 28; s >= 0; s -= 4 {
		b = append(b, "0123456789abcdef"[v>>uint(s)&15])
	}
	return b
}

func (t *Tracer) after(pc uint32) {
	if !t.active {
		return
	}
	t.active = false
	c := t.cpu
	b := t.line[:0]
	b = strconv.AppendUint(b, c.Insns, 10)
	b = append(b, ' ')
	b = hex32(b, pc)
	b = append(b, ':', ' ')
	size := uint32(4)
	if t.thumb {
		size = 2
		n := len(b)
		b = hex32(b, t.op<<16)[:n+4]
	} else {
		b = hex32(b, t.op)
	}
	b = append(b, "  "...)
	text := "<fetch abort>"
	if t.op != 0xFFFFFFFF || t.thumb {
		key := uint64(t.op)<<32 | uint64(pc)
		if t.thumb {
			key = uint64(t.op|1<<31)<<32 | uint64(pc)
		}
		var ok bool
		if text, ok = t.texts[key]; !ok {
			if len(t.texts) >= 1<<20 {
				clear(t.texts)
			}
			text = Disasm(t.op, pc, t.thumb)
			t.texts[key] = text
		}
	}
	b = append(b, text...)
	for i, old := range t.regs {
		if v := c.Reg(i); v != old {
			b = append(b, ' ', ' ')
			b = append(b, regNames[i]...)
			b = append(b, '=')
			b = hex32(b, v)
		}
	}
	if v := c.CPSR(); v != t.cpsr {
		b = append(b, "  cpsr="...)
		b = hex32(b, v)
	}
	for i, old := range t.d {
		if v := c.VFPReg64(i); v != old {
			b = fmt.Appendf(b, "  d%d=%016x", i, v)
		}
	}
	if v := c.FPSCR(); v != t.fpscr {
		b = append(b, "  fpscr="...)
		b = hex32(b, v)
	}
	if npc := c.PC(); npc != pc+size {
		b = append(b, "  pc="...)
		b = hex32(b, npc)
	}
	b = append(b, '\n')
	t.line = b
	if _, err := t.w.Write(b); err != nil && t.err == nil {
		t.err = err
	}
}

var excNames = [...]string{"reset", "undef", "svc", "prefetch-abort", "data-abort", "irq", "fiq", "smc"}

func (t *Tracer) exception(kind int, from, vector uint32) {
	if !t.in(from) {
		return
	}
	name := "exception"
	if kind >= 0 && kind < len(excNames) {
		name = excNames[kind]
	}
	fmt.Fprintf(t.w, "%d exception %s from %08x -> %08x\n", t.cpu.Insns, name, from, vector)
}

// ParseRange parses "LO-HI" (hexadecimal addresses, 0x optional) into
// [lo, hi); HI may be 100000000 for the top of the address space (hi = 0).
func ParseRange(s string) (lo, hi uint32, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("want LO-HI (hex addresses)")
	}
	l, err1 := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(a), "0x"), 16, 32)
	h, err2 := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(b), "0x"), 16, 33)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("want LO-HI (hex addresses), got %q", s)
	}
	if h <= l {
		return 0, 0, fmt.Errorf("empty range %q (HI must be above LO)", s)
	}
	if h > 1<<32 {
		return 0, 0, fmt.Errorf("HI %#x beyond the 32-bit address space", h)
	}
	if h == 1<<32 {
		h = 0 // no upper limit
	}
	return uint32(l), uint32(h), nil
}
