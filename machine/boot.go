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
		c := m.CPU
		c.SetCPSR(arm.ModeSVC | 0x1C0)
		c.SetReg(0, 0)
		c.SetReg(1, 0xFFFFFFFF)
		c.SetReg(2, l.DTBAddr)
		c.SetPC(l.Entry)
		return nil
	}
}
