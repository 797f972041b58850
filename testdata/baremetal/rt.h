/* Runtime interface for the bare-metal test programs (see start.S, rt.c). */
#ifndef RT_H
#define RT_H
#include "plat.h"

typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned long long u64;

struct frame {
	u32 spsr, pad;
	u32 r[13];
	u32 lr;		/* banked LR at entry; set to the return address */
};

/* What the default handler saw for the last exception. */
struct excrec {
	u32 count;	/* number of exceptions taken so far */
	u32 type;	/* EXC_* */
	u32 lr, spsr;	/* banked LR and SPSR on entry */
	u32 imm;	/* SVC immediate (ARM: 24 bits, Thumb: 8 bits) */
	u32 dfsr, dfar, ifsr, ifar;
	u32 mode;	/* CPSR mode the handler ran in */
	u32 cpsr;	/* full CPSR in the handler */
	u32 insn;	/* UND from ARM state: the faulting instruction */
	u32 seq;	/* types of recent exceptions, 4 bits each, newest low */
};
extern volatile struct excrec last;
/* If non-zero, the next exception returns here (then cleared). */
extern volatile u32 resume_at;
/* Optional override: return non-zero if it handled the exception (it must
 * then set f->lr to the return address). */
extern int (*volatile exc_hook)(int type, struct frame *f);
extern u32 vector_addr[8];
void exc_und(void), exc_svc(void), exc_irq(void);
#define exc_und_default exc_und
#define exc_svc_default exc_svc
#define exc_irq_default exc_irq
extern u32 vectors[];
extern u32 mon_vectors[];

void putc_(int c);
void puts_(const char *s);
void puthex(u32 v);
void exit_(int code) __attribute__((noreturn));
void set_irq(int level);
void set_fiq(int level);
u32 insn_count(void);
void plat_init(void);
int have_security(void);	/* ID_PFR1 Security Extensions */
u32 call_resume(u32 target, u32 arg);	/* blx target; on exception resumes, returning 0xdead */

extern int failures;
void check(const char *name, int ok);
void check_eq(const char *name, u32 got, u32 want);
void fail(const char *name, const char *detail);
int finish(const char *prog);	/* prints summary, returns exit code */

static inline u32 get_cpsr(void) { u32 v; asm volatile("mrs %0, cpsr" : "=r"(v)); return v; }
static inline void isb(void) { asm volatile("mcr p15, 0, %0, c7, c5, 4" :: "r"(0) : "memory"); }
static inline void dsb(void) { asm volatile("mcr p15, 0, %0, c7, c10, 4" :: "r"(0) : "memory"); }
static inline void tlb_inv_all(void) { asm volatile("mcr p15, 0, %0, c8, c7, 0" :: "r"(0) : "memory"); isb(); }
static inline u32 get_sctlr(void) { u32 v; asm volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(v)); return v; }
static inline void set_sctlr(u32 v) { asm volatile("mcr p15, 0, %0, c1, c0, 0" :: "r"(v) : "memory"); isb(); }
static inline void set_ttbr0(u32 v) { asm volatile("mcr p15, 0, %0, c2, c0, 0" :: "r"(v) : "memory"); }
static inline void set_ttbr1(u32 v) { asm volatile("mcr p15, 0, %0, c2, c0, 1" :: "r"(v) : "memory"); }
static inline void set_ttbcr(u32 v) { asm volatile("mcr p15, 0, %0, c2, c0, 2" :: "r"(v) : "memory"); }
static inline void set_dacr(u32 v) { asm volatile("mcr p15, 0, %0, c3, c0, 0" :: "r"(v) : "memory"); }
static inline void set_contextidr(u32 v) { asm volatile("mcr p15, 0, %0, c13, c0, 1" :: "r"(v) : "memory"); isb(); }
static inline u32 rd32(u32 a) { return *(volatile u32 *)a; }
static inline void wr32(u32 a, u32 v) { *(volatile u32 *)a = v; }

#define SCTLR_M  (1u << 0)
#define SCTLR_A  (1u << 1)
#define SCTLR_S  (1u << 8)
#define SCTLR_R  (1u << 9)
#define SCTLR_V  (1u << 13)
#define SCTLR_U  (1u << 22)
#define SCTLR_XP (1u << 23)

/* MMU helpers (ARMv6 XP=1 short descriptors unless noted). */
#define SEC_AP(apx, ap) (((apx) << 15) | ((ap) << 10))
#define SEC_XN   (1u << 4)
#define SEC_NG   (1u << 17)
#define SEC_DOM(d) ((d) << 5)
void mmu_flat(u32 *l1);		/* fault everywhere; identity RAM 0-16MB + I/O */
void map_section(u32 *l1, u32 va, u32 pa, u32 attrs);	/* attrs: AP/XN/domain/nG */
void mmu_on(u32 *l1, u32 extra_sctlr);
void mmu_off(void);

#endif
