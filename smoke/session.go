package smoke

import (
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Env is what a Session needs from the machine. Every method except Stop
// is called on the machine goroutine only.
type Env interface {
	GuestNow() uint64 // guest time in ns
	Insns() uint64    // instructions retired
	// UserEntries counts the CPU's switches into User mode: the first
	// one marks the init stage even on a quiet kernel.
	UserEntries() uint64
	// Send queues console input; it must reach the guest at a point that
	// depends only on guest execution (e.g. the next machine-loop turn).
	Send(p []byte)
	// After runs fn on the machine goroutine after d ns of guest time; the
	// returned function cancels it.
	After(d uint64, fn func()) (cancel func())
	// Stop ends the run (safe from any goroutine).
	Stop()
}

// Config configures a Session.
type Config struct {
	Steps  []Step
	Prompt *regexp.Regexp // shell stage; nil: DefaultPrompt
	Allow  map[Class]bool // failure classes that do not fail the run
	// Grace is how much guest time the run goes on after a failure line,
	// so that the report and console log get the backtrace (0: 300 ms).
	// A "---[ end Kernel panic" line ends it sooner.
	Grace time.Duration
	// Console, if set, receives every console byte.
	Console io.Writer
	// Clock is the wall clock (nil: time.Now); only reports use it.
	Clock func() time.Time
}

// Mark is a point of a run: wall time since the start, guest time and the
// instruction count.
type Mark struct {
	Wall    time.Duration `json:"-"`
	WallS   float64       `json:"wall_s"`
	GuestNs uint64        `json:"guest_ns"`
	GuestS  float64       `json:"guest_s"`
	Insns   uint64        `json:"insns"`
}

// StageResult says whether and when a stage was reached (first time).
type StageResult struct {
	Name    string `json:"name"`
	Reached bool   `json:"reached"`
	At      *Mark  `json:"at,omitempty"`
	Line    string `json:"line,omitempty"`
}

// Step statuses.
const (
	StepPending = "pending"
	StepRunning = "running"
	StepPassed  = "pass"
	StepFailed  = "fail"
	StepSkipped = "skipped"
)

// StepResult is a step's outcome.
type StepResult struct {
	Index   int    `json:"index"`
	Kind    string `json:"kind"`
	Arg     string `json:"arg"`
	Line    int    `json:"script_line,omitempty"`
	Status  string `json:"status"`
	Start   *Mark  `json:"start,omitempty"`
	End     *Mark  `json:"end,omitempty"`
	Matched string `json:"matched,omitempty"`
	Failure string `json:"failure,omitempty"`
}

// Session follows the console of one run through its script.
type Session struct {
	mu     sync.Mutex
	cfg    Config
	env    Env
	now    func() time.Time
	start  time.Time
	stages []Stage
	sres   []StageResult
	steps  []StepResult
	cur    int

	top   int // the latest stage reached (-1: none); stages are monotonic
	login int // Login step phase: 0 wait for the prompt, 1 user sent, 2 password sent

	line []byte // current line, CR and escape sequences removed
	from int    // expect matching starts here in line
	esc  int    // 0 none, 1 after ESC, 2 in CSI
	tail []string
	con  []byte // the console, the last ConsoleKeep bytes

	class   Class
	matched string
	reason  string
	done    bool // the outcome is decided
	stack   string

	stepDeadline time.Time
	cancelGuest  func()
	lastGuest    uint64
	lastInsns    uint64
}

// TailLines is how many console lines a Result keeps.
const TailLines = 60

// ConsoleKeep bounds the console a Result keeps (JUnit system-out): past
// it, the older half is dropped.
const ConsoleKeep = 1 << 20

// NewSession prepares a session; call Start on the machine goroutine (or
// before the machine runs).
func NewSession(cfg Config, env Env) *Session {
	if cfg.Prompt == nil {
		cfg.Prompt = regexp.MustCompile(DefaultPrompt)
	}
	if cfg.Grace == 0 {
		cfg.Grace = 300 * time.Millisecond
	}
	s := &Session{cfg: cfg, env: env, now: cfg.Clock, top: -1}
	if s.now == nil {
		s.now = time.Now
	}
	s.stages = Stages(cfg.Prompt)
	for _, st := range s.stages {
		s.sres = append(s.sres, StageResult{Name: st.Name})
	}
	for i, st := range cfg.Steps {
		s.steps = append(s.steps, StepResult{Index: i + 1, Kind: st.Kind.String(), Arg: st.Arg, Line: st.Line, Status: StepPending})
	}
	return s
}

// Start begins the first step.
func (s *Session) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.start = s.now()
	s.begin()
}

