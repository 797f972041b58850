package amd64asm

import (
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// TestDPForms decodes every form of asm_dp.go with x86asm and compares
// the Intel-syntax text.
func TestDPForms(t *testing.T) {
	m := M(RBX, 0x40)
	cases := []struct {
		emit func(a *Asm)
		want string
	}{
		{func(a *Asm) { a.TestMI32(m, 0x80000001) }, "test dword ptr [rbx+0x40], -0x7fffffff"},
		{func(a *Asm) { a.TestMI32(M(R13, 0), 1) }, "test dword ptr [r13], 0x1"},
		{func(a *Asm) { a.TestMR32(m, RDX) }, "test dword ptr [rbx+0x40], edx"},
		{func(a *Asm) { a.TestMR32(M(RBX, 0x200), R9) }, "test dword ptr [rbx+0x200], r9d"},
		{func(a *Asm) { a.BtRI64(RDX, 32) }, "bt rdx, 0x20"},
		{func(a *Asm) { a.BtRI64(R10, 63) }, "bt r10, 0x3f"},
		{func(a *Asm) { a.MovsxdM(RDX, m) }, "movsxd rdx, dword ptr [rbx+0x40]"},
		{func(a *Asm) { a.MovsxdM(R8, M(R12, 4)) }, "movsxd r8, dword ptr [r12+0x4]"},
		// Existing forms in the combinations the DP translator relies on.
		{func(a *Asm) { a.ShiftRI32(RCR, RDX, 1) }, "rcr edx, 0x1"},
		{func(a *Asm) { a.ShiftRCL64(SHL, RDX) }, "shl rdx, cl"},
		{func(a *Asm) { a.ShiftRCL64(SAR, RDX) }, "sar rdx, cl"},
		{func(a *Asm) { a.ShiftRCL32(ROR, RDX) }, "ror edx, cl"},
		{func(a *Asm) { a.AluMR32(SBB, m, RDX) }, "sbb dword ptr [rbx+0x40], edx"},
		{func(a *Asm) { a.AluMI32(ADC, m, 0x1000) }, "adc dword ptr [rbx+0x40], 0x1000"},
		{func(a *Asm) { a.SetccM(CAE, M(RBX, 0x42)) }, "setnb byte ptr [rbx+0x42]"},
		{func(a *Asm) { a.SetccM(CO, M(RBX, 0x43)) }, "seto byte ptr [rbx+0x43]"},
		{func(a *Asm) { a.BtMI32(M(RBX, 0x42), 0) }, "bt dword ptr [rbx+0x42], 0x0"},
		{func(a *Asm) { a.CmpMI8(M(RBX, 0x42), 1) }, "cmp byte ptr [rbx+0x42], 0x1"},
		{func(a *Asm) { a.Cmov32(CA, RCX, RSI) }, "cmovnbe ecx, esi"},
		{func(a *Asm) { a.MovzxB8(RCX, m) }, "movzx ecx, byte ptr [rbx+0x40]"},
	}
	for _, c := range cases {
		var a Asm
		c.emit(&a)
		inst, err := x86asm.Decode(a.B, 64)
		if err != nil {
			t.Errorf("%x (%s): %v", a.B, c.want, err)
			continue
		}
		if inst.Len != len(a.B) {
			t.Errorf("%x (%s): decoded %d of %d bytes", a.B, c.want, inst.Len, len(a.B))
		}
		got := strings.ToLower(x86asm.IntelSyntax(inst, 0, nil))
		if got != c.want {
			t.Errorf("%x: got %q, want %q", a.B, got, c.want)
		}
	}
}
