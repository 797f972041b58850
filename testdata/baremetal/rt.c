/*
 * Runtime for the bare-metal test programs: console and exit through the
 * harness test device (or, when built with PLAT_QEMU, QEMU versatilepb's
 * PL011/PL190/semihosting so the programs can be checked against QEMU),
 * PASS/FAIL reporting, the default exception handler and MMU helpers.
 *
 * Default exception policy (exc_dispatch): record type/LR/SPSR/fault
 * registers in `last`, then resume after the exception-causing instruction
 * (UND/SVC/PABT: LR; DABT: LR-4) or at the interrupted one (IRQ/FIQ: LR-4,
 * after lowering the test-device line). SVC #0xFF from User mode returns to
 * System mode. LR offsets per DDI 0100I A2.6.
 */
#include "rt.h"

volatile struct excrec last;
volatile u32 resume_at;
int (*volatile exc_hook)(int type, struct frame *f);
int failures;

#ifdef PLAT_QEMU
#define UART0 0x101f1000
#define VIC   0x10140000
void putc_(int c) { wr32(UART0, c); }
void plat_init(void)
{
	wr32(VIC + 0x14, ~0u);	/* IntEnClear */
	wr32(VIC + 0x0C, 2);	/* IntSelect: soft int 1 -> FIQ */
	wr32(VIC + 0x10, 3);	/* IntEnable 0,1 */
	wr32(VIC + 0x1C, 3);	/* SoftIntClear */
}
void set_irq(int l) { wr32(VIC + (l ? 0x18 : 0x1C), 1); }
void set_fiq(int l) { wr32(VIC + (l ? 0x18 : 0x1C), 2); }
u32 insn_count(void) { return 0; }
void exit_(int code)
{
	register u32 r0 asm("r0") = 0x18;	/* SYS_EXIT */
	register u32 r1 asm("r1") = code ? 0x20023 : 0x20026;
	asm volatile("svc 0x123456" :: "r"(r0), "r"(r1) : "memory");
	for (;;) ;
}
#else
void putc_(int c) { wr32(TESTDEV + 0x00, c); }
void plat_init(void) { }
void set_irq(int l) { wr32(TESTDEV + 0x08, l); }
void set_fiq(int l) { wr32(TESTDEV + 0x0C, l); }
u32 insn_count(void) { return rd32(TESTDEV + 0x10); }
void exit_(int code)
{
	wr32(TESTDEV + 0x04, code);
	for (;;) ;
}
#endif

void puts_(const char *s) { while (*s) putc_(*s++); }
void puthex(u32 v)
{
	puts_("0x");
	for (int i = 28; i >= 0; i -= 4)
		putc_("0123456789abcdef"[(v >> i) & 15]);
}

void check(const char *name, int ok)
{
	puts_(ok ? "PASS " : "FAIL ");
	puts_(name);
	putc_('\n');
	if (!ok)
		failures++;
}

void check_eq(const char *name, u32 got, u32 want)
{
	if (got == want) {
		check(name, 1);
		return;
	}
	puts_("FAIL ");
	puts_(name);
	puts_(" got=");
	puthex(got);
	puts_(" want=");
	puthex(want);
	putc_('\n');
	failures++;
}

void fail(const char *name, const char *detail)
{
	puts_("FAIL ");
	puts_(name);
	putc_(' ');
	puts_(detail);
	putc_('\n');
	failures++;
}

int finish(const char *prog)
{
	puts_(failures ? "FAILED " : "DONE ");
	puts_(prog);
	putc_('\n');
	return failures ? 1 : 0;
}

void exc_dispatch(int type, struct frame *f)
{
	u32 v;
	last.count++;
	last.type = type;
	last.lr = f->lr;
	last.spsr = f->spsr;
	last.cpsr = get_cpsr();
	last.mode = last.cpsr & 0x1f;
	last.seq = (last.seq << 4) | type;
	if (type == EXC_UND && !(f->spsr & (1 << 5)))
		last.insn = *(u32 *)(f->lr - 4);
	if (type == EXC_DABT) {
		asm volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(v)); last.dfsr = v;
		asm volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(v)); last.dfar = v;
	}
	if (type == EXC_PABT) {
		asm volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(v)); last.ifsr = v;
		asm volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(v)); last.ifar = v;
	}
	if (type == EXC_SVC || type == EXC_SMC) {
		if (f->spsr & (1 << 5))
			last.imm = *(u16 *)(f->lr - 2) & 0xff;
		else
			last.imm = *(u32 *)(f->lr - 4) & (type == EXC_SMC ? 0xf : 0xffffff);
	}
	if (exc_hook && exc_hook(type, f))
		return;
	switch (type) {
	case EXC_DABT:
		f->lr -= 4;
		break;
	case EXC_IRQ:
		set_irq(0);
		f->lr -= 4;
		break;
	case EXC_FIQ:
		set_fiq(0);
		f->lr -= 4;
		break;
	case EXC_SVC:
		if (last.imm == 0xff && !(f->spsr & (1 << 5)))
			f->spsr = (f->spsr & ~0x1f) | MODE_SYS;
		break;
	case EXC_UNUSED:
		puts_("FAIL unexpected exception\n");
		exit_(2);
	}
	if (resume_at) {
		f->lr = resume_at;
		resume_at = 0;
	}
}

void map_section(u32 *l1, u32 va, u32 pa, u32 attrs)
{
	l1[va >> 20] = (pa & 0xfff00000) | attrs | 2;
}

void mmu_flat(u32 *l1)
{
	for (int i = 0; i < 4096; i++)
		l1[i] = 0;
	for (u32 mb = 0; mb < 16; mb++)
		map_section(l1, mb << 20, mb << 20, SEC_AP(0, 3));
	map_section(l1, IO_SECTION << 20, IO_SECTION << 20, SEC_AP(0, 1) | SEC_XN);
}

void mmu_on(u32 *l1, u32 extra)
{
	dsb();
	set_ttbcr(0);
	set_ttbr0((u32)l1);
	set_dacr(0x55555555);	/* all domains client */
	tlb_inv_all();
	set_sctlr((get_sctlr() & ~(SCTLR_A | SCTLR_V)) | SCTLR_M | SCTLR_XP | extra);
}

void mmu_off(void)
{
	set_sctlr(get_sctlr() & ~(SCTLR_M | SCTLR_A));
	tlb_inv_all();
}

int have_security(void)
{
	u32 pfr1;
	asm volatile("mrc p15, 0, %0, c0, c1, 1" : "=r"(pfr1));
	return ((pfr1 >> 4) & 15) != 0;
}
