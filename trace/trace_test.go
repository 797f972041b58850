package trace

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/internal/ramtest"
)

type ramBus = ramtest.Bus

// program: ARM code at 0, Thumb code at 0x40, a second page at 0x1000.
func newCPU(t testing.TB, arm32 map[uint32]uint32, thumb map[uint32]uint16) *arm.CPU {
	bus := ramtest.New(1 << 20)
	for a, w := range arm32 {
		binary.LittleEndian.PutUint32(bus.RAM[a:], w)
	}
	for a, h := range thumb {
		binary.LittleEndian.PutUint16(bus.RAM[a:], h)
	}
	return arm.New(bus)
}

var prog = map[uint32]uint32{
	0x00:   0xe3a00005, // mov r0, #5
	0x04:   0xe3a01a01, // mov r1, #0x1000
	0x08:   0xe5810000, // str r0, [r1]
	0x0c:   0xee103f10, // mrc p15, 0, r3, c0, c0, {0}  (MIDR)
	0x10:   0xe3500005, // cmp r0, #5
	0x14:   0xe28f4029, // add r4, pc, #0x29  -> 0x41 (Thumb)
	0x18:   0xe12fff14, // bx r4
	0x1000: 0xeafffffe,
}

var thumbProg = map[uint32]uint16{
	0x40: 0x2107, // movs r1, #7
	0x42: 0x1849, // adds r1, r1, r1
	0x44: 0xdf01, // svc #1
}

func TestTraceLines(t *testing.T) {
	p := map[uint32]uint32{}
	for k, v := range prog {
		p[k] = v
	}
	p[0x08] = 0xe5810000
	c := newCPU(t, p, thumbProg)
	var buf bytes.Buffer
	tr := New(c, &buf, 0, 0)
	c.SetHooks(tr.Hooks())
	c.Run(11)
	if err := tr.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		"1 00000000: e3a00005  mov r0, #5  r0=00000005",
		"2 00000004: e3a01a01  mov r1, #4096  r1=00001000",
		"3 00000008: e5810000  str r0, [r1]",
		"4 0000000c: ee103f10  mrc p15, 0, r3, c0, c0, {0}  r3=410fb767",
		"5 00000010: e3500005  cmp r0, #5  cpsr=600001d3",
		"6 00000014: e28f4029  add r4, pc, #41  r4=00000045",
		"7 00000018: e12fff14  bx r4  cpsr=600001f3  pc=00000044",
	}
	if len(lines) < len(want) {
		t.Fatalf("got %d lines:\n%s", len(lines), buf.String())
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d:\n got %q\nwant %q", i, lines[i], w)
		}
	}
	t.Logf("trace:\n%s", buf.String())
}

func TestTraceThumbAndException(t *testing.T) {
	p := map[uint32]uint32{0x00: 0xe3a04041, 0x04: 0xe12fff14, 0x08: 0xeafffffe} // mov r4,#0x41; bx r4; (svc vector) b .
	c := newCPU(t, p, thumbProg)
	var buf bytes.Buffer
	tr := New(c, &buf, 0, 0)
	c.SetHooks(tr.Hooks())
	c.Run(6)
	tr.Flush()
	out := buf.String()
	for _, w := range []string{
		"3 00000040: 2107  movs r1, #7  r1=00000007\n",
		"4 00000042: 1849  adds r1, r1, r1  r1=0000000e\n",
		"exception svc from 00000044 -> 00000008\n",
		"5 00000044: df01  svc #1",
		"6 00000008: eafffffe  b 0x8",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("trace lacks %q:\n%s", w, out)
		}
	}
}

func TestTraceRange(t *testing.T) {
	c := newCPU(t, prog, thumbProg)
	var buf bytes.Buffer
	lo, hi, err := ParseRange("0x8-0x10")
	if err != nil || lo != 8 || hi != 0x10 {
		t.Fatalf("ParseRange: %x %x %v", lo, hi, err)
	}
	tr := New(c, &buf, lo, hi)
	c.SetHooks(tr.Hooks())
	c.Run(7)
	tr.Flush()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "3 00000008:") || !strings.HasPrefix(lines[1], "4 0000000c:") {
		t.Errorf("range 8-10 traced:\n%s", buf.String())
	}
	for _, bad := range []string{"", "10", "10-8", "x-y", "0-200000000"} {
		if _, _, err := ParseRange(bad); err == nil {
			t.Errorf("ParseRange(%q) accepted", bad)
		}
	}
	if lo, hi, err := ParseRange("c0000000-100000000"); err != nil || lo != 0xc0000000 || hi != 0 {
		t.Errorf("top range: %x %x %v", lo, hi, err)
	}
}

func TestDisasmOwnDecoder(t *testing.T) {
	tests := []struct {
		op    uint32
		thumb bool
		want  string
	}{
		{0xee013f10, false, "mcr p15, 0, r3, c1, c0, {0}"},
		{0xec410f0e, false, "mcrr p15, 0, r0, r1, c14"},
		{0xf10c0080, false, "cpsid i"},
		{0xf1080040, false, "cpsie f"},
		{0xf102001f, false, "cps #31"},
		{0xf96d0513, false, "srsdb sp!, #19"},
		{0xf8bd0a00, false, "rfeia sp!"},
		{0xe129f000, false, "msr cpsr_cf, r0"},
		{0xe16ff001, false, "msr spsr_cxsf, r1"},
		{0xe321f0d3, false, "msr cpsr_c, #0xd3"},
		{0xe8fd8000, false, "ldmia sp!, {pc}^"},
		{0xe8cd0003, false, "stmia sp, {r0, r1}^"},
		{0xecbd8b04, false, "vldmia sp!, {d8-d9}"},
		{0xed2d0a02, false, "vstmdb sp!, {s0-s1}"},
		{0xed910b02, false, "vldr d0, [r1, #8]"},
		{0xed118e01, false, "ldc p14, c8, [r1, #-4]"},
		{0xee300a01, false, "vadd.f32 s0, s0, s2"},
		{0xeb000002, false, "bl 0x1010"},
		{0x1a000000, false, "bne 0x1008"},
		{0xb500, true, "push {lr}"},
		{0xbd10, true, "pop {r4, pc}"},
		{0x4770, true, "bx lr"},
		{0x4801, true, "ldr r0, [pc, #4] ; 0x1008"},
		{0xd0fe, true, "beq 0x1000"},
		{0xe7fe, true, "b 0x1000"},
		{0xf000, true, "bl.prefix lr = 0x1004"},
		{0xf802, true, "bl.suffix lr+0x4"},
		{0xb672, true, "cpsid i"},
		{0x6848, true, "ldr r0, [r1, #4]"},
		{0xba08, true, "rev r0, r1"},
		{0xde00, true, ".short 0xde00"},
	}
	for _, tc := range tests {
		if got := Disasm(tc.op, 0x1000, tc.thumb); got != tc.want {
			t.Errorf("%#x (thumb %v): got %q, want %q", tc.op, tc.thumb, got, tc.want)
		}
	}
}
