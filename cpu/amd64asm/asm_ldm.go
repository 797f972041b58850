package amd64asm

// Forms used by the JIT's block transfers, multiplies and extends
// (cpu/arm/jit_ldm_amd64.go, jit_misc_amd64.go). Encodings: Intel SDM
// volume 2, IMUL (0F AF /r) and MOVSXD (REX.W 63 /r).

// Imul32M is imul dst32, dword [m] (low 32 bits of the product).
func (a *Asm) Imul32M(dst Reg, m Mem) { a.opM(false, []byte{0x0F, 0xAF}, dst, m, false) }

// Imul64M is imul dst, qword [m] (low 64 bits of the product).
func (a *Asm) Imul64M(dst Reg, m Mem) { a.opM(true, []byte{0x0F, 0xAF}, dst, m, false) }
