/*
 * mmu: ARMv6 VMSA short descriptors (DDI 0100I B4.7 XP=1 and B4.7.x
 * subpage XP=0 formats; ARM1176JZF-S TRM 6.11-6.13): sections,
 * supersections, coarse tables with small and large pages; fault status
 * and address registers for translation, domain, permission, alignment and
 * external aborts (TRM 6.9, DFSR/IFSR encodings table 6-?); TTBCR.N split
 * between TTBR0 and TTBR1.
 */
#include "rt.h"

u32 ldr_at(u32), ldrt_at(u32), ldrex_at(u32);
void ldrd_at(u32, u32 *), str_at(u32, u32), strt_at(u32, u32);

static u32 *const l1 = (u32 *)L1_TABLE;
static u32 *const l1b = (u32 *)L1_TABLE2;
static u32 *const l2a = (u32 *)L2_AREA;
static u32 *const l2b = (u32 *)(L2_AREA + 0x400);
static u32 *const l2c = (u32 *)(L2_AREA + 0x800);

#define FS_ALIGN 0x001
#define FS_EXT   0x008
#define FS_TRANS_S 0x005
#define FS_TRANS_P 0x007
#define FS_DOM_S 0x009
#define FS_DOM_P 0x00b
#define FS_PERM_S 0x00d
#define FS_PERM_P 0x00f
#define WNR 0x800

static char nb[64];
static const char *nm(const char *a, const char *b)
{
	char *p = nb;
	while (*a) *p++ = *a++;
	*p++ = '_';
	while (*b) *p++ = *b++;
	*p = 0;
	return nb;
}

/* expect the last access to have aborted with fsr (compared under mask) */
static void fault(const char *n, u32 c0, u32 got, u32 fsr, u32 mask, u32 far)
{
	check_eq(nm(n, "aborted"), last.count, c0 + 1);
	check_eq(nm(n, "type"), last.type, EXC_DABT);
	check_eq(nm(n, "value"), got, 0xdead);
	check_eq(nm(n, "dfsr"), last.dfsr & mask, fsr);
	check_eq(nm(n, "dfar"), last.dfar, far);
}

static void ok(const char *n, u32 c0, u32 got, u32 want)
{
	check_eq(nm(n, "no_abort"), last.count, c0);
	check_eq(nm(n, "value"), got, want);
}

#define LOAD_OK(n, fn, va, want) do { u32 c0 = last.count; u32 g = fn(va); ok(n, c0, g, want); } while (0)
#define LOAD_FAULT(n, fn, va, fsr, mask) do { u32 c0 = last.count; u32 g = fn(va); fault(n, c0, g, fsr, mask, va); } while (0)
#define STORE_FAULT(n, fn, va, fsr, mask) do { u32 c0 = last.count; fn(va, 0x5555); fault(n, c0, 0xdead, fsr, mask, va); } while (0)
#define STORE_OK(n, fn, va, v) do { u32 c0 = last.count; fn(va, v); check_eq(nm(n, "no_abort"), last.count, c0); } while (0)

static void fill(void)
{
	for (u32 a = DATA_AREA; a < DATA_AREA + 0x1000; a += 4)
		wr32(a, a);
	for (u32 a = DATA_AREA + 0x1000; a < DATA_AREA + 0x100000; a += 0x400)
		wr32(a, a);
	wr32(0x00600000, 0x00600000);
}

