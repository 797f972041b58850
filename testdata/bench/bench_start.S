/* Bare-metal startup for bench.c on the ast2500emu CPU harness board:
 * vector table at 0 (every exception except reset reports exit code 3),
 * stack, .bss clear, main, exit through the test device. */
	.syntax unified
	.arm
	.section .vectors, "ax"
	.global	_start
_start:
	b	reset
	.rept	7
	b	bad
	.endr
	.text
reset:
	ldr	sp, =0x01000000
	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b
	bl	main
	bl	bench_exit
bad:	mov	r0, #3
	bl	bench_exit
