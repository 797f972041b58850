package smoke

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fakeEnv is a machine stand-in: guest time and instructions advance by a
// fixed amount per console byte; timers fire when time passes them.
type fakeEnv struct {
	now, insns uint64
	users      uint64
	sent       []string
	stopped    int
	timers     []*fakeTimer
}

type fakeTimer struct {
	at   uint64
	fn   func()
	dead bool
}

func (e *fakeEnv) GuestNow() uint64    { return e.now }
func (e *fakeEnv) Insns() uint64       { return e.insns }
func (e *fakeEnv) UserEntries() uint64 { return e.users }
func (e *fakeEnv) Send(p []byte)       { e.sent = append(e.sent, string(p)) }
func (e *fakeEnv) Stop()               { e.stopped++ }
func (e *fakeEnv) After(d uint64, fn func()) func() {
	t := &fakeTimer{at: e.now + d, fn: fn}
	e.timers = append(e.timers, t)
	return func() { t.dead = true }
}

// advance moves guest time, firing due timers.
func (e *fakeEnv) advance(d uint64) {
	e.now += d
	e.insns += d / 10
	for _, t := range append([]*fakeTimer(nil), e.timers...) {
		if !t.dead && t.at <= e.now {
			t.dead = true
			t.fn()
		}
	}
}

func feed(s *Session, e *fakeEnv, text string) {
	for i := 0; i < len(text); i++ {
		e.advance(1000)
		s.Feed(text[i])
	}
}

