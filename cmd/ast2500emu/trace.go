package main

// --trace-insn FILE [--trace-range LO-HI]: the instruction trace (package
// trace) of the boot command.

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/machine"
	"github.com/ast2500emu/ast2500emu/trace"
)

func (d *debugOptions) registerTrace(f *pflag.FlagSet) {
	f.StringVar(&d.traceFile, "trace-insn", "", "write one line per executed instruction (count, pc, encoding, disassembly, registers written) to FILE")
	f.StringVar(&d.traceRng, "trace-range", "", "with --trace-insn: trace only addresses LO-HI (hex, HI exclusive), e.g. 80008000-80100000")
}

// setupTrace opens the trace file; the hooks are installed by the caller
// (directly, or through the GDB stub so both coexist).
func (d *debugOptions) setupTrace(m *machine.Machine) (*arm.Hooks, func(), error) {
	if d.traceFile == "" {
		if d.traceRng != "" {
			return nil, nil, usage("--trace-range needs --trace-insn")
		}
		return nil, func() {}, nil
	}
	var lo, hi uint32
	if d.traceRng != "" {
		var err error
		if lo, hi, err = trace.ParseRange(d.traceRng); err != nil {
			return nil, nil, usage("--trace-range %s: %v", d.traceRng, err)
		}
	}
	f, err := os.Create(d.traceFile)
	if err != nil {
		return nil, nil, usage("--trace-insn: %v", err)
	}
	tr := trace.New(m.CPU, f, lo, hi)
	return tr.Hooks(), func() {
		if err := tr.Flush(); err != nil {
			fmt.Fprintf(os.Stderr, "ast2500emu: --trace-insn: %v\n", err)
		}
		f.Close()
	}, nil
}
