package main

// The smoke command: a scripted console run for CI (issue 7). The engine
// (script, stages, failure classes, reports) is package smoke; this file
// turns flags into runs, runs a matrix of kernels in parallel and maps the
// outcome to the exit status.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/ast2500emu/ast2500emu/internal/hostfile"
	"github.com/ast2500emu/ast2500emu/loader"
	"github.com/ast2500emu/ast2500emu/machine"
	"github.com/ast2500emu/ast2500emu/network"
	"github.com/ast2500emu/ast2500emu/smoke"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

type smokeOptions struct {
	boot        bootOptions
	kernels     []string
	kernelList  string
	flagSteps   []smoke.Step
	stepErr     error
	script      string
	prompt      string
	timeout     time.Duration
	stepTimeout time.Duration
	stepGuest   time.Duration
	login       string
	budgetInsns uint64
	budgetGuest time.Duration
	det         bool
	allow       []string
	report      string
	junit       string
	consoleLog  string
	jobs        int
	name        string
	scripts     []string    // --script, repeatable: a matrix of scripts
	snap        snapOptions // --snapshot (snapshot.go)
}

// scriptsValue makes --script repeatable: several scripts form a matrix
// (typically run from one --snapshot).
type scriptsValue struct{ o *smokeOptions }

func (v scriptsValue) String() string { return strings.Join(v.o.scripts, ",") }
func (v scriptsValue) Type() string   { return "file" }
func (v scriptsValue) Set(s string) error {
	v.o.scripts = append(v.o.scripts, s)
	v.o.script = v.o.scripts[0]
	return nil
}

// stepValue appends --expect and --send steps to one list, so that their
// order on the command line is kept.
type stepValue struct {
	o    *smokeOptions
	kind smoke.StepKind
}

func (v stepValue) String() string { return "" }
func (v stepValue) Type() string   { return "string" }
func (v stepValue) Set(s string) error {
	var st smoke.Step
	var err error
	if v.kind == smoke.Expect {
		st, err = smoke.NewExpect(s)
	} else {
		st, err = smoke.NewSend(s)
	}
	if err != nil {
		return err
	}
	v.o.flagSteps = append(v.o.flagSteps, st)
	return nil
}

// kernelsValue makes --kernel repeatable for smoke (a matrix).
type kernelsValue struct{ list *[]string }

func (v kernelsValue) String() string { return strings.Join(*v.list, ",") }
func (v kernelsValue) Type() string   { return "file" }
func (v kernelsValue) Set(s string) error {
	*v.list = append(*v.list, s)
	return nil
}

