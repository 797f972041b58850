/*
 * modes: processor modes and banked registers (DDI 0100I A2.2-A2.5,
 * A4.1.38/39 MRS/MSR, A4.1.16 CPS; ARM1176JZF-S TRM 2.10-2.11, Secure
 * Monitor mode and SMC per TRM 2.12.5 / 3.2.45 MVBAR).
 */
#include "rt.h"

void get_banked(u32 mode, u32 out[4]);
void set_banked(u32 mode, const u32 in[3]);
void fiq_bank(u32 out[16]);
u32 spsr_field(u32 init, u32 val, u32 which);
void cpsr_ops(u32 out[16]);
void user_ops(u32 out[8]);
u32 do_smc(void);
void user_bank(u32 out[6], const u32 in[2]);

static const u32 modes[] = { MODE_FIQ, MODE_IRQ, MODE_SVC, MODE_ABT, MODE_UND };
static const char *names[] = { "fiq", "irq", "svc", "abt", "und" };

static void name3(char *buf, const char *a, const char *b)
{
	while (*a) *buf++ = *a++;
	*buf++ = '_';
	while (*b) *buf++ = *b++;
	*buf = 0;
}

static void banked(void)
{
	u32 saved[5][4], out[4], in[3], sys[4];
	char n[32];
	get_banked(MODE_SYS, sys);
	for (int i = 0; i < 5; i++)
		get_banked(modes[i], saved[i]);
	for (int i = 0; i < 5; i++) {
		in[0] = 0x1000 + modes[i];
		in[1] = 0x2000 + modes[i];
		in[2] = ((u32)(i + 1) << 28) | 0x1d0;
		set_banked(modes[i], in);
	}
	for (int i = 0; i < 5; i++) {
		get_banked(modes[i], out);
		name3(n, "mode", names[i]);
		check_eq(n, out[0] & 0x1f, modes[i]);
		name3(n, "sp", names[i]);
		check_eq(n, out[1], 0x1000 + modes[i]);
		name3(n, "lr", names[i]);
		check_eq(n, out[2], 0x2000 + modes[i]);
		name3(n, "spsr", names[i]);
		check_eq(n, out[3], ((u32)(i + 1) << 28) | 0x1d0);
	}
	get_banked(MODE_SYS, out);
	check_eq("sp_sys_unchanged", out[1], sys[1]);
	for (int i = 0; i < 5; i++) {
		in[0] = saved[i][1];
		in[1] = saved[i][2];
		in[2] = saved[i][3];
		set_banked(modes[i], in);
	}
}

static void fiqregs(void)
{
	u32 o[16];
	fiq_bank(o);
	for (int i = 0; i < 5; i++) {
		check_eq("r8_12_sys_kept", o[i], 8 + i);
		check_eq("r8_12_fiq_banked", o[5 + i], 0x80 + 0x10 * i);
		check_eq("r8_12_irq_unbanked", o[10 + i], 8 + i);
	}
}

static void spsrs(void)
{
	u32 init = 0x000001d3;
	check_eq("spsr_c", spsr_field(init, 0x0000013b, 0), (init & ~0xffu) | 0x3b);
	check_eq("spsr_x", spsr_field(init, 0x00000200, 1), (init & ~0xff00u) | 0x200);
	check_eq("spsr_s", spsr_field(init, 0x000f0000, 2), init | 0x000f0000);
	check_eq("spsr_f", spsr_field(init, 0xa8000000, 3), init | 0xa8000000);
	check_eq("spsr_fc_imm", spsr_field(init, 0, 4), 0x40000112);
	check_eq("spsr_full", spsr_field(0xf80f03ff & ~0x20u & ~0x1f, 0, 5), (0xf80f03ff & ~0x20u & ~0x1f));
}

static void cpsrs(void)
{
	u32 o[16];
	u32 before = get_cpsr();
	cpsr_ops(o);
	check_eq("msr_cpsr_f_imm", o[0], (before & 0x07ffffff) | 0x60000000);
	check_eq("msr_cpsr_f_ignores_mode", o[1], (before & 0x07ffffff) | 0x90000000);
	check_eq("qadd_saturates", o[2], 0x7fffffff);
	check_eq("qadd_sets_q", o[3] >> 27, 1);
	check_eq("cpsid_aif", o[4] & 0x1ff, 0x1c0 | MODE_SYS);
	check_eq("cpsie_af", o[5] & 0x1ff, 0x080 | MODE_SYS);
	check_eq("cpsid_f_mode_svc", o[6] & 0x1ff, 0x0c0 | MODE_SVC);
	check_eq("cps_mode_abt", o[7] & 0x1ff, 0x0c0 | MODE_ABT);
	check_eq("msr_cpsr_c_und", o[8] & 0x1ff, 0x0c0 | MODE_UND);
	check_eq("cpsr_restored", get_cpsr(), before);
}

static void user(void)
{
	u32 o[8];
	u32 c0 = last.count;
	user_ops(o);
	check_eq("usr_mode", o[0] & 0xff, 0x0c0 | MODE_USR);
	check_eq("usr_sp_is_sys_sp", o[5], o[6]);
	check_eq("usr_msr_flags_only", o[1], (o[0] & 0x0fffffff) | 0xf0000000);
	check_eq("usr_cps_nop", o[2], o[1]);
	check_eq("usr_msr_c_ignored", o[3], o[1]);
	check_eq("usr_svc_taken", last.count, c0 + 1);
	check_eq("usr_svc_spsr", last.spsr & 0x1f, MODE_USR);
	check_eq("usr_svc_imm", last.imm, 0xff);
	check_eq("usr_back_to_sys", o[4] & 0x1f, MODE_SYS);
}

static void userbank(void)
{
	u32 o[6];
	static const u32 in[2] = { 0x0badf00d, 0x12345678 };
	user_bank(o, in);
	check_eq("stm_caret_user_sp", o[0], o[4]);
	check_eq("stm_caret_user_lr", o[1], o[5]);
	check_eq("ldm_caret_user_sp", o[2], in[0]);
	check_eq("ldm_caret_user_lr", o[3], in[1]);
}

static void monitor(void)
{
	u32 scr, pfr1;
	asm volatile("mrc p15, 0, %0, c0, c1, 1" : "=r"(pfr1));
	puts_("INFO id_pfr1 ");
	puthex(pfr1);
	putc_('\n');
	if (((pfr1 >> 4) & 15) == 0) {
		puts_("SKIP smc (ID_PFR1: no Security Extensions)\n");
		return;
	}
	asm volatile("mrc p15, 0, %0, c1, c1, 0" : "=r"(scr));
	check_eq("scr_secure", scr & 1, 0);
	asm volatile("mcr p15, 0, %0, c12, c0, 1" :: "r"(mon_vectors));
	u32 c0 = last.count;
	u32 at = do_smc();
	check_eq("smc_taken", last.count, c0 + 1);
	check_eq("smc_type", last.type, EXC_SMC);
	check_eq("smc_mode_mon", last.mode, MODE_MON);
	check_eq("smc_lr", last.lr, at + 4);
	check_eq("smc_spsr", last.spsr & 0x1f, MODE_SYS);
	check_eq("smc_imm", last.imm, 5);
	check_eq("after_smc_sys", get_cpsr() & 0x1f, MODE_SYS);
}

int main(void)
{
	check_eq("start_in_sys_aif", get_cpsr() & 0x1ff, 0x1c0 | MODE_SYS);
	banked();
	fiqregs();
	spsrs();
	cpsrs();
	user();
	userbank();
	monitor();
	return finish("modes");
}
