package amd64asm

import (
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// decodeOne decodes b as one 64-bit instruction in Intel syntax and checks
// that it uses all of b.
func decodeOne(t *testing.T, b []byte) string {
	t.Helper()
	in, err := x86asm.Decode(b, 64)
	if err != nil {
		t.Fatalf("% x: %v", b, err)
	}
	if in.Len != len(b) {
		t.Fatalf("% x: decoded %d of %d bytes (%s)", b, in.Len, len(b), x86asm.IntelSyntax(in, 0, nil))
	}
	return x86asm.IntelSyntax(in, 0, nil)
}

func TestLdmForms(t *testing.T) {
	cases := []struct {
		emit func(a *Asm)
		want string
	}{
		{func(a *Asm) { a.Imul32M(RAX, M(RBX, 0x40)) }, "imul eax, dword ptr [rbx+0x40]"},
		{func(a *Asm) { a.Imul32M(R9, M(R13, 0)) }, "imul r9d, dword ptr [r13]"},
		{func(a *Asm) { a.Imul32M(RCX, M(RBX, 0x1000)) }, "imul ecx, dword ptr [rbx+0x1000]"},
		{func(a *Asm) { a.Imul64M(RAX, M(RBX, 8)) }, "imul rax, qword ptr [rbx+0x8]"},
		{func(a *Asm) { a.Imul64M(R10, MI(R13, RAX, 1, 0)) }, "imul r10, qword ptr [r13+rax]"},
		{func(a *Asm) { a.MovsxdM(RAX, M(RBX, 0x3c)) }, "movsxd rax, dword ptr [rbx+0x3c]"},
		{func(a *Asm) { a.MovsxdM(R11, M(RSI, -4)) }, "movsxd r11, dword ptr [rsi-0x4]"},
		{func(a *Asm) { a.MovsxdM(RCX, MI(R12, R9, 4, 0x10)) }, "movsxd rcx, dword ptr [r12+4*r9+0x10]"},
	}
	for _, c := range cases {
		var a Asm
		c.emit(&a)
		if got := decodeOne(t, a.B); got != c.want {
			t.Errorf("% x: %q, want %q", a.B, got, c.want)
		}
	}
}
