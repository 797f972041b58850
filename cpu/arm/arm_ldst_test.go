package arm

import (
	"fmt"
	"testing"
)

// aisaR builds a register map from pairs.
func aisaR(kv ...uint32) map[int]uint32 {
	m := map[int]uint32{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[int(kv[i])] = kv[i+1]
	}
	return m
}

func aisaM(kv ...uint32) map[uint32]uint32 {
	m := map[uint32]uint32{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestARMLoadStore(t *testing.T) {
	R, M := aisaR, aisaM
	aisaRunCases(t, []aisaCase{
		{name: "ldr imm", op: 0xe5910004, in: R(1, 0x8000), want: R(0, 0x07060504, 1, 0x8000)},
		{name: "ldr pre wb", op: 0xe5310004, in: R(1, 0x8008), want: R(0, 0x07060504, 1, 0x8004)},
		{name: "ldr post", op: 0xe4910004, in: R(1, 0x8000), want: R(0, 0x03020100, 1, 0x8004)},
		{name: "ldr scaled reg", op: 0xe7910102, in: R(1, 0x8000, 2, 2), want: R(0, 0x0B0A0908)},
		{name: "ldr post neg asr", op: 0xe61100c2, in: R(1, 0x8010, 2, 8), want: R(0, 0x13121110, 1, 0x800C)},
		{name: "str pre wb", op: 0xe5a10004, in: R(0, 0xDEADBEEF, 1, 0x8000), want: R(1, 0x8004), wantM: M(0x8004, 0xDEADBEEF)},
		{name: "strb", op: 0xe5c10001, in: R(0, 0x1234, 1, 0x8000), wantM: M(0x8000, 0x03023400)},
		{name: "ldrb neg", op: 0xe5510001, in: R(1, 0x8081), want: R(0, 0x80)},
		{name: "ldr pc arm", op: 0xe591f000, in: R(1, 0x8000), mem: M(0x8000, 0x2000), pc: 0x2000},
		{name: "ldr pc thumb", op: 0xe591f000, in: R(1, 0x8000), mem: M(0x8000, 0x2001), pc: 0x2000,
			check: func(c *CPU) string { return aisaIf(!c.T, "not thumb") }},
		{name: "ldr rt=rn post: load wins", op: 0xe4911004, in: R(1, 0x8000), want: R(1, 0x03020100)},
		{name: "str rt=rn post: old value", op: 0xe4811004, in: R(1, 0x8000), want: R(1, 0x8004), wantM: M(0x8000, 0x8000)},
		{name: "ldrt", op: 0xe4b10004, in: R(1, 0x8000), want: R(0, 0x03020100, 1, 0x8004)},
		{name: "strbt", op: 0xe4e10001, in: R(0, 0xAA, 1, 0x8000), want: R(1, 0x8001), wantM: M(0x8000, 0x030201AA)},
		{name: "ldrh", op: 0xe1d100b2, in: R(1, 0x8000), want: R(0, 0x0302)},
		{name: "ldrsh pre wb", op: 0xe1f100f2, in: R(1, 0x8080), want: R(0, 0xFFFF8382, 1, 0x8082)},
		{name: "ldrsb post", op: 0xe05100d1, in: R(1, 0x80F0), want: R(0, 0xFFFFFFF0, 1, 0x80EF)},
		{name: "strh reg", op: 0xe18100b2, in: R(0, 0xABCD, 1, 0x8000, 2, 4), wantM: M(0x8004, 0x0706ABCD)},
		{name: "ldrd", op: 0xe1c120d8, in: R(1, 0x8000), want: R(2, 0x0B0A0908, 3, 0x0F0E0D0C)},
		{name: "strd pre wb", op: 0xe16120f8, in: R(1, 0x8010, 2, 1, 3, 2), want: R(1, 0x8008), wantM: M(0x8008, 1, 0x800C, 2)},
		{name: "ldrh neg reg", op: 0xe11100b2, in: R(1, 0x8010, 2, 2), want: R(0, 0x0F0E)},
		{name: "push", op: 0xe92d4003, in: R(0, 1, 1, 2, 13, 0x8100, 14, 3), want: R(13, 0x80F4), wantM: M(0x80F4, 1, 0x80F8, 2, 0x80FC, 3)},
		{name: "pop pc thumb", op: 0xe8bd8003, in: R(13, 0x8100), mem: M(0x8100, 10, 0x8104, 20, 0x8108, 0x2001),
			want: R(0, 10, 1, 20, 13, 0x810C), pc: 0x2000, check: func(c *CPU) string { return aisaIf(!c.T, "not thumb") }},
		{name: "ldmia wb base in list", op: 0xe8b00003, in: R(0, 0x8000), want: R(0, 0x03020100, 1, 0x07060504)},
		{name: "stmia wb base in list", op: 0xe8a00003, in: R(0, 0x8000, 1, 5), want: R(0, 0x8008), wantM: M(0x8000, 0x8000, 0x8004, 5)},
		{name: "stmib", op: 0xe981000c, in: R(1, 0x8000, 2, 7, 3, 8), want: R(1, 0x8000), wantM: M(0x8004, 7, 0x8008, 8)},
		{name: "ldmda", op: 0xe811000c, in: R(1, 0x8008), want: R(1, 0x8008, 2, 0x07060504, 3, 0x0B0A0908)},
		{name: "ldmdb wb", op: 0xe931000c, in: R(1, 0x8008), want: R(1, 0x8000, 2, 0x03020100, 3, 0x07060504)},
		{name: "stmda wb pc", op: 0xe8218004, in: R(1, 0x8008, 2, 7), want: R(1, 0x8000), wantM: M(0x8004, 7, 0x8008, aisaCode+8)},
		{name: "swp", op: 0xe1020091, in: R(1, 9, 2, 0x8000), want: R(0, 0x03020100), wantM: M(0x8000, 9)},
		{name: "swpb", op: 0xe1420091, in: R(1, 0x1FF, 2, 0x8001), want: R(0, 1), wantM: M(0x8000, 0x0302FF00)},
		{name: "ldr pc-relative", op: 0xe51f0004, mem: M(aisaCode+4, 0x11223344), want: R(0, 0x11223344)},
		{name: "str pc", op: 0xe581f000, in: R(1, 0x8000), wantM: M(0x8000, aisaCode+8)},
		{name: "ldr unaligned legacy rotates", op: 0xe5910000, in: R(1, 0x8001), want: R(0, 0x00030201)},
		{name: "ldr unaligned U=1", op: 0xe5910000, in: R(1, 0x8001), want: R(0, 0x04030201),
			setup: func(c *CPU) { c.cp15.sctlr |= sctlrU; c.mmu.update(c) }},
		{name: "str unaligned U=1", op: 0xe5810000, in: R(0, 0xAABBCCDD, 1, 0x8002), wantM: M(0x8000, 0xCCDD0100, 0x8004, 0x0706AABB),
			setup: func(c *CPU) { c.cp15.sctlr |= sctlrU; c.mmu.update(c) }},
		{name: "ldrh unaligned legacy", op: 0xe1d100b0, in: R(1, 0x8001), want: R(0, 0x0100)},
		{name: "ldr big-endian", op: 0xe5910000, in: R(1, 0x8000), want: R(0, 0x00010203),
			setup: func(c *CPU) { c.setE(true) }},
		{name: "ldrh big-endian", op: 0xe1d100b0, in: R(1, 0x8000), want: R(0, 0x0001),
			setup: func(c *CPU) { c.setE(true) }},
		{name: "str big-endian", op: 0xe5810000, in: R(0, 0x11223344, 1, 0x8000), wantM: M(0x8000, 0x44332211),
			setup: func(c *CPU) { c.setE(true) }},
		{name: "ldrht (QEMU: executes)", op: 0xe0f100b2, in: R(1, 0x8010), want: R(0, 0x1110, 1, 0x8012)},
		{name: "ldrsbt", op: 0xe0f100d2, in: R(1, 0x8080), want: R(0, 0xFFFFFF80, 1, 0x8082)},
		{name: "strht", op: 0xe0e100b2, in: R(0, 0xBEEF, 1, 0x8000), want: R(1, 0x8002), wantM: M(0x8000, 0x0302BEEF)},
		{name: "ldm user bank", op: 0xe8d06000, in: R(0, 0x8000, 13, 0x111, 14, 0x222), want: R(13, 0x111, 14, 0x222),
			check: func(c *CPU) string {
				return aisaIf(c.bankSP[0] != 0x03020100 || c.bankLR[0] != 0x07060504, fmt.Sprintf("user sp/lr %#x %#x", c.bankSP[0], c.bankLR[0]))
			}},
	})
}

func aisaIf(bad bool, msg string) string {
	if bad {
		return msg
	}
	return ""
}

func TestARMBlockUserAndExcReturn(t *testing.T) {
	// stm r0, {r8, sp, lr}^ from FIQ mode stores the User registers.
	c, b := aisaNew(0xe8c06100)
	c.setCPSR(ModeSYS)
	c.R[8] = 0x88
	c.R[13], c.R[14] = 0xD, 0xE
	c.setCPSR(ModeFIQ | psrI | psrF)
	c.R[8], c.R[13], c.R[14] = 0xF8, 0xFD, 0xFE
	c.R[0] = 0x8000
	c.Step()
	if b.w32(0x8000) != 0x88 || b.w32(0x8004) != 0xD || b.w32(0x8008) != 0xE {
		t.Fatalf("stm ^: %#x %#x %#x", b.w32(0x8000), b.w32(0x8004), b.w32(0x8008))
	}
	// ldmia sp!, {r0, pc}^ from IRQ mode returns to Thumb User code.
	c, b = aisaNew(0xe8fd8001)
	c.setCPSR(ModeIRQ | psrI)
	c.R[13] = 0x8100
	b.put32(0x8100, 0x42)
	b.put32(0x8104, 0x3001)
	c.setSPSR(ModeUSR | psrT | psrZ)
	c.Step()
	if c.Mode() != ModeUSR || !c.T || !c.Z || c.PC() != 0x3000 || c.R[0] != 0x42 || c.bankSP[bankOf(ModeIRQ)] != 0x8108 {
		t.Fatalf("ldm ^ pc: mode %#x T %v pc %#x r0 %#x irq sp %#x", c.Mode(), c.T, c.PC(), c.R[0], c.bankSP[bankOf(ModeIRQ)])
	}
	// User-bank LDM in User mode is UNDEF.
	c, _ = aisaNew(0xe8d06000)
	c.setCPSR(ModeUSR)
	c.Step()
	if c.Mode() != ModeUND {
		t.Fatalf("ldm ^ in user: mode %#x", c.Mode())
	}
}

func TestARMLoadStoreAborts(t *testing.T) {
	check := func(name string, c *CPU, regs map[int]uint32) {
		t.Helper()
		if c.Mode() != ModeABT || c.PC() != 0x10 || c.R[14] != aisaCode+8 {
			t.Errorf("%s: no data abort: mode %#x pc %#x lr %#x", name, c.Mode(), c.PC(), c.R[14])
		}
		c.setMode(ModeSVC)
		for r, v := range regs {
			if c.R[r] != v {
				t.Errorf("%s: r%d=%#x want %#x (base-restored)", name, r, c.R[r], v)
			}
		}
	}
	// External abort beyond RAM; post-indexed base not written back.
	c, _ := aisaNew(0xe4910004)
	c.R[1] = 0x200000
	c.Step()
	check("ldr post", c, map[int]uint32{0: 0, 1: 0x200000})
	// LDM whose second word aborts: nothing written.
	c, _ = aisaNew(0xe8b00003)
	c.R[0], c.R[1] = aisaRAMSize-4, 0x77
	c.Step()
	check("ldm", c, map[int]uint32{0: aisaRAMSize - 4, 1: 0x77})
	// Alignment fault with SCTLR.A.
	c, _ = aisaNew(0xe5b10000) // ldr r0, [r1, #0]!
	c.cp15.sctlr |= sctlrA
	c.mmu.update(c)
	c.R[1] = 0x8001
	c.Step()
	check("ldr align", c, map[int]uint32{0: 0, 1: 0x8001})
	// LDM at an unaligned base faults when SCTLR.U is set.
	c, _ = aisaNew(0xe8b00003)
	c.cp15.sctlr |= sctlrU
	c.mmu.update(c)
	c.R[0] = 0x8002
	c.Step()
	check("ldm unaligned", c, map[int]uint32{0: 0x8002})
	// STRD whose address is beyond RAM.
	c, _ = aisaNew(0xe16120f8)
	c.R[1] = aisaRAMSize + 8
	c.Step()
	check("strd", c, map[int]uint32{1: aisaRAMSize + 8})
}

func TestARMExclusives(t *testing.T) {
	// ldrex r0,[r1]; strex r2,r0,[r1]; strex r2,r0,[r1] (second fails)
	c, b := aisaNew(0xe1910f9f, 0xe2800001, 0xe1812f90, 0xe1812f90)
	c.R[1] = 0x8000
	for i := 0; i < 3; i++ {
		c.Step()
	}
	if c.R[0] != 0x03020101 || c.R[2] != 0 || b.w32(0x8000) != 0x03020101 {
		t.Fatalf("strex success: r0 %#x r2 %#x mem %#x", c.R[0], c.R[2], b.w32(0x8000))
	}
	c.Step()
	if c.R[2] != 1 {
		t.Fatalf("second strex: r2 %#x", c.R[2])
	}
	// clrex between ldrex and strex makes strex fail.
	c, b = aisaNew(0xe1d10f9f, 0xf57ff01f, 0xe1e12f90)
	c.R[1] = 0x8000
	c.R[0] = 0xBEEF
	c.Step()
	c.Step()
	c.Step()
	if c.R[0] != 0 || c.R[2] != 1 || b.w32(0x8000) != 0x03020100 {
		t.Fatalf("clrex: r0 %#x r2 %#x mem %#x", c.R[0], c.R[2], b.w32(0x8000))
	}
	// ldrexd/strexd
	c, b = aisaNew(0xe1b14f9f, 0xe1a12f94)
	c.R[1] = 0x8008
	c.Step()
	if c.R[4] != 0x0B0A0908 || c.R[5] != 0x0F0E0D0C {
		t.Fatalf("ldrexd: %#x %#x", c.R[4], c.R[5])
	}
	c.R[4], c.R[5] = 1, 2
	c.Step()
	if c.R[2] != 0 || b.w32(0x8008) != 1 || b.w32(0x800C) != 2 {
		t.Fatalf("strexd: r2 %#x mem %#x %#x", c.R[2], b.w32(0x8008), b.w32(0x800C))
	}
	// strexh to a different address than the monitor fails.
	c, _ = aisaNew(0xe1910f9f, 0xe1e12f90)
	c.R[1] = 0x8000
	c.Step()
	c.R[1] = 0x8004
	c.Step()
	if c.R[2] != 1 {
		t.Fatalf("strexh other address: r2 %#x", c.R[2])
	}
}
