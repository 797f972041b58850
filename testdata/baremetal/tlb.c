/*
 * tlb: ASID-tagged (non-global) and global translations, CONTEXTIDR, and
 * TLB maintenance by ASID / MVA / all (DDI 0100I B4.7/B4.9.? TLB
 * functions; ARM1176JZF-S TRM 3.2.?? c8 TLB operations, 6.7 ASIDs).
 * Whether a stale entry is still used after a table change without a TLB
 * operation is implementation defined, so only post-invalidate results
 * are checked.
 */
#include "rt.h"

u32 ldr_at(u32);

static u32 *const l1 = (u32 *)L1_TABLE;
static u32 *const l1b = (u32 *)L1_TABLE2;
#define PA_A DATA_AREA
#define PA_B 0x00600000
#define VA_NG 0x50000000
#define VA_G  0x51000000

static void sw(u32 asid, u32 *tbl)
{
	/* ASID first, then TTBR0 (ARM1176 TRM 6.7 example sequence) */
	set_contextidr(asid);
	set_ttbr0((u32)tbl);
	isb();
}

int main(void)
{
	wr32(PA_A, PA_A);
	wr32(PA_A + 0x400, PA_A + 0x400);
	wr32(PA_B, PA_B);
	mmu_flat(l1);
	mmu_flat(l1b);
	map_section(l1, VA_NG, PA_A, SEC_AP(0, 3) | SEC_NG);
	map_section(l1b, VA_NG, PA_B, SEC_AP(0, 3) | SEC_NG);
	map_section(l1, VA_G, PA_A, SEC_AP(0, 3));
	map_section(l1b, VA_G, PA_A, SEC_AP(0, 3));
	set_contextidr(1);
	mmu_on(l1, 0);

	u32 v;
	asm volatile("mrc p15, 0, %0, c13, c0, 1" : "=r"(v));
	check_eq("contextidr_read", v, 1);
	check_eq("asid1_ng", ldr_at(VA_NG), PA_A);
	check_eq("asid1_global", ldr_at(VA_G + 0x400), PA_A + 0x400);
	sw(2, l1b);
	check_eq("asid2_ng_own", ldr_at(VA_NG), PA_B);
	check_eq("asid2_global", ldr_at(VA_G + 0x400), PA_A + 0x400);
	sw(1, l1);
	check_eq("asid1_ng_again", ldr_at(VA_NG), PA_A);
	sw(2, l1b);
	check_eq("asid2_ng_again", ldr_at(VA_NG), PA_B);

	/* change ASID 1's mapping while running as ASID 2, invalidate ASID 1 */
	map_section(l1, VA_NG, PA_B, SEC_AP(0, 3) | SEC_NG);
	dsb();
	asm volatile("mcr p15, 0, %0, c8, c7, 2" :: "r"(1) : "memory");
	isb();
	sw(1, l1);
	check_eq("inv_by_asid", ldr_at(VA_NG), PA_B);

	map_section(l1, VA_NG, PA_A, SEC_AP(0, 3) | SEC_NG);
	dsb();
	asm volatile("mcr p15, 0, %0, c8, c7, 1" :: "r"(VA_NG | 1) : "memory");
	isb();
	check_eq("inv_by_mva", ldr_at(VA_NG), PA_A);

	map_section(l1, VA_NG, PA_B, SEC_AP(0, 3) | SEC_NG);
	dsb();
	asm volatile("mcr p15, 0, %0, c8, c6, 1" :: "r"(VA_NG | 1) : "memory");
	isb();
	check_eq("inv_dtlb_by_mva", ldr_at(VA_NG), PA_B);

	map_section(l1, VA_NG, PA_A, SEC_AP(0, 3) | SEC_NG);
	map_section(l1, VA_G, PA_B, SEC_AP(0, 3));
	dsb();
	tlb_inv_all();
	check_eq("inv_all_ng", ldr_at(VA_NG), PA_A);
	check_eq("inv_all_global", ldr_at(VA_G), PA_B);

	/* a global entry is invalidated by MVA whatever the ASID */
	map_section(l1, VA_G, PA_A, SEC_AP(0, 3));
	dsb();
	asm volatile("mcr p15, 0, %0, c8, c7, 1" :: "r"(VA_G | 1) : "memory");
	isb();
	check_eq("inv_mva_global", ldr_at(VA_G), PA_A);

	/* unmap: after invalidation the access must fault */
	l1[VA_NG >> 20] = 0;
	dsb();
	tlb_inv_all();
	u32 c0 = last.count;
	check_eq("unmapped_value", ldr_at(VA_NG), 0xdead);
	check_eq("unmapped_faults", last.count, c0 + 1);
	check_eq("unmapped_dfsr", last.dfsr & 0x40f, 0x005);
	mmu_off();
	return finish("tlb");
}
