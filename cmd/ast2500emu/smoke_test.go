package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/smoke"
)

// runSmoke runs the CLI and returns its exit status and output.
func runSmoke(t *testing.T, exe string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(exe, append([]string{"smoke"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Stdin = strings.NewReader("")
	start := time.Now()
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	t.Logf("smoke %s: exit %d in %v", strings.Join(args, " "), code, time.Since(start).Round(time.Millisecond))
	return code, out.String()
}

func readReport(t *testing.T, path string) smoke.Report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r smoke.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

func TestSmokeUsage(t *testing.T) {
	exe := buildCLI(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.script")
	os.WriteFile(bad, []byte("expect ok\nfrobnicate\n"), 0o644)
	kernels := filepath.Join(dir, "kernels")
	zimage, _ := filepath.Abs("../../guest/images/zImage")
	os.WriteFile(kernels, []byte(zimage+"\n"+zimage+"\n"), 0o644)
	comments := filepath.Join(dir, "comments")
	os.WriteFile(comments, []byte("# nothing\n\n  # here\n"), 0o644)
	garbage := filepath.Join(dir, "garbage.img")
	os.WriteFile(garbage, bytes.Repeat([]byte{0x5a}, 8192), 0o644)
	badList := filepath.Join(dir, "bad-list")
	os.WriteFile(badList, []byte(zimage+"\n# then\n"+garbage+"\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--allow", "bogus"}, "unknown class"},
		{[]string{"--deterministic", "--nic", "user"}, "--deterministic needs --nic none"},
		{[]string{"--jit", "fast"}, "--jit \"fast\": want on, off or lockstep"},
		{[]string{"--jit", "lockstep"}, "--jit lockstep: only for smoke --deterministic"},
		{[]string{"--expect", "("}, "expect"},
		{[]string{"--send", `\q`}, "unknown escape"},
		{[]string{"--script", bad}, "bad.script:2"},
		{[]string{"--script", filepath.Join(dir, "none")}, "--script"},
		{[]string{"--kernel", filepath.Join(dir, "nope")}, "does not exist"},
		{[]string{"--jobs", "0"}, "--jobs"},
		{[]string{"--kernel-list", kernels, "--profile", filepath.Join(dir, "p")}, "apply to a single run, not a matrix of 2"},
		{[]string{"--expect", ""}, "empty pattern"},
		{[]string{"--timeout", "-1s"}, "--timeout -1s: negative"},
		{[]string{"--step-timeout", "-5m"}, "--step-timeout"},
		{[]string{"--step-guest-timeout", "-1m"}, "--step-guest-timeout"},
		{[]string{"--budget-guest", "-2s"}, "--budget-guest"},
		{[]string{"--login", ":pw"}, "--login"},
		{[]string{"--kernel-list", comments}, "no kernels"},
		{[]string{"--kernel-list", badList}, "kernel-list " + badList + ":3"},
	} {
		code, out := runSmoke(t, exe, c.args...)
		if code != 2 || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, output %q; want 2 and %q", c.args, code, out, c.want)
		}
		if strings.Contains(out, "Booting Linux") || strings.Contains(out, "RESULT") {
			t.Errorf("%v: ran a guest before refusing: %q", c.args, out)
		}
	}
	// A usage error still writes the reports, class usage, also when the
	// bad flag comes before --report (flag parsing stops there).
	for _, args := range [][]string{
		{"--jobs", "0", "--report", filepath.Join(dir, "u.json"), "--junit", filepath.Join(dir, "u.xml")},
		{"--expect", "", "--report", filepath.Join(dir, "u.json"), "--junit", filepath.Join(dir, "u.xml")},
	} {
		os.Remove(filepath.Join(dir, "u.json"))
		os.Remove(filepath.Join(dir, "u.xml"))
		if code, out := runSmoke(t, exe, args...); code != 2 {
			t.Fatalf("%v: exit %d: %s", args, code, out)
		}
		if r := readReport(t, filepath.Join(dir, "u.json")); r.Class != "usage" || r.ExitCode != 2 || r.Format == 0 || r.Timestamp == "" || r.Reason == "" {
			t.Errorf("%v: usage report %+v", args, r)
		}
		if x, err := os.ReadFile(filepath.Join(dir, "u.xml")); err != nil || !strings.Contains(string(x), `type="usage"`) {
			t.Errorf("%v: usage JUnit %v %s", args, err, x)
		}
	}
}

// passScript boots, "logs in" (the bundled guest has no login: the shell
// comes up directly), runs uname -r and powers off; the halt step passes
// on the machine's state (the CPU halted for good), not on console text.
const passScript = `# pass: shell, uname -r, poweroff
timeout 4m
expect ast2500emu:.*# $
send uname -r\n
expect ^6\.1\.
expect # $
send poweroff\n
halt
`

// TestSmokeBundledGuest runs the bundled guest through smoke: a pass
// (with JSON, JUnit and console log), a timeout, a panic, an oops and a
// two-kernel matrix, in parallel; then checks that the deterministic runs
// (the pass and both matrix runs) printed byte-identical consoles and
// reached every stage and step at the same instruction counts.
func TestSmokeBundledGuest(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "pass.script")
	os.WriteFile(script, []byte(passScript), 0o644)
	kernels := filepath.Join(dir, "kernels")
	zimage, _ := filepath.Abs("../../guest/images/zImage")
	initrd, _ := filepath.Abs("../../guest/images/initramfs.cpio.gz")
	os.WriteFile(kernels, []byte("# same kernel twice\n"+zimage+"\n"+zimage+"\n"), 0o644)
	p := func(name string) string { return filepath.Join(dir, name) }
	common := []string{"--deterministic", "--log", os.DevNull, "--timeout", "6m"}

	t.Run("group", func(t *testing.T) {
		t.Run("pass", func(t *testing.T) {
			t.Parallel()
			// With --profile: sampling must not change what the guest
			// does (the console is compared with the matrix runs below).
			vmlinux, _ := filepath.Abs("../../guest/images/vmlinux")
			code, out := runSmoke(t, exe, append(common, "--script", script, "--report", p("pass.json"), "--junit", p("pass.xml"), "--console-log", p("pass.log"),
				"--profile", p("pass.prof"), "--vmlinux", vmlinux)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, out)
			}
			if prof, err := os.ReadFile(p("pass.prof")); err != nil || !strings.Contains(string(prof), "samples of a busy CPU") || !strings.Contains(string(prof), "[user]") {
				t.Errorf("--profile in smoke: %v\n%s", err, prof)
			}
			r := readReport(t, p("pass.json"))
			if r.Result != "pass" || r.Class != "" || r.Version == "" || r.Instructions == 0 || r.GuestNs == 0 || r.WallS <= 0 || r.Decompress != "host (xz)" {
				t.Errorf("report: %+v", r)
			}
			reached := map[string]bool{}
			for _, s := range r.Stages {
				reached[s.Name] = s.Reached
				if s.Reached && (s.At == nil || s.At.Insns == 0) {
					t.Errorf("stage %s without instruction count", s.Name)
				}
			}
			for _, s := range []string{"kernel", "init", "shell"} {
				if !reached[s] {
					t.Errorf("stage %s not reached", s)
				}
			}
			if len(r.Steps) != 6 || !strings.HasPrefix(r.Steps[2].Matched, "6.1.") {
				t.Errorf("steps: %+v", r.Steps)
			}
			x, err := os.ReadFile(p("pass.xml"))
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				XMLName xml.Name `xml:"testsuites"`
				Suites  []struct {
					Tests    int `xml:"tests,attr"`
					Failures int `xml:"failures,attr"`
					Cases    []struct {
						Name string `xml:"name,attr"`
						Time string `xml:"time,attr"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(x, &doc); err != nil {
				t.Fatalf("JUnit: %v", err)
			}
			if len(doc.Suites) != 1 || doc.Suites[0].Tests != 6 || doc.Suites[0].Failures != 0 || len(doc.Suites[0].Cases) != 6 {
				t.Errorf("JUnit: %+v", doc)
			}
			con, _ := os.ReadFile(p("pass.log"))
			if !strings.Contains(string(con), "Booting Linux") || !strings.Contains(string(con), "reboot: System halted") {
				t.Errorf("console log: %.300q", con)
			}
		})
		t.Run("timeout", func(t *testing.T) {
			t.Parallel()
			code, out := runSmoke(t, exe, append(common, "--expect", "this never comes", "--budget-insns", "50000000", "--report", p("timeout.json"))...)
			if code != smoke.Timeout.ExitCode() {
				t.Fatalf("exit %d, want %d: %s", code, smoke.Timeout.ExitCode(), out)
			}
			if r := readReport(t, p("timeout.json")); r.Class != "timeout" || r.Instructions != 50000000 || r.Steps[0].Status != "fail" {
				t.Errorf("report: %+v", r)
			}
		})
		t.Run("panic", func(t *testing.T) {
			t.Parallel()
			code, out := runSmoke(t, exe, append(common, "--append", "console=ttyS4,115200 earlycon rdinit=/nonexistent root=/dev/null", "--report", p("panic.json"))...)
			if code != smoke.Panic.ExitCode() {
				t.Fatalf("exit %d, want %d: %s", code, smoke.Panic.ExitCode(), out)
			}
			r := readReport(t, p("panic.json"))
			if r.Class != "panic" || !strings.Contains(r.MatchedLine, "Kernel panic - not syncing") || len(r.ConsoleTail) == 0 {
				t.Errorf("report: %+v", r)
			}
		})
		// Real faults in user space, not canned lines: a tiny static ARM
		// ELF typed into the guest with printf runs an undefined
		// instruction (the core raises UNDEF, Linux sends SIGILL) or loads
		// from address 0 (a data abort through the MMU, SIGSEGV); the
		// shell reports the signal.
		for _, fc := range []struct {
			name  string
			code  []uint32
			class smoke.Class
			line  string
		}{
			{"sigill", []uint32{0xE7F000F0}, smoke.Sigill, "Illegal instruction"},        // udf #0
			{"segv", []uint32{0xE3A00000, 0xE5900000}, smoke.Segv, "Segmentation fault"}, // mov r0, #0; ldr r0, [r0]
		} {
			t.Run(fc.name, func(t *testing.T) {
				t.Parallel()
				cmd := fmt.Sprintf(`printf '%s' > /tmp/x; chmod +x /tmp/x; /tmp/x\n`, sendOctal(tinyARMELF(fc.code)))
				code, out := runSmoke(t, exe, append(common, "--expect", "# $", "--send", cmd, "--expect", "never printed", "--report", p(fc.name+".json"))...)
				if code != fc.class.ExitCode() {
					t.Fatalf("exit %d, want %d: %s", code, fc.class.ExitCode(), out)
				}
				if r := readReport(t, p(fc.name+".json")); r.Class != string(fc.class) || !strings.Contains(r.MatchedLine, fc.line) {
					t.Errorf("report: class %q, line %q", r.Class, r.MatchedLine)
				}
			})
		}
		t.Run("oops", func(t *testing.T) {
			t.Parallel()
			// The kernel has no MAGIC_SYSRQ; with init_pipe_fs skipped,
			// the first pipe the shell makes dereferences a NULL mount.
			code, out := runSmoke(t, exe, append(common, "--append", "console=ttyS4,115200 earlycon initcall_blacklist=init_pipe_fs",
				"--expect", "# $", "--send", `echo x | cat\n`, "--expect", "^x$", "--report", p("oops.json"))...)
			if code != smoke.Oops.ExitCode() {
				t.Fatalf("exit %d, want %d: %s", code, smoke.Oops.ExitCode(), out)
			}
			r := readReport(t, p("oops.json"))
			if r.Class != "oops" || !strings.Contains(r.MatchedLine, "Unable to handle kernel") || r.Steps[2].Status != "fail" {
				t.Errorf("report: %+v", r)
			}
		})
		t.Run("matrix", func(t *testing.T) {
			t.Parallel()
			code, out := runSmoke(t, exe, append(common, "--script", script, "--kernel-list", kernels, "--initrd", initrd, "--jobs", "2",
				"--report", p("matrix.json"), "--junit", p("matrix")+"/", "--console-log", p("matrix.log"), "--pcap", p("matrix.pcap"))...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, out)
			}
			if strings.Count(out, " pass ") != 2 || !strings.Contains(out, "RESULT") {
				t.Errorf("summary table:\n%s", out)
			}
			for _, n := range []string{"matrix-1.json", "matrix-2.json", "matrix/run-1.xml", "matrix/run-2.xml", "matrix-1.log", "matrix-2.log"} {
				if _, err := os.Stat(p(n)); err != nil {
					t.Error(err)
				}
			}
			// One capture per run, each a whole pcap file (header first).
			for _, n := range []string{"matrix-1.pcap", "matrix-2.pcap"} {
				if b, err := os.ReadFile(p(n)); err != nil || len(b) < 24 || !bytes.Equal(b[2:4], []byte{0xb2, 0xa1}) {
					t.Errorf("%s: %v, %d bytes", n, err, len(b))
				}
			}
		})
	})
	if t.Failed() {
		return
	}

	// Determinism: the pass run and both matrix runs (two processes, the
	// matrix runs in parallel) had the same inputs.
	for _, n := range []string{"1", "2"} {
		sameRun(t, "matrix run "+n, p("pass"), p("matrix-"+n))
	}
}

// sameRun checks that two deterministic smoke runs (their FILE.log
// console logs and FILE.json reports) printed byte-identical consoles
// and reached every stage and step at the same instruction count and
// guest time.
func sameRun(t *testing.T, what, refBase, base string) {
	t.Helper()
	ref, _ := os.ReadFile(refBase + ".log")
	refRep := readReport(t, refBase+".json")
	con, _ := os.ReadFile(base + ".log")
	if len(con) == 0 || !bytes.Equal(con, ref) {
		t.Errorf("%s: console differs from %s (%d vs %d bytes)", what, filepath.Base(refBase), len(con), len(ref))
	}
	r := readReport(t, base+".json")
	if r.Instructions != refRep.Instructions || r.GuestNs != refRep.GuestNs {
		t.Errorf("%s: %d insns %d ns, %s %d insns %d ns", what, r.Instructions, r.GuestNs, filepath.Base(refBase), refRep.Instructions, refRep.GuestNs)
	}
	if len(r.Stages) != len(refRep.Stages) || len(r.Steps) != len(refRep.Steps) {
		t.Fatalf("%s: %d stages %d steps, %s %d and %d", what, len(r.Stages), len(r.Steps), filepath.Base(refBase), len(refRep.Stages), len(refRep.Steps))
	}
	for i, s := range r.Stages {
		a, b := s.At, refRep.Stages[i].At
		if (a == nil) != (b == nil) || (a != nil && (a.Insns != b.Insns || a.GuestNs != b.GuestNs)) {
			t.Errorf("%s: stage %s at %+v, %s at %+v", what, s.Name, a, filepath.Base(refBase), b)
		}
	}
	for i, s := range r.Steps {
		if s.End.Insns != refRep.Steps[i].End.Insns {
			t.Errorf("%s: step %d ended at %d insns, %s at %d", what, i+1, s.End.Insns, filepath.Base(refBase), refRep.Steps[i].End.Insns)
		}
	}
}

// tinyARMELF is a minimal static EABI5 ARM executable: one PT_LOAD segment
// at 0x10000 holding the headers and code, entry at the code.
func tinyARMELF(code []uint32) []byte {
	const base, ehsize, phsize = 0x10000, 52, 32
	total := uint32(ehsize + phsize + 4*len(code))
	le := binary.LittleEndian
	b := make([]byte, total)
	copy(b, "\x7fELF\x01\x01\x01")
	le.PutUint16(b[16:], 2)  // ET_EXEC
	le.PutUint16(b[18:], 40) // EM_ARM
	le.PutUint32(b[20:], 1)
	le.PutUint32(b[24:], base+ehsize+phsize) // entry
	le.PutUint32(b[28:], ehsize)             // phoff
	le.PutUint32(b[36:], 0x05000200)         // EABI5, soft float
	le.PutUint16(b[40:], ehsize)
	le.PutUint16(b[42:], phsize)
	le.PutUint16(b[44:], 1)
	le.PutUint16(b[46:], 40)
	ph := b[ehsize:]
	for i, v := range []uint32{1, 0, base, base, total, total, 5, 0x1000} { // PT_LOAD, R+X
		le.PutUint32(ph[4*i:], v)
	}
	for i, w := range code {
		le.PutUint32(b[ehsize+phsize+4*i:], w)
	}
	return b
}

// sendOctal spells b as printf octal escapes, with the backslashes doubled
// for --send's own escape processing.
func sendOctal(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		fmt.Fprintf(&sb, "\\\\%03o", c)
	}
	return sb.String()
}
