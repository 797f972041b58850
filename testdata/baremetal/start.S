/*
 * Tiny bare-metal runtime for the ast2500emu CPU test programs: reset
 * vector, a RAM vector table whose handler addresses can be swapped at run
 * time, per-mode stacks, and a common exception entry that saves the
 * interrupted registers and calls exc_dispatch() in rt.c.
 *
 * Architecture references: ARM Architecture Reference Manual DDI 0100I,
 * A2.6 (exceptions, vector offsets, LR values), B4 (MMU/CP15); ARM1176JZF-S
 * TRM DDI 0301, 2.12 (exceptions) and 3.2 (CP15).
 */
#include "plat.h"

	.syntax unified
	.arm
	.section .vectors, "ax"
	.global _start, vectors, vector_addr
_start:
vectors:
	ldr	pc, vector_addr + 0
	ldr	pc, vector_addr + 4
	ldr	pc, vector_addr + 8
	ldr	pc, vector_addr + 12
	ldr	pc, vector_addr + 16
	ldr	pc, vector_addr + 20
	ldr	pc, vector_addr + 24
	ldr	pc, vector_addr + 28
vector_addr:				/* at 0x20: writable handler slots */
	.word	reset
	.word	exc_und
	.word	exc_svc
	.word	exc_pabt
	.word	exc_dabt
	.word	exc_unused
	.word	exc_irq
	.word	exc_fiq

	.text
reset:
	/* Each mode gets its own stack; interrupts stay masked. */
	cps	#MODE_IRQ
	ldr	sp, =STACK_IRQ
	cps	#MODE_FIQ
	ldr	sp, =STACK_FIQ
	cps	#MODE_ABT
	ldr	sp, =STACK_ABT
	cps	#MODE_UND
	ldr	sp, =STACK_UND
	cps	#MODE_SYS
	ldr	sp, =STACK_SYS
	cps	#MODE_SVC
	ldr	sp, =STACK_SVC
	/* clear .bss */
	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b
	bl	plat_init
	/* Tests run in System mode so that every exception banks its own LR. */
	cps	#MODE_SYS
	bl	main
	bl	exit_
2:	b	2b

/* Common exception entry: frame = {spsr, pad, r0-r12, lr} (16 words). */
.macro EXC name, type
	.global \name
\name:
	stmfd	sp!, {r0-r12, lr}
	mrs	r0, spsr
	stmfd	sp!, {r0, r1}
	mov	r0, #\type
	mov	r1, sp
	bl	exc_dispatch
	ldmfd	sp!, {r0, r1}
	msr	spsr_cxsf, r0
	ldmfd	sp!, {r0-r12, pc}^
.endm
	EXC exc_und,    EXC_UND
	EXC exc_svc,    EXC_SVC
	EXC exc_pabt,   EXC_PABT
	EXC exc_dabt,   EXC_DABT
	EXC exc_unused, EXC_UNUSED
	EXC exc_irq,    EXC_IRQ
	EXC exc_fiq,    EXC_FIQ

/* Monitor mode (SMC) entry; MVBAR points at mon_vectors. The monitor has
 * no stack set up at reset (entering Monitor mode with CPS is not allowed
 * everywhere), so the handler loads its own. */
	.balign	32
	.global	mon_vectors
mon_vectors:
	b	.
	b	.
	b	mon_smc
	b	.
	b	.
	b	.
	b	.
	b	.
mon_smc:
	ldr	sp, =STACK_MON
	stmfd	sp!, {r0-r12, lr}
	mrs	r0, spsr
	stmfd	sp!, {r0, r1}
	mov	r0, #EXC_SMC
	mov	r1, sp
	bl	exc_dispatch
	ldmfd	sp!, {r0, r1}
	msr	spsr_cxsf, r0
	ldmfd	sp!, {r0-r12, pc}^

/* u32 call_resume(u32 target, u32 arg): calls target(arg); if an exception
 * handled by the default handler interrupts it, resumes here and returns
 * 0xdead. */
	.global	call_resume
call_resume:
	push	{r4, lr}
	ldr	r2, =resume_at
	adr	r3, 1f
	str	r3, [r2]
	ldr	r2, =cr_sp
	str	sp, [r2]
	mov	r2, r0
	mov	r0, r1
	blx	r2
	b	2f
1:	ldr	sp, =cr_sp
	ldr	sp, [sp]
	ldr	r0, =0xdead
2:	ldr	r2, =resume_at
	mov	r3, #0
	str	r3, [r2]
	pop	{r4, pc}

	.bss
	.align	2
cr_sp:	.space	4
