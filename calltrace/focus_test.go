package calltrace

import (
	"bytes"
	"strings"
	"testing"
)

func TestFocusAndJSONRoundTrip(t *testing.T) {
	tr := runProg(t, []string{"main"}, 0)
	var j bytes.Buffer
	if err := tr.Write(&j, "json"); err != nil {
		t.Fatal(err)
	}
	rs, err := ReadJSON(&j)
	if err != nil {
		t.Fatal(err)
	}
	// Read back, every format renders as from the tracer itself.
	for _, f := range Formats {
		var a, b bytes.Buffer
		if err := tr.Write(&a, f); err != nil {
			t.Fatal(err)
		}
		if err := WriteResult(&b, rs, f); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("%s differs after a JSON round trip:\n%s\nwant:\n%s", f, b.String(), a.String())
		}
	}
	// Focused on e: only the path main -> a -> c -> e is left, and the
	// two entries of main, which differed only by the [irq], fold into
	// one tree.
	var b bytes.Buffer
	if err := WriteResult(&b, Focus(rs, func(n string) bool { return n == "e" }), "tree"); err != nil {
		t.Fatal(err)
	}
	want := "# main: 2 entries\nmain x2\n  a\n    c\n      e\n"
	if b.String() != want {
		t.Errorf("focus e:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteResult(&b, Focus(rs, func(n string) bool { return n == "nothing" }), "tree"); err != nil {
		t.Fatal(err)
	}
	if b.String() != "# main: 2 entries\n" {
		t.Errorf("focus on nothing: %q", b.String())
	}
	if _, err := ReadJSON(strings.NewReader("{")); err == nil {
		t.Error("bad JSON accepted")
	}
}
