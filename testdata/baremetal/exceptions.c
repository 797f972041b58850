/*
 * exceptions: every exception type, its LR/SPSR/CPSR on entry (DDI 0100I
 * A2.6, ARM1176JZF-S TRM 2.12), fault status for BKPT and MMU aborts
 * (DDI 0100I B4.6, TRM 3.2.23/3.2.24), IRQ/FIQ masking and priority,
 * Secure Monitor (SMC, MVBAR), high vectors and VBAR (TRM 3.2.43),
 * the exception-return forms (SUBS pc,lr / MOVS pc,lr / LDM ^ / RFE, SRS)
 * and exceptions taken from Thumb state.
 */
#include "rt.h"

u32 do_und(void), do_svc(void), do_bkpt(void);
u32 do_ldr_abort(u32 a), do_str_abort(u32 a);
u32 irq_window(void), fiq_window(void), both_window(void), masked_run(void);
u32 ret_body(u32 kind), do_smc(void);
void irq_subs(void), svc_movs(void), und_ldm(void), svc_rfe(void), irq_srs(void), hv_und(void);
extern volatile u32 ret_hits, srs_lr, srs_spsr, srs_svc_sp, hv_hits;
void thumb_und(u32, u32, u32 *), thumb_svc(u32, u32, u32 *), thumb_irq(u32, u32, u32 *);
void thumb_dabt(u32, u32, u32 *);
extern char thumb_und_insn[], thumb_svc_insn[], thumb_irq_next[], thumb_dabt_insn[];

#define T_BIT (1u << 5)
#define I_BIT (1u << 7)
#define F_BIT (1u << 6)
#define A_BIT (1u << 8)

static u32 *const l1 = (u32 *)L1_TABLE;

static void basic(void)
{
	u32 c, at;

	c = last.count;
	at = do_und();
	check_eq("und_taken", last.count, c + 1);
	check_eq("und_type", last.type, EXC_UND);
	check_eq("und_mode", last.mode, MODE_UND);
	check_eq("und_lr", last.lr, at + 4);
	check_eq("und_spsr_mode", last.spsr & (0x1f | T_BIT), MODE_SYS);
	check("und_cpsr_i", (last.cpsr & I_BIT) != 0);

	c = last.count;
	at = do_svc();
	check_eq("svc_taken", last.count, c + 1);
	check_eq("svc_type", last.type, EXC_SVC);
	check_eq("svc_mode", last.mode, MODE_SVC);
	check_eq("svc_lr", last.lr, at + 4);
	check_eq("svc_imm", last.imm, 0x123);
	check_eq("svc_spsr_mode", last.spsr & 0x1f, MODE_SYS);

	c = last.count;
	at = do_bkpt();
	check_eq("bkpt_taken", last.count, c + 1);
	check_eq("bkpt_type_pabt", last.type, EXC_PABT);
	check_eq("bkpt_mode", last.mode, MODE_ABT);
	check_eq("bkpt_lr", last.lr, at + 4);
	check_eq("bkpt_ifsr_debug", last.ifsr & 0x40f, 0x002);
	check("bkpt_cpsr_ai", (last.cpsr & (A_BIT | I_BIT)) == (A_BIT | I_BIT));
}