func (s *Session) mark() *Mark {
	s.lastGuest, s.lastInsns = s.env.GuestNow(), s.env.Insns()
	return s.markLast()
}

func (s *Session) markLast() *Mark {
	w := s.now().Sub(s.start)
	return &Mark{Wall: w, WallS: round3(w.Seconds()), GuestNs: s.lastGuest, GuestS: round3(float64(s.lastGuest) / 1e9), Insns: s.lastInsns}
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// begin starts steps from s.cur until one has to wait. Locked.
func (s *Session) begin() {
	for !s.done {
		if s.cur >= len(s.steps) {
			s.class, s.done = Pass, true
			s.stepDeadline = time.Time{}
			s.env.Stop()
			return
		}
		st := s.cfg.Steps[s.cur]
		r := &s.steps[s.cur]
		if r.Status == StepPending {
			s.enter(st, r)
			if st.Kind == Send {
				s.env.Send(st.Text)
				s.finishStep("")
				continue
			}
		}
		if st.Kind == Expect && st.Re.Match(s.line[s.from:]) {
			s.finishStep(string(s.line))
			s.from = len(s.line)
			continue
		}
		if st.Kind == WaitStage && s.reached(st.Arg) {
			s.finishStep(s.stageLine(st.Arg))
			continue
		}
		if st.Kind == Login && s.loginStep(st) {
			continue
		}
		return
	}
}

// reached reports whether the named stage has been reached.
func (s *Session) reached(name string) bool {
	for i, st := range s.stages {
		if st.Name == name {
			return s.sres[i].Reached
		}
	}
	return false
}

func (s *Session) stageLine(name string) string {
	for i, st := range s.stages {
		if st.Name == name {
			return s.sres[i].Line
		}
	}
	return ""
}

var passwordPrompt = regexp.MustCompile(`(?i)password: ?$`)

// loginStep advances a Login step; it reports whether the step is done.
// Locked.
func (s *Session) loginStep(st Step) bool {
	switch {
	case s.reached("shell"):
		s.finishStep(s.stageLine("shell"))
		s.login = 0
		return true
	case s.login == 0 && s.reached("login"):
		s.env.Send([]byte(st.User + "\n"))
		s.login = 1
		s.from = len(s.line)
	case s.login == 1 && passwordPrompt.Match(s.line[s.from:]):
		s.env.Send([]byte(st.Password + "\n"))
		s.login = 2
		s.from = len(s.line)
	}
	return false
}

// enter starts the current step: its limits and, for a sleep, its timer.
func (s *Session) enter(st Step, r *StepResult) {
	r.Status, r.Start = StepRunning, s.mark()
	s.stepDeadline = time.Time{}
	if st.Timeout > 0 {
		s.stepDeadline = s.start.Add(r.Start.Wall + st.Timeout)
	}
	idx := s.cur
	if st.GuestTimeout > 0 {
		s.cancelGuest = s.env.After(uint64(st.GuestTimeout), func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.mark()
			if s.cur == idx {
				s.failLocked(Timeout, "", "guest-time limit "+st.GuestTimeout.String()+" for step "+itoa(idx+1)+" ("+st.Name()+")")
				s.env.Stop()
			}
		})
	}
	if st.Kind == Sleep {
		s.env.After(uint64(st.Sleep), func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.cur == idx && !s.done {
				s.finishStep("")
				s.begin()
			}
		})
	}
}

// finishStep marks the current step passed and moves on. Locked.
func (s *Session) finishStep(matched string) {
	r := &s.steps[s.cur]
	r.Status, r.End, r.Matched = StepPassed, s.mark(), matched
	if s.cancelGuest != nil {
		s.cancelGuest()
		s.cancelGuest = nil
	}
	s.cur++
}

