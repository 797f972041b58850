package smoke

import (
	"regexp"
	"strings"
	"testing"
)

// U-Boot 2019.04 booting a FIT from flash, then the kernel and a shell.
const ubootLog = "\r\nU-Boot 2019.04 (Oct 01 2023 - 00:00:00 +0000)\r\n\r\n" +
	"SOC : AST2500-A1\r\nDRAM:  496 MiB\r\nHit any key to stop autoboot:  0 \r\n" +
	"## Loading kernel from FIT Image at 20080000 ...\r\n" +
	"## Loading ramdisk from FIT Image at 20080000 ...\r\n" +
	"## Flattened Device Tree blob at 83000000\r\n" +
	"   Booting using the fdt blob at 0x83000000\r\n" +
	"## " // an unfinished line, as the serial port delivers it

const kernelLog = "Starting kernel ...\r\n\r\n" +
	"[    0.000000] Booting Linux on physical CPU 0x0\r\n" +
	"[    1.046439] Run /init as init process\r\n" +
	"\r\nast2500emu:/# "

func TestDefaultPrompt(t *testing.T) {
	re := regexp.MustCompile(DefaultPrompt)
	for _, p := range []string{"ast2500emu:/# ", "root@romulus:~# ", "# ", "\t# "} {
		if !re.MatchString(p) {
			t.Errorf("%q is a prompt", p)
		}
	}
	for _, p := range []string{"## ", "## Loading kernel from FIT Image at 20080000 ...", "# ls", "### "} {
		if re.MatchString(p) {
			t.Errorf("%q is no prompt", p)
		}
	}
}

func defaultSteps() []Step {
	return []Step{{Kind: WaitStage, Arg: "shell"}, {Kind: Send, Arg: `poweroff\n`, Text: []byte("poweroff\n")}, NewHalt()}
}

// U-Boot's "## ..." lines are no shell prompt: nothing is typed into the
// boot loader, the shell stage comes after kernel and init, stages are in
// order, and the halt step passes on the machine's halt.
func TestUBootIsNoShell(t *testing.T) {
	e := &fakeEnv{}
	s := NewSession(Config{Steps: defaultSteps(), Prompt: regexp.MustCompile(DefaultPrompt)}, e)
	s.Start()
	feed(s, e, ubootLog)
	if len(e.sent) != 0 {
		t.Fatalf("typed %q into U-Boot", e.sent)
	}
	if p := s.Progress(); p.Stage != "firmware" {
		t.Fatalf("stage %q during U-Boot", p.Stage)
	}
	feed(s, e, kernelLog)
	if len(e.sent) != 1 || e.sent[0] != "poweroff\n" {
		t.Fatalf("sent %q at the shell", e.sent)
	}
	r := s.Finish("halted", e.now, e.insns)
	if r.Class != Pass {
		t.Fatalf("class %q: %s", r.Class, r.Reason)
	}
	var prev uint64
	for _, st := range r.Stages {
		if !st.Reached {
			continue
		}
		if st.At.Insns < prev {
			t.Errorf("stage %s at %d, before an earlier stage (%d)", st.Name, st.At.Insns, prev)
		}
		prev = st.At.Insns
	}
	if !r.Stages[stShell].Reached || r.Stages[stShell].Line != "ast2500emu:/# " {
		t.Errorf("shell stage %+v", r.Stages[stShell])
	}
	// The magic text alone does not pass the halt step: only the
	// machine's halt does.
	e = &fakeEnv{}
	s = NewSession(Config{Steps: defaultSteps()}, e)
	s.Start()
	feed(s, e, kernelLog+"poweroff\r\n[ 3.1] reboot: System halted\r\n")
	if r := s.Finish("stopped", e.now, e.insns); r.Class == Pass {
		t.Error("passed on console text without a halt")
	}
	// The CPU halting for good passes the step at once, even while a
	// watchdog would still reset the machine later.
	e = &fakeEnv{}
	s = NewSession(Config{Steps: defaultSteps()}, e)
	s.Start()
	feed(s, e, kernelLog)
	s.Halted()
	if e.stopped == 0 {
		t.Error("machine not stopped after the halt step")
	}
	if r := s.Finish("stopped", e.now, e.insns); r.Class != Pass {
		t.Errorf("class %q after the CPU halted: %s", r.Class, r.Reason)
	}
}

// Stages never go backwards: a firmware banner after the kernel (a
// reboot) is not recorded as reached after it.
func TestStagesMonotonic(t *testing.T) {
	e := &fakeEnv{}
	s := NewSession(Config{Steps: []Step{NewHalt()}}, e)
	s.Start()
	feed(s, e, "[0.0] Booting Linux on physical CPU 0x0\r\nU-Boot 2019.04 (x)\r\n")
	r := s.Finish("halted", e.now, e.insns)
	if r.Stages[stFirmware].Reached {
		t.Errorf("firmware reached after the kernel: %+v", r.Stages)
	}
}

// A quiet kernel prints no init line: the CPU's first User-mode entry is
// the init stage.
func TestInitFromUserMode(t *testing.T) {
	e := &fakeEnv{}
	s := NewSession(Config{Steps: []Step{{Kind: WaitStage, Arg: "shell"}}}, e)
	s.Start()
	feed(s, e, "# ")
	if s.reached("shell") {
		t.Fatal("shell before init")
	}
	feed(s, e, "\r\n")
	e.users = 1
	feed(s, e, "# ")
	if !s.reached("init") || !s.reached("shell") {
		t.Fatalf("stages %+v", s.sres)
	}
}

// --login handles both a password prompt and none.
func TestLoginStep(t *testing.T) {
	for _, c := range []struct {
		cred, prompts string
		want          []string
	}{
		{"root:0penBmc", "root\r\nPassword: ", []string{"root\n", "0penBmc\n"}},
		{"root", "root\r\n", []string{"root\n"}},
		{"root", "root\r\nPassword: ", []string{"root\n", "\n"}},
	} {
		st, err := NewLogin(c.cred)
		if err != nil {
			t.Fatal(err)
		}
		e := &fakeEnv{}
		s := NewSession(Config{Steps: []Step{st}}, e)
		s.Start()
		feed(s, e, "[0.0] Booting Linux on physical CPU 0x0\r\n[1.0] Run /sbin/init as init process\r\n\r\nromulus login: ")
		feed(s, e, c.prompts)
		feed(s, e, "\r\nroot@romulus:~# ")
		if strings.Join(e.sent, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: sent %q, want %q", c.cred, e.sent, c.want)
		}
		if r := s.Finish("stopped", e.now, e.insns); r.Class != Pass {
			t.Errorf("%s: class %q %s", c.cred, r.Class, r.Reason)
		}
	}
	if _, err := NewLogin(":x"); err == nil {
		t.Error("empty user accepted")
	}
	if _, err := NewExpect(""); err == nil {
		t.Error("empty expect accepted")
	}
}
