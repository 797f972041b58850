package main

// How `boot` ends: the exit status and the one-line summary, decided from
// the machine's state (package machine: halt, hang, reset cause), with the
// console's last lines used only to word the summary.

import (
	"fmt"
	"os"

	"github.com/ast2500emu/ast2500emu/machine"
)

// Exit statuses of boot (smoke has its own table, smoke.ExitCodeTable;
// 1, 2, 4 and 9 mean the same there).
const (
	exitHost  = 1 // host error: e.g. the --mtd-writable image could not be saved
	exitUsage = 2 // bad flags or input files
	exitDead  = 4 // the guest died: hung (a panic loop, a lockup) or a boot loop
	exitEnded = 9 // the guest was reset by a watchdog it did not ask for (--no-reboot)
)

// bootLoopLimit is how many resets in a row without reaching User mode end
// a boot (machine.Config.MaxBootLoop).
const bootLoopLimit = 3

// bootExit turns how the machine stopped into boot's exit status, with a
// summary line on stderr for everything but a clean end.
func bootExit(m *machine.Machine, exit machine.Exit) error {
	panicHint := ""
	if m.SawPanic() {
		panicHint = " after a kernel panic"
	}
	switch exit {
	case machine.ExitPowerOff, machine.ExitHalted, machine.ExitStopped:
		return nil
	case machine.ExitReset:
		r := m.LastReset()
		if r.Requested && r.BeforeUser {
			// Software asked for the reset, but this boot never reached
			// user space: it failed (a kernel panicking before init with
			// panic=N asks for a reset every boot).
			fmt.Fprintf(os.Stderr, "ast2500emu: the guest reset itself before reaching user space%s (watchdog %d); --no-reboot ends the run\n", panicHint, r.WDT)
			return exitError{exitDead}
		}
		if r.Requested {
			fmt.Fprintf(os.Stderr, "ast2500emu: the guest restarted itself%s (watchdog %d armed for %d us); --no-reboot ends the run\n", panicHint, r.WDT, r.TimeoutUs)
			return nil
		}
		fmt.Fprintf(os.Stderr, "ast2500emu: watchdog %d expired (%.3f s without a kick) and reset the guest; --no-reboot ends the run\n", r.WDT, float64(r.TimeoutUs)/1e6)
		return exitError{exitEnded}
	case machine.ExitHung:
		fmt.Fprintf(os.Stderr, "ast2500emu: the guest hung%s: no idle and no user-space progress for %.0f s of guest time (at %.3f s)\n",
			panicHint, float64(machine.HangAfter)/1e9, float64(m.Clock.Now())/1e9)
		return exitError{exitDead}
	case machine.ExitBootLoop:
		fmt.Fprintf(os.Stderr, "ast2500emu: the guest reset %d times in a row without reaching user space%s (a boot loop); stopped\n", bootLoopLimit, panicHint)
		return exitError{exitDead}
	}
	return exitError{exitHost}
}
