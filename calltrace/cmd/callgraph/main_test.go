package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = `[{"root":"r","entries":2,"trees":[{"name":"r","count":2,"calls":[{"name":"a","count":1,"calls":[{"name":"x","count":1}]},{"name":"b","count":1}]}]},
{"root":"s","entries":0,"trees":null}]`

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	if err := os.WriteFile(in, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.tree")
	if err := run([]string{"-roots", "r", "-focus", "^x$", "-o", out, in}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# r: 2 entries\nr x2\n  a\n    x\n"; string(b) != want {
		t.Errorf("got %q, want %q", b, want)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{}, "want one input file"},
		{[]string{"-roots", "zz", in}, `no root "zz"`},
		{[]string{"-focus", "(", in}, "-focus"},
		{[]string{"-format", "svg", in}, "unknown format"},
		{[]string{filepath.Join(dir, "missing.json")}, "no such file"},
	} {
		if err := run(append([]string{"-o", filepath.Join(dir, "x")}, c.args...)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.args, err, c.want)
		}
	}
}
