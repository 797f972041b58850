package smoke

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Class is a failure class ("" for a pass).
type Class string

const (
	Pass     Class = ""
	Timeout  Class = "timeout"  // a step or the run hit a wall, guest-time or instruction limit
	Panic    Class = "panic"    // Kernel panic - not syncing
	Oops     Class = "oops"     // kernel oops, BUG, internal error
	Stall    Class = "stall"    // soft lockup, RCU stall, hung task
	Sigill   Class = "sigill"   // a user program died of SIGILL
	Segv     Class = "segv"     // a user program died of SIGSEGV
	Ended    Class = "ended"    // the guest powered off, halted, hung or reset before the script finished
	Emulator Class = "emulator" // an internal emulator fault

	// Outcomes that are not the guest's: the run could not start or
	// finish on the host.
	Usage     Class = "usage" // bad flags, script or input files (exit 2)
	HostError Class = "error" // a host error, e.g. a report or the flash image could not be written (exit 1)
)

// Classes lists the failure classes in exit-code order.
var Classes = []Class{Timeout, Panic, Oops, Stall, Sigill, Segv, Ended, Emulator}

// Exit statuses. 0 and 2 are shared with the rest of the CLI.
const (
	ExitPass  = 0
	ExitError = 1 // could not write a report, other host errors
	ExitUsage = 2 // bad flags, script or input files
)

var exitCodes = map[Class]int{
	Pass: 0, HostError: ExitError, Usage: ExitUsage, Timeout: 3, Panic: 4, Oops: 5, Stall: 6, Sigill: 7, Segv: 8, Ended: 9, Emulator: 10,
}

// ExitCode is the process exit status for a class.
func (c Class) ExitCode() int { return exitCodes[c] }

// Describe says what the class means (for help text and docs).
func (c Class) Describe() string {
	switch c {
	case Pass:
		return "every step matched"
	case Timeout:
		return "a step or the run exceeded --timeout, a step timeout, --budget-insns or --budget-guest"
	case Panic:
		return `"Kernel panic - not syncing"`
	case Oops:
		return `"Unable to handle kernel", "Internal error: Oops" (any "Internal error:"), "BUG:"`
	case Stall:
		return `"soft lockup", "self-detected stall" / "detected stalls on CPUs" (RCU), hung tasks ("blocked for more than")`
	case Sigill:
		return `"Illegal instruction" (a user program killed by SIGILL)`
	case Segv:
		return `"Segmentation fault" (a user program killed by SIGSEGV)`
	case Ended:
		return "the guest powered off, halted, hung (no idle, no user space for 30 s of guest time), boot-looped or reset (--no-reboot) before the script finished"
	case Emulator:
		return "internal emulator fault (Go panic or error), stack in the report"
	}
	return ""
}

// ParseClass accepts a class name.
func ParseClass(s string) (Class, error) {
	for _, c := range Classes {
		if string(c) == s {
			return c, nil
		}
	}
	names := make([]string, len(Classes))
	for i, c := range Classes {
		names[i] = string(c)
	}
	return "", fmt.Errorf("unknown class %q (known: %s)", s, strings.Join(names, ", "))
}

// ExitCodeTable is the documented mapping, one "code class meaning" a line.
func ExitCodeTable() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%3d  %-9s %s\n", 0, "pass", Pass.Describe())
	fmt.Fprintf(&b, "%3d  %-9s %s\n", ExitError, "error", "host error (e.g. a report or the --mtd-writable flash could not be written)")
	fmt.Fprintf(&b, "%3d  %-9s %s\n", ExitUsage, "usage", "bad flags, script or input files")
	cs := append([]Class(nil), Classes...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].ExitCode() < cs[j].ExitCode() })
	for _, c := range cs {
		fmt.Fprintf(&b, "%3d  %-9s %s\n", c.ExitCode(), c, c.Describe())
	}
	return b.String()
}

// Console patterns, most specific first ("BUG: soft lockup" is a stall,
// not an oops).
var classPatterns = []struct {
	class Class
	subs  []string
}{
	{Panic, []string{"Kernel panic - not syncing"}},
	{Stall, []string{"soft lockup", "self-detected stall", "detected stalls on CPUs", "rcu_sched detected stall", "blocked for more than", "hung_task", "workqueue lockup"}},
	{Oops, []string{"Unable to handle kernel", "Internal error:", "BUG:"}},
	{Sigill, []string{"Illegal instruction"}},
	{Segv, []string{"Segmentation fault"}},
}

// Classify returns the failure class a console line shows, if any.
func Classify(line string) (Class, bool) {
	for _, p := range classPatterns {
		for _, s := range p.subs {
			if strings.Contains(line, s) {
				return p.class, true
			}
		}
	}
	return Pass, false
}

// Stage is a boot milestone.
type Stage struct {
	Name string
	Re   *regexp.Regexp
	// Partial stages are matched on incomplete lines too (prompts).
	Partial bool
}

// DefaultPrompt matches a shell prompt at the end of the console output:
// "ast2500emu:/# ", "root@romulus:~# " or a bare "# ", never a boot
// loader's "## " (the shell stage also waits for init, see Session).
const DefaultPrompt = `(^|\s)([^#\s]\S*|ast2500emu:.*)?# $`

// Stages returns the built-in stage detectors, in boot order, with the
// given shell prompt regexp.
func Stages(prompt *regexp.Regexp) []Stage {
	return []Stage{
		// U-Boot's banner, or the project's own first-stage loader's
		// (testdata/firmware).
		{Name: "firmware", Re: regexp.MustCompile(`U-Boot (SPL )?\d{4}\.\d{2}|ast2500emu first-stage boot`)},
		{Name: "kernel", Re: regexp.MustCompile(`Booting Linux on physical CPU|Linux version \d`)},
		{Name: "init", Re: regexp.MustCompile(`Run \S+ as init process|Freeing unused kernel (image|memory)`)},
		{Name: "network", Re: regexp.MustCompile(`[Ll]ease of \S+ obtained|DHCP.*(lease|bound)|dhcp.*bound to`)},
		{Name: "login", Re: regexp.MustCompile(`login: ?$`), Partial: true},
		{Name: "shell", Re: prompt, Partial: true},
	}
}
