/*
 * halt.S: bare-metal end states for the machine's halt detection tests
 * (machine/halt_test.go). Loaded at DRAM 0x80000000 and entered in SVC
 * mode with IRQ and FIQ masked, MMU off, r0 = the scenario:
 *   0  print "reboot: Power off not available: System halted instead",
 *      then cpsid i; b .            (Linux 6.9+ machine_halt)
 *   1  print "reboot: Power down", then keep running a counting loop
 *      (the magic text must not end the run)
 *   2  arm watchdog 1 for 2 s with reset, then cpsid i; b .
 *   3  wfi with IRQ and FIQ masked and the VIC silent, for ever
 *   4  switch to User mode with interrupts unmasked and spin (no sleep,
 *      no further User entries: a dead system once seen alive)
 *   5  cpsie f; b .  with no FIQ source routed (still halted)
 *   6  cpsie i, then wfi for ever: idle, waiting for an interrupt
 * UART5 (0x1E784000) is polled: LSR (0x14) bit 5 THRE before each byte.
 * Watchdog 1 (0x1E785000): reload 0x04, restart 0x08 (magic 0x4755),
 * control 0x0c (bit 0 enable, bit 1 reset system).
 * Build: ./build.sh (arm-linux-gnueabi-as, objcopy -O binary).
 */
	.syntax unified
	.arm
	.text
	.global _start
_start:
	mov	r8, r0
	ldr	r5, =0x1E784000
	adr	r4, msg_halt
	cmp	r8, #1
	adreq	r4, msg_power
	cmp	r8, #1
	bhi	dispatch
print:
	ldrb	r0, [r4], #1
	cmp	r0, #0
	beq	dispatch
1:	ldr	r1, [r5, #0x14]
	tst	r1, #0x20
	beq	1b
	str	r0, [r5]
	b	print
dispatch:
	cmp	r8, #1
	beq	count
	cmp	r8, #2
	beq	watchdog
	cmp	r8, #3
	beq	sleep
	cmp	r8, #4
	beq	user
	cmp	r8, #5
	beq	fiqon
	cmp	r8, #6
	beq	idle
halt:
	cpsid	i
	b	.
count:
	add	r2, r2, #1
	b	count
watchdog:
	ldr	r6, =0x1E785000
	ldr	r1, =2000000
	str	r1, [r6, #0x04]
	ldr	r1, =0x4755
	str	r1, [r6, #0x08]
	mov	r1, #3
	str	r1, [r6, #0x0c]
	b	halt
sleep:
	mcr	p15, 0, r0, c7, c0, 4
	b	sleep
user:
	msr	cpsr_c, #0x10
	b	.
idle:
	cpsie	i
1:	mcr	p15, 0, r0, c7, c0, 4
	b	1b
fiqon:
	cpsie	f
	b	.
msg_halt:
	.asciz	"reboot: Power off not available: System halted instead\n"
msg_power:
	.asciz	"reboot: Power down\n"
	.align	2
	.ltorg
