#include "textflag.h"

// func jitCall(code uintptr, cpu unsafe.Pointer, page, fast uintptr) uint32
//
// Enters generated code at code with the JIT's fixed registers: RBX the
// CPU, R12 the virtual address of the running page, R13 the soft TLB set of
// the fast paths. Generated code returns with an exit code in EAX and uses
// no stack beyond the return address.
TEXT ·jitCall(SB), NOSPLIT, $0-36
	MOVQ code+0(FP), AX
	MOVQ cpu+8(FP), BX
	MOVQ page+16(FP), R12
	MOVQ fast+24(FP), R13
	CALL AX
	MOVL AX, ret+32(FP)
	RET
