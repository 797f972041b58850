package machine

// Halt, power-off and hang detection from machine state.
//
// The AST2500 has no power controller that Linux drives: with no power-off
// handler, Linux 6.1 turns poweroff into a halt (kernel/reboot.c:
// __do_sys_reboot falls back to LINUX_REBOOT_CMD_HALT; 6.9+ prints "Power
// off not available: System halted instead"), and machine_halt
// (arch/arm/kernel/reboot.c) is local_irq_disable(); smp_send_stop();
// while (1); -- in the bundled vmlinux a "cpsid i" then "b ." (0xeafffffe)
// at machine_halt+0x14. The CPU is then stuck for good when
//   - it executes a branch to itself with IRQs masked, and FIQs are masked
//     or the interrupt controller routes no source to FIQ; or
//   - it sleeps in WFI with IRQ and FIQ masked and the interrupt
//     controller has no source enabled (WFI wakes on a masked interrupt
//     too, ARM1176JZF-S TRM 10.2.3, so only a silent controller keeps it
//     asleep);
// and no watchdog is counting down to a reset. While a watchdog is armed,
// the stuck CPU is treated as idle: guest time skips to the expiry and the
// watchdog resets the SoC, as the hardware would.
//
// A dead system is the other end state: a panic with panic_timeout=0
// spins in mdelay() with interrupts on for ever (kernel/panic.c: "cpsie i"
// then the mdelay loop at panic+0x2dc in the bundled vmlinux), a hard
// lockup spins with them off. Neither sleeps nor runs programs. Once the
// guest has shown it is an operating system (it slept in WFI, entered
// User mode or ran with IRQs enabled since the last reset), HangAfter of
// guest time without a WFI or a User-mode entry is a hang. Boot loaders
// that poll the console (U-Boot's prompt) do none of these, so they are
// never taken for hung.

import (
	"encoding/binary"
	"strings"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
)

// HangAfter is the guest time without a WFI or a switch to User mode
// after which a guest that has shown either since its last reset is hung.
// Linux reports a soft lockup after 20 s (2 * watchdog_thresh).
var HangAfter uint64 = 30e9

// haltDrain is how much guest time a halted machine runs on so that
// device events in flight (the UART shifting out the last line) finish.
// A stuck CPU retires no more instructions (nothing can change what it
// does), and the run ends exactly haltDrain after it got stuck, so the
// final instruction count and guest time do not depend on which timers
// (a profiler's, say) happen to be armed.
const haltDrain = 10e6

// Thumb "b ." (the CPU ends its slice on the ARM one, arm.BranchSelf, so
// that is seen at an exact instruction count; the Thumb one at the end of
// the slice).
const thumbBranchSelf = 0xe7fe

// liveness follows the CPU's signs of life.
type liveness struct {
	os         bool   // the guest slept or entered User mode since reset
	sleeps     uint64 // CPU counters at the last sign of life
	users      uint64
	lastLife   uint64 // guest ns of the last sign of life
	stuckSince uint64 // guest ns the CPU was first seen stuck (0: not)
}

func (l *liveness) reset(now uint64, sleeps, users uint64) {
	*l = liveness{sleeps: sleeps, users: users, lastLife: now}
}

// observe records progress after a CPU slice and reports whether the
// guest is hung.
func (m *Machine) observe() bool {
	c, l, now := m.CPU, &m.live, m.Clock.Now()
	if c.Sleeps != l.sleeps || c.UserEntries != l.users || c.Halted() {
		// Asleep in WFI counts as alive: an idle skip may be long.
		l.sleeps, l.users, l.lastLife, l.os = c.Sleeps, c.UserEntries, now, true
		return false
	}
	if !c.I {
		// Interrupts enabled: an operating system (boot loaders poll
		// with them masked). A kernel that panics before it ever idled
		// (panic=0 spins in mdelay with interrupts on) is caught so.
		l.os = true
	}
	return l.os && HangAfter > 0 && now-l.lastLife >= HangAfter
}

// stuck reports whether the CPU cannot leave what it is doing by itself:
// a branch to itself, or WFI, with nothing to interrupt it but a reset.
func (m *Machine) stuck() bool {
	c := m.CPU
	irqRouted, fiqRouted := m.SoC.VIC.Routes()
	if c.Halted() {
		return c.I && c.F && !irqRouted && !fiqRouted
	}
	if !c.I || (!c.F && fiqRouted) {
		return false
	}
	var b [4]byte
	if c.Thumb() {
		return c.ReadVirt(c.PC(), b[:2]) && binary.LittleEndian.Uint16(b[:]) == thumbBranchSelf
	}
	return c.ReadVirt(c.PC(), b[:]) && binary.LittleEndian.Uint32(b[:]) == arm.BranchSelf
}

// watchdogArmed reports whether a watchdog will reset the SoC.
func (m *Machine) watchdogArmed() bool {
	for _, w := range m.SoC.WDT {
		if w.ResetArmed() {
			return true
		}
	}
	return false
}

// haltExit names a halt for the report. The state decided that the
// machine halted; the console's last lines only pick the word: Linux
// prints "reboot: Power down" when it powered off through a handler.
func (m *Machine) haltExit() Exit {
	for _, l := range m.recent {
		if strings.Contains(l, "Power down") || strings.Contains(l, "Power off") && !strings.Contains(l, "not available") {
			return ExitPowerOff
		}
	}
	return ExitHalted
}

// rememberLine keeps the console's last lines (wording hints only).
func (m *Machine) rememberLine(l string) {
	m.recent = append(m.recent, l)
	if len(m.recent) > 4 {
		m.recent = m.recent[1:]
	}
	if strings.Contains(l, "Kernel panic") {
		m.sawPanic = true
	}
}

// SawPanic reports whether the console printed a kernel panic since the
// last reset. It is a hint for wording a summary, never a trigger.
func (m *Machine) SawPanic() bool { return m.sawPanic }

// ResetCause describes the last watchdog reset.
type ResetCause struct {
	WDT int // watchdog 1..3 (0: no reset yet)
	// Requested is true when software asked for the reset: it armed the
	// watchdog with a timeout under RequestedReset (a restart handler,
	// e.g. Linux's aspeed_wdt_restart arms 128 us), rather than a running
	// watchdog expiring because nobody kicked it.
	Requested bool
	TimeoutUs uint32
	// BeforeUser is true when the boot that reset never entered User
	// mode: it failed before user space (a kernel panic before init).
	BeforeUser bool
}

// RequestedReset is the longest watchdog timeout still taken for a
// software restart request.
const RequestedReset = 1000000 // 1 s in 1 MHz ticks: Linux arms 128 ms to restart, and its watchdog timeouts are whole seconds

// LastReset returns the cause of the last watchdog reset.
func (m *Machine) LastReset() ResetCause { return m.lastReset }

func (m *Machine) noteReset(wdt int) {
	r := m.SoC.WDT[wdt].Reload()
	m.lastReset = ResetCause{WDT: wdt + 1, Requested: r < RequestedReset, TimeoutUs: r, BeforeUser: m.CPU.UserEntries == m.bootUsers}
}
