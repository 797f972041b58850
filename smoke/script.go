// Package smoke runs scripted console sessions against an emulated board
// for CI: it waits for expected output, sends input, detects boot stages
// and failure classes (kernel panic, oops, stalls, crashed user programs,
// timeouts, emulator faults) from the console, and writes JSON and JUnit
// reports. It is what `ast2500emu smoke` is built on.
//
// Everything that decides the course of a run happens on the machine
// goroutine, driven by console bytes and guest-time timers, so that a run
// on the virtual clock alone is reproducible to the instruction. Only the
// wall-clock timeouts and the progress display use host time, and they
// can only end a run, never change what the guest sees.
//
// Sources: the failure messages are those printed by Linux 6.1
// (kernel/panic.c "Kernel panic - not syncing", arch/arm/mm/fault.c
// "Unable to handle kernel", arch/arm/kernel/traps.c "Internal error",
// kernel/watchdog.c "soft lockup", kernel/rcu/tree_stall.h "self-detected
// stall", kernel/hung_task.c "blocked for more than") and by busybox ash
// for a child killed by a signal ("Segmentation fault", "Illegal
// instruction").
package smoke

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// StepKind is what a script step does.
type StepKind int

const (
	Expect    StepKind = iota // wait for console output matching a regexp
	Send                      // type text on the console
	Sleep                     // wait for an amount of guest time
	WaitStage                 // wait for a boot stage (e.g. shell)
	WaitHalt                  // wait for the machine to halt or power off
	Login                     // log in at the login prompt (user, optional password)
)

func (k StepKind) String() string {
	return [...]string{"expect", "send", "sleep", "stage", "halt", "login"}[k]
}

// Waits reports whether the step waits for the guest (and so gets the
// default step limits).
func (k StepKind) Waits() bool { return k != Send && k != Sleep }

// Step is one script step.
type Step struct {
	Kind StepKind
	// Arg is the step's argument as written (regexp, text with escapes,
	// duration).
	Arg string
	Re  *regexp.Regexp // Expect
	// Text is the unescaped text a Send types.
	Text []byte
	// Sleep is the guest time a Sleep waits.
	Sleep time.Duration
	// Timeout is the step's wall-clock limit (0: only the run's limits).
	Timeout time.Duration
	// GuestTimeout is the step's guest-time limit (0: none).
	GuestTimeout time.Duration
	// TimeoutSet and GuestTimeoutSet say the script set the limits
	// (possibly to off); otherwise the run's defaults apply.
	TimeoutSet, GuestTimeoutSet bool
	// User and Password are a Login step's credentials (Arg is the user).
	User, Password string
	// Line is the script line the step came from (0: command line).
	Line int
}

// NewStage builds a step that waits for a boot stage.
func NewStage(name string) (Step, error) {
	for _, st := range Stages(nil) {
		if st.Name == name {
			return Step{Kind: WaitStage, Arg: name}, nil
		}
	}
	return Step{}, fmt.Errorf("stage %q: unknown (want firmware, kernel, init, network, login or shell)", name)
}

// NewHalt builds a step that waits for the machine to halt or power off
// (decided from the machine's state, see package machine).
func NewHalt() Step { return Step{Kind: WaitHalt, Arg: "machine halted"} }

// NewLogin builds a login step from "user" or "user:password": wait for
// the login prompt, type the user, answer a "Password:" prompt if one
// comes, and wait for the shell.
func NewLogin(cred string) (Step, error) {
	user, pass, _ := strings.Cut(cred, ":")
	if user == "" || strings.ContainsAny(user, " \t\r\n") {
		return Step{}, fmt.Errorf("login %q: want USER or USER:PASSWORD", cred)
	}
	return Step{Kind: Login, Arg: user, User: user, Password: pass}, nil
}

// Name is a short description for reports.
func (s Step) Name() string { return s.Kind.String() + " " + s.Arg }

// NewExpect builds an expect step. An empty pattern would match at once.
func NewExpect(re string) (Step, error) {
	if re == "" {
		return Step{}, fmt.Errorf("expect: empty pattern (it would match anything at once)")
	}
	r, err := regexp.Compile(re)
	if err != nil {
		return Step{}, fmt.Errorf("expect %q: %v", re, err)
	}
	return Step{Kind: Expect, Arg: re, Re: r}, nil
}

