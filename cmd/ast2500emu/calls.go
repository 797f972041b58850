package main

// --trace-calls ROOT[,ROOT...] --vmlinux FILE [--trace-depth N]
// [--trace-out FILE] [--trace-format tree|boxes|dot|json]: kernel
// call-graph tracing (package calltrace) for the boot command; and
// --profile FILE [--profile-period NS] (package guestprof), which shares
// --vmlinux.

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ast2500emu/ast2500emu/calltrace"
	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/guestprof"
	"github.com/ast2500emu/ast2500emu/machine"
)

type callOptions struct {
	roots   string
	vmlinux string
	depth   int
	out     string
	format  string
	profile string
	period  uint64
}

func (c *callOptions) register(f *pflag.FlagSet) {
	f.StringVar(&c.roots, "trace-calls", "", "record the kernel calls made beneath these functions (comma-separated names) every time the guest enters them; needs --vmlinux")
	f.StringVar(&c.vmlinux, "vmlinux", "", "with --trace-calls or --profile: kernel symbols: a vmlinux ELF, a System.map or a /proc/kallsyms dump (a console capture of cat /proc/kallsyms works; bundled guest: guest/images/vmlinux)")
	f.IntVar(&c.depth, "trace-depth", 0, "with --trace-calls: call levels recorded beneath a root (0: no limit)")
	f.StringVar(&c.out, "trace-out", "", "with --trace-calls: write the call graphs to FILE (default: stderr on exit)")
	f.StringVar(&c.format, "trace-format", "tree", "with --trace-calls: output format: tree, boxes, dot, json")
	f.StringVar(&c.profile, "profile", "", "sample where the guest runs (every --profile-period of guest time, from the first user-mode instruction) and write a flat profile by kernel function to FILE on exit (symbols from --vmlinux)")
	f.Uint64Var(&c.period, "profile-period", 10000, "with --profile: sampling period in ns of guest time")
}

// setup loads the symbols and makes the tracer; the returned function
// writes the result (after the run).
func (c *callOptions) setup(m *machine.Machine) (*arm.Hooks, func(), error) {
	closeProf, err := c.setupProfile(m)
	if err != nil {
		return nil, nil, err
	}
	h, closeCalls, err := c.setupCalls(m)
	if err != nil {
		closeProf()
		return nil, nil, err
	}
	return h, func() { closeCalls(); closeProf() }, nil
}

// setupProfile starts the guest profiler (--profile); the returned
// function writes the profile.
func (c *callOptions) setupProfile(m *machine.Machine) (func(), error) {
	if c.profile == "" {
		return func() {}, nil
	}
	if c.period == 0 {
		return nil, usage("--profile-period 0: want a period in ns of guest time (e.g. 10000)")
	}
	var syms *calltrace.Symbols
	if c.vmlinux != "" {
		var err error
		if syms, err = calltrace.LoadSymbols(c.vmlinux); err != nil {
			return nil, usage("--vmlinux: %v", err)
		}
	}
	out, err := os.Create(c.profile)
	if err != nil {
		return nil, usage("--profile: %v", err)
	}
	p := guestprof.New(m.CPU, m.Clock, syms, c.period)
	p.Start()
	return func() {
		p.Stop()
		err := p.Write(out, 0)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "ast2500emu: --profile: %v\n", err)
		}
	}, nil
}

func (c *callOptions) setupCalls(m *machine.Machine) (*arm.Hooks, func(), error) {
	if c.roots == "" {
		if (c.vmlinux != "" && c.profile == "") || c.out != "" {
			return nil, nil, usage("--vmlinux needs --trace-calls or --profile; --trace-out needs --trace-calls")
		}
		return nil, func() {}, nil
	}
	if c.vmlinux == "" {
		return nil, nil, usage("--trace-calls needs --vmlinux (the bundled guest's is guest/images/vmlinux)")
	}
	ok := false
	for _, f := range calltrace.Formats {
		ok = ok || f == c.format
	}
	if !ok {
		return nil, nil, usage("--trace-format %s: want one of %s", c.format, strings.Join(calltrace.Formats, ", "))
	}
	if c.depth < 0 {
		return nil, nil, usage("--trace-depth %d: want 0 (no limit) or more", c.depth)
	}
	syms, err := calltrace.LoadSymbols(c.vmlinux)
	if err != nil {
		return nil, nil, usage("--vmlinux: %v", err)
	}
	var roots []string
	for _, r := range strings.Split(c.roots, ",") {
		if r = strings.TrimSpace(r); r != "" {
			roots = append(roots, r)
		}
	}
	tr, err := calltrace.New(m.CPU, syms, roots, c.depth)
	if err != nil {
		return nil, nil, usage("--trace-calls: %v", err)
	}
	out := os.Stderr
	if c.out != "" {
		if out, err = os.Create(c.out); err != nil {
			return nil, nil, usage("--trace-out: %v", err)
		}
	}
	return tr.Hooks(), func() {
		if err := tr.Write(out, c.format); err != nil {
			fmt.Fprintf(os.Stderr, "ast2500emu: --trace-out: %v\n", err)
		}
		if tr.Truncated {
			fmt.Fprintf(os.Stderr, "ast2500emu: --trace-calls: node budget reached, the graphs are incomplete\n")
		}
		if out != os.Stderr {
			if err := out.Close(); err != nil {
				fmt.Fprintf(os.Stderr, "ast2500emu: --trace-out: %v\n", err)
			}
		}
	}, nil
}

// chainHooks runs both sets of hooks (either may be nil); Before stops
// when either asks to.
func chainHooks(a, b *arm.Hooks) *arm.Hooks {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	h := &arm.Hooks{Only: nil}
	if a.Before != nil || b.Before != nil {
		h.Before = func(pc uint32) bool {
			ok := true
			if a.Before != nil {
				ok = a.Before(pc)
			}
			if b.Before != nil {
				ok = b.Before(pc) && ok
			}
			return ok
		}
	}
	if a.After != nil || b.After != nil {
		h.After = func(pc uint32) {
			if a.After != nil {
				a.After(pc)
			}
			if b.After != nil {
				b.After(pc)
			}
		}
	}
	if a.Exception != nil || b.Exception != nil {
		h.Exception = func(kind int, from, vector uint32) {
			if a.Exception != nil {
				a.Exception(kind, from, vector)
			}
			if b.Exception != nil {
				b.Exception(kind, from, vector)
			}
		}
	}
	if a.Access != nil || b.Access != nil {
		h.Access = func(va uint32, size int, write bool) {
			if a.Access != nil {
				a.Access(va, size, write)
			}
			if b.Access != nil {
				b.Access(va, size, write)
			}
		}
	}
	return h
}
