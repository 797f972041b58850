package arm

import "testing"

func TestARMStatusRegisters(t *testing.T) {
	R := aisaR
	aisaRunCases(t, []aisaCase{
		{name: "mrs cpsr", op: 0xe10f0000, flags: "NzcvQ", want: R(0, 0x880001D3)},
		{name: "msr cpsr_fc reg", op: 0xe129f001, in: R(1, 0x6000001F), wantF: "nZCvq",
			check: func(c *CPU) string { return aisaIf(c.Mode() != ModeSYS || c.I || c.F || !c.A, "mode/masks") }},
		{name: "msr cpsr_f imm", op: 0xe328f20f, wantF: "NZCVq"},
		{name: "msr cpsr_c imm", op: 0xe321f01f,
			check: func(c *CPU) string { return aisaIf(c.Mode() != ModeSYS || c.I || c.F, "mode") }},
		{name: "msr spsr", op: 0xe16ff002, in: R(2, 0xF00F01D0),
			check: func(c *CPU) string { return aisaIf(c.SPSROf(ModeSVC) != 0xF00F01D0, "spsr") }},
		{name: "mrs spsr", op: 0xe14f0000, setup: func(c *CPU) { c.setSPSR(0x12345678) }, want: R(0, 0x12345678)},
		{name: "msr cpsr user ignores control", op: 0xe129f001, in: R(1, 0x6000001F), wantF: "nZCvq",
			setup: func(c *CPU) { c.setCPSR(ModeUSR) },
			check: func(c *CPU) string { return aisaIf(c.Mode() != ModeUSR || c.I, "user changed control") }},
		{name: "msr cpsr invalid mode", op: 0xe321f005,
			check: func(c *CPU) string { return aisaIf(c.Mode() != ModeSVC, "invalid mode accepted") }},
		{name: "cpsie i", op: 0xf1080080, check: func(c *CPU) string { return aisaIf(c.I || !c.F || !c.A, "masks") }},
		{name: "cpsid if", op: 0xf10c00c0, setup: func(c *CPU) { c.I, c.F = false, false },
			check: func(c *CPU) string { return aisaIf(!c.I || !c.F, "masks") }},
		{name: "cps #19", op: 0xf1020013, setup: func(c *CPU) { c.setCPSR(ModeSYS) },
			check: func(c *CPU) string { return aisaIf(c.Mode() != ModeSVC, "mode") }},
		{name: "cpsid aif #31", op: 0xf10e01df, setup: func(c *CPU) { c.A, c.I, c.F = false, false, false },
			check: func(c *CPU) string { return aisaIf(c.Mode() != ModeSYS || !c.A || !c.I || !c.F, "mode/masks") }},
		{name: "cps in user is nop", op: 0xf1080080, setup: func(c *CPU) { c.setCPSR(ModeUSR | psrI) },
			check: func(c *CPU) string { return aisaIf(!c.I, "user changed I") }},
		{name: "setend be", op: 0xf1010200, check: func(c *CPU) string { return aisaIf(!c.E, "E") }},
		{name: "setend le", op: 0xf1010000, setup: func(c *CPU) { c.setE(true) },
			check: func(c *CPU) string { return aisaIf(c.E, "E") }},
		{name: "nop", op: 0xe320f000},
		{name: "yield", op: 0xe320f001},
		{name: "sev", op: 0xe320f004, check: func(c *CPU) string { return aisaIf(!c.event, "event") }},
		{name: "wfe with event", op: 0xe320f002, setup: func(c *CPU) { c.event = true },
			check: func(c *CPU) string { return aisaIf(c.event || c.halted, "event/halted") }},
		{name: "wfe without event", op: 0xe320f002, check: func(c *CPU) string { return aisaIf(!c.halted, "not halted") }},
		{name: "wfi", op: 0xe320f003, check: func(c *CPU) string { return aisaIf(!c.halted, "not halted") }},
		{name: "pld imm", op: 0xf5d0f004},
		{name: "pld reg", op: 0xf7d0f001},
		{name: "clrex", op: 0xf57ff01f, setup: func(c *CPU) { c.excl.valid = true },
			check: func(c *CPU) string { return aisaIf(c.excl.valid, "monitor open") }},
		{name: "msr hint dbg is nop", op: 0xe320f0f0},
		{name: "cpsie aif non-secure keeps A F", op: 0xf10801c0,
			setup: func(c *CPU) { c.cp15.scr = scrNS },
			check: func(c *CPU) string { return aisaIf(!c.A || c.I || !c.F, "A/F changed in NS") }},
		{name: "cpsie aif non-secure AW FW", op: 0xf10801c0,
			setup: func(c *CPU) { c.cp15.scr = scrNS | scrAWBit | scrFWBit },
			check: func(c *CPU) string { return aisaIf(c.A || c.I || c.F, "masks") }},
		{name: "msr cpsr_xc non-secure keeps A F", op: 0xe123f001, in: R(1, 0x1F),
			setup: func(c *CPU) { c.cp15.scr = scrNS },
			check: func(c *CPU) string { return aisaIf(!c.A || c.I || !c.F || c.Mode() != ModeSYS, "A/F changed in NS") }},
	})
	c, _ := aisaNew(0xe14f0000)
	c.setCPSR(ModeUSR)
	c.Step()
	if c.Mode() != ModeUND {
		t.Errorf("mrs spsr in user mode: mode %#x", c.Mode())
	}
	c, _ = aisaNew(0xe16ff002)
	c.setCPSR(ModeUSR)
	c.Step()
	if c.Mode() != ModeUND {
		t.Errorf("msr spsr in user mode: mode %#x", c.Mode())
	}
}

func TestARMSRSRFE(t *testing.T) {
	// srsdb sp!, #0x13 from IRQ mode: LR_irq and SPSR_irq onto SVC's stack.
	c, b := aisaNew(0xf96d0513)
	c.R[13] = 0x8100 // SVC SP
	c.setCPSR(ModeIRQ | psrI)
	c.R[14] = 0x4444
	c.setSPSR(0x60000010)
	c.Step()
	if b.w32(0x80F8) != 0x4444 || b.w32(0x80FC) != 0x60000010 || c.bankSP[bankOf(ModeSVC)] != 0x80F8 || c.Mode() != ModeIRQ {
		t.Fatalf("srs: mem %#x %#x svc sp %#x", b.w32(0x80F8), b.w32(0x80FC), c.bankSP[bankOf(ModeSVC)])
	}
	// rfeia r0!
	c, b = aisaNew(0xf8b00a00)
	c.R[0] = 0x8000
	b.put32(0x8000, 0x5001)
	b.put32(0x8004, ModeUSR|psrT|psrN)
	c.Step()
	if c.Mode() != ModeUSR || !c.T || !c.N || c.PC() != 0x5000 || c.bankSP[0] != 0 {
		t.Fatalf("rfe: mode %#x T %v pc %#x", c.Mode(), c.T, c.PC())
	}
	c.setMode(ModeSVC)
	if c.R[0] != 0x8008 {
		t.Fatalf("rfe writeback: r0 %#x", c.R[0])
	}
	// RFE and SRS are UNDEF in User mode.
	for _, op := range []uint32{0xf8b00a00, 0xf96d0513} {
		c, _ = aisaNew(op)
		c.setCPSR(ModeUSR)
		c.Step()
		if c.Mode() != ModeUND {
			t.Errorf("%08x in user mode: mode %#x", op, c.Mode())
		}
	}
}