static void tables(void)
{
	mmu_flat(l1);
	for (int i = 0; i < 256; i++)
		l2a[i] = l2b[i] = l2c[i] = 0;
	/* section VA 0x30000000 -> DATA_AREA */
	map_section(l1, 0x30000000, DATA_AREA, SEC_AP(0, 3));
	/* supersection VA 0x40000000 -> PA 0 (16 MiB) */
	for (int i = 0; i < 16; i++)
		l1[0x400 + i] = 0x00000000 | (1 << 18) | SEC_AP(0, 3) | 2;
	/* coarse table: VA 0x31000000 */
	l1[0x310] = L2_AREA | SEC_DOM(0) | 1;
	l2a[1] = (DATA_AREA + 0x23000) | (3 << 4) | 2;			/* small, AP=11 */
	l2a[3] = (DATA_AREA + 0x24000) | (1 << 4) | 2;			/* small, AP=01 */
	l2a[4] = (DATA_AREA + 0x25000) | (1 << 9) | (1 << 4) | 2;	/* small, APX=1 AP=01 */
	for (int i = 16; i < 32; i++)					/* large 64K */
		l2a[i] = (DATA_AREA + 0x40000) | (3 << 4) | 1;
	/* domain 1 (no access): section and page */
	map_section(l1, 0x33000000, DATA_AREA, SEC_AP(0, 3) | SEC_DOM(1));
	l1[0x311] = (L2_AREA + 0x400) | SEC_DOM(1) | 1;
	l2b[0] = DATA_AREA | (3 << 4) | 2;
	/* permissions */
	map_section(l1, 0x34000000, DATA_AREA, SEC_AP(0, 1));	/* priv RW, user none */
	map_section(l1, 0x34100000, DATA_AREA, SEC_AP(1, 1));	/* priv RO, user none */
	map_section(l1, 0x34200000, DATA_AREA, SEC_AP(0, 2));	/* priv RW, user RO */
	map_section(l1, 0x35000000, DATA_AREA, SEC_AP(0, 0) | SEC_DOM(2));	/* manager */
	map_section(l1, 0x35100000, DATA_AREA, SEC_AP(0, 0));	/* client, no access */
	/* external abort: section to a PA with nothing behind it */
	map_section(l1, 0x36000000, BAD_PA, SEC_AP(0, 3));
	/* TTBR0/TTBR1 split */
	for (int i = 0; i < 4096; i++)
		l1b[i] = 0;
	map_section(l1, 0x80000000, DATA_AREA, SEC_AP(0, 3));
	map_section(l1b, 0x80000000, 0x00600000, SEC_AP(0, 3));
	map_section(l1, 0x81000000, DATA_AREA, SEC_AP(0, 3));
	dsb();
}

static void xp1(void)
{
	mmu_on(l1, SCTLR_U);
	set_dacr(0x31);	/* d0 client, d1 no access, d2 manager */
	isb();

	LOAD_OK("section", ldr_at, 0x30000800, DATA_AREA + 0x800);
	LOAD_OK("supersection", ldr_at, 0x40000000 + DATA_AREA + 0x400, DATA_AREA + 0x400);
	LOAD_OK("supersection_hi", ldr_at, 0x40000000 + 0x600000, 0x600000);
	LOAD_OK("small_page", ldr_at, 0x31001400, DATA_AREA + 0x23400);
	LOAD_OK("large_page", ldr_at, 0x3101a400, DATA_AREA + 0x4a400);
	LOAD_OK("large_page_first", ldr_at, 0x31010000, DATA_AREA + 0x40000);
	LOAD_OK("identity_ram", ldr_at, DATA_AREA + 0x1000, DATA_AREA + 0x1000);

	LOAD_FAULT("trans_section", ldr_at, 0x32000000, FS_TRANS_S, 0xc0f);
	LOAD_FAULT("trans_page", ldr_at, 0x31002000, FS_TRANS_P, 0xc0f);
	STORE_FAULT("trans_page_write", str_at, 0x31002004, FS_TRANS_P | WNR, 0xc0f);
	LOAD_FAULT("domain_section", ldr_at, 0x33000000, FS_DOM_S | 0x10, 0xcff);
	LOAD_FAULT("domain_page", ldr_at, 0x31100000, FS_DOM_P | 0x10, 0xcff);

	LOAD_OK("perm_s_priv_rw_read", ldr_at, 0x34000400, DATA_AREA + 0x400);
	LOAD_FAULT("perm_s_user_none_ldrt", ldrt_at, 0x34000400, FS_PERM_S, 0xcff);
	LOAD_OK("perm_s_apx_read", ldr_at, 0x34100400, DATA_AREA + 0x400);
	STORE_FAULT("perm_s_apx_write", str_at, 0x34100400, FS_PERM_S | WNR, 0xcff);
	LOAD_OK("perm_s_user_ro_ldrt", ldrt_at, 0x34200400, DATA_AREA + 0x400);
	STORE_FAULT("perm_s_user_ro_strt", strt_at, 0x34200400, FS_PERM_S | WNR, 0xcff);
	STORE_OK("perm_s_user_ro_priv_str", str_at, 0x34200400, DATA_AREA + 0x400);
	LOAD_OK("manager_ignores_ap", ldr_at, 0x35000400, DATA_AREA + 0x400);
	LOAD_FAULT("client_ap0", ldr_at, 0x35100400, FS_PERM_S, 0xcff);

	LOAD_OK("perm_p_priv_read", ldr_at, 0x31003000, DATA_AREA + 0x24000);
	LOAD_FAULT("perm_p_user_ldrt", ldrt_at, 0x31003000, FS_PERM_P, 0xcff);
	STORE_FAULT("perm_p_apx_write", str_at, 0x31004000, FS_PERM_P | WNR, 0xcff);
	LOAD_OK("perm_p_apx_read", ldr_at, 0x31004000, DATA_AREA + 0x25000);

	/* alignment */
	u32 d[2];
	{
		u32 c0 = last.count;
		ldrd_at(0x30000804, d);
		check_eq("ldrd_word_aligned_u1_no_abort", last.count, c0);
		check_eq("ldrd_word_aligned_u1_lo", d[0], DATA_AREA + 0x804);
		check_eq("ldrd_word_aligned_u1_hi", d[1], DATA_AREA + 0x808);
		c0 = last.count;
		ldrd_at(0x30000802, d);
		fault("ldrd_unaligned_u1", c0, d[0], FS_ALIGN, 0x40f, 0x30000802);
	}
	LOAD_FAULT("ldrex_unaligned", ldrex_at, 0x30000802, FS_ALIGN, 0x40f);
	LOAD_OK("ldr_unaligned_u1_a0", ldr_at, 0x30000802, ((DATA_AREA + 0x800) >> 16) | ((u32)(DATA_AREA + 0x804) << 16));
	set_sctlr(get_sctlr() | SCTLR_A);
	LOAD_FAULT("ldr_unaligned_a1", ldr_at, 0x30000802, FS_ALIGN, 0x40f);
	LOAD_OK("ldr_aligned_a1", ldr_at, 0x30000800, DATA_AREA + 0x800);
	/* alignment is checked before translation */
	LOAD_FAULT("align_before_trans", ldr_at, 0x32000002, FS_ALIGN, 0x40f);
	set_sctlr(get_sctlr() & ~SCTLR_A);

#ifndef PLAT_QEMU	/* versatilepb reads unassigned addresses as zero */
	LOAD_FAULT("external_abort", ldr_at, 0x36000000, FS_EXT, 0x40f);
#endif

	/* TTBCR.N */
	LOAD_OK("ttbcr_n0_uses_ttbr0", ldr_at, 0x80000000, DATA_AREA);
	set_ttbr1(L1_TABLE2);
	set_ttbcr(1);
	tlb_inv_all();
	LOAD_OK("ttbcr_n1_uses_ttbr1", ldr_at, 0x80000000, 0x00600000);
	LOAD_FAULT("ttbcr_n1_ttbr1_fault", ldr_at, 0x81000000, FS_TRANS_S, 0xc0f);
	LOAD_OK("ttbcr_n1_low_ttbr0", ldr_at, 0x30000800, DATA_AREA + 0x800);
	set_ttbcr(0);
	tlb_inv_all();
	LOAD_OK("ttbcr_n0_again", ldr_at, 0x80000000, DATA_AREA);
	set_dacr(0x55555555);
	mmu_off();
#ifndef PLAT_QEMU
	LOAD_FAULT("external_abort_mmu_off", ldr_at, BAD_PA, FS_EXT, 0x40f);
#endif
}

