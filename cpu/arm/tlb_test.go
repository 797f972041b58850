package arm

import "testing"

// tlbTestCPU maps, with the MMU on (XP=1) and tables at 0x4000:
// VA 0 (section, domain 0) -> PA 0; VA 0x00200000 (section, domain 0) ->
// PA 0; VA 0x00300000 through a coarse table at 0xC000 (domain 1) whose
// page 8 maps to PA 0x8000. DACR makes domains 0 and 1 clients.
func tlbTestCPU(t *testing.T) (*CPU, *aisaBus) {
	c, b := aisaNew()
	b.put32(0x4000+0*4, 0xC02)
	b.put32(0x4000+2*4, 0xC02)
	b.put32(0x4000+3*4, 0xC000|1<<5|1)
	b.put32(0xC000+8*4, 0x8000|3<<4|2)
	for _, r := range [][5]uint32{{0, 2, 0, 0, 0x4000}, {0, 3, 0, 0, 5}, {0, 1, 0, 0, sctlrResetValue | sctlrM | sctlrXP}} {
		if !c.SetCP15(r[0], r[1], r[2], r[3], r[4]) {
			t.Fatalf("SetCP15 %v", r)
		}
	}
	return c, b
}

func tlbRead(t *testing.T, c *CPU, va uint32) (uint32, uint32) {
	t.Helper()
	c.cp15.dfsr = 0
	v, ok := c.ld32(va)
	if !ok {
		return 0, c.cp15.dfsr
	}
	return v, 0
}

// A DACR write does not invalidate translations (a real TLB checks the
// domain on every access), yet the new domain permissions apply at once.
func TestTLBDACRSwitch(t *testing.T) {
	c, b := tlbTestCPU(t)
	if v, fsr := tlbRead(t, c, 0x00308000); fsr != 0 || v != b.w32(0x8000) {
		t.Fatalf("first read: %#x fsr %#x", v, fsr)
	}
	b.put32(0xC000+8*4, 0x9000|3<<4|2) // remap without maintenance
	c.SetCP15(0, 3, 0, 0, 1)           // domain 1: no access
	if _, fsr := tlbRead(t, c, 0x00308000); fsr != fsDomainPage|1<<fsrDomainShift {
		t.Fatalf("no-access domain: fsr %#x, want %#x", fsr, fsDomainPage|1<<fsrDomainShift)
	}
	c.SetCP15(0, 3, 0, 0, 5)
	if v, fsr := tlbRead(t, c, 0x00308000); fsr != 0 || v != b.w32(0x8000) {
		t.Fatalf("after DACR round trip: %#x fsr %#x, want the cached translation", v, fsr)
	}
	c.SetCP15(0, 8, 7, 1, 0x00308000) // invalidate by MVA
	if v, fsr := tlbRead(t, c, 0x00308000); fsr != 0 || v != b.w32(0x9000) {
		t.Fatalf("after TLBIMVA: %#x fsr %#x", v, fsr)
	}
	// Invalidate-all reaches the contexts of other DACR values too.
	c.SetCP15(0, 3, 0, 0, 0xD) // domain 1 manager: another context
	tlbRead(t, c, 0x00308000)
	c.SetCP15(0, 3, 0, 0, 5)
	b.put32(0xC000+8*4, 0x8000|3<<4|2)
	c.SetCP15(0, 8, 7, 0, 0)
	c.SetCP15(0, 3, 0, 0, 0xD)
	if v, fsr := tlbRead(t, c, 0x00308000); fsr != 0 || v != b.w32(0x8000) {
		t.Fatalf("after TLBIALL in another context: %#x fsr %#x", v, fsr)
	}
	// More DACR values than contexts: every one still translates right.
	for i := uint32(0); i < 3*tlbCtxN; i++ {
		c.SetCP15(0, 3, 0, 0, 5|i<<8)
		if v, fsr := tlbRead(t, c, 0x00308000); fsr != 0 || v != b.w32(0x8000) {
			t.Fatalf("DACR %#x: %#x fsr %#x", 5|i<<8, v, fsr)
		}
	}
}

// Invalidation by MVA drops a section's translations cached at any
// address inside it, and only the addressed small page.
func TestTLBInvalidateMVASection(t *testing.T) {
	c, b := tlbTestCPU(t)
	if _, fsr := tlbRead(t, c, 0x00208000); fsr != 0 {
		t.Fatalf("section read: fsr %#x", fsr)
	}
	tlbRead(t, c, 0x00308000)
	b.put32(0x4000+2*4, 0)
	b.put32(0xC000+8*4, 0)
	if _, fsr := tlbRead(t, c, 0x00208000); fsr != 0 {
		t.Fatalf("cached section read: fsr %#x", fsr)
	}
	c.SetCP15(0, 8, 7, 3, 0x00200004) // all ASIDs, another page of the section
	if _, fsr := tlbRead(t, c, 0x00208000); fsr != fsTransSection {
		t.Fatalf("after TLBIMVAA: fsr %#x, want %#x", fsr, fsTransSection)
	}
	if _, fsr := tlbRead(t, c, 0x00308000); fsr != 0 {
		t.Fatalf("small page dropped by another mapping's invalidation: fsr %#x", fsr)
	}
	c.SetCP15(0, 8, 7, 1, 0x00309000) // the next page: no effect
	if _, fsr := tlbRead(t, c, 0x00308000); fsr != 0 {
		t.Fatalf("small page dropped by a neighbour's invalidation: fsr %#x", fsr)
	}
	c.SetCP15(0, 8, 7, 1, 0x00308000)
	if _, fsr := tlbRead(t, c, 0x00308000); fsr != fsTransPage|1<<fsrDomainShift {
		t.Fatalf("after TLBIMVA: fsr %#x", fsr)
	}
}

// recTier records the code cache's callbacks.
type recTier struct {
	dropped []uint32
	changes int
}

func (r *recTier) codeDropped(pa uint32) { r.dropped = append(r.dropped, pa) }
func (r *recTier) translationsChanged()  { r.changes++ }

// The codeTier seam: a tier hears of code pages dropped by a store and of
// translation changes.
func TestCodeTierCallbacks(t *testing.T) {
	// mov r0, #0x2000; str r0, [r0]; b .
	c, b := aisaNew(0xE3A00A02, 0xE5800000, 0xEAFFFFFE)
	b.put32(0x2000, 0xE1A00000) // a decoded page to be overwritten
	rt := &recTier{}
	c.code.tiers = []codeTier{rt}
	c.codePageFor(0x2000, nil)
	c.Run(3)
	if len(rt.dropped) != 1 || rt.dropped[0] != 0x2000 {
		t.Errorf("codeDropped calls %#x, want [0x2000]", rt.dropped)
	}
	n := rt.changes
	c.SetCP15(0, 8, 7, 0, 0) // TLBIALL
	c.SetCP15(0, 3, 0, 0, 3) // DACR
	if rt.changes < n+2 {
		t.Errorf("translationsChanged called %d times for TLBIALL and a DACR write", rt.changes-n)
	}
}
