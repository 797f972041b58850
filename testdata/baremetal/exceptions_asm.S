/* Assembly parts of exceptions.c: instructions whose addresses matter,
 * Thumb code, and handlers using each exception-return form. */
#include "plat.h"
	.syntax unified
	.arm
	.arch_extension sec
	.text

/* Each returns the address of the exception-causing instruction. */
	.global	do_und, do_svc, do_bkpt, do_ldr_abort, do_str_abort
do_und:	adr	r0, 1f
1:	.inst	0xe7f000f0
	bx	lr
do_svc:	adr	r0, 1f
1:	svc	#0x123
	bx	lr
do_bkpt: adr	r0, 1f
1:	bkpt	#0x12
	bx	lr
do_ldr_abort:		/* r0 = address to load from */
	mov	r1, r0
	adr	r0, 1f
1:	ldr	r2, [r1]
	bx	lr
do_str_abort:
	mov	r1, r0
	adr	r0, 1f
1:	str	r1, [r1]
	bx	lr

/* u32 irq_window(void): with the line already raised and I masked,
 * unmask; the IRQ is taken before the instruction after CPSIE. Returns
 * the address of that instruction. */
	.global	irq_window, fiq_window, both_window
irq_window:
	adr	r0, 1f
	cpsie	i
1:	nop
	nop
	cpsid	i
	bx	lr
fiq_window:
	adr	r0, 1f
	cpsie	f
1:	nop
	nop
	cpsid	f
	bx	lr
both_window:
	adr	r0, 1f
	cpsie	if
1:	nop
	nop
	cpsid	if
	bx	lr

/* u32 masked_run(void): some instructions with interrupts masked */
	.global	masked_run
masked_run:
	mov	r0, #0
	.rept	16
	add	r0, r0, #1
	.endr
	bx	lr

/* ---- exception return forms ---- */
	.global	irq_subs, svc_movs, und_ldm, svc_rfe, irq_srs
	.global	ret_hits, srs_lr, srs_spsr, srs_svc_sp
irq_subs:			/* SUBS pc, lr, #4 */
	push	{r0-r3, r12, lr}
	mov	r0, #0
	bl	set_irq
	ldr	r0, =ret_hits
	ldr	r1, [r0]
	add	r1, r1, #1
	str	r1, [r0]
	pop	{r0-r3, r12, lr}
	subs	pc, lr, #4
svc_movs:			/* MOVS pc, lr */
	push	{r0, r1}
	ldr	r0, =ret_hits
	ldr	r1, [r0]
	add	r1, r1, #1
	str	r1, [r0]
	pop	{r0, r1}
	movs	pc, lr
und_ldm:			/* LDM sp!, {..., pc}^ */
	stmfd	sp!, {r0, r1, lr}
	ldr	r0, =ret_hits
	ldr	r1, [r0]
	add	r1, r1, #1
	str	r1, [r0]
	ldmfd	sp!, {r0, r1, pc}^
svc_rfe:			/* SRS own stack, RFE */
	srsdb	sp!, #MODE_SVC
	push	{r0, r1}
	ldr	r0, =ret_hits
	ldr	r1, [r0]
	add	r1, r1, #1
	str	r1, [r0]
	pop	{r0, r1}
	rfeia	sp!
irq_srs:			/* SRS onto the SVC stack, handle in SVC, RFE */
	sub	lr, lr, #4
	srsdb	sp!, #MODE_SVC
	cps	#MODE_SVC
	push	{r0-r3, r12, lr}
	add	r0, sp, #24
	ldr	r1, =srs_svc_sp
	str	r0, [r1]
	ldr	r1, [r0]
	ldr	r2, =srs_lr
	str	r1, [r2]
	ldr	r1, [r0, #4]
	ldr	r2, =srs_spsr
	str	r1, [r2]
	mov	r0, #0
	bl	set_irq
	ldr	r0, =ret_hits
	ldr	r1, [r0]
	add	r1, r1, #1
	str	r1, [r0]
	pop	{r0-r3, r12, lr}
	rfeia	sp!

/* u32 ret_body(u32 kind): runs a sequence interrupted by an exception of
 * the given kind (0 irq, 1 svc, 2 und); returns flags<<0 | counter */
	.global	ret_body
ret_body:
	push	{r4, lr}
	mov	r4, r0
	mov	r0, #0
	msr	cpsr_f, #0x50000000	/* Z V: must survive */
	cmp	r4, #0
	bne	1f
	mov	r0, #0
	msr	cpsr_f, #0x50000000
	cpsie	i
	add	r0, r0, #1
	add	r0, r0, #1
	cpsid	i
	b	3f
1:	cmp	r4, #1
	bne	2f
	mov	r0, #0
	msr	cpsr_f, #0x50000000
	svc	#1
	add	r0, r0, #1
	add	r0, r0, #1
	b	3f
2:	mov	r0, #0
	msr	cpsr_f, #0x50000000
	.inst	0xe7f000f0
	add	r0, r0, #1
	add	r0, r0, #1
3:	mrs	r1, cpsr
	and	r1, r1, #0xf0000000
	orr	r0, r0, r1
	pop	{r4, pc}

/* high vector / VBAR UND stubs: count then fall into the normal handler */
	.global	hv_und, hv_hits
hv_und:
	push	{r0, r1}
	ldr	r0, =hv_hits
	ldr	r1, [r0]
	add	r1, r1, #1
	str	r1, [r0]
	pop	{r0, r1}
	b	exc_und

/* u32 do_smc(void) */
	.global	do_smc
do_smc:	adr	r0, 1f
1:	smc	#3
	bx	lr

/* ---- Thumb ---- */
	.global	thumb_und, thumb_svc, thumb_irq, thumb_dabt
	.thumb_func
thumb_und:		/* returns insn address | 1, r0 result via out */
	movs	r1, #5
	.global	thumb_und_insn
thumb_und_insn:
	.short	0xde01
	adds	r1, r1, #2	/* executes only if we came back in Thumb */
	str	r1, [r2]	/* r2 = out pointer */
	bx	lr
	.align	2
	.thumb_func
thumb_svc:
	movs	r1, #7
	.global	thumb_svc_insn
thumb_svc_insn:
	svc	#0x42
	adds	r1, r1, #3
	str	r1, [r2]
	bx	lr
	.align	2
	.thumb_func
thumb_irq:		/* line raised, I masked: unmask in Thumb */
	movs	r1, #1
	cpsie	i
	.global	thumb_irq_next
thumb_irq_next:
	adds	r1, r1, #1
	adds	r1, r1, #1
	cpsid	i
	str	r1, [r2]
	bx	lr
	.align	2

	.thumb_func
thumb_dabt:		/* r0 = unaligned address (SCTLR.A=1), r2 = out */
	movs	r1, #1
	.global	thumb_dabt_insn
thumb_dabt_insn:
	ldr	r3, [r0]	/* aborts: LR = this + 8, handler resumes at +4 */
	movs	r1, #9		/* skipped */
	adds	r1, r1, #4	/* resumes here, still in Thumb */
	str	r1, [r2]
	bx	lr
	.align	2

	.bss
	.align	2
ret_hits:	.space 4
srs_lr:		.space 4
srs_spsr:	.space 4
srs_svc_sp:	.space 4
hv_hits:	.space 4
