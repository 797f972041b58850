/*
 * start.S: reset entry of the first-stage boot program (see boot.c).
 *
 * The AST2500 boots its ARM1176 from the FMC CS0 flash, mapped at address 0
 * at reset (and at 0x20000000): this code executes in place from flash.
 * Writable data and the stack live in the 36 KiB SoC SRAM at 0x1E720000 so
 * nothing touches DRAM before the SDMC is initialised.
 *
 * Sources: ARM1176JZF-S TRM (exception vectors, CP15 c1 control register:
 * M bit 0, C bit 2, I bit 12); Linux Documentation/arm/booting.rst (entry
 * state: SVC mode, IRQ/FIQ masked, MMU off, r0=0, r1=machine type
 * (0xffffffff for DT-only), r2=dtb physical address).
 */
	.syntax unified
	.arm
	.section .vectors, "ax"
	.global _start
_start:
	b	reset
	b	exc_undef
	b	exc_swi
	b	exc_pabt
	b	exc_dabt
	b	exc_unused
	b	exc_irq
	b	exc_fiq

reset:
	msr	cpsr_c, #0xd3		@ SVC mode, IRQ and FIQ masked
	mrc	p15, 0, r0, c1, c0, 0	@ control register: MMU, caches off
	bic	r0, r0, #0x1000		@ I
	bic	r0, r0, #0x0005		@ C, M
	mcr	p15, 0, r0, c1, c0, 0
	ldr	sp, =__stack_top
	ldr	r0, =__data_start	@ copy .data from flash to SRAM
	ldr	r1, =__data_load
	ldr	r2, =__data_end
1:	cmp	r0, r2
	ldrlo	r3, [r1], #4
	strlo	r3, [r0], #4
	blo	1b
	ldr	r0, =__bss_start	@ clear .bss
	ldr	r1, =__bss_end
	mov	r2, #0
2:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	2b
	bl	main
halt:	b	halt

/* Exceptions should never happen: report which one and where, then halt. */
exc_undef:	mov r0, #1
	b	exc
exc_swi:	mov r0, #2
	b	exc
exc_pabt:	mov r0, #3
	b	exc
exc_dabt:	mov r0, #4
	b	exc
exc_unused:	mov r0, #5
	b	exc
exc_irq:	mov r0, #6
	b	exc
exc_fiq:	mov r0, #7
exc:	mov	r1, lr
	ldr	sp, =__stack_top
	bl	exception		@ never returns
	b	halt

/* boot_linux(entry, dtb): jump to the kernel the way booting.rst asks. */
	.text
	.global boot_linux
boot_linux:
	mov	r3, r0
	mov	r2, r1
	mov	r0, #0
	mvn	r1, #0
	bx	r3
	.section .note.GNU-stack, "", %progbits
