package calltrace

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

const vmlinux = "../guest/images/vmlinux"
const sysmap = "../guest/images/System.map"

func TestLoadVmlinuxAndSystemMap(t *testing.T) {
	for _, p := range []string{vmlinux, sysmap} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s not present", p)
		}
		s, err := LoadSymbols(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"start_kernel", "__sys_socket", "inet_create", "tcp_v4_init_sock"} {
			a, err := s.Resolve(n)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if y, ok := s.At(a); !ok || y.Addr != a {
				t.Errorf("%s: At(%#x) = %v %v", p, a, y, ok)
			}
			if y, ok := s.Lookup(a + 4); !ok || y.Addr != a {
				t.Errorf("%s: Lookup(%s+4) = %+v", p, n, y)
			}
		}
		t.Logf("%s: %d functions", p, s.Len())
	}
}

func TestRejectNonARMELF(t *testing.T) {
	if runtime.GOARCH == "arm" {
		t.Skip("host is ARM")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	_, err = LoadSymbols(exe)
	if err == nil || !strings.Contains(err.Error(), "not an ARM ELF") {
		t.Fatalf("got %v", err)
	}
}

func TestBadSystemMap(t *testing.T) {
	if _, err := ParseSystemMap(strings.NewReader("hello world\n")); err == nil {
		t.Fatal("accepted garbage")
	}
	if _, err := ParseSystemMap(strings.NewReader("zz T foo\n")); err == nil {
		t.Fatal("accepted bad address")
	}
}

func TestSuggest(t *testing.T) {
	s := NewSymbols([]Symbol{{0x100, 0, "__sys_socket"}, {0x200, 0, "__sys_bind"}, {0x300, 0, "inet_bind"}, {0x400, 0, "sock_close"}})
	_, err := s.Resolve("sys_socket")
	if err == nil || !strings.Contains(err.Error(), "__sys_socket") {
		t.Fatalf("got %v", err)
	}
	_, err = s.Resolve("__sys_bnid")
	if err == nil || !strings.Contains(err.Error(), "did you mean __sys_bind") {
		t.Fatalf("got %v", err)
	}
	if got := s.Suggest("zzzzzzzzzzzzzzzz", 3); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
	if y, ok := s.Lookup(0x250); !ok || y.Name != "__sys_bind" {
		t.Fatalf("Lookup = %v", y)
	}
	if _, ok := s.Lookup(0x50); ok {
		t.Fatal("Lookup below first symbol")
	}
}

func TestVmlinuxSuggest(t *testing.T) {
	if _, err := os.Stat(vmlinux); err != nil {
		t.Skip("no vmlinux")
	}
	s, err := LoadSymbols(vmlinux)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Resolve("__sys_sockett")
	if err == nil || !strings.Contains(err.Error(), "__sys_socket") {
		t.Fatalf("got %v", err)
	}
	t.Log(err)
}

// A /proc/kallsyms dump as captured from a console: the prompt and the
// echoed command around it, carriage returns, data symbols, a module's
// symbols annotated "[module]".
func TestKallsymsConsoleCapture(t *testing.T) {
	capture := "ast2500emu:/# cat /proc/kallsyms\r\n" +
		"80008000 T _text\r\n" +
		"80008000 T stext\r\n" +
		"80100000 t __sys_socket_create\r\n" +
		"80100040 T __sys_socket\r\n" +
		"80200000 D jiffies\r\n" +
		"[   12.000000] random: crng init done\r\n" +
		"7f000000 t ftgmac100_poll\t[ftgmac100]\r\n" +
		"7f000100 T ftgmac100_probe\t[ftgmac100]\r\n" +
		"ast2500emu:/# \r\n"
	path := t.TempDir() + "/kallsyms.log"
	if err := os.WriteFile(path, []byte(capture), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSymbols(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]uint32{"_text": 0x80008000, "__sys_socket": 0x80100040, "ftgmac100_poll": 0x7f000000, "ftgmac100_probe": 0x7f000100} {
		if a, err := s.Resolve(name); err != nil || a != want {
			t.Errorf("%s = %#x, %v; want %#x", name, a, err, want)
		}
	}
	if _, ok := s.Addr("jiffies"); ok {
		t.Error("data symbol kept")
	}
	if y, ok := s.Lookup(0x80100044); !ok || y.Name != "__sys_socket" {
		t.Errorf("Lookup = %+v", y)
	}
	// A clean dump is a System.map with a module column.
	if _, err := ParseSystemMap(strings.NewReader("7f000000 t ftgmac100_poll\t[ftgmac100]\n")); err != nil {
		t.Error(err)
	}
}

// kallsyms read without the right to see addresses prints zeros; that is
// refused with the way out, not loaded as a table where every function
// is at 0.
func TestKallsymsHidden(t *testing.T) {
	dump := "00000000 T _text\n00000000 T __sys_socket\n00000000 t ftgmac100_poll\t[ftgmac100]\n"
	path := t.TempDir() + "/kallsyms"
	if err := os.WriteFile(path, []byte(dump), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadSymbols(path)
	if err == nil || !strings.Contains(err.Error(), "kptr_restrict") {
		t.Fatalf("got %v", err)
	}
	if _, err := ParseKallsyms(strings.NewReader("hello\nworld\n")); err == nil {
		t.Fatal("accepted text without symbols")
	}
}
