package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Bad --trace-calls input is a usage error (exit 2) with a clear message,
// before the guest starts.
func TestTraceCallsBadInput(t *testing.T) {
	exe := buildCLI(t)
	vmlinux := "../../guest/images/vmlinux"
	if _, err := os.Stat(vmlinux); err != nil {
		t.Skip("no vmlinux")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--trace-calls", "__sys_socket"}, "--trace-calls needs --vmlinux"},
		{[]string{"--vmlinux", vmlinux}, "need --trace-calls"},
		{[]string{"--trace-calls", "__sys_sockett", "--vmlinux", vmlinux}, "did you mean __sys_socket"},
		{[]string{"--trace-calls", "__sys_socket", "--vmlinux", self}, "not an ARM ELF"},
		{[]string{"--trace-calls", "__sys_socket", "--vmlinux", vmlinux, "--trace-format", "svg"}, "--trace-format svg"},
		{[]string{"--trace-calls", "__sys_socket", "--vmlinux", vmlinux, "--trace-depth", "-1"}, "--trace-depth -1"},
	}
	for _, c := range cases {
		cmd := exec.Command(exe, append([]string{"boot"}, c.args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdin = strings.NewReader("")
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: err %v, stderr %q; want exit 2 and %q", c.args, err, stderr.String(), c.want)
		}
	}
}
