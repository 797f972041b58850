/*
 * vfp: VFPv2 (ARM1176JZF-S VFP11, DDI 0301 chapter 20 / VFP11 TRM DDI 0274;
 * DDI 0100I part C): access gating through CPACR cp10/cp11 and FPEXC.EN
 * (UNDEF otherwise), exact IEEE results for add/mul/div/sqrt and
 * conversions, cumulative FPSCR flags, compare flags to APSR via
 * VMRS APSR_nzcv (FMSTAT), and one short-vector (FPSCR.LEN) case.
 */
#include "rt.h"

u32 fadds(u32, u32), fmuls(u32, u32), fdivs(u32, u32), fsqrts(u32);
u64 faddd(u64, u64), fsubd(u64, u64), fmuld(u64, u64), fdivd(u64, u64), fsqrtd(u64);
u32 ftosizd(u64), ftosid(u64), fcvtsd(u64), fcmpd(u64, u64);
u64 fsitod(u32), fcvtds(u32);
u32 get_fpscr(void), get_fpexc(void), get_fpsid(void);
void set_fpscr(u32), set_fpexc(u32);
u32 vfp_probe(void);
void vec_test(const u32 *in, u32 *out);

static void set_cpacr(u32 v)
{
	asm volatile("mcr p15, 0, %0, c1, c0, 2" :: "r"(v) : "memory");
	isb();
}

static void check64(const char *n, u64 got, u64 want)
{
	if (got == want) {
		check(n, 1);
		return;
	}
	puts_("FAIL ");
	puts_(n);
	puts_(" got=");
	puthex(got >> 32);
	putc_(':');
	puthex(got);
	puts_(" want=");
	puthex(want >> 32);
	putc_(':');
	puthex(want);
	putc_('\n');
	failures++;
}

#define IOC 1
#define DZC 2
#define IXC 0x10