func steps(t *testing.T, script string) []Step {
	t.Helper()
	st, err := ParseScript(strings.NewReader(script), "test")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestParseScript(t *testing.T) {
	st := steps(t, `# comment
expect Booting Linux
  
timeout 30s
send uname -r\n
guest-timeout 2s
sleep 500ms
timeout off
expect ^6\.1 
`)
	if len(st) != 4 {
		t.Fatalf("%d steps", len(st))
	}
	if st[0].Kind != Expect || st[0].Arg != "Booting Linux" || st[0].Timeout != 0 || st[0].Line != 2 {
		t.Errorf("step 1: %+v", st[0])
	}
	if st[1].Kind != Send || string(st[1].Text) != "uname -r\n" || st[1].Timeout != 30*time.Second {
		t.Errorf("step 2: %+v", st[1])
	}
	if st[2].Kind != Sleep || st[2].Sleep != 500*time.Millisecond || st[2].GuestTimeout != 2*time.Second {
		t.Errorf("step 3: %+v", st[2])
	}
	if st[3].Arg != `^6\.1 ` || st[3].Timeout != 0 {
		t.Errorf("step 4: %+v", st[3])
	}
	for _, bad := range []string{"expect (", "frob x", "sleep soon", "timeout -1s", `send \q`, "expect", `send \x4`} {
		if _, err := ParseScript(strings.NewReader("# x\n"+bad+"\n"), "s"); err == nil || !strings.Contains(err.Error(), "s:2:") {
			t.Errorf("%q: error %v, want one naming s:2", bad, err)
		}
	}
}

func TestUnescape(t *testing.T) {
	b, err := Unescape(`a\r\n\t\\\e\x41\0`)
	if err != nil || string(b) != "a\r\n\t\\\x1bA\x00" {
		t.Errorf("got %q, %v", b, err)
	}
}

func TestClassify(t *testing.T) {
	cases := map[string]Class{
		"[    1.1] Kernel panic - not syncing: Fatal exception":                 Panic,
		"[    1.1] Unable to handle kernel NULL pointer dereference at virtual": Oops,
		"[    1.1] Internal error: Oops: 17 [#1] SMP ARM":                       Oops,
		"[    1.1] BUG: sleeping function called from invalid context":          Oops,
		"[   30.1] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [sh:83]":   Stall,
		"[   30.1] rcu: INFO: rcu_sched self-detected stall on CPU":             Stall,
		"[  240.1] INFO: task sh:83 blocked for more than 120 seconds.":         Stall,
		"Illegal instruction":                         Sigill,
		"Segmentation fault":                          Segv,
		"[    0.0] Booting Linux on physical CPU 0x0": Pass,
	}
	for l, want := range cases {
		if got, _ := Classify(l); got != want {
			t.Errorf("%q: %q, want %q", l, got, want)
		}
	}
	seen := map[int]Class{}
	for _, c := range append([]Class{Pass}, Classes...) {
		code := c.ExitCode()
		if code == ExitUsage || code == ExitError || (c != Pass && code == 0) {
			t.Errorf("class %q has reserved exit code %d", c, code)
		}
		if o, dup := seen[code]; dup {
			t.Errorf("classes %q and %q share exit code %d", o, c, code)
		}
		seen[code] = c
		if c != Pass {
			if p, err := ParseClass(string(c)); err != nil || p != c {
				t.Errorf("ParseClass(%q) = %q, %v", c, p, err)
			}
		}
	}
	if _, err := ParseClass("bogus"); err == nil {
		t.Error("ParseClass(bogus) succeeded")
	}
}

const bootLog = "U-Boot 2019.04 (Jan 01 2024)\r\n" +
	"[    0.000000] Booting Linux on physical CPU 0x0\r\n" +
	"[    0.900000] Run /init as init process\r\n" +
	"udhcpc: lease of 10.0.2.15 obtained, lease time 86400\r\n" +
	"romulus login: "

func TestSessionScriptAndStages(t *testing.T) {
	e := &fakeEnv{}
	var con bytes.Buffer
	s := NewSession(Config{Steps: steps(t, "expect login: $\nsend root\\n\nexpect # $\nsend uname -r\\n\nsleep 1ms\nexpect ^6\\.1\n"), Console: &con}, e)
	s.Start()
	feed(s, e, bootLog)
	if len(e.sent) != 1 || e.sent[0] != "root\n" {
		t.Fatalf("sent %q after the login prompt", e.sent)
	}
	feed(s, e, "root\r\n\x1b[0mroot@romulus:~# \x1b[6n")
	if len(e.sent) != 2 || e.sent[1] != "uname -r\n" {
		t.Fatalf("sent %q after the prompt", e.sent)
	}
	// The sleep has not elapsed: output now does not advance the script.
	feed(s, e, "uname -r\r\n")
	e.advance(uint64(time.Millisecond))
	feed(s, e, "6.1.192\r\n")
	if e.stopped == 0 {
		t.Fatal("script finished but the machine was not stopped")
	}
	r := s.Finish("stopped", e.now, e.insns)
	if r.Class != Pass {
		t.Fatalf("class %q (%s)", r.Class, r.Reason)
	}
	var prev uint64
	for _, st := range r.Stages {
		if !st.Reached {
			t.Errorf("stage %s not reached", st.Name)
			continue
		}
		if st.At.Insns < prev {
			t.Errorf("stage %s at %d insns, before the previous stage (%d)", st.Name, st.At.Insns, prev)
		}
		prev = st.At.Insns
	}
	if r.Stages[5].Line != "root@romulus:~# " {
		t.Errorf("shell line %q", r.Stages[5].Line)
	}
	for _, st := range r.Steps {
		if st.Status != StepPassed || st.Start == nil || st.End == nil || st.End.GuestNs < st.Start.GuestNs {
			t.Errorf("step %+v", st)
		}
	}
	if r.Steps[4].End.GuestNs-r.Steps[4].Start.GuestNs < uint64(time.Millisecond) {
		t.Errorf("sleep took %d ns of guest time", r.Steps[4].End.GuestNs-r.Steps[4].Start.GuestNs)
	}
	if con.String() != bootLog+"root\r\n\x1b[0mroot@romulus:~# \x1b[6nuname -r\r\n6.1.192\r\n" {
		t.Errorf("console copy %q", con.String())
	}
}

func TestSessionFailureClasses(t *testing.T) {
	oopsLog := "[1.0] Unable to handle kernel NULL pointer dereference at virtual address 00000004\n" +
		"[1.0] Internal error: Oops: 17 [#1] SMP ARM\n" +
		"[1.1] Kernel panic - not syncing: Fatal exception\n" +
		"[1.1] ---[ end Kernel panic - not syncing: Fatal exception ]---\n"
	for _, c := range []struct {
		allow []Class
		want  Class
		match string
	}{
		{nil, Oops, "Unable to handle kernel"},
		{[]Class{Oops}, Panic, "Kernel panic"},
		{[]Class{Oops, Panic}, Ended, ""},
	} {
		e := &fakeEnv{}
		allow := map[Class]bool{}
		for _, a := range c.allow {
			allow[a] = true
		}
		s := NewSession(Config{Steps: steps(t, "expect never\n"), Allow: allow}, e)
		s.Start()
		feed(s, e, oopsLog)
		if c.want != Ended && e.stopped == 0 {
			t.Errorf("allow %v: not stopped at the end of the panic", c.allow)
		}
		r := s.Finish("halted", e.now, e.insns)
		if r.Class != c.want || !strings.Contains(r.Matched, c.match) {
			t.Errorf("allow %v: class %q matched %q, want %q with %q", c.allow, r.Class, r.Matched, c.want, c.match)
		}
		if r.Steps[0].Status != StepFailed {
			t.Errorf("allow %v: step status %s", c.allow, r.Steps[0].Status)
		}
		if c.want.ExitCode() == 0 {
			t.Errorf("class %q exits 0", c.want)
		}
	}

	// A failure line stops the run after the grace time.
	e := &fakeEnv{}
	s := NewSession(Config{Steps: steps(t, "expect never\n"), Grace: time.Millisecond}, e)
	s.Start()
	feed(s, e, "Segmentation fault\n")
	if e.stopped != 0 {
		t.Fatal("stopped before the grace time")
	}
	e.advance(uint64(time.Millisecond))
	if e.stopped == 0 {
		t.Fatal("not stopped after the grace time")
	}
	if r := s.Finish("stopped", e.now, e.insns); r.Class != Segv {
		t.Errorf("class %q", r.Class)
	}
}

func TestSessionLimits(t *testing.T) {
	// Instruction budget.
	e := &fakeEnv{}
	s := NewSession(Config{Steps: steps(t, "expect never\nsend x\n")}, e)
	s.Start()
	feed(s, e, "hello\n")
	r := s.Finish("budget", e.now, e.insns)
	if r.Class != Timeout || r.Steps[0].Status != StepFailed || r.Steps[1].Status != StepSkipped {
		t.Errorf("budget: %q %+v", r.Class, r.Steps)
	}
	// Guest-time step limit.
	e = &fakeEnv{}
	s = NewSession(Config{Steps: steps(t, "guest-timeout 1ms\nexpect never\n")}, e)
	s.Start()
	e.advance(uint64(2 * time.Millisecond))
	if e.stopped == 0 {
		t.Error("guest-timeout did not stop the run")
	}
	if r := s.Finish("stopped", e.now, e.insns); r.Class != Timeout || !strings.Contains(r.Reason, "guest-time limit") {
		t.Errorf("guest-timeout: %q %q", r.Class, r.Reason)
	}
	// Wall step limit, with a fake wall clock.
	wall := time.Unix(1000, 0)
	e = &fakeEnv{}
	s = NewSession(Config{Steps: steps(t, "timeout 5s\nexpect never\n"), Clock: func() time.Time { return wall }}, e)
	s.Start()
	if s.CheckWall() {
		t.Error("wall limit hit at once")
	}
	wall = wall.Add(6 * time.Second)
	if !s.CheckWall() {
		t.Error("wall limit not hit")
	}
	if r := s.Finish("stopped", e.now, e.insns); r.Class != Timeout || !strings.Contains(r.Reason, "wall-clock limit 5s") {
		t.Errorf("wall: %q %q", r.Class, r.Reason)
	}
	// The guest ending early.
	e = &fakeEnv{}
	s = NewSession(Config{Steps: steps(t, "expect never\n")}, e)
	s.Start()
	if r := s.Finish("power-off", e.now, e.insns); r.Class != Ended {
		t.Errorf("ended: %q", r.Class)
	}
}

func TestReportsParse(t *testing.T) {
	e := &fakeEnv{}
	s := NewSession(Config{Steps: steps(t, "expect # $\nsend uname -r\\n\nexpect ^6\nexpect never\n"), Prompt: regexp.MustCompile(`# $`)}, e)
	s.Start()
	feed(s, e, "Booting Linux on physical CPU 0x0\n# uname -r\n6.1.0\n\x01weird <&> bytes\nKernel panic - not syncing: x\n")
	r := s.Finish("stopped", e.now, e.insns)
	rep := NewReport(r, Meta{Version: "test", Name: "bundled", Machine: "romulus"})
	if rep.Result != "fail" || rep.Class != "panic" || rep.ExitCode != Panic.ExitCode() {
		t.Fatalf("report %+v", rep)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "result", "class", "matched_line", "stages", "steps", "wall_s", "guest_ns", "instructions"} {
		if _, ok := back[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	var x bytes.Buffer
	if err := rep.WriteJUnit(&x); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Skipped  int `xml:"skipped,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
					Body string `xml:",chardata"`
				} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(x.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, x.String())
	}
	if len(doc.Suites) != 1 || doc.Suites[0].Tests != 4 || len(doc.Suites[0].Cases) != 4 || doc.Suites[0].Failures != 1 {
		t.Fatalf("JUnit suites %+v", doc.Suites)
	}
	c := doc.Suites[0].Cases
	if c[3].Failure == nil || c[3].Failure.Type != "panic" || !strings.Contains(c[3].Failure.Body, "Kernel panic - not syncing: x") {
		t.Errorf("failed case %+v", c[3])
	}
	if c[0].Failure != nil || c[2].Failure != nil || c[0].Name != "step 1: expect # $" {
		t.Errorf("passed cases %+v", c[:3])
	}
	var sum bytes.Buffer
	Summary(&sum, []Report{rep, rep})
	if strings.Count(sum.String(), "\n") != 3 || !strings.Contains(sum.String(), "panic") {
		t.Errorf("summary:\n%s", sum.String())
	}
}
