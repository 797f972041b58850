package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/u-root/u-root/pkg/dt"

	"github.com/ast2500emu/ast2500emu/guest"
)

// buildCLI builds the command once per test binary run.
func buildCLI(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "ast2500emu")
	out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return exe
}

// resetPeakRSS lowers this test process's peak RSS to its current size.
// A child's ru_maxrss starts from its parent's peak: os/exec starts
// children with vfork, and Linux keeps the old address space's high-water
// mark at exec (setmax_mm_hiwater_rss). Without this, tests that ran big
// machines in this process before would count against every child.
func resetPeakRSS(t *testing.T) {
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("cannot reset the peak RSS (%v): the limit check may see this process's peak", err)
	}
}

func TestBadInputExitStatus2(t *testing.T) {
	exe := buildCLI(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	garbage := write("garbage", bytes.Repeat([]byte{0x5A}, 8192))
	zimg := make([]byte, 64<<10)
	binary.LittleEndian.PutUint32(zimg[0x24:], 0x016F2818)
	binary.LittleEndian.PutUint32(zimg[0x2C:], 1<<20) // claims 1 MiB
	truncated := write("truncated.zImage", zimg)
	okz := make([]byte, 64<<10)
	binary.LittleEndian.PutUint32(okz[0x24:], 0x016F2818)
	binary.LittleEndian.PutUint32(okz[0x2C:], 64<<10)
	good := write("good.zImage", okz)
	notdtb := write("not.dtb", []byte("this is not a device tree"))
	big := filepath.Join(dir, "big.initrd")
	f, _ := os.Create(big)
	f.Truncate(600 << 20) // sparse: larger than 512 MiB of RAM
	f.Close()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zeroList := write("zero.list", []byte("# one bad entry\n/dev/zero\n"))
	// Issue 18: a device tree whose header claims 1.9 GB of strings.
	romulus, _ := guest.DTB("aspeed-bmc-opp-romulus.dtb")
	crafted := append([]byte(nil), romulus...)
	binary.BigEndian.PutUint32(crafted[32:], 1936027999)
	craftedDTB := write("crafted.dtb", crafted)
	virt := &dt.FDT{Header: dt.Header{Magic: dt.Magic, Version: 17, LastCompVersion: 16},
		RootNode: dt.NewNode("/", dt.WithProperty(dt.PropertyString("compatible", "linux,dummy-virt")))}
	var vb bytes.Buffer
	virt.Write(&vb)
	virtDTB := write("virt.dtb", vb.Bytes())

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"boot", "--bogus"}, "unknown flag"},
		{"unknown machine", []string{"boot", "-M", "palmetto"}, "unknown machine"},
		{"jit lockstep in boot", []string{"boot", "--jit", "lockstep"}, "--jit lockstep: only for smoke --deterministic"},
		{"bad jit", []string{"boot", "--jit", "maybe"}, `--jit "maybe": want on, off or lockstep`},
		{"bad memory", []string{"boot", "-m", "300M"}, "-m"},
		{"unknown log item", []string{"boot", "-d", "guest_errors"}, "-d guest_errors: unknown log item"},
		{"bad nic", []string{"boot", "--nic", "vde"}, `--nic "vde": unknown network backend "vde"`},
		{"bad tap name", []string{"boot", "--nic", "tap:a/b"}, `--nic "tap:a/b": invalid interface name`},
		{"tap without name", []string{"boot", "--nic", "tap"}, "tap needs an interface name"},
		{"malformed hostfwd", []string{"boot", "--hostfwd", "tcp:127.0.0.1:2222"}, `--hostfwd "tcp:127.0.0.1:2222": missing '-'`},
		{"hostfwd bad port", []string{"boot", "--hostfwd", "tcp::99999-:22"}, "not a port number"},
		{"hostfwd bad guest addr", []string{"boot", "--hostfwd", "tcp::2222-10.0.2.2:22"}, "not a guest address"},
		{"hostfwd without user", []string{"boot", "--nic", "none", "--hostfwd", "tcp::2222-:22"}, "--hostfwd needs --nic user"},
		{"unwritable pcap", []string{"boot", "--pcap", filepath.Join(dir, "nodir", "x.pcap")}, "--pcap"},
		{"missing kernel", []string{"boot", "--kernel", filepath.Join(dir, "nope"), "--dtb", notdtb}, "nope: kernel file does not exist"},
		{"garbage kernel", []string{"boot", "--kernel", garbage, "--dtb", notdtb}, "garbage: not an ARM zImage"},
		{"truncated zImage", []string{"boot", "--kernel", truncated, "--dtb", notdtb}, "truncated.zImage: truncated zImage"},
		{"dtb not fdt", []string{"boot", "--kernel", good, "--dtb", notdtb}, "not.dtb: not a flattened device tree"},
		{"missing dtb", []string{"boot", "--kernel", good, "--dtb", filepath.Join(dir, "none.dtb")}, "none.dtb: dtb file does not exist"},
		{"initrd too big", []string{"boot", "--initrd", big}, "big.initrd: initrd"},
		{"gdb host name", []string{"boot", "--gdb", "tcp:nohost:1234"}, `host "nohost" is not an IP address`},
		{"gdb unix without path", []string{"boot", "--gdb", "unix:"}, "--gdb unix:: want unix:PATH"},
		// Flags are checked before input files are read.
		{"gdb before kernel", []string{"boot", "--gdb", "tcp:1.2.3.4:x", "--kernel", filepath.Join(dir, "nope")}, `port "x" is not a number`},
		{"pcap is a directory", []string{"boot", "--pcap", dir, "--kernel", filepath.Join(dir, "nope")}, "is a directory"},

		// Special files are refused at once, never read (issue 19).
		{"fifo kernel", []string{"boot", "--kernel", fifo}, "fifo: expected a regular kernel file, found a named pipe"},
		{"fifo dtb", []string{"boot", "--dtb", fifo}, "fifo: expected a regular dtb file, found a named pipe"},
		{"fifo initrd", []string{"boot", "--initrd", fifo}, "fifo: expected a regular initrd file, found a named pipe"},
		{"zero kernel", []string{"boot", "--kernel", "/dev/zero"}, "/dev/zero: expected a regular kernel file, found a character device"},
		{"zero dtb", []string{"boot", "--dtb", "/dev/zero"}, "/dev/zero: expected a regular dtb file, found a character device"},
		{"zero initrd", []string{"boot", "--initrd", "/dev/zero"}, "/dev/zero: expected a regular initrd file, found a character device"},
		{"fifo vmlinux", []string{"boot", "--trace-calls", "__sys_socket", "--vmlinux", fifo}, "fifo: expected a regular symbols file, found a named pipe"},
		{"fifo script", []string{"smoke", "--script", fifo}, "fifo: expected a regular script file, found a named pipe"},
		{"fifo kernel list", []string{"smoke", "--kernel-list", fifo}, "fifo: expected a regular kernel list file, found a named pipe"},
		{"zero in kernel list", []string{"smoke", "--kernel-list", zeroList}, "/dev/zero: expected a regular kernel file, found a character device"},
		{"fifo kernel in list", []string{"smoke", "--kernel", fifo}, "fifo: expected a regular kernel file"},

		// Crafted headers are refused before allocating what they claim.
		{"dtb claims 1.9 GB of strings", []string{"boot", "--kernel", good, "--dtb", craftedDTB}, "crafted.dtb: corrupt device tree: size_dt_strings 1936027999"},
		{"dtb for another board", []string{"boot", "--kernel", good, "--dtb", virtDTB}, `virt.dtb: device tree is for another board (root compatible "linux,dummy-virt" lacks "aspeed,ast2500"); --dtb-any-board`},

		// -m takes exactly a supported size (issue 19).
		{"memory suffix junk", []string{"boot", "-m", "512Mx"}, `-m "512Mx": the AST2500 supports`},
		{"memory fraction", []string{"boot", "-m", "1.5G"}, `-m "1.5G"`},
		{"memory wraps", []string{"boot", "-m", "17592186044928M"}, `-m "17592186044928M"`},

		// Serial ports, monitor, control socket and QEMU spellings.
		{"unknown serial port", []string{"boot", "--serial", "uart9=null"}, `unknown port "uart9"`},
		{"unknown serial backend", []string{"boot", "--serial", "vuart=vc"}, `unknown backend "vc"`},
		{"serial port twice", []string{"boot", "--serial", "uart1=null", "--serial", "ttyS0=pty"}, "already connected"},
		{"serial file in no dir", []string{"boot", "--serial", "uart1=file:" + filepath.Join(dir, "nodir", "x")}, "--serial uart1"},
		{"bad monitor", []string{"boot", "--monitor", "telnet:x"}, "--monitor telnet:x: want unix:PATH"},
		{"bad qmp", []string{"boot", "--qmp", "tcp:nohost"}, "--qmp tcp:nohost"},
		{"qemu -smp", []string{"-M", "romulus-bmc", "-smp", "2"}, "-smp: the AST2500 has one ARM1176 core"},
		{"qemu -netdev", []string{"-netdev", "user,id=n0"}, "-netdev: use --nic"},
		{"qemu -drive if=sd", []string{"-drive", "file=x,if=sd"}, "use --mtd FILE"},
		{"qemu -machine unknown", []string{"-machine", "palmetto-bmc", "-nographic"}, `unknown machine "palmetto-bmc"`},
	}
	// Output files named on a refused command line keep their contents:
	// outputs are created only after every input is validated.
	keepPCAP := write("keep.pcap", []byte("earlier capture"))
	keepLog := write("keep.log", []byte("earlier log"))
	resetPeakRSS(t)
	for _, c := range cases {
		args := c.args
		if !strings.Contains(c.name, "pcap") && args[1] != "--bogus" {
			args = append(args[:len(args):len(args)], "--pcap", keepPCAP, "--log", keepLog)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, exe, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdin = strings.NewReader("")
		err := cmd.Run()
		if ctx.Err() != nil {
			t.Errorf("%s: still running after 2 minutes (hangs)", c.name)
		}
		cancel()
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err == nil {
			code = 0
		}
		msg := strings.TrimSpace(stderr.String())
		if cmd.ProcessState != nil {
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 200<<10 {
				t.Errorf("%s: peak RSS %d KiB refusing bad input", c.name, ru.Maxrss)
			}
		}
		if code != 2 {
			t.Errorf("%s: exit status %d, want 2 (stderr %q)", c.name, code, msg)
		}
		if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: stderr %q, want one line containing %q", c.name, msg, c.want)
		}
		if strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine") {
			t.Errorf("%s: stack trace in %q", c.name, msg)
		}
		for _, flag := range []string{"--nic", "hostfwd", "--gdb"} {
			if strings.Count(msg, flag) > 1 {
				t.Errorf("%s: %q names %s more than once", c.name, msg, flag)
			}
		}
		for p, want := range map[string]string{keepPCAP: "earlier capture", keepLog: "earlier log"} {
			if b, _ := os.ReadFile(p); string(b) != want {
				t.Fatalf("%s: %s now holds %q: an output was created before the inputs were validated", c.name, filepath.Base(p), b)
			}
		}
	}
}
