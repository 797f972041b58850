package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/smoke"
)

// TestSmokeJITTiers boots the bundled guest to its shell and powers it
// off with smoke --deterministic on both boards, with the JIT and with
// the interpreter: the tiers must print byte-identical consoles and
// reach every stage and step at the same instruction count and guest
// time. The reports name the tier that ran.
func TestSmokeJITTiers(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	boards := []string{"romulus", "ast2500-evb"}
	tiers := map[string]string{"on": "jit", "off": "interpreter"}
	if runtime.GOARCH != "amd64" {
		tiers["on"] = "interpreter"
	}
	t.Run("group", func(t *testing.T) {
		for _, b := range boards {
			for _, jit := range []string{"on", "off"} {
				t.Run(b+"-"+jit, func(t *testing.T) {
					t.Parallel()
					base := p(b + "-" + jit)
					code, out := runSmoke(t, exe, "-M", b, "--deterministic", "--jit", jit, "--log", os.DevNull, "--timeout", "6m",
						"--console-log", base+".log", "--report", base+".json")
					if code != 0 {
						t.Fatalf("exit %d: %s", code, out)
					}
					if r := readReport(t, base+".json"); r.Tier != tiers[jit] {
						t.Errorf("--jit %s: tier %q", jit, r.Tier)
					}
				})
			}
		}
		// The lockstep check on the first 60 million instructions: the
		// run ends on its budget (class timeout), not on a divergence.
		t.Run("lockstep", func(t *testing.T) {
			t.Parallel()
			code, out := runSmoke(t, exe, "--deterministic", "--jit", "lockstep", "--log", os.DevNull, "--timeout", "6m",
				"--expect", "never printed", "--budget-insns", "60000000", "--stats", "--report", p("lockstep.json"))
			r := readReport(t, p("lockstep.json"))
			if code != smoke.Timeout.ExitCode() || r.Class != "timeout" || r.Instructions != 60000000 {
				t.Fatalf("exit %d, class %q after %d instructions: %s", code, r.Class, r.Instructions, out)
			}
			if !strings.Contains(r.Tier, "lockstep") || !strings.Contains(out, "tier: "+r.Tier) {
				t.Errorf("tier %q; stats: %s", r.Tier, out)
			}
		})
	})
	if t.Failed() {
		return
	}
	for _, b := range boards {
		sameRun(t, b+" --jit on", p(b+"-off"), p(b+"-on"))
	}
}
