/* Board constants shared by the C and assembly parts of the runtime. */
#ifndef PLAT_H
#define PLAT_H

#define MODE_USR 0x10
#define MODE_FIQ 0x11
#define MODE_IRQ 0x12
#define MODE_SVC 0x13
#define MODE_MON 0x16
#define MODE_ABT 0x17
#define MODE_UND 0x1b
#define MODE_SYS 0x1f

#define EXC_UND    1
#define EXC_SVC    2
#define EXC_PABT   3
#define EXC_DABT   4
#define EXC_UNUSED 5
#define EXC_IRQ    6
#define EXC_FIQ    7
#define EXC_SMC    8

/* Stacks (physical, identity-mapped when the MMU is on). */
#define STACK_SVC 0x00100000
#define STACK_IRQ 0x000F0000
#define STACK_FIQ 0x000E0000
#define STACK_ABT 0x000D0000
#define STACK_UND 0x000C0000
#define STACK_SYS 0x000B0000
#define STACK_MON 0x000A0000

/* Scratch areas used by the tests. */
#define L1_TABLE   0x00400000	/* 16 KiB aligned */
#define L1_TABLE2  0x00404000
#define L2_AREA    0x00408000	/* coarse tables, 1 KiB each */
#define DATA_AREA  0x00500000	/* test data pages */

#ifdef PLAT_QEMU
/* QEMU versatilepb reference run: PL011 UART, PL190 VIC soft interrupts,
 * semihosting exit. Used only to validate the programs against QEMU. */
#define IO_SECTION 0x101
#define BAD_PA     0xD0000000
#else
/* ast2500emu CPU harness board: test device at 0x10000000. */
#define TESTDEV    0x10000000
#define IO_SECTION 0x100
#define BAD_PA     0x20000000
#endif

#endif
