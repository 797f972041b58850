// System tests: bare-metal ARM programs (testdata/baremetal, built from C
// and assembly with Debian's arm-linux-gnueabi toolchain) run on the CPU
// attached to a minimal harness board. Each program checks architecture
// behaviour itself (ARM ARM DDI 0100I, ARM1176JZF-S TRM DDI 0301) and
// prints "PASS <check>" / "FAIL <check> <detail>" lines, then exits with 0
// (all passed) or 1 through the test device.
//
// Harness board: 128 MiB RAM at physical 0; a test device at 0x10000000:
//
//	+0x00 write: emit one byte of output
//	+0x04 write: stop the run, exit code = value
//	+0x08 write: IRQ line level (0/1)
//	+0x0C write: FIQ line level (0/1)
//	+0x10 read:  low 32 bits of the retired-instruction counter
//
// Every other physical address is an external abort.
package arm

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	sysRAMSize   = 128 << 20
	sysTestDev   = 0x10000000
	sysTestDevSz = 0x1000
)

// sysBoard is the harness bus: RAM plus the test device.
type sysBoard struct {
	ram    []byte
	cpu    *CPU
	out    []byte
	exited bool
	code   uint32
}

func newSysBoard() *sysBoard {
	b := &sysBoard{ram: make([]byte, sysRAMSize), out: make([]byte, 0, 1<<16)}
	b.cpu = New(b)
	return b
}

// load copies a program image to address 0 and resets board and CPU.
func (b *sysBoard) load(img []byte) {
	clear(b.ram)
	copy(b.ram, img)
	b.out = b.out[:0]
	b.exited, b.code = false, 0
	b.cpu.SetIRQ(false)
	b.cpu.SetFIQ(false)
	b.cpu.Reset()
}

func (b *sysBoard) Page(pa uint32) []byte {
	if pa >= sysRAMSize {
		return nil
	}
	base := pa &^ 0xfff
	return b.ram[base : base+4096 : base+4096]
}

func (b *sysBoard) Read(pa uint32, size int) (uint64, bool) {
	switch {
	case uint64(pa)+uint64(size) <= sysRAMSize:
		return sysLoad(b.ram[pa:], size), true
	case pa >= sysTestDev && pa < sysTestDev+sysTestDevSz:
		if pa-sysTestDev == 0x10 {
			return b.cpu.Insns & 0xffffffff, true
		}
		return 0, true
	}
	return 0, false
}

func (b *sysBoard) Write(pa uint32, size int, v uint64) bool {
	switch {
	case uint64(pa)+uint64(size) <= sysRAMSize:
		sysStore(b.ram[pa:], size, v)
		return true
	case pa >= sysTestDev && pa < sysTestDev+sysTestDevSz:
		switch pa - sysTestDev {
		case 0x00:
			if len(b.out) < cap(b.out) {
				b.out = append(b.out, byte(v))
			}
		case 0x04:
			b.exited, b.code = true, uint32(v)
			b.cpu.EndSlice()
		case 0x08:
			b.cpu.SetIRQ(v&1 != 0)
		case 0x0c:
			b.cpu.SetFIQ(v&1 != 0)
		}
		return true
	}
	return false
}

func sysLoad(m []byte, size int) uint64 {
	switch size {
	case 1:
		return uint64(m[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(m))
	case 4:
		return uint64(binary.LittleEndian.Uint32(m))
	}
	return binary.LittleEndian.Uint64(m)
}

func sysStore(m []byte, size int, v uint64) {
	switch size {
	case 1:
		m[0] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(m, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(m, uint32(v))
	default:
		binary.LittleEndian.PutUint64(m, v)
	}
}

// run executes until the program exits, the budget is spent, or the CPU
// halts in WFI with nothing that could wake it. It returns the number of
// instructions executed and whether the program exited.
func (b *sysBoard) run(budget uint64) (uint64, bool) {
	var n uint64
	for n < budget && !b.exited {
		step := budget - n
		if step > 1<<20 {
			step = 1 << 20
		}
		got := b.cpu.Run(step)
		n += got
		if got == 0 && !b.exited {
			break // halted in WFI with no interrupt pending
		}
	}
	return n, b.exited
}

func sysImage(t testing.TB, dir, name string) []byte {
	t.Helper()
	img, err := os.ReadFile(filepath.Join("..", "..", "testdata", dir, name+".bin"))
	if err != nil {
		t.Fatalf("%v (run testdata/%s/build.sh)", err, dir)
	}
	return img
}

func TestBareMetal(t *testing.T) {
	// known: a CPU gap that makes the program fail today. Such a failure
	// is reported as a skip (with the failing checks) so that the package
	// tests stay green; SYSTEST_STRICT=1 turns it into a failure. Remove
	// the note once the program passes (the test logs when it does).
	tests := []struct {
		name   string
		budget uint64
		known  string
	}{
		{"modes", 5_000_000, ""},
		{"exceptions", 5_000_000, ""},
		{"mmu", 20_000_000, ""},
		{"tlb", 20_000_000, ""},
		{"vfp", 5_000_000, ""},
		{"unaligned", 5_000_000, ""},
	}
	strict := os.Getenv("SYSTEST_STRICT") != ""
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newSysBoard() // fresh CPU: no decoded code from another program
			b.load(sysImage(t, "baremetal", tc.name))
			n, exited := b.run(tc.budget)
			out := string(b.out)
			var fails, skips []string
			passes := 0
			for _, l := range strings.Split(out, "\n") {
				switch {
				case strings.HasPrefix(l, "PASS "):
					passes++
				case strings.HasPrefix(l, "FAIL"):
					fails = append(fails, l)
				case strings.HasPrefix(l, "SKIP"):
					skips = append(skips, l)
				}
			}
			t.Logf("%s: %d checks passed, %d failed, %d instructions", tc.name, passes, len(fails), n)
			ok := exited && b.code == 0 && len(fails) == 0 && len(skips) == 0 && passes > 0
			if tc.known != "" {
				if ok {
					t.Logf("passes now: remove the known-gap note %q", tc.known)
				} else if !strict {
					first := ""
					if len(fails) > 0 {
						first = fails[0]
					}
					t.Skipf("known CPU gap (%s): exited=%v code=%d, %d FAIL lines, first: %s",
						tc.known, exited, b.code, len(fails), first)
				}
			}
			switch {
			case !exited && b.cpu.Halted():
				t.Errorf("halted in WFI after %d instructions, PC=%#x", n, b.cpu.PC())
			case !exited:
				t.Errorf("budget of %d instructions exhausted, PC=%#x CPSR=%#x", tc.budget, b.cpu.PC(), b.cpu.CPSR())
			case b.code != 0:
				t.Errorf("exit code %d", b.code)
			}
			for _, f := range fails {
				t.Error(f)
			}
			// The ARM1176JZF-S has the Security Extensions: a program
			// skipping the SMC/VBAR checks means the CPU claims otherwise.
			for _, s := range skips {
				t.Error(s)
			}
			if passes == 0 {
				t.Error("no PASS lines")
			}
			if t.Failed() || !exited {
				t.Logf("output:\n%s", sysTail(out, 4000))
			}
			if !bytes.Contains(b.out, []byte("DONE "+tc.name)) && exited && b.code == 0 {
				t.Errorf("exit 0 without DONE line")
			}
		})
	}
}

func sysTail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
