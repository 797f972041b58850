package machine

import (
	"bytes"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/guest"
	"github.com/ast2500emu/ast2500emu/loader"
	"github.com/ast2500emu/ast2500emu/loader/zimage"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

const ram512 = 512 << 20

// runToEntry boots req directly and runs until the CPU is about to execute
// entry (or a budget of instructions passes).
func runToEntry(t *testing.T, req loader.Request, guestDecompress bool, entry uint32) (*Machine, *loader.Layout) {
	t.Helper()
	req.GuestDecompress = guestDecompress
	l, err := loader.Plan(req, ast2500.DRAMBase, ram512)
	if err != nil {
		t.Fatal(err)
	}
	log := mmio.NewLog(nil)
	log.Quiet = true
	m, err := New(Config{
		SoC:             ast2500.Config{RAMSize: ram512, Log: log},
		Boot:            DirectBoot(l),
		GuestDecompress: guestDecompress,
	})
	if err != nil {
		t.Fatal(err)
	}
	m.CPU.SetHooks(&arm.Hooks{
		Before: func(pc uint32) bool { return pc != entry },
		Only:   [][2]uint32{{entry, entry + 4}},
	})
	for m.CPU.Insns < 4e9 && m.CPU.PC() != entry {
		m.CPU.Run(1 << 26)
	}
	if pc := m.CPU.PC(); pc != entry {
		t.Fatalf("kernel not entered after %d instructions (pc %#x)", m.CPU.Insns, pc)
	}
	return m, l
}

// The same kernel, proven: the zImage's own decompressor, run in the
// guest, leaves in RAM byte for byte the kernel the host inflates, at the
// same address, and enters it with the same registers.
func TestGuestDecompressorMatchesHost(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the guest's xz decompressor (1.5 G instructions)")
	}
	t.Setenv("AST2500EMU_NO_CACHE", "1")
	zimg := guest.Kernel()
	k, err := zimage.Inflate(zimg, ram512)
	if err != nil {
		t.Fatal(err)
	}
	dtb, _ := guest.DTB("aspeed-bmc-opp-romulus.dtb")
	req := loader.Request{Kernel: loader.Image{Name: "zImage", Data: zimg}, DTB: loader.Image{Name: "dtb", Data: dtb}}
	entry := ast2500.DRAMBase + k.TextOffset

	host, hl := runToEntry(t, req, false, entry)
	if hl.Decompress != "host (xz)" || host.Decompress != "host (xz)" {
		t.Errorf("host path not taken: layout %q, machine %q", hl.Decompress, host.Decompress)
	}
	g, gl := runToEntry(t, req, true, entry)
	if gl.Decompress != "guest decompressor (--guest-decompress)" {
		t.Errorf("guest path: %q", gl.Decompress)
	}
	t.Logf("guest decompressor: %d instructions; host path: %d", g.CPU.Insns, host.CPU.Insns)

	got := make([]byte, len(k.Image))
	if !g.SoC.ReadPhys(entry, got) {
		t.Fatal("cannot read guest RAM")
	}
	if !bytes.Equal(got, k.Image) {
		for i := range got {
			if got[i] != k.Image[i] {
				t.Fatalf("guest-inflated kernel differs from the host's at offset %#x (of %#x)", i, len(got))
			}
		}
	}
	hostRAM := make([]byte, len(k.Image))
	host.SoC.ReadPhys(entry, hostRAM)
	if !bytes.Equal(hostRAM, k.Image) {
		t.Fatal("host path: RAM at the entry does not hold the inflated kernel")
	}
	// Entry state: SVC, IRQ/FIQ masked, MMU off, r0 = 0, r1 = machine id
	// (none: ~0), r2 = the device tree.
	for _, c := range []struct {
		name string
		m    *Machine
		dtb  uint32
	}{{"guest", g, gl.DTBAddr}, {"host", host, hl.DTBAddr}} {
		cpu := c.m.CPU
		if cpu.CPSR()&0xDF != arm.ModeSVC|0xC0 || cpu.Reg(0) != 0 || cpu.Reg(1) != 0xFFFFFFFF || cpu.Reg(2) != c.dtb {
			t.Errorf("%s: kernel entered with cpsr %#x r0 %#x r1 %#x r2 %#x (dtb at %#x)", c.name, cpu.CPSR(), cpu.Reg(0), cpu.Reg(1), cpu.Reg(2), c.dtb)
		}
	}
}
