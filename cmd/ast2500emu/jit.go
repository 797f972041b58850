package main

// --jit on|off|lockstep: the CPU's execution tier (machine.JITMode). The
// default is on (the JIT where the platform has one, amd64; elsewhere the
// interpreter), or what AST2500EMU_JIT says (on or off), so that a whole
// test suite can run on the interpreter. Runs with hooks (--gdb,
// --trace-insn, --trace-calls, watchpoints) interpret whatever the flag
// says: the CPU does not enter translated code while hooks are installed.

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/ast2500emu/ast2500emu/machine"
	"github.com/ast2500emu/ast2500emu/network"
)

// jitEnv overrides --jit's default.
const jitEnv = "AST2500EMU_JIT"

func registerJIT(f *pflag.FlagSet, v *string) {
	def := "on"
	if e := os.Getenv(jitEnv); e == "on" || e == "off" {
		def = e
	}
	f.StringVar(v, "jit", def, "CPU tier: on (translate hot guest code to native code; amd64, else the interpreter), off (interpreter only), lockstep (smoke --deterministic: check the JIT against an interpreter-only copy after every slice; stops at the first difference); default from $"+jitEnv)
}

// jitMode parses --jit; lockstep needs a deterministic run without a
// debugger (the caller says whether the run is deterministic).
func (o *bootOptions) jitMode(deterministic bool) (machine.JITMode, error) {
	mode, err := machine.ParseJITMode(o.jit)
	if err != nil {
		return mode, usage("--jit %v", err)
	}
	if mode == machine.JITLockstep {
		if !deterministic {
			return mode, usage("--jit lockstep: only for smoke --deterministic (both copies must see the same inputs at the same points)")
		}
		if o.debug.gdb != "" {
			return mode, usage("--jit lockstep excludes --gdb")
		}
		for _, n := range o.nic {
			if n != network.KindNone {
				return mode, usage("--jit lockstep needs --nic none (the interpreter's copy has no network peer)")
			}
		}
	}
	return mode, nil
}

// printJITStats is --stats' line on the tier.
func printJITStats(prefix string, m *machine.Machine) {
	fmt.Fprintf(os.Stderr, "%s: tier: %s; %s\n", prefix, m.Tier(), machine.FormatJITStats(m.JITStats()))
}
