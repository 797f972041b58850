package arm

import "testing"

func TestARMBranches(t *testing.T) {
	R := func(kv ...uint32) map[int]uint32 {
		m := map[int]uint32{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[int(kv[i])] = kv[i+1]
		}
		return m
	}
	aisaRunCases(t, []aisaCase{
		{name: "b forward", op: 0xea00003e, pc: aisaCode + 0x100},
		{name: "bl backward", op: 0xebfffffc, in: R(14, 7), want: R(14, aisaCode+4), pc: aisaCode - 8},
		{name: "b not taken", op: 0x0a00003e, want: R(14, 0)},
		{name: "bx arm", op: 0xe12fff11, in: R(1, 0x2000), pc: 0x2000},
	})
	c, _ := aisaNew(0xfb00003e) // blx +0x102
	c.Step()
	if !c.T || c.PC() != aisaCode+0x102 || c.R[14] != aisaCode+4 {
		t.Fatalf("blx imm: T %v pc %#x lr %#x", c.T, c.PC(), c.R[14])
	}
	c, _ = aisaNew(0xe12fff11) // bx r1
	c.R[1] = 0x2001
	c.Step()
	if !c.T || c.PC() != 0x2000 {
		t.Fatalf("bx thumb: T %v pc %#x", c.T, c.PC())
	}
	c, _ = aisaNew(0xe12fff32) // blx r2
	c.R[2] = 0x3001
	c.Step()
	if !c.T || c.PC() != 0x3000 || c.R[14] != aisaCode+4 {
		t.Fatalf("blx reg: T %v pc %#x lr %#x", c.T, c.PC(), c.R[14])
	}
	c, _ = aisaNew(0xe12fff3e) // blx lr: target read before LR is written
	c.R[14] = 0x4000
	c.Step()
	if c.T || c.PC() != 0x4000 || c.R[14] != aisaCode+4 {
		t.Fatalf("blx lr: T %v pc %#x lr %#x", c.T, c.PC(), c.R[14])
	}
	c, _ = aisaNew(0xe12fff23) // bxj r3 = bx
	c.R[3] = 0x5001
	c.Step()
	if !c.T || c.PC() != 0x5000 {
		t.Fatalf("bxj: T %v pc %#x", c.T, c.PC())
	}
}

func TestARMExceptionInstructions(t *testing.T) {
	c, _ := aisaNew(0xef000012) // svc from User
	c.setCPSR(ModeUSR | psrC)
	c.Step()
	if c.Mode() != ModeSVC || c.PC() != 8 || c.R[14] != aisaCode+4 || c.SPSROf(ModeSVC) != ModeUSR|psrC || !c.I {
		t.Fatalf("svc: mode %#x pc %#x lr %#x spsr %#x", c.Mode(), c.PC(), c.R[14], c.SPSROf(ModeSVC))
	}
	c, _ = aisaNew(0xe1200374) // bkpt: prefetch abort
	c.Step()
	if c.Mode() != ModeABT || c.PC() != 0xC || c.R[14] != aisaCode+4 {
		t.Fatalf("bkpt: mode %#x pc %#x lr %#x", c.Mode(), c.PC(), c.R[14])
	}
	c, _ = aisaNew(0xe1600070) // smc from secure SVC
	c.Step()
	if c.Mode() != ModeMON || c.PC() != 8 || c.R[14] != aisaCode+4 {
		t.Fatalf("smc: mode %#x pc %#x lr %#x", c.Mode(), c.PC(), c.R[14])
	}
	c, _ = aisaNew(0xe1600070) // smc from User: UNDEF
	c.setCPSR(ModeUSR)
	c.Step()
	if c.Mode() != ModeUND {
		t.Fatalf("smc user: mode %#x", c.Mode())
	}
}

