package usernet

import (
	"strings"
	"testing"
)

func TestParseHostFwd(t *testing.T) {
	good := []struct{ in, want string }{
		{"tcp:127.0.0.1:2222-:22", "tcp:127.0.0.1:2222-10.0.2.15:22"},
		{"tcp::2222-:22", "tcp:127.0.0.1:2222-10.0.2.15:22"},
		{"::8080-:80", "tcp:127.0.0.1:8080-10.0.2.15:80"},
		{"udp::6230-:623", "udp:127.0.0.1:6230-10.0.2.15:623"},
		{"tcp:0.0.0.0:4443-10.0.2.15:443", "tcp:0.0.0.0:4443-10.0.2.15:443"},
		{"tcp:127.0.0.2:65535-10.0.2.20:1", "tcp:127.0.0.2:65535-10.0.2.20:1"},
	}
	for _, g := range good {
		hf, err := ParseHostFwd(g.in)
		if err != nil {
			t.Errorf("ParseHostFwd(%q): %v", g.in, err)
			continue
		}
		if hf.String() != g.want {
			t.Errorf("ParseHostFwd(%q) = %s, want %s", g.in, hf, g.want)
		}
	}
	bad := []struct{ in, want string }{
		{"", "missing '-'"},
		{"tcp:127.0.0.1:2222", "missing '-'"},
		{"tcp:127.0.0.1:2222-:22-:23", "more than one '-'"},
		{"2222-:22", "host side"},
		{"tcp:2222-:22", "host side"},
		{"sctp::2222-:22", "unknown protocol"},
		{"tcp:localhost:2222-:22", "not an IPv4 address"},
		{"tcp:::1:2222-:22", "host side"},
		{"tcp::-:22", "host port: missing"},
		{"tcp::0-:22", "not a port number"},
		{"tcp::65536-:22", "not a port number"},
		{"tcp::22x-:22", "not a port number"},
		{"tcp::2222-22", "guest side"},
		{"tcp::2222-:", "guest port: missing"},
		{"tcp::2222-:0", "not a port number"},
		{"tcp::2222-192.168.1.5:22", "not a guest address"},
		{"tcp::2222-10.0.2.2:22", "not a guest address"},
		{"tcp::2222-10.0.2.3:22", "not a guest address"},
		{"tcp::2222-10.0.2.255:22", "not a guest address"},
		{"tcp::2222-guest:22", "not an IPv4 address"},
	}
	for _, b := range bad {
		_, err := ParseHostFwd(b.in)
		if err == nil {
			t.Errorf("ParseHostFwd(%q) succeeded", b.in)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, b.want) || !strings.HasPrefix(msg, "hostfwd ") || strings.Contains(msg, "\n") {
			t.Errorf("ParseHostFwd(%q) error %q; want one line containing %q", b.in, msg, b.want)
		}
	}
}
