package arm

import "testing"

func TestARMDataProcessing(t *testing.T) {
	R := func(kv ...uint32) map[int]uint32 {
		m := map[int]uint32{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[int(kv[i])] = kv[i+1]
		}
		return m
	}
	cases := []aisaCase{
		{name: "adds overflow", op: 0xe0910002, in: R(1, 0x7FFFFFFF, 2, 1), want: R(0, 0x80000000), wantF: "NzcVq"},
		{name: "adds carry zero", op: 0xe0910002, in: R(1, 0xFFFFFFFF, 2, 1), want: R(0, 0), wantF: "nZCvq"},
		{name: "adcs", op: 0xe0b10002, in: R(1, 1, 2, 2), flags: "nzCvq", want: R(0, 4), wantF: "nzcvq"},
		{name: "adcs carry chain", op: 0xe0b10002, in: R(1, 0xFFFFFFFF, 2, 0), flags: "nzCvq", want: R(0, 0), wantF: "nZCvq"},
		{name: "subs equal", op: 0xe0510002, in: R(1, 5, 2, 5), want: R(0, 0), wantF: "nZCvq"},
		{name: "subs overflow", op: 0xe0510002, in: R(1, 0x80000000, 2, 1), want: R(0, 0x7FFFFFFF), wantF: "nzCVq"},
		{name: "sbcs borrow in", op: 0xe0d10002, in: R(1, 5, 2, 3), want: R(0, 1), wantF: "nzCvq"},
		{name: "rsbs", op: 0xe0710002, in: R(1, 3, 2, 1), want: R(0, 0xFFFFFFFE), wantF: "Nzcvq"},
		{name: "rscs", op: 0xe0f10002, in: R(1, 1, 2, 1), flags: "nzCvq", want: R(0, 0), wantF: "nZCvq"},
		{name: "cmp", op: 0xe1510002, in: R(0, 77, 1, 1, 2, 2), want: R(0, 77), wantF: "Nzcvq"},
		{name: "cmn", op: 0xe1710002, in: R(1, 0x80000000, 2, 0x80000000), want: R(0, 0), wantF: "nZCVq"},
		{name: "tst keeps C V", op: 0xe1110002, in: R(1, 0xF0, 2, 0x0F), flags: "nzCVq", wantF: "nZCVq"},
		{name: "teq", op: 0xe1310002, in: R(1, 0x80000000, 2, 0), flags: "nzcVQ", wantF: "NzcVQ"},
		{name: "ands rotated imm C", op: 0xe21104ff, in: R(1, 0xFFFFFFFF), want: R(0, 0xFF000000), wantF: "NzCvq"},
		{name: "ands unrotated imm keeps C", op: 0xe21100ff, in: R(1, 0x100), flags: "nzCvq", want: R(0, 0), wantF: "nZCvq"},
		{name: "lsls #1", op: 0xe1b00081, in: R(1, 0x80000001), want: R(0, 2), wantF: "nzCvq"},
		{name: "lsrs #32", op: 0xe1b00021, in: R(1, 0x80000000), want: R(0, 0), wantF: "nZCvq"},
		{name: "asrs #32", op: 0xe1b00041, in: R(1, 0x80000000), want: R(0, 0xFFFFFFFF), wantF: "NzCvq"},
		{name: "rrxs", op: 0xe1b00061, in: R(1, 3), flags: "nzCvq", want: R(0, 0x80000001), wantF: "NzCvq"},
		{name: "rors #4", op: 0xe1b00261, in: R(1, 0xF), want: R(0, 0xF0000000), wantF: "NzCvq"},
		{name: "lsls reg 32", op: 0xe1b00211, in: R(1, 1, 2, 32), want: R(0, 0), wantF: "nZCvq"},
		{name: "lsls reg 33", op: 0xe1b00211, in: R(1, 1, 2, 33), flags: "nzCvq", want: R(0, 0), wantF: "nZcvq"},
		{name: "lsls reg 0 keeps C", op: 0xe1b00211, in: R(1, 5, 2, 0x100), flags: "nzCvq", want: R(0, 5), wantF: "nzCvq"},
		{name: "lsrs reg 32", op: 0xe1b00231, in: R(1, 0x80000000, 2, 32), want: R(0, 0), wantF: "nZCvq"},
		{name: "lsrs reg 33", op: 0xe1b00231, in: R(1, 0x80000000, 2, 33), want: R(0, 0), wantF: "nZcvq"},
		{name: "asrs reg 40", op: 0xe1b00251, in: R(1, 0x80000000, 2, 40), want: R(0, 0xFFFFFFFF), wantF: "NzCvq"},
		{name: "rors reg 32", op: 0xe1b00271, in: R(1, 0x80000001, 2, 32), want: R(0, 0x80000001), wantF: "NzCvq"},
		{name: "rors reg 36", op: 0xe1b00271, in: R(1, 0x80000001, 2, 36), flags: "nzCvq", want: R(0, 0x18000000), wantF: "nzcvq"},
		{name: "add pc operand", op: 0xe28f0004, want: R(0, aisaCode+12)},
		{name: "add reg pc", op: 0xe081000f, in: R(1, 1), want: R(0, aisaCode+9)},
		{name: "mvn", op: 0xe3e00000, want: R(0, 0xFFFFFFFF)},
		{name: "bics lsl #4", op: 0xe1d10202, in: R(1, 0xFF, 2, 0x1F), flags: "nzCvq", want: R(0, 0x0F), wantF: "nzcvq"},
		{name: "orr asr reg", op: 0xe1810352, in: R(1, 1, 2, 0x80000000, 3, 4), want: R(0, 0xF8000001)},
		{name: "eor", op: 0xe0210002, in: R(1, 0xFF00FF00, 2, 0x0FF00FF0), want: R(0, 0xF0F0F0F0)},
		{name: "add lsl reg", op: 0xe0810312, in: R(1, 1, 2, 1, 3, 3), want: R(0, 9)},
		{name: "rsb", op: 0xe2610000, in: R(1, 5), want: R(0, 0xFFFFFFFB)},
		{name: "adc", op: 0xe0a10002, in: R(1, 1, 2, 2), flags: "nzCvq", want: R(0, 4), wantF: "nzCvq"},
		{name: "mov pc aligns", op: 0xe1a0f001, in: R(1, 0x2003), pc: 0x2000},
		{name: "add pc pc 8", op: 0xe28ff008, pc: aisaCode + 16},
		{name: "cond fail", op: 0x00910002, in: R(0, 9, 1, 1, 2, 2), want: R(0, 9), wantF: "nzcvq"},
		{name: "cond pass", op: 0x10910002, in: R(0, 9, 1, 1, 2, 2), want: R(0, 3), wantF: "nzcvq"},
	}
	aisaRunCases(t, cases)
}

