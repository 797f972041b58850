package smoke

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// ReportFormat is the version of the report's layout; it changes when a
// field changes meaning or goes away (new fields keep it).
const ReportFormat = 2

// Report is the JSON report of one run (--report).
type Report struct {
	Format        int           `json:"report_format"`
	Version       string        `json:"version"`
	Timestamp     string        `json:"timestamp"` // run start, RFC 3339
	Hostname      string        `json:"hostname,omitempty"`
	Name          string        `json:"name"`
	Result        string        `json:"result"` // "pass" or "fail"
	Class         string        `json:"class"`  // "" on pass
	ExitCode      int           `json:"exit_code"`
	Reason        string        `json:"reason,omitempty"`
	MatchedLine   string        `json:"matched_line,omitempty"`
	Machine       string        `json:"machine,omitempty"`
	Kernel        string        `json:"kernel,omitempty"`
	DTB           string        `json:"dtb,omitempty"`
	Initrd        string        `json:"initrd,omitempty"`
	Args          []string      `json:"args,omitempty"`
	Append        string        `json:"append,omitempty"`
	Seed          uint64        `json:"seed"`
	Deterministic bool          `json:"deterministic"`
	Allowed       []string      `json:"allowed,omitempty"`
	Exit          string        `json:"machine_exit"`
	WallS         float64       `json:"wall_s"`
	GuestNs       uint64        `json:"guest_ns"`
	GuestS        float64       `json:"guest_s"`
	Instructions  uint64        `json:"instructions"`
	MIPS          float64       `json:"mips"`
	Stages        []StageResult `json:"stages"`
	Steps         []StepResult  `json:"steps"`
	Stack         string        `json:"stack,omitempty"`
	ConsoleTail   []string      `json:"console_tail,omitempty"`
	Console       string        `json:"-"` // JUnit system-out
	start         time.Time

	// Decompress says how the zImage's kernel was inflated: "host (xz)"
	// or "guest decompressor (why)" ("" when no zImage was booted).
	Decompress string `json:"decompress,omitempty"`
	// Tier is the CPU tier that ran the guest: "jit", "interpreter"
	// or the lockstep check (machine.Machine.Tier).
	Tier string `json:"tier,omitempty"`
}

// Meta describes the run for the report.
type Meta struct {
	Version, Name, Machine, Kernel, DTB, Initrd, Append string
	Seed                                                uint64
	Deterministic                                       bool
	Allowed                                             []string
	Start                                               time.Time // run start (zero: now)
	Args                                                []string  // the command line
}

func (m Meta) stamp() (time.Time, string, string) {
	t := m.Start
	if t.IsZero() {
		t = time.Now()
	}
	host, _ := os.Hostname()
	return t, t.Format(time.RFC3339), host
}

// NotRun is the report of a run refused before it started (class Usage)
// or lost to a host error (class HostError): CI reporters still find a
// report naming the problem.
func NotRun(c Class, reason string, m Meta) Report {
	t, ts, host := m.stamp()
	return Report{
		Format: ReportFormat, Version: m.Version, Timestamp: ts, Hostname: host, start: t,
		Name: m.Name, Result: "fail", Class: string(c), ExitCode: c.ExitCode(), Reason: reason,
		Machine: m.Machine, Kernel: m.Kernel, DTB: m.DTB, Initrd: m.Initrd, Seed: m.Seed, Args: m.Args,
		Exit: "not started", Stages: []StageResult{}, Steps: []StepResult{},
	}
}

// NewReport builds the report of a result.
func NewReport(r Result, m Meta) Report {
	t, ts, host := m.stamp()
	rep := Report{
		Format: ReportFormat, Timestamp: ts, Hostname: host, start: t, Initrd: m.Initrd, Args: m.Args, Console: r.Console,
		Version: m.Version, Name: m.Name, Result: "pass", Class: string(r.Class), ExitCode: r.Class.ExitCode(),
		Reason: r.Reason, MatchedLine: r.Matched, Machine: m.Machine, Kernel: m.Kernel, DTB: m.DTB,
		Append: m.Append, Seed: m.Seed, Deterministic: m.Deterministic, Allowed: m.Allowed, Exit: r.Exit,
		WallS: r.End.WallS, GuestNs: r.End.GuestNs, GuestS: r.End.GuestS, Instructions: r.End.Insns,
		Stages: r.Stages, Steps: r.Steps, Stack: r.Stack,
	}
	if r.Class != Pass {
		rep.Result = "fail"
		rep.ConsoleTail = r.Tail
	}
	if r.End.Wall > 0 {
		rep.MIPS = round3(float64(r.End.Insns) / r.End.Wall.Seconds() / 1e6)
	}
	if rep.Steps == nil {
		rep.Steps = []StepResult{}
	}
	return rep
}

// WriteJSON writes the report to a file.
func (r Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// JUnit XML, valid against both the Ant JUnit schema (JUnit.xsd as
// published with Ant's junitreport: testsuite requires name, tests,
// failures, errors, time, timestamp (no zone), hostname, and inside
// testsuites package and id; children properties, testcase*, system-out,
// system-err in that order; a testcase holds at most one error or
// failure, which needs a type) and Jenkins' junit plugin schema (a
// superset for these elements).
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Package   string      `xml:"package,attr"`
	ID        int         `xml:"id,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Hostname  string      `xml:"hostname,attr"`
	Props     []junitProp `xml:"properties>property"`
	Cases     []junitCase `xml:"testcase"`
	SysOut    string      `xml:"system-out"`
	SysErr    string      `xml:"system-err"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// xmlSafe drops characters XML 1.0 cannot carry (console control bytes).
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r != 0xFFFD && r < 0xD800) || (r >= 0xE000 && r <= 0xFFFD) {
			return r
		}
		return -1
	}, s)
}