func smokeCommand() *cobra.Command {
	o := &smokeOptions{}
	cmd := &cobra.Command{
		Use:   "smoke",
		Short: "Scripted console run for CI: stages, failure classes, JSON/JUnit reports",
		Long: `Boot a board and run a console script against it, for CI.

Steps come from --expect REGEX / --send TEXT (repeatable, kept in order;
\r \n \t \\ \e \xHH escapes work in --send) or --script FILE (lines
"expect REGEX", "send TEXT", "sleep DURATION" (guest time), "timeout
DURATION" (wall limit of each following step), "guest-timeout DURATION",
# comments). Expect regexps match one console line at a time (carriage
returns and escape sequences removed), including an unfinished line such
as a prompt. Script lines "stage NAME" wait for a boot stage, "halt" for
the machine to halt or power off (decided from the CPU's state, not from
console text), "login USER[:PASSWORD]" logs in (answering "Password:" if
it is asked). Without steps the script is: wait for the shell stage (a
prompt after the kernel and init stages), send "poweroff", wait for the
machine to halt; with --login, log in first.

Every step that waits gets --step-timeout (wall) and --step-guest-timeout
(guest time) unless the script sets its own; a step that times out reports
what it was waiting for and the last console lines.

The run passes when every step has completed. Whatever the script says,
these console lines fail it (--allow CLASS relaxes one class):
` + "\n" + indent(smoke.ExitCodeTable()) + `
Stages reached (firmware, kernel, init, network, login, shell) are recorded
with wall time, guest time and instruction count. With several --kernel
values or --kernel-list, the runs form a matrix run --jobs at a time; each
gets its own report (FILE.json -> FILE-<n>.json, or files in a directory)
and a summary table is printed. The exit status is then that of the first
failing run.

--deterministic runs on the virtual clock alone, with no network peer
but the deterministic one (--nic none, the default, or --nic peer), entropy,
RTC and MAC from --seed: two runs with the same inputs print
byte-identical consoles and reach every stage at the same instruction
count.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return o.runReported(cmd, os.Args) },
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		// Flags after the bad one are not parsed: find the report paths
		// in the raw arguments.
		o.report, o.junit = rawFlag(os.Args, "report"), rawFlag(os.Args, "junit")
		return o.usageReport(usageError{err}, os.Args)
	})
	o.boot.register(cmd)
	f := cmd.Flags()
	kf := f.Lookup("kernel")
	kf.Value = kernelsValue{&o.kernels}
	kf.Usage = "Linux zImage or uImage to boot (default: the bundled guest); repeat for a matrix"
	f.Var(stepValue{o, smoke.Expect}, "expect", "wait for console output matching REGEX (repeatable, ordered with --send)")
	f.Var(stepValue{o, smoke.Send}, "send", "type TEXT on the console (escapes \\r \\n \\t \\\\ \\e \\xHH; repeatable)")
	f.Var(scriptsValue{o}, "script", "script file (expect/send/sleep/timeout/guest-timeout lines, # comments); repeat for a matrix of scripts")
	o.snap.registerLoad(f)
	f.StringVar(&o.prompt, "prompt", smoke.DefaultPrompt, "regexp for the shell stage (and the default script)")
	f.DurationVar(&o.timeout, "timeout", 10*time.Minute, "wall-clock limit for the whole run (0: none)")
	f.DurationVar(&o.stepTimeout, "step-timeout", 5*time.Minute, "wall-clock limit for each waiting step without its own (0: none)")
	f.DurationVar(&o.stepGuest, "step-guest-timeout", 3*time.Minute, "guest-time limit for each waiting step without its own (0: none)")
	f.StringVar(&o.login, "login", "", "log in at the login prompt as USER[:PASSWORD] before the script (a Password: prompt is answered, or skipped if none comes)")
	f.Uint64Var(&o.budgetInsns, "budget-insns", 0, "instruction budget for the whole run (0: none)")
	f.DurationVar(&o.budgetGuest, "budget-guest", 0, "guest-time budget for the whole run (0: none)")
	f.BoolVar(&o.det, "deterministic", false, "virtual clock only, no network peer but --nic peer (default --nic none): reproducible runs")
	f.StringArrayVar(&o.allow, "allow", nil, "failure class that does not fail the run (repeatable)")
	f.StringVar(&o.report, "report", "", "write a JSON report to this file")
	f.StringVar(&o.junit, "junit", "", "write a JUnit XML report to this file")
	f.StringVar(&o.consoleLog, "console-log", "", "write the whole console to this file (- for stdout)")
	f.IntVar(&o.jobs, "jobs", 1, "matrix runs in parallel (at most the number of CPUs)")
	f.StringVar(&o.kernelList, "kernel-list", "", "file with one kernel path a line (a matrix; # comments)")
	f.StringVar(&o.name, "name", "", "run name in reports (default: the kernel file name)")
	return cmd
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// plan is everything a run needs besides its kernel.
type plan struct {
	name  string // run name in a matrix of scripts
	steps []smoke.Step
	allow map[smoke.Class]bool
	rc    smoke.RunConfig
}

func (o *smokeOptions) plan() (plan, error) {
	var p plan
	prompt, err := regexp.Compile(o.prompt)
	if err != nil {
		return p, usage("--prompt: %v", err)
	}
	if o.script != "" {
		b, err := hostfile.Read("script", o.script, hostfile.TextLimit)
		if err != nil {
			return p, usage("--script %v", err)
		}
		p.steps, err = smoke.ParseScript(bytes.NewReader(b), o.script)
		if err != nil {
			return p, usage("--script %v", err)
		}
	}
	p.steps = append(p.steps, o.flagSteps...)
	if len(p.steps) == 0 {
		p.steps = []smoke.Step{
			{Kind: smoke.WaitStage, Arg: "shell"},
			{Kind: smoke.Send, Arg: `poweroff\n`, Text: []byte("poweroff\n")},
			smoke.NewHalt(),
		}
	}
	if o.login != "" {
		st, err := smoke.NewLogin(o.login)
		if err != nil {
			return p, usage("--login: %v", err)
		}
		if p.steps[0].Kind == smoke.WaitStage && p.steps[0].Arg == "shell" {
			p.steps = p.steps[1:] // the login ends at the shell
		}
		p.steps = append([]smoke.Step{st}, p.steps...)
	}
	for i := range p.steps {
		st := &p.steps[i]
		if !st.Kind.Waits() {
			continue
		}
		if !st.TimeoutSet && st.Timeout == 0 {
			st.Timeout = o.stepTimeout
		}
		if !st.GuestTimeoutSet && st.GuestTimeout == 0 {
			st.GuestTimeout = o.stepGuest
		}
	}
	p.allow = map[smoke.Class]bool{}
	for _, a := range o.allow {
		c, err := smoke.ParseClass(a)
		if err != nil {
			return p, usage("--allow: %v", err)
		}
		p.allow[c] = true
	}
	p.rc = smoke.RunConfig{
		Session:     smoke.Config{Steps: p.steps, Prompt: prompt, Allow: p.allow},
		Timeout:     o.timeout,
		BudgetGuest: o.budgetGuest,
	}
	return p, nil
}

func (o *smokeOptions) kernelRuns(cmd *cobra.Command) ([]string, error) {
	ks := append([]string(nil), o.kernels...)
	where := make([]string, len(ks))
	for i := range ks {
		where[i] = "--kernel"
	}
	if o.kernelList != "" {
		b, err := hostfile.Read("kernel list", o.kernelList, hostfile.TextLimit)
		if err != nil {
			return nil, usage("--kernel-list %v", err)
		}
		n := 0
		for i, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if l != "" && !strings.HasPrefix(l, "#") {
				ks = append(ks, l)
				where = append(where, fmt.Sprintf("--kernel-list %s:%d", o.kernelList, i+1))
				n++
			}
		}
		if n == 0 {
			return nil, usage("--kernel-list %s: no kernels (only blank lines and comments)", o.kernelList)
		}
	}
	if len(ks) == 0 {
		return []string{""}, nil // the bundled guest
	}
	// Every kernel is read and planned into guest RAM before the first
	// run, so that a bad entry fails at once, not after the others ran.
	for i, k := range ks {
		if err := o.checkKernel(cmd, k); err != nil {
			return nil, usage("%s: %v", where[i], err)
		}
	}
	return ks, nil
}

// checkKernel reads a kernel and plans it (with the dtb and initrd the
// flags name) into the board's RAM, as a run would.
func (o *smokeOptions) checkKernel(cmd *cobra.Command, k string) error {
	bo := o.boot
	bo.kernel = k
	b, _, berr := bo.board()
	if berr != nil || len(bo.mtds) > 0 {
		_, err := loader.ReadImage("kernel", k)
		return err
	}
	ram := b.RAMSize
	if bo.memory != "" {
		if n, err := parseSize(bo.memory); err == nil {
			ram = n
		}
	}
	req, err := bo.bootRequest(cmd, b, ram)
	if err != nil {
		return err
	}
	_, err = loader.Plan(req, ast2500.DRAMBase, uint32(ram))
	return err
}

// runReported runs smoke; a usage error still writes the JSON and JUnit
// reports (class usage), so that CI reporters find one.
func (o *smokeOptions) runReported(cmd *cobra.Command, args []string) error {
	err := o.run(cmd)
	var ue usageError
	if errors.As(err, &ue) {
		return o.usageReport(err, args)
	}
	return err
}

// usageReport writes the usage-class reports the flags ask for and
// returns err (or the host error of writing them).
func (o *smokeOptions) usageReport(err error, args []string) error {
	if o.report == "" && o.junit == "" {
		return err
	}
	now := time.Now()
	rep := smoke.NotRun(smoke.Usage, err.Error(), smoke.Meta{Version: versionString(), Name: "usage", Machine: o.boot.machine, Seed: o.boot.seed, Start: now, Args: args})
	if o.report != "" {
		if werr := rep.WriteJSON(o.report); werr != nil {
			fmt.Fprintln(os.Stderr, "ast2500emu smoke: --report:", werr)
		}
	}
	if o.junit != "" {
		if werr := rep.WriteJUnitFile(o.junit); werr != nil {
			fmt.Fprintln(os.Stderr, "ast2500emu smoke: --junit:", werr)
		}
	}
	return err
}

// rawFlag finds --name VALUE or --name=VALUE in raw arguments.
func rawFlag(args []string, name string) string {
	v := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		if a == "--"+name && i+1 < len(args) {
			v = args[i+1]
		} else if strings.HasPrefix(a, "--"+name+"=") {
			v = a[len(name)+3:]
		}
	}
	return v
}

func (o *smokeOptions) run(cmd *cobra.Command) error {
	if o.det {
		for _, n := range o.boot.nic {
			if n != network.KindNone && n != network.KindPeer {
				return usage("--deterministic needs --nic none or --nic peer (another network peer is not reproducible)")
			}
		}
		if len(o.boot.hostfwd) > 0 {
			return usage("--deterministic excludes --hostfwd")
		}
		if o.boot.pace == "on" {
			return usage("--deterministic excludes --pace on")
		}
		if len(o.boot.nic) == 0 {
			o.boot.nic = []string{network.KindNone}
		}
	}
	o.boot.det = o.det
	switch o.boot.pace {
	case "on", "off", "auto":
	default:
		return usage("--pace %s: want on, off or auto", o.boot.pace)
	}
	if o.jobs < 1 {
		return usage("--jobs %d: want at least 1", o.jobs)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--timeout", o.timeout}, {"--step-timeout", o.stepTimeout}, {"--step-guest-timeout", o.stepGuest}, {"--budget-guest", o.budgetGuest}} {
		if d.v < 0 {
			return usage("%s %v: negative (0 means no limit)", d.name, d.v)
		}
	}
	if err := o.snap.prepare(cmd, &o.boot); err != nil {
		return err
	}
	p, err := o.plan()
	if err != nil {
		return err
	}
	ks, err := o.kernelRuns(cmd)
	if err != nil {
		return err
	}
	plans := []plan{p}
	if len(o.scripts) > 1 {
		if len(ks) > 1 {
			return usage("a matrix is of kernels or of scripts, not both (%d kernels, %d scripts)", len(ks), len(o.scripts))
		}
		plans = nil
		for _, sc := range o.scripts {
			o.script = sc
			q, err := o.plan()
			if err != nil {
				return err
			}
			q.name = strings.TrimSuffix(filepath.Base(sc), filepath.Ext(sc))
			plans = append(plans, q)
			ks = append(ks, ks[0])
		}
		ks = ks[1:]
	}
	jobs := o.jobs
	if n := runtime.NumCPU(); jobs > n {
		jobs = n
	}
	if jobs > len(ks) {
		jobs = len(ks)
	}
	// Debugging and tracing flags (--gdb, --trace-insn, --trace-calls,
	// --profile) work in a smoke run as in boot; their output files would
	// be overwritten by every run of a matrix.
	if len(ks) > 1 && o.boot.debug.active() {
		return usage("--gdb, --trace-insn, --trace-calls and --profile apply to a single run, not a matrix of %d", len(ks))
	}
	if o.consoleLog == "-" && len(ks) > 1 {
		return usage("--console-log -: only for a single run")
	}

	// Ctrl-C, SIGTERM and SIGHUP stop every run (class timeout, reports written).
	var mu sync.Mutex
	var machines []*machine.Machine
	stopped := false
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, stopSignals...)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; ok {
			mu.Lock()
			stopped = true
			for _, m := range machines {
				m.Stop()
			}
			mu.Unlock()
		}
	}()
	defer close(sig)
	onMachine := func(m *machine.Machine) bool {
		mu.Lock()
		defer mu.Unlock()
		machines = append(machines, m)
		return !stopped
	}

	tty := term.IsTerminal(int(os.Stderr.Fd()))
	reps := make([]smoke.Report, len(ks))
	errs := make([]error, len(ks))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, k := range ks {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, k string) {
			defer wg.Done()
			defer func() { <-sem }()
			var prog func(smoke.Progress)
			if tty && len(ks) == 1 {
				prog = progressLine
			}
			reps[i], errs[i] = o.runOne(cmd, plans[min(i, len(plans)-1)], k, i, len(ks), prog, onMachine)
		}(i, k)
	}
	wg.Wait()
	if tty && len(ks) == 1 {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
	if len(ks) == 1 && errs[0] != nil {
		return errs[0]
	}
	code := 0
	for i, r := range reps {
		if errs[i] != nil {
			// The run did not happen (or its results were lost): a row
			// in the summary and a report, as for any run.
			fmt.Fprintln(os.Stderr, "ast2500emu smoke:", errs[i])
			c := smoke.HostError
			var ue usageError
			if errors.As(errs[i], &ue) {
				c = smoke.Usage
			}
			r = smoke.NotRun(c, errs[i].Error(), smoke.Meta{Version: versionString(), Name: runName(o.name, ks[i], i, len(ks)), Machine: o.boot.machine, Kernel: ks[i]})
			reps[i] = r
		}
		if code == 0 && r.ExitCode != 0 {
			code = r.ExitCode
		}
	}
	if len(ks) > 1 {
		smoke.Summary(os.Stdout, reps)
	} else {
		fmt.Println(resultLine(reps[0]))
		if reps[0].Class == string(smoke.Timeout) {
			fmt.Print(stallLines(reps[0]))
		}
	}
	if code != 0 {
		return exitError{code}
	}
	return nil
}

// stallLines says what a timed-out run was waiting for, and the console's
// last lines.
func stallLines(r smoke.Report) string {
	var b strings.Builder
	for _, st := range r.Steps {
		if st.Status == smoke.StepFailed {
			fmt.Fprintf(&b, "  waiting for: step %d, %s %s\n", st.Index, st.Kind, st.Arg)
		}
	}
	tail := r.ConsoleTail
	for len(tail) > 0 && strings.TrimSpace(tail[len(tail)-1]) == "" {
		tail = tail[:len(tail)-1]
	}
	if len(tail) > 8 {
		tail = tail[len(tail)-8:]
	}
	if len(tail) > 0 {
		b.WriteString("  last console lines:\n")
		for _, l := range tail {
			b.WriteString("  | " + l + "\n")
		}
	}
	return b.String()
}

// runName names run idx of total in reports.
func runName(name, kernel string, idx, total int) string {
	if name == "" {
		name = "bundled"
		if kernel != "" {
			name = filepath.Base(kernel)
		}
	}
	if total > 1 {
		name = fmt.Sprintf("%d-%s", idx+1, name)
	}
	return name
}

func resultLine(r smoke.Report) string {
	if r.Result == "pass" {
		return fmt.Sprintf("smoke: pass (%d steps, %.1fs wall, %.2fs guest, %d instructions)", len(r.Steps), r.WallS, r.GuestS, r.Instructions)
	}
	s := fmt.Sprintf("smoke: FAIL %s (exit %d): %s", r.Class, r.ExitCode, r.Reason)
	return s
}

func progressLine(p smoke.Progress) {
	mips := 0.0
	if p.Wall > 0 {
		mips = float64(p.Insns) / p.Wall.Seconds() / 1e6
	}
	fmt.Fprintf(os.Stderr, "\r\033[K[%s] step %d  %.1fs wall  %.2fs guest  %.0f MIPS", p.Stage, p.Step, p.Wall.Seconds(), float64(p.GuestNs)/1e9, mips)
}

// outPath names run n's output file: the path itself for a single run;
// in a matrix FILE.ext -> FILE-<n>.ext, or DIR/run-<n><ext> for a
// directory (an existing one or a path ending in /).
func outPath(path string, n, total int, ext string) string {
	if path == "" || path == "-" || total == 1 {
		return path
	}
	if st, err := os.Stat(path); (err == nil && st.IsDir()) || strings.HasSuffix(path, "/") {
		os.MkdirAll(path, 0o755)
		return filepath.Join(path, fmt.Sprintf("run-%d%s", n, ext))
	}
	e := filepath.Ext(path)
	return strings.TrimSuffix(path, e) + "-" + strconv.Itoa(n) + e
}

// runOne runs one kernel. Errors are host or usage errors; guest and
// emulator failures are in the report.
func (o *smokeOptions) runOne(cmd *cobra.Command, p plan, kernel string, idx, total int, prog func(smoke.Progress), register func(*machine.Machine) bool) (rep smoke.Report, err error) {
	bo := o.boot
	bo.kernel = kernel
	bo.pcap = nil // one capture per run
	for _, pc := range o.boot.pcap {
		bo.pcap = append(bo.pcap, outPath(pc, idx+1, total, ".pcap"))
	}
	name := o.name
	if name == "" {
		name = p.name
	}
	name = runName(name, kernel, idx, total)
	meta := smoke.Meta{Version: versionString(), Initrd: bo.initrd, Start: time.Now(), Args: os.Args, Name: name, Machine: bo.machine, Kernel: kernel, DTB: bo.dtb, Seed: bo.seed, Deterministic: o.det}
	if kernel == "" {
		meta.Kernel = "bundled"
	}
	if cmd.Flags().Changed("append") {
		meta.Append = bo.appendS
	}
	for c := range p.allow {
		meta.Allowed = append(meta.Allowed, string(c))
	}

	var console io.Writer
	var flush func() error
	if path := outPath(o.consoleLog, idx+1, total, ".log"); path == "-" {
		bw := bufio.NewWriter(os.Stdout)
		console, flush = bw, bw.Flush
	} else if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return rep, usage("--console-log: %v", err)
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		console = bw
		flush = func() error {
			if err := bw.Flush(); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}
	}

	var res smoke.Result
	decompress, tier := "", ""
	func() {
		defer func() {
			if r := recover(); r != nil {
				res = smoke.Result{Class: smoke.Emulator, Reason: fmt.Sprintf("emulator panic: %v", r), Stack: string(debug.Stack()), Exit: "emulator fault"}
			}
		}()
		sn := o.snap // per run: newMachine records this run's images
		m, merr := bo.buildMachine(cmd, &sn, nil, func(opts *machine.Options) error {
			// auto: pace only for real network peers (user/tap), as boot
			// does; a deterministic run has none.
			opts.Paced = bo.pace == "on" || bo.pace == "auto" && bo.realPeers()
			opts.MaxInsns = o.budgetInsns
			if !o.det && !opts.Paced && bo.pace == "auto" {
				opts.IdleWallAfter = machine.DefaultIdleWallAfter
			}
			return nil
		})
		var me machineError
		if errors.As(merr, &me) {
			res = smoke.Result{Class: smoke.Emulator, Reason: "emulator error: " + me.err.Error(), Exit: "emulator fault"}
			return
		}
		if merr != nil {
			err = merr
			return
		}
		defer func() {
			if serr := bo.saveFlash(); serr != nil && err == nil {
				err = hostError{serr}
			}
		}()
		endDebug, derr := bo.debug.attach(m)
		if derr != nil {
			err = derr
			return
		}
		defer func() { endDebug(0) }()
		if err = bo.openOutputs(); err != nil {
			return
		}
		rc := p.rc
		rc.Session.Console = console
		rc.Progress = prog
		if !register(m) {
			m.Stop()
		}
		replayLine(m)
		res = smoke.Run(m, rc)
		decompress, tier = m.Decompress, m.Tier()
		if bo.stats {
			printJITStats("ast2500emu smoke: "+name, m)
		}
	}()
	if flush != nil {
		if ferr := flush(); ferr != nil && err == nil {
			err = hostError{fmt.Errorf("--console-log: %v", ferr)}
		}
	}
	if err != nil {
		return rep, err
	}
	rep = smoke.NewReport(res, meta)
	rep.Decompress, rep.Tier = decompress, tier
	if path := outPath(o.report, idx+1, total, ".json"); path != "" {
		if werr := rep.WriteJSON(path); werr != nil {
			return rep, hostError{fmt.Errorf("--report: %v", werr)}
		}
	}
	if path := outPath(o.junit, idx+1, total, ".xml"); path != "" {
		if werr := rep.WriteJUnitFile(path); werr != nil {
			return rep, hostError{fmt.Errorf("--junit: %v", werr)}
		}
	}
	return rep, nil
}

var _ pflag.Value = stepValue{}
