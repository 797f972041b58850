package smoke

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
)

// Report is the JSON report of one run (--report).
type Report struct {
	Version       string        `json:"version"`
	Name          string        `json:"name"`
	Result        string        `json:"result"` // "pass" or "fail"
	Class         string        `json:"class"`  // "" on pass
	ExitCode      int           `json:"exit_code"`
	Reason        string        `json:"reason,omitempty"`
	MatchedLine   string        `json:"matched_line,omitempty"`
	Machine       string        `json:"machine,omitempty"`
	Kernel        string        `json:"kernel,omitempty"`
	DTB           string        `json:"dtb,omitempty"`
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

	// Decompress says how the zImage's kernel was inflated: "host (xz)"
	// or "guest decompressor (why)" ("" when no zImage was booted).
	Decompress string `json:"decompress,omitempty"`
}

// Meta describes the run for the report.
type Meta struct {
	Version, Name, Machine, Kernel, DTB, Append string
	Seed                                        uint64
	Deterministic                               bool
	Allowed                                     []string
}

// NewReport builds the report of a result.
func NewReport(r Result, m Meta) Report {
	rep := Report{
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

// JUnit XML (the subset Jenkins, GitLab and GitHub reporters read).
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Props    []junitProp `xml:"properties>property,omitempty"`
	Cases    []junitCase `xml:"testcase"`
	SysOut   string      `xml:"system-out,omitempty"`
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
	Skipped   *struct{}     `xml:"skipped,omitempty"`
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
// per step. A failed step carries the class and the matched line; steps
// never reached are skipped. An emulator fault is an error, not a failure.
func (r Report) WriteJUnit(w io.Writer) error {
	name := r.Name
	if name == "" {
		name = "smoke"
	}
	s := junitSuite{Name: "ast2500emu smoke " + name, Time: fmt.Sprintf("%.3f", r.WallS)}
	s.Props = []junitProp{
		{"version", r.Version}, {"machine", r.Machine}, {"kernel", r.Kernel}, {"result", r.Result},
		{"class", r.Class}, {"instructions", fmt.Sprint(r.Instructions)}, {"guest_s", fmt.Sprintf("%.3f", r.GuestS)},
	}
	cls := "ast2500emu.smoke." + strings.NewReplacer(".", "_", " ", "_", "/", "_").Replace(name)
	failedSeen := false
	for _, st := range r.Steps {
		c := junitCase{Name: xmlSafe(fmt.Sprintf("step %d: %s %s", st.Index, st.Kind, st.Arg)), Classname: cls, Time: "0.000"}
		if st.Start != nil && st.End != nil {
			c.Time = fmt.Sprintf("%.3f", st.End.WallS-st.Start.WallS)
		}
		switch st.Status {
		case StepFailed:
			failedSeen = true
			f := &junitFailure{Message: xmlSafe(r.Reason), Type: r.Class, Body: xmlSafe(r.failureBody())}
			if r.Class == string(Emulator) {
				c.Error = f
				s.Errors++
			} else {
				c.Failure = f
				s.Failures++
			}
		case StepSkipped, StepPending:
			c.Skipped = &struct{}{}
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	if r.Result != "pass" && !failedSeen {
		// The run failed outside any step (e.g. after the script, or with
		// no steps): report it as its own case.
		c := junitCase{Name: "run", Classname: cls, Time: s.Time}
		f := &junitFailure{Message: xmlSafe(r.Reason), Type: r.Class, Body: xmlSafe(r.failureBody())}
		if r.Class == string(Emulator) {
			c.Error = f
			s.Errors++
		} else {
			c.Failure = f
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
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