int main(void)
{
	u32 c, at, v;

	/* coprocessor access disabled */
	set_cpacr(0);
	c = last.count;
	at = vfp_probe();
	check_eq("cpacr0_undef", last.count, c + 1);
	check_eq("cpacr0_undef_type", last.type, EXC_UND);
	check_eq("cpacr0_undef_lr", last.lr, at + 4);
	check_eq("cpacr0_undef_insn", last.insn, *(u32 *)at);
	c = last.count;
	get_fpexc();
	check_eq("cpacr0_vmrs_undef", last.count, c + 1);

	/* access enabled, FPEXC.EN = 0 */
	set_cpacr(0xf << 20);
	u32 cp;
	asm volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cp));
	check_eq("cpacr_readback", cp & (0xf << 20), 0xf << 20);
	set_fpexc(0);
	c = last.count;
	check_eq("fpexc_readable_en0", get_fpexc() & 0x40000000, 0);
	check_eq("fpexc_no_undef", last.count, c);
	check_eq("fpsid_implementer_arm", get_fpsid() >> 24, 0x41);
	at = vfp_probe();
	check_eq("en0_undef", last.count, c + 1);
	check_eq("en0_undef_lr", last.lr, at + 4);
	check_eq("en0_undef_insn", last.insn, *(u32 *)at);

	/* enabled */
	set_fpexc(0x40000000);
	check_eq("fpexc_en", get_fpexc() & 0x40000000, 0x40000000);
	set_fpscr(0);
	c = last.count;
	check_eq("adds", fadds(0x3fc00000, 0x40100000), 0x40700000);	/* 1.5+2.25 */
	check_eq("muls", fmuls(0x40400000, 0xc0e00000), 0xc1a80000);	/* 3*-7 */
	check_eq("exact_no_ixc", get_fpscr() & 0x9f, 0);
	check_eq("divs_third", fdivs(0x3f800000, 0x40400000), 0x3eaaaaab);
	check_eq("divs_sets_ixc", get_fpscr() & 0x9f, IXC);
	set_fpscr(0);
	check_eq("divs_exact", fdivs(0x41200000, 0x40800000), 0x40200000);	/* 10/4 */
	check_eq("divs_exact_no_ixc", get_fpscr() & 0x9f, 0);
	check_eq("divs_by_zero", fdivs(0x3f800000, 0), 0x7f800000);
	check_eq("divs_by_zero_dzc", get_fpscr() & 0x9f, DZC);
	set_fpscr(0);
	check_eq("sqrts_minus1_nan", fsqrts(0xbf800000), 0x7fc00000);
	check_eq("sqrts_minus1_ioc", get_fpscr() & 0x9f, IOC);
	set_fpscr(0);
	check64("addd", faddd(0x3ff0000000000000ull, 0x3ff8000000000000ull), 0x4004000000000000ull);
	check64("subd", fsubd(0x3ff0000000000000ull, 0x4000000000000000ull), 0xbff0000000000000ull);
	check64("muld", fmuld(0x4008000000000000ull, 0x401c000000000000ull), 0x4035000000000000ull);
	check64("divd_third", fdivd(0x3ff0000000000000ull, 0x4008000000000000ull), 0x3fd5555555555555ull);
	check64("sqrtd_2", fsqrtd(0x4000000000000000ull), 0x3ff6a09e667f3bcdull);
	check64("sqrtd_16", fsqrtd(0x4030000000000000ull), 0x4010000000000000ull);
	check_eq("d_ops_ixc", get_fpscr() & 0x9f, IXC);
	set_fpscr(0);
	check_eq("cvt_s32_f64_rz", ftosizd(0xc006000000000000ull), (u32)-2);	/* -2.75 */
	check_eq("cvt_s32_f64_rz_ixc", get_fpscr() & 0x9f, IXC);
	check_eq("cvtr_s32_f64_ties_even", ftosid(0x4004000000000000ull), 2);	/* 2.5 */
	check_eq("cvtr_s32_f64_3_5", ftosid(0x400c000000000000ull), 4);		/* 3.5 */
	set_fpscr(3 << 22);	/* round towards zero */
	check_eq("cvtr_s32_f64_rz_mode", ftosid(0x400c000000000000ull), 3);
	check_eq("divs_rz_mode", fdivs(0x3f800000, 0x40400000), 0x3eaaaaaa);
	set_fpscr(0);
	check_eq("cvt_s32_f64_sat", ftosizd(0x41f0000000000000ull), 0x7fffffff);	/* 2^32 */
	check_eq("cvt_sat_ioc", get_fpscr() & IOC, IOC);
	check64("cvt_f64_s32", fsitod((u32)-7), 0xc01c000000000000ull);
	check_eq("cvt_f32_f64", fcvtsd(0x3fd5555555555555ull), 0x3eaaaaab);
	check64("cvt_f64_f32", fcvtds(0x3fc00000), 0x3ff8000000000000ull);

	check_eq("cmp_lt", fcmpd(0x3ff0000000000000ull, 0x4000000000000000ull), 0x8);
	check_eq("cmp_eq", fcmpd(0x4000000000000000ull, 0x4000000000000000ull), 0x6);
	check_eq("cmp_gt", fcmpd(0x4000000000000000ull, 0x3ff0000000000000ull), 0x2);
	check_eq("cmp_unordered", fcmpd(0x7ff8000000000000ull, 0x3ff0000000000000ull), 0x3);
	check_eq("fpscr_nzcv_after_cmp", get_fpscr() >> 28, 0x3);
	check_eq("no_undef_when_enabled", last.count, c);

	static const u32 in[9] = {
		0x3f800000, 0x40000000, 0x40400000, 0x40800000,	/* 1 2 3 4 */
		0x41200000, 0x41a00000, 0x41f00000, 0x42200000,	/* 10 20 30 40 */
		0x40000000,					/* 2 */
	};
	u32 out[10];
	vec_test(in, out);
	check_eq("vec_add_0", out[0], 0x41300000);	/* 11 */
	check_eq("vec_add_1", out[1], 0x41b00000);	/* 22 */
	check_eq("vec_add_2", out[2], 0x42040000);	/* 33 */
	check_eq("vec_add_3", out[3], 0x42300000);	/* 44 */
	check_eq("vec_scalar_mul_0", out[4], 0x40000000);	/* 2 */
	check_eq("vec_scalar_mul_3", out[7], 0x41000000);	/* 8 */
	check_eq("scalar_dest_op", out[8], 0x40800000);	/* 4 */
	check_eq("scalar_dest_only_one", out[9], 0x3f800000);	/* s3 untouched */
	v = get_fpscr();
	check_eq("fpscr_len_restored", v & 0x00370000, 0);
	return finish("vfp");
}
