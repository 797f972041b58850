// Command ast2500emu emulates ASPEED AST2500 BMC boards (romulus,
// ast2500-evb): it boots Linux kernels directly or firmware from flash,
// with the console on stdin/stdout.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	_ "github.com/ast2500emu/ast2500emu/board/ast2500evb"
	_ "github.com/ast2500emu/ast2500emu/board/fp5280g2"
	_ "github.com/ast2500emu/ast2500emu/board/g220a"
	_ "github.com/ast2500emu/ast2500emu/board/romulus"
	_ "github.com/ast2500emu/ast2500emu/board/sonorapass"
	_ "github.com/ast2500emu/ast2500emu/board/witherspoon"
)

// Version, when set with -ldflags -X main.Version=..., overrides the
// version read from the build information.
var Version = ""

// versionString names the build: the module version (a tag for `go
// install ...@v1.2.3`, "(devel)" in a checkout), the VCS revision and
// whether the tree was modified, from runtime/debug.ReadBuildInfo.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	return formatVersion(Version, bi, ok)
}

func formatVersion(override string, bi *debug.BuildInfo, ok bool) string {
	if override != "" {
		return override
	}
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev
		if modified {
			v += "-dirty"
		}
		if at != "" {
			v += " (" + at + ")"
		}
	}
	return v + " " + bi.GoVersion
}

// hostError marks a failure of the host, not of the guest or the user's
// input (a flash image that could not be saved): exit status 1.
type hostError struct{ err error }

func (e hostError) Error() string { return e.err.Error() }
func (e hostError) Unwrap() error { return e.err }

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
		Version:       versionString(),
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
	var he hostError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		os.Exit(ee.code)
	case errors.As(err, &he):
		fmt.Fprintln(os.Stderr, "ast2500emu:", err)
		os.Exit(1)
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "ast2500emu:", err)
		os.Exit(2)
	default:
		// Cobra reports unknown commands and flags as plain errors.
		fmt.Fprintln(os.Stderr, "ast2500emu:", err)
		os.Exit(2)
	}
}
