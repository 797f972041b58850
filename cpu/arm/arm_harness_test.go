package arm

// Test scaffolding for the ARM-state instruction tests: a flat RAM bus and
// helpers to run instruction words and check registers and flags.

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

const aisaRAMSize = 1 << 20

// aisaBus is 1 MiB of RAM at physical address 0; everything else aborts.
type aisaBus struct{ mem []byte }

func (b *aisaBus) Page(pa uint32) []byte {
	if pa < aisaRAMSize {
		p := pa &^ 0xFFF
		return b.mem[p : p+4096]
	}
	return nil
}

func (b *aisaBus) Read(pa uint32, size int) (uint64, bool) {
	if uint64(pa)+uint64(size) > aisaRAMSize {
		return 0, false
	}
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(b.mem[pa+uint32(i)])
	}
	return v, true
}

func (b *aisaBus) Write(pa uint32, size int, v uint64) bool {
	if uint64(pa)+uint64(size) > aisaRAMSize {
		return false
	}
	for i := 0; i < size; i++ {
		b.mem[pa+uint32(i)] = byte(v >> (8 * i))
	}
	return true
}

const (
	aisaCode = 0x1000
	aisaData = 0x8000 // filled with the pattern mem[a] = byte(a)
)

// aisaNew returns a CPU in SVC mode with RAM, the given code at 0x1000 and
// the PC there.
func aisaNew(ops ...uint32) (*CPU, *aisaBus) {
	b := &aisaBus{mem: make([]byte, aisaRAMSize)}
	c := New(b)
	for a := uint32(aisaData); a < aisaData+0x1000; a++ {
		b.mem[a] = byte(a)
	}
	for i, op := range ops {
		binary.LittleEndian.PutUint32(b.mem[aisaCode+4*i:], op)
	}
	c.SetPC(aisaCode)
	return c, b
}

func (b *aisaBus) w32(a uint32) uint32 { return binary.LittleEndian.Uint32(b.mem[a:]) }
func (b *aisaBus) put32(a, v uint32)   { binary.LittleEndian.PutUint32(b.mem[a:], v) }

// aisaFlags formats N Z C V Q as letters, upper case when set.
func aisaFlags(c *CPU) string {
	var s strings.Builder
	for i, f := range []bool{c.N, c.Z, c.C, c.V, c.Q} {
		l := "nzcvq"[i : i+1]
		if f {
			l = strings.ToUpper(l)
		}
		s.WriteString(l)
	}
	return s.String()
}

// aisaSetFlags sets N Z C V Q from a string like "nZCvq".
func aisaSetFlags(c *CPU, f string) {
	if f == "" {
		return
	}
	c.N, c.Z, c.C, c.V, c.Q = f[0] == 'N', f[1] == 'Z', f[2] == 'C', f[3] == 'V', f[4] == 'Q'
}

// aisaCase is one single-instruction test: registers in, registers and
// flags out.
type aisaCase struct {
	name  string
	op    uint32
	in    map[int]uint32
	flags string // NZCVQ in ("" = all clear)
	want  map[int]uint32
	wantF string            // NZCVQ out ("" = don't check)
	ge    int               // GE out (-1 = don't check)
	pc    uint32            // expected next PC (0 = sequential)
	mem   map[uint32]uint32 // words written to memory before the run
	wantM map[uint32]uint32 // words expected in memory after the run
	setup func(c *CPU)
	check func(c *CPU) string
}

func aisaRunCases(t *testing.T, cases []aisaCase) {
	t.Helper()
	for _, tc := range cases {
		c, b := aisaNew(tc.op)
		for a, v := range tc.mem {
			b.put32(a, v)
		}
		if tc.setup != nil {
			tc.setup(c)
		}
		for r, v := range tc.in {
			c.R[r] = v
		}
		aisaSetFlags(c, tc.flags)
		c.Step()
		var errs []string
		for r, v := range tc.want {
			if got := c.Reg(r); got != v {
				errs = append(errs, fmt.Sprintf("r%d=%#x want %#x", r, got, v))
			}
		}
		if tc.wantF != "" && aisaFlags(c) != tc.wantF {
			errs = append(errs, fmt.Sprintf("flags %s want %s", aisaFlags(c), tc.wantF))
		}
		for a, v := range tc.wantM {
			if got := b.w32(a); got != v {
				errs = append(errs, fmt.Sprintf("mem[%#x]=%#x want %#x", a, got, v))
			}
		}
		if tc.check != nil {
			if e := tc.check(c); e != "" {
				errs = append(errs, e)
			}
		}
		if tc.ge >= 0 && c.GE != uint32(tc.ge) {
			errs = append(errs, fmt.Sprintf("GE %#x want %#x", c.GE, tc.ge))
		}
		wantPC := tc.pc
		if wantPC == 0 {
			wantPC = aisaCode + 4
		}
		if c.PC() != wantPC {
			errs = append(errs, fmt.Sprintf("pc %#x want %#x", c.PC(), wantPC))
		}
		if c.Mode() == ModeUND {
			errs = append(errs, "took UNDEF")
		}
		if len(errs) > 0 {
			t.Errorf("%s (%08x): %s", tc.name, tc.op, strings.Join(errs, "; "))
		}
	}
}

// aisaIsUndef reports whether op raises the Undefined Instruction exception.
func aisaIsUndef(op uint32) bool {
	c, _ := aisaNew(op)
	c.Step()
	return c.Mode() == ModeUND && c.PC() == 4
}