// WriteJUnit writes the report as JUnit XML: one testsuite, one testcase
// per step the run reached. A failed step carries the class and the
// matched line; steps never reached are listed in system-err (the Ant
// schema has no skipped element). An emulator fault or a host or usage
// problem is an error, not a failure. system-out holds the console.
func (r Report) WriteJUnit(w io.Writer) error {
	name := r.Name
	if name == "" {
		name = "smoke"
	}
	t := r.start
	if t.IsZero() {
		t, _ = time.Parse(time.RFC3339, r.Timestamp)
	}
	s := junitSuite{Name: "ast2500emu smoke " + name, Package: "ast2500emu.smoke", Time: fmt.Sprintf("%.3f", r.WallS),
		Timestamp: t.Format("2006-01-02T15:04:05"), Hostname: r.Hostname, SysOut: xmlSafe(r.Console)}
	if s.Hostname == "" {
		s.Hostname = "localhost"
	}
	s.Props = []junitProp{
		{"version", r.Version}, {"report_format", fmt.Sprint(r.Format)}, {"machine", r.Machine}, {"kernel", r.Kernel},
		{"initrd", r.Initrd}, {"result", r.Result}, {"class", r.Class}, {"instructions", fmt.Sprint(r.Instructions)},
		{"guest_s", fmt.Sprintf("%.3f", r.GuestS)}, {"timestamp", r.Timestamp},
	}
	cls := "ast2500emu.smoke." + strings.NewReplacer(".", "_", " ", "_", "/", "_").Replace(name)
	isError := r.Class == string(Emulator) || r.Class == string(Usage) || r.Class == string(HostError)
	fail := func(c *junitCase) {
		f := &junitFailure{Message: xmlSafe(r.Reason), Type: r.Class, Body: xmlSafe(r.failureBody())}
		if isError {
			c.Error = f
			s.Errors++
		} else {
			c.Failure = f
			s.Failures++
		}
	}
	failedSeen := false
	var notReached []string
	for _, st := range r.Steps {
		label := fmt.Sprintf("step %d: %s %s", st.Index, st.Kind, st.Arg)
		if st.Status == StepSkipped || st.Status == StepPending {
			notReached = append(notReached, label)
			continue
		}
		c := junitCase{Name: xmlSafe(label), Classname: cls, Time: "0.000"}
		if st.Start != nil && st.End != nil {
			c.Time = fmt.Sprintf("%.3f", st.End.WallS-st.Start.WallS)
		}
		if st.Status == StepFailed {
			failedSeen = true
			fail(&c)
		}
		s.Cases = append(s.Cases, c)
	}
	if r.Result != "pass" && !failedSeen {
		// The run failed outside any step (after the script, with no
		// steps, or before it started): report it as its own case.
		c := junitCase{Name: "run", Classname: cls, Time: s.Time}
		fail(&c)
		s.Cases = append(s.Cases, c)
	}
	if len(notReached) > 0 {
		s.SysErr = xmlSafe("steps not reached:\n" + strings.Join(notReached, "\n") + "\n")
	}
	s.Tests = len(s.Cases)
	out, err := xml.MarshalIndent(junitSuites{Suites: []junitSuite{s}}, "", "  ")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}

func (r Report) failureBody() string {
	var b strings.Builder
	fmt.Fprintf(&b, "class: %s\nreason: %s\n", r.Class, r.Reason)
	if r.MatchedLine != "" {
		fmt.Fprintf(&b, "matched line: %s\n", r.MatchedLine)
	}
	if r.Stack != "" {
		fmt.Fprintf(&b, "stack:\n%s\n", r.Stack)
	}
	if len(r.ConsoleTail) > 0 {
		b.WriteString("console (last lines):\n")
		for _, l := range r.ConsoleTail {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// WriteJUnitFile writes the JUnit XML to a file.
func (r Report) WriteJUnitFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := r.WriteJUnit(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Summary writes a table of several runs (a matrix).
func Summary(w io.Writer, reps []Report) {
	fmt.Fprintf(w, "%-3s %-30s %-6s %-9s %8s %8s %14s %10s\n", "#", "RUN", "RESULT", "CLASS", "WALL", "GUEST", "INSNS", "SHELL-AT")
	for i, r := range reps {
		shell := "-"
		for _, st := range r.Stages {
			if st.Name == "shell" && st.Reached {
				shell = fmt.Sprintf("%.2fs", st.At.GuestS)
			}
		}
		cl := r.Class
		if cl == "" {
			cl = "-"
		}
		name := r.Name
		if len(name) > 30 {
			name = "…" + name[len(name)-29:]
		}
		fmt.Fprintf(w, "%-3d %-30s %-6s %-9s %7.1fs %7.2fs %14d %10s\n", i+1, name, r.Result, cl, r.WallS, r.GuestS, r.Instructions, shell)
	}
}
