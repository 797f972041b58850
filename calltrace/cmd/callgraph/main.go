// Command callgraph renders call graphs recorded by ast2500emu
// --trace-calls --trace-format json again: in another format (tree,
// boxes, dot, json), for some roots only, or focused on the calls that
// lead to functions matching a regular expression. One guest run then
// gives every format and picture, all consistent with each other, which
// matters when the run talks to a real network peer and is not
// reproducible. testdata/gen-netstack.sh uses it for docs/netstack.
//
//	callgraph [-format F] [-roots A,B] [-focus REGEX] [-o FILE] FILE.json
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/ast2500emu/ast2500emu/calltrace"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "callgraph: %v\n", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("callgraph", flag.ContinueOnError)
	format := fs.String("format", "tree", "output format: "+strings.Join(calltrace.Formats, ", "))
	roots := fs.String("roots", "", "comma-separated roots to keep, in this order (default: all)")
	focus := fs.String("focus", "", "keep only the calls leading to functions whose name matches this regexp")
	out := fs.String("o", "", "output file (default: stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	known := false
	for _, f := range calltrace.Formats {
		known = known || f == *format
	}
	if !known {
		return fmt.Errorf("-format %s: unknown format (want one of %s)", *format, strings.Join(calltrace.Formats, ", "))
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("want one input file (a --trace-format json result)")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rs, err := calltrace.ReadJSON(f)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	if *roots != "" {
		by := map[string]calltrace.Root{}
		for _, r := range rs {
			by[r.Root] = r
		}
		var sel []calltrace.Root
		for _, n := range strings.Split(*roots, ",") {
			r, ok := by[n]
			if !ok {
				return fmt.Errorf("%s: no root %q", fs.Arg(0), n)
			}
			sel = append(sel, r)
		}
		rs = sel
	}
	if *focus != "" {
		re, err := regexp.Compile(*focus)
		if err != nil {
			return fmt.Errorf("-focus: %v", err)
		}
		rs = calltrace.Focus(rs, re.MatchString)
	}
	w := os.Stdout
	if *out != "" {
		if w, err = os.Create(*out); err != nil {
			return err
		}
	}
	err = calltrace.WriteResult(w, rs, *format)
	if w != os.Stdout {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
