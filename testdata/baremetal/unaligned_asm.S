/* Endianness helpers for unaligned.c */
	.syntax unified
	.arm
	.text
	.global	ldr_be, ldrh_be, str_be, cpsr_in_be, rev_ops
ldr_be:	setend	be
	ldr	r0, [r0]
	setend	le
	bx	lr
ldrh_be: setend	be
	ldrh	r0, [r0]
	setend	le
	bx	lr
str_be:	setend	be
	str	r1, [r0]
	setend	le
	bx	lr
cpsr_in_be:
	setend	be
	mrs	r0, cpsr
	setend	le
	bx	lr
rev_ops:			/* r0 = value, r1 = out[3] */
	rev	r2, r0
	str	r2, [r1]
	rev16	r2, r0
	str	r2, [r1, #4]
	revsh	r2, r0
	str	r2, [r1, #8]
	bx	lr