static void mmu_aborts(void)
{
	u32 c, at, r;
	u32 *code = (u32 *)DATA_AREA;

	mmu_flat(l1);
	/* VA 0x03000000 -> DATA_AREA's section, execute-never for now */
	map_section(l1, 0x03000000, DATA_AREA & 0xfff00000, SEC_AP(0, 3) | SEC_XN);
	code[0] = 0xe3a0002a;	/* mov r0, #42 */
	code[1] = 0xe12fff1e;	/* bx lr */
	asm volatile("mcr p15, 0, %0, c7, c5, 0" :: "r"(0) : "memory");	/* I-cache inv */
	mmu_on(l1, 0);

	c = last.count;
	r = call_resume(0x02000000, 0);
	check_eq("pabt_unmapped_resumed", r, 0xdead);
	check_eq("pabt_unmapped_type", last.type, EXC_PABT);
	check_eq("pabt_unmapped_count", last.count, c + 1);
	check_eq("pabt_unmapped_lr", last.lr, 0x02000004);
	check_eq("pabt_unmapped_ifsr", last.ifsr & 0x40f, 0x005);
	check_eq("pabt_unmapped_ifar", last.ifar, 0x02000000);

	u32 va = 0x03000000 | (DATA_AREA & 0xfffff);
	r = call_resume(va, 0);
	check_eq("pabt_xn_resumed", r, 0xdead);
	check_eq("pabt_xn_type", last.type, EXC_PABT);
	check_eq("pabt_xn_ifsr", last.ifsr & 0x40f, 0x00d);
	check_eq("pabt_xn_ifar", last.ifar, va);
	map_section(l1, 0x03000000, DATA_AREA & 0xfffff000, SEC_AP(0, 3));
	dsb();
	tlb_inv_all();
	c = last.count;
	r = call_resume(va, 0);
	check_eq("exec_after_clear_xn", r, 42);
	check_eq("exec_no_exception", last.count, c);

	c = last.count;
	at = do_ldr_abort(0x02000010);
	check_eq("dabt_ldr_taken", last.count, c + 1);
	check_eq("dabt_ldr_type", last.type, EXC_DABT);
	check_eq("dabt_ldr_mode", last.mode, MODE_ABT);
	check_eq("dabt_ldr_lr", last.lr, at + 8);
	check_eq("dabt_ldr_dfsr", last.dfsr & 0xc0f, 0x005);
	check_eq("dabt_ldr_dfar", last.dfar, 0x02000010);
	at = do_str_abort(0x02000020);
	check_eq("dabt_str_lr", last.lr, at + 8);
	check_eq("dabt_str_dfsr_wnr", last.dfsr & 0xc0f, 0x805);
	check_eq("dabt_str_dfar", last.dfar, 0x02000020);

	/* high vectors: VA 0xffff0000 -> RAM copy of the vector table */
	if (!have_security()) {
		/* plain ARM1176 always has high vectors; VBAR needs the
		 * Security Extensions */
	}
	u32 *hv = (u32 *)0x006f0000;
	for (int i = 0; i < 16; i++)
		hv[i] = vectors[i];
	hv[8 + 1] = (u32)hv_und;
	asm volatile("mcr p15, 0, %0, c7, c5, 0" :: "r"(0) : "memory");
	map_section(l1, 0xfff00000, 0x00600000, SEC_AP(0, 1));
	dsb();
	tlb_inv_all();
	set_sctlr(get_sctlr() | SCTLR_V);
	hv_hits = 0;
	c = last.count;
	at = do_und();
	set_sctlr(get_sctlr() & ~SCTLR_V);
	check_eq("highvec_used", hv_hits, 1);
	check_eq("highvec_und_lr", last.lr, at + 4);
	check_eq("highvec_count", last.count, c + 1);
	hv_hits = 0;
	do_und();
	check_eq("lowvec_again", hv_hits, 0);
	mmu_off();

	if (have_security()) {
		u32 *vb = (u32 *)0x00610000;
		for (int i = 0; i < 16; i++)
			vb[i] = vectors[i];
		vb[8 + 1] = (u32)hv_und;
		asm volatile("mcr p15, 0, %0, c7, c5, 0" :: "r"(0) : "memory");
		asm volatile("mcr p15, 0, %0, c12, c0, 0" :: "r"(vb));
		isb();
		hv_hits = 0;
		at = do_und();
		asm volatile("mcr p15, 0, %0, c12, c0, 0" :: "r"(0));
		isb();
		check_eq("vbar_used", hv_hits, 1);
		check_eq("vbar_und_lr", last.lr, at + 4);

		asm volatile("mcr p15, 0, %0, c12, c0, 1" :: "r"(mon_vectors));
		c = last.count;
		at = do_smc();
		check_eq("smc_taken", last.count, c + 1);
		check_eq("smc_mode_mon", last.mode, MODE_MON);
		check_eq("smc_lr", last.lr, at + 4);
		check_eq("smc_spsr", last.spsr & 0x1f, MODE_SYS);
	} else {
		puts_("SKIP vbar smc (ID_PFR1: no Security Extensions)\n");
	}
}

static void interrupts(void)
{
	u32 c, at;

	asm volatile("cpsid if");
	set_irq(1);
	c = last.count;
	masked_run();
	check_eq("irq_masked_not_taken", last.count, c);
	at = irq_window();
	check_eq("irq_taken", last.count, c + 1);
	check_eq("irq_type", last.type, EXC_IRQ);
	check_eq("irq_mode", last.mode, MODE_IRQ);
	check_eq("irq_lr", last.lr, at + 4);
	check_eq("irq_spsr", last.spsr & (0x1f | I_BIT | F_BIT | T_BIT), MODE_SYS | F_BIT);
	check_eq("irq_cpsr_masks", last.cpsr & (A_BIT | I_BIT | F_BIT), A_BIT | I_BIT | F_BIT);

	set_fiq(1);
	c = last.count;
	masked_run();
	check_eq("fiq_masked_not_taken", last.count, c);
	at = fiq_window();
	check_eq("fiq_taken", last.count, c + 1);
	check_eq("fiq_type", last.type, EXC_FIQ);
	check_eq("fiq_mode", last.mode, MODE_FIQ);
	check_eq("fiq_lr", last.lr, at + 4);
	check_eq("fiq_spsr", last.spsr & (0x1f | I_BIT | F_BIT), MODE_SYS | I_BIT);
	check_eq("fiq_cpsr_masks", last.cpsr & (A_BIT | I_BIT | F_BIT), A_BIT | I_BIT | F_BIT);

	/* F masked, I clear: an asserted FIQ must wait */
	set_fiq(1);
	c = last.count;
	asm volatile("cpsie i; nop; nop; nop; nop; cpsid i" ::: "memory");
	check_eq("fiq_masked_by_f", last.count, c);
	set_fiq(0);

	set_irq(1);
	set_fiq(1);
	last.seq = 0;
	c = last.count;
	both_window();
	check_eq("both_taken", last.count, c + 2);
	check_eq("fiq_before_irq", last.seq & 0xff, (EXC_FIQ << 4) | EXC_IRQ);
}

