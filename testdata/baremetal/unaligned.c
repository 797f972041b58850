/*
 * unaligned: ARMv6 unaligned access support (DDI 0100I A2.8 and appendix
 * G, ARM1176JZF-S TRM 4.2-4.4): SCTLR.U=1 unaligned LDR/STR/LDRH,
 * U=0 A=0 legacy rotated LDR, A=1 alignment faults, SETEND BE data
 * accesses (CPSR.E) and REV/REV16/REVSH.
 */
#include "rt.h"

u32 ldr_at(u32), ldrh_at(u32);
void str_at(u32, u32), strh_at(u32, u32);
u32 ldr_be(u32), ldrh_be(u32), cpsr_in_be(void);
void str_be(u32, u32), rev_ops(u32, u32 *);

#define D DATA_AREA

static void init(void)
{
	wr32(D + 0, 0x03020100);
	wr32(D + 4, 0x07060504);
	wr32(D + 8, 0x0b0a0908);
}

static __attribute__((unused)) u32 ror(u32 v, int n) { return (v >> n) | (v << (32 - n)); }

int main(void)
{
	u32 c;
	init();
	set_sctlr((get_sctlr() & ~SCTLR_A) | SCTLR_U);
	c = last.count;
	check_eq("u1_ldr_plus1", ldr_at(D + 1), 0x04030201);
	check_eq("u1_ldr_plus2", ldr_at(D + 2), 0x05040302);
	check_eq("u1_ldr_plus3", ldr_at(D + 3), 0x06050403);
	check_eq("u1_ldrh_odd", ldrh_at(D + 3), 0x0403);
	check_eq("u1_ldrh_cross", ldrh_at(D + 7), 0x0807);
	str_at(D + 5, 0xddccbbaa);
	check_eq("u1_str_lo", rd32(D + 4), 0xccbbaa04);
	check_eq("u1_str_hi", rd32(D + 8), 0x0b0a09dd);
	strh_at(D + 3, 0x2211);
	check_eq("u1_strh", rd32(D + 0), 0x11020100);
	check_eq("u1_strh_hi", rd32(D + 4), 0xccbbaa22);
	check_eq("u1_no_abort", last.count, c);

	init();
	set_sctlr(get_sctlr() & ~(SCTLR_U | SCTLR_A));
#ifndef PLAT_QEMU	/* QEMU does not model SCTLR.U=0 rotation */
	check_eq("u0_ldr_rot8", ldr_at(D + 1), ror(0x03020100, 8));
	check_eq("u0_ldr_rot16", ldr_at(D + 2), ror(0x03020100, 16));
	check_eq("u0_ldr_rot24", ldr_at(D + 7), ror(0x07060504, 24));
#endif
	check_eq("u0_no_abort", last.count, c);

	set_sctlr(get_sctlr() | SCTLR_U | SCTLR_A);
	c = last.count;
	check_eq("a1_ldr_value", ldr_at(D + 1), 0xdead);
	check_eq("a1_ldr_abort", last.count, c + 1);
	check_eq("a1_ldr_dfsr", last.dfsr & 0x40f, 1);
	check_eq("a1_ldr_dfar", last.dfar, D + 1);
	check_eq("a1_ldrh_value", ldrh_at(D + 3), 0xdead);
	check_eq("a1_ldrh_dfsr", last.dfsr & 0x40f, 1);
	check_eq("a1_ldrh_aligned_ok", ldrh_at(D + 2), 0x0302);
	check_eq("a1_abort_count", last.count, c + 2);
	set_sctlr((get_sctlr() & ~SCTLR_A) | SCTLR_U);

	check_eq("setend_e_bit", (cpsr_in_be() >> 9) & 1, 1);
	check_eq("setend_le_again", (get_cpsr() >> 9) & 1, 0);
	check_eq("be_ldr", ldr_be(D), 0x00010203);
	check_eq("be_ldrh", ldrh_be(D + 2), 0x0203);
	check_eq("be_ldr_unaligned", ldr_be(D + 1), 0x01020304);
	str_be(D + 8, 0x11223344);
	check_eq("be_str", rd32(D + 8), 0x44332211);
	check_eq("be_byte0", *(volatile u8 *)(D + 8), 0x11);

	u32 o[3];
	rev_ops(0x11228384, o);
	check_eq("rev", o[0], 0x84832211);
	check_eq("rev16", o[1], 0x22118483);
	check_eq("revsh", o[2], 0xffff8483);
	rev_ops(0x00001234, o);
	check_eq("revsh_pos", o[2], 0x3412);
	return finish("unaligned");
}
