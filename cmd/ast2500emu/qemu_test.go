package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestQEMUArgs(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"-M romulus-bmc -nographic -kernel zImage -dtb x.dtb -append console=ttyS4",
			"boot --machine romulus-bmc --kernel zImage --dtb x.dtb --append console=ttyS4"},
		{"-machine romulus-bmc -nic user,hostfwd=tcp::2222-:22 -s",
			"boot --machine romulus-bmc --nic user --hostfwd tcp::2222-:22 --gdb tcp::1234"},
		{"-machine romulus-bmc -drive file=f.mtd,if=mtd,format=raw -serial mon:stdio -monitor stdio",
			"boot --machine romulus-bmc --mtd f.mtd --serial mon:stdio"},
		{"-nic tap,ifname=tap0,model=ftgmac100 -no-reboot", "boot --nic tap:tap0 --no-reboot"},
		{"boot -M romulus --nic none -S --gdb tcp::1", "boot --machine romulus --nic none -S --gdb tcp::1"},
		{"smoke -d unimp -- -machine", "smoke -d unimp -- -machine"},
	} {
		got, help, err := qemuArgs(strings.Fields(c.in))
		if err != nil || help || !reflect.DeepEqual(got, strings.Fields(c.want)) {
			t.Errorf("%s: got %q %v %v, want %q", c.in, got, help, err, c.want)
		}
	}
	if _, help, _ := qemuArgs([]string{"-M", "help"}); !help {
		t.Error("-M help not recognised")
	}
	for in, want := range map[string]string{
		"-smp 2":                 "one ARM1176 core",
		"-nic user,foo=1":        `option "foo=1"`,
		"-drive file=x,if=sd":    "use --mtd FILE",
		"-netdev user,id=n":      "use --nic",
		"-chardev socket,id=c":   "--serial PORT=BACKEND",
		"-nic tap":               "--nic tap:IFNAME",
		"-kernel":                "needs a value",
		"-drive file=x,format=q": "raw",
	} {
		_, _, err := qemuArgs(strings.Fields(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to mention %q", in, err, want)
		}
	}
}

func TestParseSerial(t *testing.T) {
	got, err := parseSerial([]string{"file:a", "uart1=null", "vuart=unix:/tmp/v,server,nowait", "ttyS2=tcp::4444"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]serialBackend{
		"uart5": {"file", "a"}, // positional: UART5 first, as QEMU
		"uart1": {"null", ""},
		"vuart": {"unix", "/tmp/v"},
		"uart3": {"tcp", "127.0.0.1:4444"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// Default: UART5 on stdio; positional specs fill UART5, UART1, UART2.
	got, _ = parseSerial([]string{"mon:stdio", "file:x", "pty"})
	if got["uart5"].kind != "stdio" || got["uart1"].arg != "x" || got["uart2"].kind != "pty" {
		t.Errorf("positional: %v", got)
	}
	if got, _ := parseSerial(nil); got["uart5"].kind != "stdio" {
		t.Errorf("default: %v", got)
	}
	if got, _ := parseSerial([]string{"uart1=stdio"}); got["uart1"].kind != "stdio" || len(got) != 1 {
		t.Errorf("stdio moved to uart1: %v", got)
	}
	for spec, want := range map[string]string{
		"uart9=null":         "unknown port",
		"uart1=vc":           "unknown backend",
		"uart1=tcp:nohost":   "tcp:[HOST]:PORT",
		"uart1=unix:/x,wait": "not supported",
		"uart1=file:":        "needs a path",
		"uart1=mon:unix:x":   "only mon:stdio",
	} {
		if _, err := parseSerial([]string{spec}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", spec, err, want)
		}
	}
	if _, err := parseSerial([]string{"uart1=null", "ttyS0=null"}); err == nil || !strings.Contains(err.Error(), "already connected") {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := parseSerial([]string{"uart1=stdio", "uart2=stdio"}); err == nil {
		t.Error("two ports on stdio accepted")
	}
	if _, err := parseSerial(strings.Fields("null null null null null null")); err == nil {
		t.Error("a sixth positional spec accepted")
	}
}
