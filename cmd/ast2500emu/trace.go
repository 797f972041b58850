package main

import (
	"github.com/spf13/pflag"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/machine"
)

func (d *debugOptions) registerTrace(f *pflag.FlagSet) {}

func (d *debugOptions) setupTrace(m *machine.Machine) (*arm.Hooks, func(), error) {
	return nil, func() {}, nil
}