func itoa(i int) string { return strconv.Itoa(i) }

// failLocked decides the outcome as a failure (first one wins).
func (s *Session) failLocked(c Class, line, reason string) {
	if s.done {
		return
	}
	s.class, s.matched, s.reason, s.done = c, line, reason, true
	s.stepDeadline = time.Time{}
	if s.cur < len(s.steps) {
		r := &s.steps[s.cur]
		if r.Status == StepRunning {
			r.Status, r.End = StepFailed, s.markLast()
			r.Failure = string(c) + ": " + reason
		}
	}
}

// Feed takes one console byte (machine goroutine).
func (s *Session) Feed(b byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.Console != nil {
		s.cfg.Console.Write([]byte{b})
	}
	if len(s.con) >= ConsoleKeep {
		s.con = append(s.con[:0], s.con[ConsoleKeep/2:]...)
	}
	s.con = append(s.con, b)
	switch s.esc {
	case 1:
		if b == '[' {
			s.esc = 2
		} else {
			s.esc = 0
		}
		return
	case 2:
		if b >= 0x40 && b <= 0x7e {
			s.esc = 0
		}
		return
	}
	switch b {
	case 0x1b:
		s.esc = 1
		return
	case '\r', 0:
		return
	case '\n':
		s.endLine()
		if k := s.stepKind(); k.Waits() && k != Expect {
			s.begin()
		}
		return
	}
	if len(s.line) < 4096 {
		s.line = append(s.line, b)
	}
	s.userSpace()
	for i, st := range s.stages {
		if st.Partial && s.canReach(i) && st.Re.Match(s.line) {
			s.reach(i)
		}
	}
	if s.stepKind().Waits() {
		s.begin()
	}
}

// stepKind is the current step's kind (Send when there is none to wait on).
func (s *Session) stepKind() StepKind {
	if s.done || s.cur >= len(s.steps) {
		return Send
	}
	return s.cfg.Steps[s.cur].Kind
}

// Stage indexes (Stages order).
const (
	stFirmware = iota
	stKernel
	stInit
	stNetwork
	stLogin
	stShell
)

// canReach says whether stage i may be reached now: stages are
// monotonic (none before the latest one reached), and a login or shell
// prompt counts only once init runs, so that a boot loader's output
// ("## Loading kernel from FIT Image") is never taken for a shell.
func (s *Session) canReach(i int) bool {
	if s.sres[i].Reached || i < s.top {
		return false
	}
	if i >= stLogin && !s.sres[stInit].Reached {
		return false
	}
	if i > stKernel && i != stInit && !s.sres[stKernel].Reached && !s.sres[stInit].Reached {
		return false
	}
	return true
}

// userSpace reaches the init stage at the CPU's first switch to User
// mode (machine state), for kernels that print no init line.
func (s *Session) userSpace() {
	if !s.sres[stInit].Reached && s.canReach(stInit) && s.env.UserEntries() > 0 {
		s.reach(stInit)
	}
}

func (s *Session) reach(i int) {
	s.sres[i].Reached, s.sres[i].At, s.sres[i].Line = true, s.mark(), string(s.line)
	if i > s.top {
		s.top = i
	}
}

func (s *Session) endLine() {
	l := string(s.line)
	s.userSpace()
	for i, st := range s.stages {
		if !st.Partial && s.canReach(i) && st.Re.MatchString(l) {
			s.reach(i)
		}
	}
	if c, ok := Classify(l); ok && !s.cfg.Allow[c] {
		if !s.done {
			s.mark()
			s.failLocked(c, strings.TrimSpace(l), "console: "+strings.TrimSpace(l))
			s.env.After(uint64(s.cfg.Grace), s.env.Stop)
		}
	}
	if s.done && s.class != Pass && strings.Contains(l, "---[ end Kernel panic") {
		s.env.Stop()
	}
	if len(s.tail) == TailLines {
		copy(s.tail, s.tail[1:])
		s.tail = s.tail[:TailLines-1]
	}
	s.tail = append(s.tail, l)
	s.line = s.line[:0]
	s.from = 0
}

