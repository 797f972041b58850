/* Assembly helpers for modes.c (mode switching, banked registers). */
#include "plat.h"
	.syntax unified
	.arm
	.arch_extension sec
	.text

/* void get_banked(u32 mode, u32 out[4]): out = {cpsr after switch, sp, lr, spsr} */
	.global get_banked
get_banked:
	mrs	r2, cpsr
	bic	r3, r2, #0x1f
	orr	r3, r3, r0
	msr	cpsr_c, r3
	mrs	r12, cpsr
	str	r12, [r1]
	str	sp, [r1, #4]
	str	lr, [r1, #8]
	mrs	r12, spsr
	str	r12, [r1, #12]
	msr	cpsr_c, r2
	bx	lr

/* void set_banked(u32 mode, const u32 in[3]): sp, lr, spsr of mode */
	.global set_banked
set_banked:
	mrs	r2, cpsr
	bic	r3, r2, #0x1f
	orr	r3, r3, r0
	msr	cpsr_c, r3
	ldr	sp, [r1]
	ldr	lr, [r1, #4]
	ldr	r12, [r1, #8]
	msr	spsr_fsxc, r12
	msr	cpsr_c, r2
	bx	lr

/* void fiq_bank(u32 out[16]): out[0..4] = SYS r8-r12 after FIQ wrote its
 * own, out[5..9] = FIQ r8-r12, out[10..14] = IRQ mode's r8-r12 */
	.global fiq_bank
fiq_bank:
	push	{r4-r11, lr}
	mov	r8, #8
	mov	r9, #9
	mov	r10, #10
	mov	r11, #11
	mov	r12, #12
	cps	#MODE_FIQ
	mov	r8, #0x80
	mov	r9, #0x90
	mov	r10, #0xa0
	mov	r11, #0xb0
	mov	r12, #0xc0
	cps	#MODE_SYS
	stm	r0, {r8-r12}
	cps	#MODE_FIQ
	add	r1, r0, #20
	stm	r1, {r8-r12}
	cps	#MODE_IRQ
	add	r1, r0, #40
	stm	r1, {r8-r12}
	cps	#MODE_SYS
	pop	{r4-r11, pc}

/* u32 spsr_field(u32 init, u32 val, u32 which): in UND mode, write SPSR
 * fully with init, then MSR one field (0=c 1=x 2=s 3=f 4=fc imm) with val. */
	.global spsr_field
spsr_field:
	mrs	r3, cpsr
	cps	#MODE_UND
	msr	spsr_fsxc, r0
	cmp	r2, #0
	msreq	spsr_c, r1
	cmp	r2, #1
	msreq	spsr_x, r1
	cmp	r2, #2
	msreq	spsr_s, r1
	cmp	r2, #3
	msreq	spsr_f, r1
	cmp	r2, #4
	msreq	spsr_fc, #0x40000012
	mrs	r0, spsr
	msr	cpsr_c, r3
	bx	lr

/* void cpsr_ops(u32 out[16]) from SYS mode */
	.global cpsr_ops
cpsr_ops:
	push	{r4, lr}
	mrs	r4, cpsr
	msr	cpsr_f, #0x60000000	/* Z C */
	mrs	r1, cpsr
	str	r1, [r0, #0]
	mov	r2, #0x90000000
	orr	r2, r2, #0x13		/* mode bits must be ignored with _f */
	msr	cpsr_f, r2
	mrs	r1, cpsr
	str	r1, [r0, #4]
	msr	cpsr_f, #0		/* clear flags incl. Q */
	mvn	r1, #0x80000000		/* 0x7fffffff */
	mov	r2, #1
	qadd	r3, r1, r2
	str	r3, [r0, #8]
	mrs	r1, cpsr
	str	r1, [r0, #12]
	cpsid	aif
	mrs	r1, cpsr
	str	r1, [r0, #16]
	cpsie	af
	mrs	r1, cpsr
	str	r1, [r0, #20]
	cpsid	f, #MODE_SVC		/* CPS with mode and mask */
	mrs	r1, cpsr
	str	r1, [r0, #24]
	cps	#MODE_ABT
	mrs	r1, cpsr
	str	r1, [r0, #28]
	mov	r1, #0xd0
	orr	r1, r1, #MODE_UND	/* MSR cpsr_c from register */
	msr	cpsr_c, r1
	mrs	r1, cpsr
	str	r1, [r0, #32]
	msr	cpsr_fsxc, r4
	pop	{r4, pc}

/* void user_ops(u32 out[8]): drop to User mode, try to change mode and
 * masks, come back with SVC #0xff (handled in rt.c). */
	.global user_ops
user_ops:
	push	{r4, lr}
	cpsid	if
	str	sp, [r0, #24]
	cps	#MODE_USR
	str	sp, [r0, #20]
	mrs	r1, cpsr
	str	r1, [r0, #0]
	mov	r1, #0x1f			/* SYS, I/F clear */
	orr	r1, r1, #0xf0000000
	msr	cpsr_fc, r1			/* flags yes, control no */
	mrs	r1, cpsr
	str	r1, [r0, #4]
	cpsie	if
	cps	#MODE_SVC
	mrs	r1, cpsr
	str	r1, [r0, #8]
	mov	r1, #0x13
	msr	cpsr_c, r1
	mrs	r1, cpsr
	str	r1, [r0, #12]
	svc	#0xff
	mrs	r1, cpsr
	str	r1, [r0, #16]
	pop	{r4, pc}

/* u32 do_smc(void): returns address of the SMC instruction */
	.global do_smc
do_smc:
	adr	r0, 1f
1:	smc	#5
	bx	lr

/* void user_bank(u32 out[6], const u32 in[2]): from SVC mode, STM ^ the
 * User-bank SP/LR to out[0..1], LDM ^ them from in[0..1], then read them in
 * System mode (same bank as User) into out[2..3]; out[4..5] = the System
 * SP/LR before. System SP/LR are restored. */
	.global user_bank
user_bank:
	push	{r4, lr}
	mov	r4, sp
	str	sp, [r0, #16]
	str	lr, [r0, #20]
	cps	#MODE_SVC
	stmia	r0, {sp, lr}^
	nop
	ldmia	r1, {sp, lr}^
	nop
	cps	#MODE_SYS
	str	sp, [r0, #8]
	str	lr, [r0, #12]
	mov	sp, r4
	pop	{r4, pc}
