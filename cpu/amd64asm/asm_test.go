package amd64asm

// Every instruction form of asm.go, checked against the decoder of
// golang.org/x/arch/x86/x86asm: each form is emitted over every register
// (REX-extended R8-R15 included) and over memory operands with every base
// (RSP and R12 need a SIB byte, RBP and R13 a displacement even when it is
// zero), indexes and scales, and zero, small, negative and large
// displacements; the decoded instruction must have the emitted length and
// the Intel-syntax text the operands call for.

import (
	"fmt"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

var regs64 = [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

func rn(r Reg, size int) string {
	n := regs64[r]
	switch size {
	case 64:
		return n
	case 32:
		if r >= R8 {
			return n + "d"
		}
		return "e" + n[1:]
	case 16:
		if r >= R8 {
			return n + "w"
		}
		return n[1:]
	}
	if r >= R8 {
		return n + "b"
	}
	return [8]string{"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"}[r]
}

func hex(v int64) string {
	if v < 0 {
		return fmt.Sprintf("-0x%x", -v)
	}
	return fmt.Sprintf("0x%x", v)
}

func mem(m Mem, size int) string {
	ptr := map[int]string{8: "byte ptr ", 16: "word ptr ", 32: "dword ptr ", 64: "qword ptr ", 0: "ptr "}[size]
	s := "[" + regs64[m.Base]
	if m.Index != NoReg {
		s += "+"
		if m.Scale > 1 {
			s += fmt.Sprintf("%d*", m.Scale)
		}
		s += regs64[m.Index]
	}
	// x86asm prints an 8-bit displacement signed, a 32-bit one as an
	// unsigned number.
	switch {
	case m.Disp > 0:
		s += "+" + hex(int64(m.Disp))
	case m.Disp < -128:
		s += "+" + hex(int64(uint32(m.Disp)))
	case m.Disp < 0:
		s += hex(int64(m.Disp))
	}
	return ptr + s + "]"
}

var allRegs = []Reg{RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15}

// mems are memory operands covering every base, SIB forms and
// displacement sizes.
func mems() []Mem {
	var ms []Mem
	for _, b := range allRegs {
		for _, d := range []int32{0, 1, -8, 127, 128, -128, -129, 0x1234, -0x80000000, 0x7FFFFFFF} {
			ms = append(ms, M(b, d))
		}
		for _, x := range []Reg{RAX, RCX, RBP, R9, R12, R13, R15} {
			for _, s := range []uint8{1, 2, 4, 8} {
				ms = append(ms, MI(b, x, s, 0), MI(b, x, s, -4), MI(b, x, s, 0x1000))
			}
		}
	}
	return ms
}

var aluNames = [8]string{"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"}
var shiftNames = map[Shift]string{ROL: "rol", ROR: "ror", RCL: "rcl", RCR: "rcr", SHL: "shl", SHR: "shr", SAR: "sar"}
var condNames = map[Cond]string{CO: "o", CNO: "no", CB: "b", CAE: "nb", CE: "z", CNE: "nz", CBE: "be", CA: "nbe",
	CS: "s", CNS: "ns", CL: "l", CGE: "nl", CLE: "le", CG: "nle"}

type form struct {
	emit func(a *Asm)
	want string
}

func check(t *testing.T, f form) {
	t.Helper()
	a := Asm{}
	f.emit(&a)
	in, err := x86asm.Decode(a.B, 64)
	if err != nil {
		t.Errorf("% x: %v (want %s)", a.B, err, f.want)
		return
	}
	got := x86asm.IntelSyntax(in, 0, nil)
	if in.Len != len(a.B) || got != f.want {
		t.Errorf("% x decodes as %q (%d bytes), want %q (%d bytes)", a.B, got, in.Len, f.want, len(a.B))
	}
}

func TestRegisterForms(t *testing.T) {
	var fs []form
	add := func(e func(a *Asm), format string, args ...any) {
		fs = append(fs, form{e, fmt.Sprintf(format, args...)})
	}
	for _, d := range allRegs {
		for _, s := range allRegs {
			add(func(a *Asm) { a.MovRR32(d, s) }, "mov %s, %s", rn(d, 32), rn(s, 32))
			add(func(a *Asm) { a.MovRR64(d, s) }, "mov %s, %s", rn(d, 64), rn(s, 64))
			add(func(a *Asm) { a.MovzxBR(d, s) }, "movzx %s, %s", rn(d, 32), rn(s, 8))
			add(func(a *Asm) { a.MovzxWR(d, s) }, "movzx %s, %s", rn(d, 32), rn(s, 16))
			add(func(a *Asm) { a.MovsxBR(d, s) }, "movsx %s, %s", rn(d, 32), rn(s, 8))
			add(func(a *Asm) { a.MovsxWR(d, s) }, "movsx %s, %s", rn(d, 32), rn(s, 16))
			add(func(a *Asm) { a.Movsxd(d, s) }, "movsxd %s, %s", rn(d, 64), rn(s, 32))
			for op := ADD; op <= CMP; op++ {
				add(func(a *Asm) { a.AluRR32(op, d, s) }, "%s %s, %s", aluNames[op], rn(d, 32), rn(s, 32))
				add(func(a *Asm) { a.AluRR64(op, d, s) }, "%s %s, %s", aluNames[op], rn(d, 64), rn(s, 64))
			}
			add(func(a *Asm) { a.TestRR32(d, s) }, "test %s, %s", rn(d, 32), rn(s, 32))
			add(func(a *Asm) { a.TestRR64(d, s) }, "test %s, %s", rn(d, 64), rn(s, 64))
			add(func(a *Asm) { a.Imul32(d, s) }, "imul %s, %s", rn(d, 32), rn(s, 32))
			add(func(a *Asm) { a.Imul64(d, s) }, "imul %s, %s", rn(d, 64), rn(s, 64))
			add(func(a *Asm) { a.Bsr32(d, s) }, "bsr %s, %s", rn(d, 32), rn(s, 32))
			for c, n := range condNames {
				add(func(a *Asm) { a.Cmov32(c, d, s) }, "cmov%s %s, %s", n, rn(d, 32), rn(s, 32))
			}
		}
		r := d
		for _, v := range []uint32{1, 0x7F, 0x80, 0xFFFFFFFF, 0x80000000, 0x12345678} {
			want := hex(int64(int32(v)))
			if v == 0 {
				want = ""
			}
			add(func(a *Asm) { a.MovRI32Keep(r, v) }, "mov %s, %s", rn(r, 32), want)
			add(func(a *Asm) { a.MovRI32(r, v) }, "mov %s, %s", rn(r, 32), want)
			add(func(a *Asm) { a.TestRI32(r, v) }, "test %s, %s", rn(r, 32), want)
		}
		add(func(a *Asm) { a.MovRI32(r, 0) }, "xor %s, %s", rn(r, 32), rn(r, 32))
		for _, v := range []uint64{0, 1, 0x123456789, 0x7FFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF} {
			add(func(a *Asm) { a.MovRI64(r, v) }, "mov %s, %s", rn(r, 64), hex(int64(v)))
		}
		for op := ADD; op <= CMP; op++ {
			for _, v := range []int32{0, 1, -1, 127, -128, 128, -129, 0x7FFFFFFF, -0x80000000, -4096} {
				add(func(a *Asm) { a.AluRI32(op, r, v) }, "%s %s, %s", aluNames[op], rn(r, 32), hex(int64(v)))
				add(func(a *Asm) { a.AluRI64(op, r, v) }, "%s %s, %s", aluNames[op], rn(r, 64), hex(int64(v)))
			}
		}
		for s, n := range shiftNames {
			for _, k := range []uint8{1, 2, 12, 31} {
				add(func(a *Asm) { a.ShiftRI32(s, r, k) }, "%s %s, %s", n, rn(r, 32), hex(int64(k)))
			}
			for _, k := range []uint8{1, 32, 63} {
				add(func(a *Asm) { a.ShiftRI64(s, r, k) }, "%s %s, %s", n, rn(r, 64), hex(int64(k)))
			}
			add(func(a *Asm) { a.ShiftRCL32(s, r) }, "%s %s, cl", n, rn(r, 32))
			add(func(a *Asm) { a.ShiftRCL64(s, r) }, "%s %s, cl", n, rn(r, 64))
		}
		add(func(a *Asm) { a.Not32(r) }, "not %s", rn(r, 32))
		add(func(a *Asm) { a.Neg32(r) }, "neg %s", rn(r, 32))
		add(func(a *Asm) { a.Bswap32(r) }, "bswap %s", rn(r, 32))
		add(func(a *Asm) { a.BtRI32(r, 31) }, "bt %s, 0x1f", rn(r, 32))
		add(func(a *Asm) { a.JmpR(r) }, "jmp %s", rn(r, 64))
		for c, n := range condNames {
			add(func(a *Asm) { a.SetccR(c, r) }, "set%s %s", n, rn(r, 8))
		}
	}
	add(func(a *Asm) { a.Cmc() }, "cmc")
	add(func(a *Asm) { a.Ret() }, "ret")
	add(func(a *Asm) { a.Int3() }, "int3")
	for _, f := range fs {
		check(t, f)
	}
	t.Logf("%d register forms", len(fs))
}

func TestMemoryForms(t *testing.T) {
	var fs []form
	add := func(e func(a *Asm), format string, args ...any) {
		fs = append(fs, form{e, fmt.Sprintf(format, args...)})
	}
	for i, m := range mems() {
		// Two registers per operand: over all operands, every register
		// meets every base, index and displacement size.
		for _, r := range []Reg{allRegs[i%16], allRegs[(i/16+5)%16]} {
			add(func(a *Asm) { a.Load32(r, m) }, "mov %s, %s", rn(r, 32), mem(m, 32))
			add(func(a *Asm) { a.Load64(r, m) }, "mov %s, %s", rn(r, 64), mem(m, 64))
			add(func(a *Asm) { a.Store32(m, r) }, "mov %s, %s", mem(m, 32), rn(r, 32))
			add(func(a *Asm) { a.Store64(m, r) }, "mov %s, %s", mem(m, 64), rn(r, 64))
			add(func(a *Asm) { a.Store16(m, r) }, "mov %s, %s", mem(m, 16), rn(r, 16))
			add(func(a *Asm) { a.Store8(m, r) }, "mov %s, %s", mem(m, 8), rn(r, 8))
			add(func(a *Asm) { a.MovzxB8(r, m) }, "movzx %s, %s", rn(r, 32), mem(m, 8))
			add(func(a *Asm) { a.MovzxW16(r, m) }, "movzx %s, %s", rn(r, 32), mem(m, 16))
			add(func(a *Asm) { a.MovsxB8(r, m) }, "movsx %s, %s", rn(r, 32), mem(m, 8))
			add(func(a *Asm) { a.MovsxW16(r, m) }, "movsx %s, %s", rn(r, 32), mem(m, 16))
			add(func(a *Asm) { a.CmpRM8(r, m) }, "cmp %s, %s", rn(r, 8), mem(m, 8))
			add(func(a *Asm) { a.Lea32(r, m) }, "lea %s, %s", rn(r, 32), mem(m, 0))
			add(func(a *Asm) { a.Lea64(r, m) }, "lea %s, %s", rn(r, 64), mem(m, 0))
			for _, op := range []Alu{ADD, SUB, CMP, AND, OR, XOR, ADC, SBB} {
				add(func(a *Asm) { a.AluRM32(op, r, m) }, "%s %s, %s", aluNames[op], rn(r, 32), mem(m, 32))
				add(func(a *Asm) { a.AluMR32(op, m, r) }, "%s %s, %s", aluNames[op], mem(m, 32), rn(r, 32))
				add(func(a *Asm) { a.AluRM64(op, r, m) }, "%s %s, %s", aluNames[op], rn(r, 64), mem(m, 64))
			}
		}
		for _, v := range []uint32{0, 1, 0x80, 0xFFFFFFFF, 0x12345678} {
			add(func(a *Asm) { a.StoreImm32(m, v) }, "mov %s, %s", mem(m, 32), hex(int64(int32(v))))
		}
		for _, v := range []uint8{0, 1, 0x7F, 0x80, 0xFF} {
			add(func(a *Asm) { a.StoreImm8(m, v) }, "mov %s, %s", mem(m, 8), hex(int64(v)))
			add(func(a *Asm) { a.CmpMI8(m, v) }, "cmp %s, %s", mem(m, 8), hex(int64(v)))
			add(func(a *Asm) { a.TestMI8(m, v) }, "test %s, %s", mem(m, 8), hex(int64(v)))
		}
		for op := ADD; op <= CMP; op++ {
			for _, v := range []int32{0, 1, -1, 127, -128, 128, -129, 0x7FFFFFFF, -0x80000000} {
				add(func(a *Asm) { a.AluMI32(op, m, v) }, "%s %s, %s", aluNames[op], mem(m, 32), hex(int64(v)))
				add(func(a *Asm) { a.AluMI64(op, m, v) }, "%s %s, %s", aluNames[op], mem(m, 64), hex(int64(v)))
			}
		}
		add(func(a *Asm) { a.BtMI32(m, 7) }, "bt %s, 0x7", mem(m, 32))
		for c, n := range condNames {
			add(func(a *Asm) { a.SetccM(c, m) }, "set%s %s", n, mem(m, 8))
		}
	}
	for _, f := range fs {
		check(t, f)
	}
	t.Logf("%d memory forms", len(fs))
}

func TestJumps(t *testing.T) {
	for c, n := range condNames {
		// A forward label, bound after 16 bytes of padding, and a
		// backward one.
		a := Asm{}
		fwd, back := a.NewLabel(), a.NewLabel()
		a.Bind(back)
		a.Jcc(c, fwd)
		a.B = append(a.B, make([]byte, 16)...)
		a.Bind(fwd)
		a.Jcc(c, back)
		for _, at := range []struct {
			off  int
			want string
		}{{0, "j" + n + " .+0x10"}, {22, "j" + n + " .-0x1c"}} {
			in, err := x86asm.Decode(a.B[at.off:], 64)
			if got := x86asm.IntelSyntax(in, 0, nil); err != nil || got != at.want || in.Len != 6 {
				t.Errorf("% x: %q, want %q", a.B[at.off:at.off+6], got, at.want)
			}
		}
	}
	a := Asm{Org: 0x10000}
	l := a.NewLabel()
	a.Jmp(l)
	a.Bind(l)
	a.JmpTo(0x10000)
	a.JccTo(CE, 0x20000)
	for _, at := range []struct {
		off  int
		want string
	}{{0, "jmp .+0x0"}, {5, "jmp .-0xa"}, {10, "jz .+0xfff0"}} {
		in, err := x86asm.Decode(a.B[at.off:], 64)
		if got := x86asm.IntelSyntax(in, 0, nil); err != nil || got != at.want {
			t.Errorf("at %d: %q, want %q", at.off, got, at.want)
		}
	}
	if a.Len() != 16 {
		t.Errorf("length %d", a.Len())
	}
}