static void xp0(void)
{
	/* ARMv5-compatible format: small page with one AP per 1 KiB subpage */
	l1[0x312] = (L2_AREA + 0x800) | SEC_DOM(0) | 1;
	l2c[0] = DATA_AREA | (0 << 10) | (1 << 8) | (2 << 6) | (3 << 4) | 2;
	dsb();
	mmu_on(l1, 0);
	set_sctlr(get_sctlr() & ~(SCTLR_XP | SCTLR_S | SCTLR_R));
	tlb_inv_all();
	u32 va = 0x31200000;
	LOAD_OK("xp0_sub0_ldrt", ldrt_at, va, DATA_AREA);
	STORE_OK("xp0_sub0_strt", strt_at, va, DATA_AREA);
	LOAD_OK("xp0_sub1_ldrt", ldrt_at, va + 0x400, DATA_AREA + 0x400);
	STORE_OK("xp0_sub1_str", str_at, va + 0x400, DATA_AREA + 0x400);
	STORE_FAULT("xp0_sub1_strt", strt_at, va + 0x404, FS_PERM_P | WNR, 0xc0f);
	LOAD_OK("xp0_sub2_ldr", ldr_at, va + 0x800, DATA_AREA + 0x800);
	LOAD_FAULT("xp0_sub2_ldrt", ldrt_at, va + 0x808, FS_PERM_P, 0xc0f);
	LOAD_FAULT("xp0_sub3_ldr", ldr_at, va + 0xc00, FS_PERM_P, 0xc0f);
	set_sctlr(get_sctlr() | SCTLR_S);
	tlb_inv_all();
	LOAD_OK("xp0_sub3_s_ldr", ldr_at, va + 0xc00, DATA_AREA + 0xc00);
	LOAD_FAULT("xp0_sub3_s_ldrt", ldrt_at, va + 0xc0c, FS_PERM_P, 0xc0f);
	mmu_off();
	set_sctlr(get_sctlr() & ~SCTLR_S);
}

int main(void)
{
	fill();
	tables();
	xp1();
	xp0();
	return finish("mmu");
}
