/* VFP instruction wrappers for vfp.c; values are passed as raw bits in
 * core registers (u32 single, u64 double in r0:r1 / r2:r3). */
	.syntax unified
	.arm
	.fpu	vfp
	.text
.macro S3 name, op
	.global	\name
\name:	vmov	s0, r0
	vmov	s1, r1
	\op	s2, s0, s1
	vmov	r0, s2
	bx	lr
.endm
.macro D3 name, op
	.global	\name
\name:	vmov	d0, r0, r1
	vmov	d1, r2, r3
	\op	d2, d0, d1
	vmov	r0, r1, d2
	bx	lr
.endm
	S3	fadds, vadd.f32
	S3	fmuls, vmul.f32
	S3	fdivs, vdiv.f32
	D3	faddd, vadd.f64
	D3	fsubd, vsub.f64
	D3	fmuld, vmul.f64
	D3	fdivd, vdiv.f64
	.global	fsqrtd, fsqrts, ftosizd, ftosid, fsitod, fcvtsd, fcvtds, fcmpd
fsqrtd:	vmov	d0, r0, r1
	vsqrt.f64 d1, d0
	vmov	r0, r1, d1
	bx	lr
fsqrts:	vmov	s0, r0
	vsqrt.f32 s1, s0
	vmov	r0, s1
	bx	lr
ftosizd: vmov	d0, r0, r1		/* round towards zero */
	vcvt.s32.f64 s2, d0
	vmov	r0, s2
	bx	lr
ftosid:	vmov	d0, r0, r1		/* FPSCR rounding mode */
	vcvtr.s32.f64 s2, d0
	vmov	r0, s2
	bx	lr
fsitod:	vmov	s0, r0
	vcvt.f64.s32 d1, s0
	vmov	r0, r1, d1
	bx	lr
fcvtsd:	vmov	d0, r0, r1
	vcvt.f32.f64 s2, d0
	vmov	r0, s2
	bx	lr
fcvtds:	vmov	s0, r0
	vcvt.f64.f32 d1, s0
	vmov	r0, r1, d1
	bx	lr
fcmpd:				/* returns APSR NZCV after VMRS APSR_nzcv */
	vmov	d0, r0, r1
	vmov	d1, r2, r3
	msr	cpsr_f, #0
	vcmp.f64 d0, d1
	vmrs	APSR_nzcv, fpscr
	mrs	r0, cpsr
	lsr	r0, r0, #28
	bx	lr
	.global	get_fpscr, set_fpscr, get_fpexc, set_fpexc, get_fpsid
get_fpscr: vmrs	r0, fpscr
	bx	lr
set_fpscr: vmsr	fpscr, r0
	bx	lr
get_fpexc: vmrs	r0, fpexc
	bx	lr
set_fpexc: vmsr	fpexc, r0
	bx	lr
get_fpsid: vmrs	r0, fpsid
	bx	lr
/* u32 vfp_undef_probe(void): returns address of a VFP data instruction */
	.global	vfp_probe
vfp_probe:
	adr	r0, 1f
1:	vadd.f32 s2, s0, s1
	bx	lr
/* void vec_test(const u32 in[9], u32 out[8]): FPSCR LEN=4 STRIDE=1 */
	.global	vec_test
vec_test:
	vmrs	r3, fpscr
	vldr	s16, [r0, #0]
	vldr	s17, [r0, #4]
	vldr	s18, [r0, #8]
	vldr	s19, [r0, #12]
	vldr	s24, [r0, #16]
	vldr	s25, [r0, #20]
	vldr	s26, [r0, #24]
	vldr	s27, [r0, #28]
	vldr	s0, [r0, #32]
	vmov	s1, s0
	vldr	s3, [r0, #0]
	bic	r2, r3, #0x00370000
	orr	r2, r2, #0x00030000	/* LEN=3 (4 iterations), STRIDE=00 */
	vmsr	fpscr, r2
	vadd.f32 s8, s16, s24		/* vector + vector */
	vmul.f32 s12, s16, s0		/* vector * scalar (bank 0) */
	vadd.f32 s2, s0, s1		/* scalar destination: scalar op */
	vmsr	fpscr, r3
	vstr	s8, [r1, #0]
	vstr	s9, [r1, #4]
	vstr	s10, [r1, #8]
	vstr	s11, [r1, #12]
	vstr	s12, [r1, #16]
	vstr	s13, [r1, #20]
	vstr	s14, [r1, #24]
	vstr	s15, [r1, #28]
	vstr	s2, [r1, #32]
	vstr	s3, [r1, #36]
	bx	lr
