// Package wdt models one AST2500 watchdog timer. The SoC has three, at
// 0x1e785000, 0x1e785020 and 0x1e785040, each 0x20 bytes.
//
// A watchdog is a 32-bit down counter clocked at 1 MHz (on the AST2500 the
// clock-select bit is hard-wired to 1). Writing the magic 0x4755 to the
// restart register loads the reload value into the counter. Enabling the
// watchdog also loads the counter from the reload value. When the counter
// reaches zero the watchdog records the timeout in its status register
// (bit 0; bit 1 too when "boot from second flash" is selected in the
// control register), reloads and keeps counting, raises its interrupt line
// if the interrupt bit is set (held until the status is cleared through
// 0x14), and pulses its reset line if the reset bit is set. The machine
// reacts to the reset pulse by resetting the SoC; ResetMode says which kind
// the guest asked for.
//
// Registers:
//
//	0x00 counter status (RO)      0x10 timeout status (RO): bit 0 timeout,
//	0x04 reload value                  bit 1 second boot code selected
//	0x08 restart (WO, 0x4755)     0x14 clear timeout status (WO): bit 0
//	0x0c control                  0x18 reset width: [19:0] pulse width,
//	                                   bit 31 active high, bit 30 push-pull,
//	                                   changed only by magic top bytes
//	                                   0xA5/0x5A and 0xA8/0x8A
//	                              0x1c reset mask (stored)
//
// Control: bit 0 enable, 1 reset system on timeout, 2 interrupt on timeout,
// 3 external signal, 4 1 MHz clock (reads 1), [6:5] reset mode (0 SoC,
// 1 full chip, 2 ARM CPU), 7 boot from second flash on timeout; bits [11:8]
// are reserved and read zero.
//
// Sources:
//   - Linux drivers/watchdog/aspeed_wdt.c: register map, control bits,
//     restart magic, the enable sequence (control 0, reload, restart,
//     control), aspeed_wdt_restart (128 ms timeout), reset-width magics,
//     timeout status bit 1 and clear register bit 0, "ast2500 only runs
//     at 1MHz, hard coding bit 4 to 1".
//   - U-Boot arch/arm/include/asm/arch-aspeed/wdt.h: reset mode field,
//     reset mask register at 0x1c on the AST2500 and its bit names; the
//     AST2500 default mask 0x023ffff3 (also the SCU9C power-on value).
//   - QEMU hw/watchdog/wdt_aspeed.c (facts only): AST2500 power-on counter
//     and reload 0x014FB180, reset width 0xFF, reserved control bits
//     [11:8], restart magic compared on the low 16 bits.
package wdt