static void returns(void)
{
	u32 r, h;

	vector_addr[6] = (u32)irq_subs;
	set_irq(1);
	h = ret_hits;
	r = ret_body(0);
	check_eq("subs_pc_lr_irq_hit", ret_hits, h + 1);
	check_eq("subs_pc_lr_resumes", r & 0xff, 2);
	check_eq("subs_pc_lr_flags", r & 0xf0000000, 0x50000000);
	check_eq("subs_pc_lr_mode", get_cpsr() & 0x1f, MODE_SYS);

	vector_addr[2] = (u32)svc_movs;
	h = ret_hits;
	r = ret_body(1);
	check_eq("movs_pc_lr_hit", ret_hits, h + 1);
	check_eq("movs_pc_lr_resumes", r & 0xff, 2);
	check_eq("movs_pc_lr_flags", r & 0xf0000000, 0x50000000);

	vector_addr[1] = (u32)und_ldm;
	h = ret_hits;
	r = ret_body(2);
	check_eq("ldm_caret_hit", ret_hits, h + 1);
	check_eq("ldm_caret_resumes", r & 0xff, 2);
	check_eq("ldm_caret_flags", r & 0xf0000000, 0x50000000);

	vector_addr[2] = (u32)svc_rfe;
	h = ret_hits;
	r = ret_body(1);
	check_eq("rfe_hit", ret_hits, h + 1);
	check_eq("rfe_resumes", r & 0xff, 2);
	check_eq("rfe_flags", r & 0xf0000000, 0x50000000);
	check_eq("rfe_mode", get_cpsr() & 0x1f, MODE_SYS);

	vector_addr[6] = (u32)irq_srs;
	set_irq(1);
	h = ret_hits;
	r = ret_body(0);
	check_eq("srs_irq_hit", ret_hits, h + 1);
	check_eq("srs_resumes", r & 0xff, 2);
	check_eq("srs_on_svc_stack", srs_svc_sp, STACK_SVC - 8);
	check_eq("srs_spsr_mode", srs_spsr & 0x1f, MODE_SYS);
	check_eq("srs_spsr_flags", srs_spsr & 0xf0000000, 0x50000000);
	check("srs_lr_in_body", srs_lr > (u32)ret_body && srs_lr < (u32)ret_body + 64);

	vector_addr[1] = (u32)exc_und_default;
	vector_addr[2] = (u32)exc_svc_default;
	vector_addr[6] = (u32)exc_irq_default;
}

static void thumb(void)
{
	u32 out = 0, c;

	c = last.count;
	thumb_und(0, 0, &out);
	check_eq("thumb_und_taken", last.count, c + 1);
	check_eq("thumb_und_type", last.type, EXC_UND);
	check_eq("thumb_und_lr", last.lr, (u32)thumb_und_insn + 2);
	check_eq("thumb_und_spsr_t", last.spsr & (T_BIT | 0x1f), T_BIT | MODE_SYS);
	check_eq("thumb_und_returns_thumb", out, 7);

	out = 0;
	c = last.count;
	thumb_svc(0, 0, &out);
	check_eq("thumb_svc_taken", last.count, c + 1);
	check_eq("thumb_svc_lr", last.lr, (u32)thumb_svc_insn + 2);
	check_eq("thumb_svc_imm", last.imm, 0x42);
	check_eq("thumb_svc_spsr_t", last.spsr & T_BIT, T_BIT);
	check_eq("thumb_svc_returns_thumb", out, 10);

	out = 0;
	asm volatile("cpsid i");
	set_irq(1);
	c = last.count;
	thumb_irq(0, 0, &out);
	check_eq("thumb_irq_taken", last.count, c + 1);
	check_eq("thumb_irq_lr", last.lr, ((u32)thumb_irq_next & ~1u) + 4);
	check_eq("thumb_irq_spsr_t", last.spsr & T_BIT, T_BIT);
	check_eq("thumb_irq_returns_thumb", out, 3);

	out = 0;
	set_sctlr(get_sctlr() | SCTLR_A);
	c = last.count;
	thumb_dabt(DATA_AREA + 2, 0, &out);
	set_sctlr(get_sctlr() & ~SCTLR_A);
	check_eq("thumb_dabt_taken", last.count, c + 1);
	check_eq("thumb_dabt_type", last.type, EXC_DABT);
	check_eq("thumb_dabt_lr", last.lr, (u32)thumb_dabt_insn + 8);
	check_eq("thumb_dabt_dfsr_align", last.dfsr & 0x40f, 1);
	check_eq("thumb_dabt_spsr_t", last.spsr & T_BIT, T_BIT);
	check_eq("thumb_dabt_returns_thumb", out, 5);
}

int main(void)
{
	basic();
	mmu_aborts();
	interrupts();
	returns();
	thumb();
	return finish("exceptions");
}
