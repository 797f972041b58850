// Command ast2500emu emulates ASPEED AST2500 BMC boards (romulus,
// ast2500-evb): it boots Linux kernels directly or firmware from flash,
// with the console on stdin/stdout.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	_ "github.com/ast2500emu/ast2500emu/board/ast2500evb"
	_ "github.com/ast2500emu/ast2500emu/board/fp5280g2"
	_ "github.com/ast2500emu/ast2500emu/board/g220a"
	_ "github.com/ast2500emu/ast2500emu/board/romulus"
	_ "github.com/ast2500emu/ast2500emu/board/sonorapass"
	_ "github.com/ast2500emu/ast2500emu/board/witherspoon"
)

// Version is the emulator version (set with -ldflags -X main.Version=...).
var Version = "0.1.0-dev"

// usageError marks bad flags or bad input files: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usage(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitError carries a specific exit status.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	root := &cobra.Command{
		Use:           "ast2500emu",
		Short:         "Emulator of the ASPEED AST2500 BMC (romulus, ast2500-evb)",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	for _, c := range []*cobra.Command{bootCommand(), smokeCommand()} {
		registerCompletions(c)
		root.AddCommand(c)
	}
	args, help, err := qemuArgs(os.Args[1:])
	if help {
		fmt.Print(machineHelp())
		return
	}
	if err == nil {
		root.SetArgs(args)
		err = root.Execute()
	} else {
		err = usageError{err}
	}
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		os.Exit(ee.code)
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "ast2500emu:", err)
		os.Exit(2)
	default:
		// Cobra reports unknown commands and flags as plain errors.
		fmt.Fprintln(os.Stderr, "ast2500emu:", err)
		os.Exit(2)
	}
}
