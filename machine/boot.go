package machine

import (
	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/loader"
)

// DirectBoot returns a Boot function that loads a planned kernel, initrd
// and device tree into DRAM and enters the kernel the way a boot loader
// does: SVC mode, interrupts masked, MMU off, r0=0, r1=0xffffffff,
// r2=device tree address.
func DirectBoot(l *loader.Layout) func(m *Machine) error {
	return func(m *Machine) error {
		if err := l.Load(m.SoC); err != nil {
			return err
		}
		if l.Decompress != "" {
			m.noteDecompress(l.Decompress, l.DecompressCached)
		}
		c := m.CPU
		c.SetCPSR(arm.ModeSVC | 0x1C0)
		c.SetReg(0, 0)
		c.SetReg(1, 0xFFFFFFFF)
		c.SetReg(2, l.DTBAddr)
		c.SetPC(l.Entry)
		return nil
	}
}

// FirmwareBoot starts the CPU at its reset vector, as the AST2500 does when
// strapped to boot from SPI: the first FMC chip is visible at address 0 and
// the firmware in it does the rest (SCU unlock, DRAM init, loading Linux).
// The CPU comes out of reset in SVC mode with interrupts masked, the MMU
// off and the PC at 0 (ARM DDI 0301, "Reset").
func FirmwareBoot(m *Machine) error {
	m.CPU.Reset()
	return nil
}