func TestARMDataProcessingExceptionReturn(t *testing.T) {
	// movs pc, lr in SVC with SPSR = User, flags NZ.
	c, _ := aisaNew(0xe1b0f00e)
	c.R[14] = 0x3000
	c.setSPSR(0xC0000010)
	c.R[13] = 0x1111 // SVC SP
	c.Step()
	if c.Mode() != ModeUSR || c.PC() != 0x3000 || !c.N || !c.Z || c.C {
		t.Fatalf("movs pc,lr: mode %#x pc %#x flags %s", c.Mode(), c.PC(), aisaFlags(c))
	}
	if c.R[13] != 0 || c.bankSP[bankOf(ModeSVC)] != 0x1111 {
		t.Fatalf("banking: usr sp %#x svc sp %#x", c.R[13], c.bankSP[bankOf(ModeSVC)])
	}
	// subs pc, lr, #4 from IRQ mode into Thumb SVC code.
	c, _ = aisaNew(0xe25ef004)
	c.setCPSR(ModeIRQ | psrI)
	c.R[14] = 0x2007
	c.setSPSR(ModeSVC | psrT)
	c.Step()
	if c.Mode() != ModeSVC || !c.T || c.PC() != 0x2002 {
		t.Fatalf("subs pc,lr,#4: mode %#x T %v pc %#x", c.Mode(), c.T, c.PC())
	}
	// movs pc, lr in User mode is UNDEF (as QEMU).
	c, _ = aisaNew(0xe1b0f00e)
	c.setCPSR(ModeUSR)
	c.R[14] = 0x3000
	c.Step()
	if c.Mode() != ModeUND || c.PC() != 4 || c.R[14] != aisaCode+4 || c.SPSROf(ModeUND) != ModeUSR {
		t.Fatalf("user movs pc: mode %#x pc %#x lr %#x", c.Mode(), c.PC(), c.R[14])
	}
}
