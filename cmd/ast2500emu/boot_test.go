package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// badLines are console lines that fail a boot, whatever else happened.
var badLines = regexp.MustCompile(`(?m)^.*(Unable to handle|Internal error: Oops|\bOops\b|BUG:|WARNING:|Kernel panic).*$`)

const prompt = `ast2500emu:[^\n]*# `

func timerTicks(t *testing.T, interrupts string) uint64 {
	t.Helper()
	for _, l := range strings.Split(interrupts, "\n") {
		if strings.Contains(l, "FTTMR010") || strings.Contains(l, "timer") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				if n, err := strconv.ParseUint(f[1], 10, 64); err == nil {
					return n
				}
			}
		}
	}
	t.Fatalf("no timer line in /proc/interrupts:\n%s", interrupts)
	return 0
}

// TestBootBundledGuest boots the bundled Linux guest on each board, checks
// the console milestones, runs a few commands, reboots and powers off.
func TestBootBundledGuest(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	for _, board := range []string{"romulus", "ast2500-evb"} {
		board := board
		t.Run(board, func(t *testing.T) {
			g := startGuest(t, exe, "boot-"+board, "boot", "-M", board, "--nic", "none", "--pace", "off")
			const boot = 4 * time.Minute
			g.expect(`Booting Linux on physical CPU`, boot)
			g.expect(`ASPEED AST2500 rev A1`, boot)
			g.expect(`Run /init as init process`, boot)
			g.expect(`ast2500emu-guest: init ok`, boot)
			g.expect(prompt, boot)

			if r := g.run("uname -r", time.Minute); !strings.Contains(r, "6.1") {
				t.Errorf("uname -r: %q", r)
			}
			if r := g.run("cat /proc/cpuinfo", time.Minute); !strings.Contains(r, "ARMv6-compatible processor rev 7 (v6l)") {
				t.Errorf("cpuinfo: %q", r)
			}
			t1 := timerTicks(t, g.run("cat /proc/interrupts", time.Minute))
			g.run("sleep 1", time.Minute)
			t2 := timerTicks(t, g.run("cat /proc/interrupts", time.Minute))
			if t2 <= t1 {
				t.Errorf("timer interrupts did not rise: %d then %d", t1, t2)
			}
			dmesg := g.run("dmesg", time.Minute)
			if !strings.Contains(dmesg, "Booting Linux") {
				t.Errorf("dmesg looks wrong: %.200q", dmesg)
			}

			// Reboot goes through the watchdog; the machine comes back.
			g.send("reboot\n")
			g.expect(`Booting Linux on physical CPU`, boot)
			g.expect(prompt, boot)
			g.send("poweroff\n")
			if code := g.wait(boot); code != 0 {
				t.Errorf("exit status after poweroff: %d", code)
			}
			if bad := badLines.FindAllString(g.text(), -1); len(bad) > 0 {
				t.Errorf("bad console lines:\n%s", strings.Join(bad, "\n"))
			}
			if os.Getenv("AST2500EMU_KEEPLOGS") != "" {
				g.saveLog()
			}
		})
	}
}
