//go:build unicorn

// Package unicorn is a minimal cgo binding to the Unicorn 2 CPU emulator
// (Debian libunicorn-dev), used only as the reference oracle of the
// differential CPU tests. It is compiled only with the "unicorn" build tag
// so that a machine with nothing but Go can build and test everything else.
package unicorn

/*
#cgo pkg-config: unicorn
#include <stdlib.h>
#include <unicorn/unicorn.h>

typedef struct { int intno; int count; } intr_rec;

static void on_intr(uc_engine *uc, uint32_t intno, void *user) {
	intr_rec *r = (intr_rec *)user;
	if (r->count == 0) r->intno = (int)intno;
	r->count++;
	uc_emu_stop(uc);
}

static uc_err open_arm1176(uc_engine **uc, int thumb, intr_rec *rec, uc_hook *h) {
	uc_err err = uc_open(UC_ARCH_ARM, thumb ? UC_MODE_THUMB : UC_MODE_ARM, uc);
	if (err != UC_ERR_OK) return err;
	err = uc_ctl_set_cpu_model(*uc, UC_CPU_ARM_1176);
	if (err != UC_ERR_OK) return err;
	return uc_hook_add(*uc, h, UC_HOOK_INTR, (void *)on_intr, rec, 1, 0);
}

static uc_err read_cp(uc_engine *uc, uint32_t cp, uint32_t crn, uint32_t crm, uint32_t opc1, uint32_t opc2, uint64_t *val) {
	uc_arm_cp_reg r = {0};
	r.cp = cp; r.crn = crn; r.crm = crm; r.opc1 = opc1; r.opc2 = opc2;
	uc_err err = uc_reg_read(uc, UC_ARM_REG_CP_REG, &r);
	*val = r.val;
	return err;
}

static uc_err write_cp(uc_engine *uc, uint32_t cp, uint32_t crn, uint32_t crm, uint32_t opc1, uint32_t opc2, uint64_t val) {
	uc_arm_cp_reg r = {0};
	r.cp = cp; r.crn = crn; r.crm = crm; r.opc1 = opc1; r.opc2 = opc2; r.val = val;
	return uc_reg_write(uc, UC_ARM_REG_CP_REG, &r);
}

static uc_err reg_read32(uc_engine *uc, int id, uint32_t *v) { return uc_reg_read(uc, id, v); }
static uc_err reg_write32(uc_engine *uc, int id, uint32_t v) { return uc_reg_write(uc, id, &v); }
static uc_err reg_read64(uc_engine *uc, int id, uint64_t *v) { return uc_reg_read(uc, id, v); }
static uc_err reg_write64(uc_engine *uc, int id, uint64_t v) { return uc_reg_write(uc, id, &v); }
static uc_err flush_tb(uc_engine *uc, uint64_t b, uint64_t e) { return uc_ctl_remove_cache(uc, b, e); }
static uc_err flush_all_tb(uc_engine *uc) { return uc_ctl_flush_tlb(uc); }
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// Register identifiers (subset of unicorn/arm.h).
const (
	RegCPSR  = C.UC_ARM_REG_CPSR
	RegSPSR  = C.UC_ARM_REG_SPSR
	RegFPEXC = C.UC_ARM_REG_FPEXC
	RegFPSCR = C.UC_ARM_REG_FPSCR
	RegPC    = C.UC_ARM_REG_PC
	RegR0    = C.UC_ARM_REG_R0
	RegD0    = C.UC_ARM_REG_D0
	RegS0    = C.UC_ARM_REG_S0
)

// RegR returns the identifier of core register n (0-15); R13-R15 are not
// contiguous with R0-R12 in Unicorn's numbering.
func RegR(n int) int {
	switch n {
	case 13:
		return C.UC_ARM_REG_SP
	case 14:
		return C.UC_ARM_REG_LR
	case 15:
		return C.UC_ARM_REG_PC
	}
	return RegR0 + n
}

// QEMU exception numbers reported to the interrupt hook.
const (
	ExcpUDEF          = 1
	ExcpSWI           = 2
	ExcpPrefetchAbort = 3
	ExcpDataAbort     = 4
	ExcpIRQ           = 5
	ExcpFIQ           = 6
	ExcpBKPT          = 7
	ExcpSMC           = 13
)

// Engine is one Unicorn ARM1176 instance.
type Engine struct {
	uc   *C.uc_engine
	rec  *C.intr_rec
	hook C.uc_hook
}

func ucErr(e C.uc_err) error {
	if e == C.UC_ERR_OK {
		return nil
	}
	return errors.New(C.GoString(C.uc_strerror(e)))
}

// ErrUnmapped is returned by Step when the instruction touched unmapped
// memory.
var ErrUnmapped = errors.New("unicorn: unmapped memory access")

// ErrFetchUnmapped is returned by Step when the instruction completed but
// the next fetch (at a branch target) hit unmapped memory.
var ErrFetchUnmapped = errors.New("unicorn: fetch from unmapped memory")

// New opens an ARM1176 engine.
func New() (*Engine, error) {
	e := &Engine{rec: (*C.intr_rec)(C.calloc(1, C.size_t(unsafe.Sizeof(C.intr_rec{}))))}
	if err := ucErr(C.open_arm1176(&e.uc, 0, e.rec, &e.hook)); err != nil {
		return nil, fmt.Errorf("unicorn: %w", err)
	}
	return e, nil
}

// Close releases the engine.
func (e *Engine) Close() {
	C.uc_close(e.uc)
	C.free(unsafe.Pointer(e.rec))
}

// Map maps RWX memory.
func (e *Engine) Map(addr, size uint64) error {
	return ucErr(C.uc_mem_map(e.uc, C.uint64_t(addr), C.size_t(size), C.UC_PROT_ALL))
}

// Write writes guest memory.
func (e *Engine) Write(addr uint64, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	return ucErr(C.uc_mem_write(e.uc, C.uint64_t(addr), unsafe.Pointer(&b[0]), C.size_t(len(b))))
}

// Read reads guest memory into b.
func (e *Engine) Read(addr uint64, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	return ucErr(C.uc_mem_read(e.uc, C.uint64_t(addr), unsafe.Pointer(&b[0]), C.size_t(len(b))))
}

// Reg reads a 32-bit register.
func (e *Engine) Reg(id int) uint32 {
	var v C.uint32_t
	C.reg_read32(e.uc, C.int(id), &v)
	return uint32(v)
}

// SetReg writes a 32-bit register.
func (e *Engine) SetReg(id int, v uint32) error {
	return ucErr(C.reg_write32(e.uc, C.int(id), C.uint32_t(v)))
}

// Reg64 reads a 64-bit register (D0-D31).
func (e *Engine) Reg64(id int) uint64 {
	var v C.uint64_t
	C.reg_read64(e.uc, C.int(id), &v)
	return uint64(v)
}

// SetReg64 writes a 64-bit register.
func (e *Engine) SetReg64(id int, v uint64) error {
	return ucErr(C.reg_write64(e.uc, C.int(id), C.uint64_t(v)))
}

// CP reads a coprocessor register.
func (e *Engine) CP(cp, crn, crm, opc1, opc2 uint32) (uint64, error) {
	var v C.uint64_t
	err := ucErr(C.read_cp(e.uc, C.uint32_t(cp), C.uint32_t(crn), C.uint32_t(crm), C.uint32_t(opc1), C.uint32_t(opc2), &v))
	return uint64(v), err
}

// SetCP writes a coprocessor register.
func (e *Engine) SetCP(cp, crn, crm, opc1, opc2 uint32, v uint64) error {
	return ucErr(C.write_cp(e.uc, C.uint32_t(cp), C.uint32_t(crn), C.uint32_t(crm), C.uint32_t(opc1), C.uint32_t(opc2), C.uint64_t(v)))
}

// FlushCode drops translated code for [begin, end).
func (e *Engine) FlushCode(begin, end uint64) error {
	return ucErr(C.flush_tb(e.uc, C.uint64_t(begin), C.uint64_t(end)))
}

// FlushAllCode drops every translated block.
func (e *Engine) FlushAllCode() error { return ucErr(C.flush_all_tb(e.uc)) }

// Step executes one instruction at pc (bit 0 set: Thumb), stopping also
// when the PC reaches until (Unicorn can run past its instruction count to
// the end of a translation block; give the expected next PC when known).
// It returns the QEMU exception number if the instruction raised one (-1
// if none).
func (e *Engine) Step(pc, until uint32) (int, error) {
	e.rec.intno, e.rec.count = -1, 0
	err := C.uc_emu_start(e.uc, C.uint64_t(pc), C.uint64_t(until), 0, 1)
	switch err {
	case C.UC_ERR_OK:
	case C.UC_ERR_READ_UNMAPPED, C.UC_ERR_WRITE_UNMAPPED:
		return int(e.rec.intno), ErrUnmapped
	case C.UC_ERR_FETCH_UNMAPPED:
		return int(e.rec.intno), ErrFetchUnmapped
	case C.UC_ERR_INSN_INVALID:
		// Unicorn reports some undefined instructions as an error
		// instead of through the interrupt hook.
		return ExcpUDEF, nil
	default:
		return int(e.rec.intno), ucErr(err)
	}
	return int(e.rec.intno), nil
}
