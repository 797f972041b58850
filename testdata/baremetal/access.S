/* Single-access helpers shared by all programs: a data abort taken on
 * the access skips it (rt.c), leaving 0xdead as the result. */
	.syntax unified
	.arm
	.text
	.global	ldr_at, ldrt_at, ldrh_at, ldrex_at, ldrd_at, str_at, strt_at, strh_at
ldr_at:	mov	r1, r0
	ldr	r0, =0xdead
	ldr	r0, [r1]
	bx	lr
ldrt_at: mov	r1, r0
	ldr	r0, =0xdead
	ldrt	r0, [r1]
	bx	lr
ldrh_at: mov	r1, r0
	ldr	r0, =0xdead
	ldrh	r0, [r1]
	bx	lr
ldrex_at: mov	r1, r0
	ldr	r0, =0xdead
	ldrex	r0, [r1]
	clrex
	bx	lr
ldrd_at:			/* r0 = address, r1 = out[2] */
	push	{r4, r5}
	ldr	r4, =0xdead
	mov	r5, r4
	ldrd	r4, r5, [r0]
	stm	r1, {r4, r5}
	pop	{r4, r5}
	bx	lr
str_at:	str	r1, [r0]
	bx	lr
strt_at: strt	r1, [r0]
	bx	lr
strh_at: strh	r1, [r0]
	bx	lr