import (
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// Register offsets.
const (
	RegStatus        = 0x00
	RegReload        = 0x04
	RegRestart       = 0x08
	RegCtrl          = 0x0c
	RegTimeoutStatus = 0x10
	RegClearTimeout  = 0x14
	RegResetWidth    = 0x18
	RegResetMask     = 0x1c
	Size             = 0x20
)

// Control register bits.
const (
	CtrlEnable       = 1 << 0
	CtrlResetSystem  = 1 << 1
	CtrlInterrupt    = 1 << 2
	CtrlExtSignal    = 1 << 3
	Ctrl1MHz         = 1 << 4
	CtrlBootSecond   = 1 << 7
	ctrlResetModeSh  = 5
	ctrlReservedBits = 0xf << 8
)

// Reset modes (control bits [6:5]).
const (
	ResetSoC      = 0
	ResetFullChip = 1
	ResetARMCPU   = 2
)

// RestartMagic reloads the counter when written to RegRestart.
const RestartMagic = 0x4755

const (
	resetCounter = 0x014FB180 // 22 s at 1 MHz
	resetWidth   = 0xFF
	resetMask    = 0x023FFFF3
	maskARM      = 1 << 0 // reset mask bit: the ARM core
	widthMask    = 0xFFFFF
	widthHigh    = 1 << 31
	widthPush    = 1 << 30
	statTimeout  = 1 << 0
	statSecond   = 1 << 1
	nsPerTick    = 1000 // 1 MHz
)

const name = "wdt"

// WDT is one watchdog. It implements mmio.Device and mmio.Resetter.
type WDT struct {
	mmio.Port
	clk        *vclock.Clock
	log        *mmio.Log
	reset, irq mmio.Line
	tm         *vclock.Timer
	masked     func(mask uint32)

	reload uint32
	ctrl   uint32
	status uint32 // timeout status
	width  uint32
	mask   uint32
	irqOut bool

	// While disabled the counter holds frozen; while enabled it is c0 at
	// guest time t0 and counts down at 1 MHz.
	frozen uint32
	t0     uint64
	c0     uint32
}

// New returns a watchdog at power-on. reset is pulsed when the watchdog
// fires with reset enabled; irq is held high while a timeout with the
// interrupt enabled is pending. Either may be nil.
func New(clk *vclock.Clock, reset mmio.Line, irq mmio.Line, log *mmio.Log) *WDT {
	if reset == nil {
		reset = mmio.NoLine
	}
	if irq == nil {
		irq = mmio.NoLine
	}
	w := &WDT{clk: clk, log: log, reset: reset, irq: irq}
	w.Port = mmio.NewPort(name, log, mmio.Access{}, w)
	w.tm = clk.NewTimer(name, w.expire)
	w.Reset()
	return w
}

// SetMaskedReset sets what a SoC-mode reset whose mask leaves out the ARM
// core (mask bit 0) does: it resets only the blocks in the mask (bit 2
// SDRAM controller, 4 I2C, 5 MAC1, 6 MAC2, ... as U-Boot's
// asm/arch-aspeed/wdt.h names them) while the CPU runs on. U-Boot resets
// the SDRAM controller this way during DRAM init (ast_wdt_reset_masked in
// drivers/watchdog/ast_wdt.c, platform.S reset_mmc). Without it such a
// reset resets the whole SoC.
func (w *WDT) SetMaskedReset(fn func(mask uint32)) { w.masked = fn }

// Reset restores the power-on state.
func (w *WDT) Reset() {
	w.tm.Stop()
	w.reload, w.frozen = resetCounter, resetCounter
	w.ctrl = Ctrl1MHz
	w.status = 0
	w.width = resetWidth
	w.mask = resetMask
	w.t0, w.c0 = 0, 0
	w.setIRQ(false)
}

// SoCReset is the reset the watchdog itself sees when the SoC is reset by a
// watchdog: like Reset, but the timeout status (and the second-boot
// selection it records) survives, so firmware can tell why it restarted.
func (w *WDT) SoCReset() {
	st := w.status
	w.Reset()
	w.status = st
}

// ResetMode returns the reset kind selected in the control register
// (ResetSoC, ResetFullChip or ResetARMCPU).
func (w *WDT) ResetMode() int { return int(w.ctrl>>ctrlResetModeSh) & 3 }

// TimeoutStatus returns the timeout status register.
func (w *WDT) TimeoutStatus() uint32 { return w.status }

// ResetArmed reports whether the watchdog is counting down towards a
// reset: enabled with the reset action on.
func (w *WDT) ResetArmed() bool { return w.enabled() && w.ctrl&CtrlResetSystem != 0 }

// Reload returns the reload value (1 MHz ticks): a restart handler arms a
// very short one, a running watchdog a period of seconds.
func (w *WDT) Reload() uint32 { return w.reload }

func (w *WDT) enabled() bool { return w.ctrl&CtrlEnable != 0 }

func (w *WDT) setIRQ(l bool) {
	if l != w.irqOut {
		w.irqOut = l
		w.irq.Set(l)
	}
}

// counter returns the current count.
func (w *WDT) counter() uint32 {
	if !w.enabled() {
		return w.frozen
	}
	now := w.clk.Now()
	if now <= w.t0 {
		return w.c0
	}
	el := (now - w.t0) / nsPerTick
	if el >= uint64(w.c0) {
		return 0
	}
	return w.c0 - uint32(el)
}

// load starts counting down from v now.
func (w *WDT) load(v uint32) {
	if !w.enabled() {
		w.frozen = v
		return
	}
	w.t0, w.c0 = w.clk.Now(), v
	w.tm.Set(w.t0 + uint64(v)*nsPerTick)
}

func (w *WDT) expire() {
	if !w.enabled() {
		return
	}
	// Reload and keep counting from the expiry instant. A zero reload
	// would expire continuously; hold the counter at zero instead.
	at := w.t0 + uint64(w.c0)*nsPerTick
	w.t0, w.c0 = at, w.reload
	if w.reload != 0 {
		w.tm.Set(at + uint64(w.reload)*nsPerTick)
	}
	w.status |= statTimeout
	if w.ctrl&CtrlBootSecond != 0 {
		w.status |= statSecond
	}
	if w.ctrl&CtrlInterrupt != 0 {
		w.setIRQ(true)
	}
	if w.ctrl&CtrlResetSystem != 0 {
		if w.ResetMode() == ResetSoC && w.mask&maskARM == 0 && w.masked != nil {
			// The reset leaves the CPU running, and the watchdog that
			// issued it comes out of it stopped: firmware waits for the
			// enable bit (U-Boot) or the reset bit (platform.S) to clear.
			w.frozen = w.counter()
			w.ctrl &^= CtrlEnable | CtrlResetSystem
			w.tm.Stop()
			w.masked(w.mask)
			return
		}
		mmio.Pulse(w.reset)
	}
}

// ReadReg implements mmio.Registers.
func (w *WDT) ReadReg(off, mask uint32) (uint32, bool) {
	switch off {
	case RegStatus:
		return w.counter(), true
	case RegReload:
		return w.reload, true
	case RegRestart, RegClearTimeout:
		return 0, true // write-only
	case RegCtrl:
		return w.ctrl, true
	case RegTimeoutStatus:
		return w.status, true
	case RegResetWidth:
		return w.width, true
	case RegResetMask:
		return w.mask, true
	}
	return 0, false
}

// WriteReg implements mmio.Registers.
func (w *WDT) WriteReg(reg, val, mask uint32) bool {
	cur, ok := w.ReadReg(reg, 0)
	if !ok {
		return false
	}
	v := mmio.Merge(cur, val, mask)
	switch reg {
	case RegStatus, RegTimeoutStatus:
		w.log.GuestError(name, "write 0x%08x to read-only register 0x%02x", val, reg)
	case RegReload:
		w.reload = v
	case RegRestart:
		if v&0xffff == RestartMagic {
			w.load(w.reload)
		}
	case RegCtrl:
		w.setCtrl(v)
	case RegClearTimeout:
		if v&1 != 0 {
			w.status &^= statTimeout | statSecond
			w.setIRQ(false)
		}
	case RegResetWidth:
		w.width = w.width&^widthMask | v&widthMask
		switch v >> 24 {
		case 0xA5:
			w.width |= widthHigh
		case 0x5A:
			w.width &^= widthHigh
		case 0xA8:
			w.width |= widthPush
		case 0x8A:
			w.width &^= widthPush
		}
	case RegResetMask:
		w.mask = v
	}
	return true
}

func (w *WDT) setCtrl(v uint32) {
	v = v&^ctrlReservedBits | Ctrl1MHz
	was := w.enabled()
	if was && v&CtrlEnable == 0 {
		w.frozen = w.counter()
		w.tm.Stop()
	}
	w.ctrl = v
	if !was && w.enabled() {
		w.load(w.reload)
	}
	if v&CtrlInterrupt == 0 {
		w.setIRQ(false)
	}
}
