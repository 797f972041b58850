package network

import (
	"strings"
	"testing"
)

func TestParseNIC(t *testing.T) {
	good := []struct{ spec, kind, arg string }{
		{"user", KindUser, ""},
		{"none", KindNone, ""},
		{"peer", KindPeer, ""},
		{"tap:tap0", KindTap, "tap0"},
		{"tap:bmc-tap.1", KindTap, "bmc-tap.1"},
	}
	for _, g := range good {
		kind, arg, err := ParseNIC(g.spec)
		if err != nil || kind != g.kind || arg != g.arg {
			t.Errorf("ParseNIC(%q) = %q, %q, %v; want %q, %q", g.spec, kind, arg, err, g.kind, g.arg)
		}
	}
	bad := []struct{ spec, want string }{
		{"", "empty backend"},
		{"bridge", "unknown network backend"},
		{"socket:1234", "unknown network backend"},
		{"tap", "needs an interface name"},
		{"tap:", "needs an interface name"},
		{"tap:averyveryverylongname", "invalid interface name"},
		{"tap:a/b", "invalid interface name"},
		{"user:x", "takes no argument"},
		{"none:", "takes no argument"},
		{"peer:7", "takes no argument"},
	}
	for _, b := range bad {
		_, _, err := ParseNIC(b.spec)
		if err == nil || !strings.Contains(err.Error(), b.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseNIC(%q) error = %v; want one line containing %q", b.spec, err, b.want)
		}
	}
}

func TestNone(t *testing.T) {
	b := NewNone()
	got := 0
	if err := b.Start(func([]byte) { got++ }); err != nil {
		t.Fatal(err)
	}
	b.Send(make([]byte, 60))
	if b.LinkUp() {
		t.Error("none: LinkUp() = true")
	}
	if got != 0 {
		t.Errorf("none delivered %d frames", got)
	}
	if err := b.Close(); err != nil {
		t.Error(err)
	}
}
