//go:build amd64

package arm

import "testing"

func TestJITDiffMisc(t *testing.T) {
	n := 1000 * jitDiffScale()
	jitDiffBlocks(t, jitClasses(t, "mul-mla", "mul-long", "dp-imm"), n, 31)
	jitDiffBlocks(t, jitClasses(t, "extend", "clz", "rev", "dp-imm"), n, 32)
	jitDiffBlocks(t, jitClasses(t, "mul-mla", "mul-long", "extend", "clz", "rev", "umaal", "media-undef-space", "dp-imm"), n, 33)
}

// Hand-picked operands: zero and sign edges, RdLo == RdHi, flags kept.
func TestJITMiscEdges(t *testing.T) {
	jitPairMem(t, 40, map[int]uint32{0: 0, 1: 0x80000000, 2: 0xFFFFFFFF, 3: 0x12345678, 4: 1, 5: 0xFF80},
		0xe3b06000, // movs r6, #0 (Z set, C kept)
		0xe0170291, // muls r7, r1, r2
		0xe0988291, // umulls r8, r8, r1, r2 (RdLo == RdHi)
		0xe0d9a291, // smulls r10, r9, r1, r2
		0xe0f9a392, // smlals r10, r9, r2, r3
		0xe16fbf10, // clz r11, r0
		0xe16fcf11, // clz r12, r1
		0xe6bfef33, // rev lr, r3
		0xe6bf0fb3, // rev16 r0, r3
		0xe6ff1fb5, // revsh r1, r5
		0xe6af2475, // sxtb r2, r5, ror #8
		0xe6b34c75, // sxtah r4, r3, r5, ror #24
		0xe0355294, // mlas r5, r4, r2, r5
		0xeafffffe, // b .
	)
}