func TestARMUndefined(t *testing.T) {
	undef := []struct {
		name string
		op   uint32
	}{
		{"udf", 0xe7f000f0},
		{"udf max", 0xe7ffffff},
		{"movw", 0xe3001234},
		{"movt", 0xe3401234},
		{"mls", 0xe0632190},
		{"bfc", 0xe7df001f},
		{"bfi", 0xe7df0011},
		{"ubfx", 0xe7e10052},
		{"sbfx", 0xe7a10052},
		{"rbit", 0xe6ff0f31},
		{"ldrd p=0 w=1", 0xe0e100d2},
		{"strd p=0 w=1", 0xe0e100f2},
		{"dmb", 0xf57ff05f},
		{"dsb", 0xf57ff04f},
		{"isb", 0xf57ff06f},
		{"pli", 0xf4d0f004},
		{"pldw", 0xf590f004},
		{"sdiv", 0xe710f211},
		{"udiv", 0xe730f211},
		{"eret", 0xe160006e},
		{"hvc", 0xe1400070},
		{"crc32b", 0xe1010042},
		{"lda", 0xe1910c9f},
		{"stl", 0xe180fc91},
		{"ldrd odd", 0xe1c110d0},
		{"strd odd", 0xe1c110f0},
		{"ldrexd odd", 0xe1b01f9f},
		{"umaal s", 0xe0510392},
		{"tst rd!=0", 0xe1110002 | 0xF000},
		{"mov rn!=0", 0xe1a10002},
		{"ldm empty", 0xe8900000},
		{"ldm rn=pc", 0xe89f0003},
		{"stm user wb", 0xe8e00003},
		{"ldm user wb", 0xe8f00003},
		{"parallel pre 0", 0xe6012f11},
		{"parallel op 5", 0xe6112fb1},
		{"swp bad sbz", 0xe1012192 | 0x100},
		{"mrs sbz", 0xe10f0001},
		{"cdp2", 0xfe000000},
		{"uncond junk", 0xf0000000},
		{"blx? cond junk", 0xf1200000},
		{"msr imm rd!=15", 0xe3281000 | 0xF},
	}
	for _, u := range undef {
		if !aisaIsUndef(u.op) {
			t.Errorf("%s (%08x) did not UNDEF", u.name, u.op)
		}
	}
}

// TestARMProgram runs a small program through the block execution loop:
// recursive Fibonacci with BL/PUSH/POP {pc}, a byte-store loop with a
// conditional branch, LDREX/STREX and SMULL, ending with SVC.
func TestARMProgram(t *testing.T) {
	prog := []uint32{
		0xe3a0000a, 0xeb00000c, 0xe1a04000, 0xe3a01902, 0xe3a02000, 0xe3a03010, 0xe7c13003, 0xe2533001,
		0x5afffffc, 0xe5915004, 0xe1916f9f, 0xe2866001, 0xe1817f96, 0xe0c98595, 0xef000000, 0xe92d4030,
		0xe3500002, 0xba000006, 0xe1a04000, 0xe2440001, 0xebfffff9, 0xe1a05000, 0xe2440002, 0xebfffff6,
		0xe0800005, 0xe8bd8030,
	}
	c, b := aisaNew(prog...)
	b.put32(8, 0xeafffffe) // SVC vector: b .
	clear(b.mem[0x8000:0x8020])
	c.R[13] = 0x80000
	c.Run(100000)
	if c.Mode() != ModeSVC || c.PC() != 8 || c.SPSROf(ModeSVC)&0x1F != ModeSVC {
		t.Fatalf("did not reach the SVC vector: mode %#x pc %#x", c.Mode(), c.PC())
	}
	sq := uint64(int64(0x07060504) * int64(0x07060504))
	want := map[int]uint32{0: 55, 4: 55, 5: 0x07060504, 6: 0x03020101, 7: 0, 8: uint32(sq), 9: uint32(sq >> 32), 13: 0x80000}
	for r, v := range want {
		if c.R[r] != v {
			t.Errorf("r%d = %#x, want %#x", r, c.R[r], v)
		}
	}
	if b.w32(0x8000) != 0x03020101 || b.w32(0x800C) != 0x0F0E0D0C || b.mem[0x8010] != 16 {
		t.Errorf("memory: %#x %#x %#x", b.w32(0x8000), b.w32(0x800C), b.mem[0x8010])
	}
}
