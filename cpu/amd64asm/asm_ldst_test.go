package amd64asm

import (
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// TestLdStForms checks, against x86asm's decoder, the forms the ARM JIT's
// load/store translator (cpu/arm/jit_ldst_amd64.go) emits: the soft-TLB
// lookup with R13 as a SIB base (whose zero displacement needs a disp8),
// host accesses of every size through [base+index], the extra-byte REX of
// byte stores, and the shifts of scaled register offsets.
func TestLdStForms(t *testing.T) {
	for _, tc := range []struct {
		emit func(a *Asm)
		want string
	}{
		{func(a *Asm) { a.AluRM32(CMP, RDI, MI(R13, RAX, 1, 0)) }, "cmp edi, dword ptr [r13+rax]"},
		{func(a *Asm) { a.AluRM32(CMP, RDI, MI(R13, RAX, 1, 0x6000)) }, "cmp edi, dword ptr [r13+rax+0x6000]"},
		{func(a *Asm) { a.Load64(RSI, MI(R13, RAX, 1, 8)) }, "mov rsi, qword ptr [r13+rax+0x8]"},
		{func(a *Asm) { a.Load32(R8, MI(RSI, RCX, 1, 0)) }, "mov r8d, dword ptr [rsi+rcx]"},
		{func(a *Asm) { a.Load32(R9, MI(RSI, RCX, 1, 4)) }, "mov r9d, dword ptr [rsi+rcx+0x4]"},
		{func(a *Asm) { a.MovzxW16(R8, MI(RSI, RCX, 1, 0)) }, "movzx r8d, word ptr [rsi+rcx]"},
		{func(a *Asm) { a.MovsxW16(R8, MI(RSI, RCX, 1, 0)) }, "movsx r8d, word ptr [rsi+rcx]"},
		{func(a *Asm) { a.MovzxB8(R8, MI(RSI, RCX, 1, 0)) }, "movzx r8d, byte ptr [rsi+rcx]"},
		{func(a *Asm) { a.MovsxB8(R8, MI(RSI, RCX, 1, 0)) }, "movsx r8d, byte ptr [rsi+rcx]"},
		{func(a *Asm) { a.Store32(MI(RSI, RCX, 1, 0), R8) }, "mov dword ptr [rsi+rcx], r8d"},
		{func(a *Asm) { a.Store32(MI(RSI, RCX, 1, 4), R9) }, "mov dword ptr [rsi+rcx+0x4], r9d"},
		{func(a *Asm) { a.Store16(MI(RSI, RCX, 1, 0), R8) }, "mov word ptr [rsi+rcx], r8w"},
		{func(a *Asm) { a.Store8(MI(RSI, RCX, 1, 0), R8) }, "mov byte ptr [rsi+rcx], r8b"},
		{func(a *Asm) { a.Lea32(RCX, MI(RCX, RDX, 1, 0)) }, "lea ecx, ptr [rcx+rdx]"},
		{func(a *Asm) { a.Lea32(RDX, M(RCX, -4095)) }, "lea edx, ptr [rcx+0xfffff001]"},
		{func(a *Asm) { a.AluRI32(AND, RDI, ^0xFFC) }, "and edi, -0xffd"},
		{func(a *Asm) { a.AluRI32(AND, RAX, 0x1FF<<5) }, "and eax, 0x3fe0"},
		{func(a *Asm) { a.ShiftRI32(RCR, RDX, 1) }, "rcr edx, 0x1"},
		{func(a *Asm) { a.ShiftRI32(ROR, RDX, 7) }, "ror edx, 0x7"},
		{func(a *Asm) { a.ShiftRI32(SAR, RDX, 31) }, "sar edx, 0x1f"},
		{func(a *Asm) { a.BtRI32(RAX, 0) }, "bt eax, 0x0"},
		{func(a *Asm) { a.Neg32(RDX) }, "neg edx"},
	} {
		var a Asm
		tc.emit(&a)
		inst, err := x86asm.Decode(a.B, 64)
		if err != nil {
			t.Errorf("%x (want %q): %v", a.B, tc.want, err)
			continue
		}
		if inst.Len != len(a.B) {
			t.Errorf("%x (want %q): decoded %d of %d bytes", a.B, tc.want, inst.Len, len(a.B))
		}
		if got := x86asm.IntelSyntax(inst, 0, nil); got != tc.want {
			t.Errorf("%x: %q, want %q", a.B, got, tc.want)
		}
	}
}