// Halted tells the session the CPU halted for good (machine state; a
// watchdog may still be armed to reset it): a halt step passes. Machine
// goroutine.
func (s *Session) Halted() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stepKind() == WaitHalt {
		s.finishStep("halted")
		s.begin()
	}
}

// Tick records the machine's progress (machine goroutine); the wall
// timeouts and the progress display read it.
func (s *Session) Tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mark()
}

// CheckWall fails the run if the current step's wall limit has passed
// (any goroutine); it reports whether it did.
func (s *Session) CheckWall() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done || s.stepDeadline.IsZero() || s.now().Before(s.stepDeadline) {
		return false
	}
	st := s.cfg.Steps[s.cur]
	s.failLocked(Timeout, "", "wall-clock limit "+st.Timeout.String()+" for step "+itoa(s.cur+1)+" ("+st.Name()+")")
	return true
}

// Fail decides the outcome from outside the console (run limits, emulator
// faults); the first decision wins. Any goroutine.
func (s *Session) Fail(c Class, reason, stack string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.done && stack != "" {
		s.stack = stack
	}
	s.failLocked(c, "", reason)
}

// Progress is a snapshot for the live display.
type Progress struct {
	Stage   string
	Step    int
	Wall    time.Duration
	GuestNs uint64
	Insns   uint64
}

// Progress returns the current state (any goroutine).
func (s *Session) Progress() Progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := Progress{Stage: "start", Step: s.cur + 1, Wall: s.now().Sub(s.start), GuestNs: s.lastGuest, Insns: s.lastInsns}
	for _, r := range s.sres {
		if r.Reached {
			p.Stage = r.Name
		}
	}
	return p
}

// Result is the outcome of a run.
type Result struct {
	Class   Class
	Matched string // the console line that decided a failure
	Reason  string
	Stages  []StageResult
	Steps   []StepResult
	End     Mark
	Exit    string // how the machine stopped
	Stack   string // emulator faults
	Tail    []string
	Console string // the console (the last ConsoleKeep bytes at most)
}

// Finish decides the outcome once the machine has stopped (exit says
// why) and returns the result. end is the final guest time and count.
func (s *Session) Finish(exit string, guestNs, insns uint64) Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastGuest, s.lastInsns = guestNs, insns
	if !s.done && s.cur < len(s.steps) && s.cfg.Steps[s.cur].Kind == WaitHalt && (exit == "power-off" || exit == "halted") {
		s.finishStep(exit)
		if s.cur >= len(s.steps) {
			s.class, s.done = Pass, true
		}
	}
	if !s.done {
		switch exit {
		case "budget":
			s.failLocked(Timeout, "", "instruction budget exhausted")
		case "stopped":
			s.failLocked(Timeout, "", "run stopped before the script finished")
		default:
			s.failLocked(Ended, "", "the guest stopped ("+exit+") before the script finished")
		}
	}
	for i := range s.steps {
		if s.steps[i].Status == StepPending || s.steps[i].Status == StepRunning {
			s.steps[i].Status = StepSkipped
		}
	}
	tail := s.tail
	if len(s.line) > 0 {
		tail = append(append([]string(nil), tail...), string(s.line))
	}
	return Result{
		Class: s.class, Matched: s.matched, Reason: s.reason,
		Stages: append([]StageResult(nil), s.sres...), Steps: append([]StepResult(nil), s.steps...),
		End: *s.markLast(), Exit: exit, Stack: s.stack, Tail: append([]string(nil), tail...),
		Console: string(s.con),
	}
}

// abandon builds a result for a machine that did not stop: the emulator
// class, from whatever state can be read without waiting.
func (s *Session) abandon() Result {
	if !s.mu.TryLock() {
		return Result{Class: Emulator, Reason: "emulator unresponsive: the machine did not stop after the run's time limit", Exit: "unresponsive"}
	}
	s.mu.Unlock()
	s.Fail(Emulator, "emulator unresponsive: the machine did not stop after the run's time limit", "")
	return s.Finish("unresponsive", s.lastGuest, s.lastInsns)
}
