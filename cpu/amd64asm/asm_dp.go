package amd64asm

// Instruction forms used by the translation of ARM data-processing
// instructions (cpu/arm/jit_dp_amd64.go): tests against memory, 64-bit
// bit tests and sign-extending loads (Intel SDM vol. 2: TEST, BT, MOVSXD).

// TestMI32 is test dword [m], imm32.
func (a *Asm) TestMI32(m Mem, v uint32) {
	a.opM(false, []byte{0xF7}, 0, m, false)
	a.imm32(int32(v))
}

// TestMR32 is test dword [m], r32.
func (a *Asm) TestMR32(m Mem, r Reg) { a.opM(false, []byte{0x85}, r, m, false) }

// BtRI64 is bt r64, imm8 (CF = bit n, 0..63).
func (a *Asm) BtRI64(r Reg, n uint8) {
	a.opRR(true, []byte{0x0F, 0xBA}, 4, r, false)
	a.byte1(n)
}

// MovsxdM is movsxd dst, dword [m].
func (a *Asm) MovsxdM(dst Reg, m Mem) { a.opM(true, []byte{0x63}, dst, m, false) }