// NewSend builds a send step; \r, \n, \t, \\, \e and \xHH escapes work.
func NewSend(text string) (Step, error) {
	b, err := Unescape(text)
	if err != nil {
		return Step{}, fmt.Errorf("send %q: %v", text, err)
	}
	return Step{Kind: Send, Arg: text, Text: b}, nil
}

// NewSleep builds a sleep step (guest time).
func NewSleep(d string) (Step, error) {
	t, err := time.ParseDuration(d)
	if err != nil || t < 0 {
		return Step{}, fmt.Errorf("sleep %q: want a duration like 500ms or 2s", d)
	}
	return Step{Kind: Sleep, Arg: d, Sleep: t}, nil
}

// Unescape interprets \r, \n, \t, \\, \e (ESC), \0 and \xHH.
func Unescape(s string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i == len(s) {
			return nil, fmt.Errorf("trailing backslash")
		}
		switch s[i] {
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'e':
			out = append(out, 0x1b)
		case '0':
			out = append(out, 0)
		case '\\':
			out = append(out, '\\')
		case 'x':
			if i+3 > len(s) {
				return nil, fmt.Errorf(`\x needs two hex digits`)
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf(`\x needs two hex digits`)
			}
			out = append(out, byte(v))
			i += 2
		default:
			return nil, fmt.Errorf(`unknown escape \%c`, s[i])
		}
	}
	return out, nil
}

// ParseScript reads a script: one step per line, `expect REGEX`,
// `send TEXT`, `sleep DURATION` (guest time), `timeout DURATION` (wall
// limit for each following step; 0 or off removes it), `guest-timeout
// DURATION` (guest-time limit for each following step). Blank lines and
// lines starting with # are ignored. The argument is the rest of the line
// after the single space that follows the command, kept verbatim (a send
// of "ls \n" keeps its inner spaces; trailing spaces are kept too).
func ParseScript(r io.Reader, name string) ([]Step, error) {
	var steps []Step
	var timeout, guestTimeout time.Duration
	var timeoutSet, guestTimeoutSet bool
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		l := strings.TrimRight(sc.Text(), "\r")
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		l = strings.TrimLeft(l, " \t")
		word, arg, _ := strings.Cut(l, " ")
		if i := strings.IndexByte(word, '\t'); i >= 0 {
			word, arg = l[:i], l[i+1:]
		}
		bad := func(err error) error { return fmt.Errorf("%s:%d: %v", name, n, err) }
		var st Step
		var err error
		switch word {
		case "expect":
			if arg == "" {
				return nil, bad(fmt.Errorf("expect needs a regexp"))
			}
			st, err = NewExpect(arg)
		case "send":
			st, err = NewSend(arg)
		case "sleep":
			st, err = NewSleep(strings.TrimSpace(arg))
		case "stage":
			st, err = NewStage(strings.TrimSpace(arg))
		case "halt":
			st = NewHalt()
		case "login":
			st, err = NewLogin(strings.TrimSpace(arg))
		case "timeout", "guest-timeout":
			d, err := parseLimit(strings.TrimSpace(arg))
			if err != nil {
				return nil, bad(fmt.Errorf("%s: %v", word, err))
			}
			if word == "timeout" {
				timeout, timeoutSet = d, true
			} else {
				guestTimeout, guestTimeoutSet = d, true
			}
			continue
		default:
			return nil, bad(fmt.Errorf("unknown command %q (want expect, send, sleep, stage, halt, login, timeout, guest-timeout)", word))
		}
		if err != nil {
			return nil, bad(err)
		}
		st.Timeout, st.GuestTimeout, st.Line = timeout, guestTimeout, n
		st.TimeoutSet, st.GuestTimeoutSet = timeoutSet, guestTimeoutSet
		steps = append(steps, st)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return steps, nil
}

func parseLimit(s string) (time.Duration, error) {
	if s == "off" || s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q (want e.g. 30s, 2m, off)", s)
	}
	return d, nil
}
