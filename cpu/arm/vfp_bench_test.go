package arm

import "testing"

// BenchmarkVFPLoop runs an ARM loop of VFP arithmetic, a load/store pair,
// a compare with FMSTAT and the loop branch (10 instructions per
// iteration) through Run; it reports MIPS.
func BenchmarkVFPLoop(b *testing.B) {
	c, _ := vtNew(
		vtD(vtFMAC, 0, 1, 2),
		vtS(vtFADD, 8, 9, 10),
		vtS(vtFMUL, 11, 12, 13),
		vtD(vtFDIV, 3, 4, 5),
		vtS(0xED900A00|3<<16, 14, 0, 0),   // flds s14, [r3]
		vtS(0xED800A00|3<<16, 14, 0, 0)|1, // fsts s14, [r3, #4]
		vtD(vtFCMP, 0, 0, 1),
		vtFMSTAT,
		0xE2511001, // subs r1, r1, #1
		0x1AFFFFF5, // bne loop
		0xEAFFFFFE, // b .
	)
	c.R[1] = 0xFFFFFFFF
	c.R[3] = vtData
	c.vfp.setD(1, vtF64(1.0000001))
	c.vfp.setD(2, vtF64(1e-9))
	c.vfp.setD(4, vtF64(3))
	c.vfp.setD(5, vtF64(7))
	c.vfp.s[9], c.vfp.s[10], c.vfp.s[12], c.vfp.s[13] = vtF32(1.5), vtF32(0.25), vtF32(1.0001), vtF32(0.9999)
	b.ResetTimer()
	n := c.Run(uint64(b.N))
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "MIPS")
	if testing.AllocsPerRun(1, func() { c.Run(1000) }) != 0 {
		b.Error("Run allocates")
	}
}
