package smc

import (
	"fmt"

	"github.com/ast2500emu/ast2500emu/devices/spinor"
)

// State is a flash controller's registers, chip-select state and the
// state of its chips' registers (snapshots); the chips' arrays are saved
// as memory regions (spinor.Contents).
type State struct {
	Conf, CECtrl, Intr, CmdCtrl uint32
	Ctrl, Seg                   [3]uint32
	Misc1, Misc2, WDT2, Timing  uint32
	DMACtrl, DMAFlash, DMADRAM  uint32
	DMALen, Checksum            uint32
	Active                      [3]bool
	Direct                      bool
	Chips                       [3]*spinor.State `json:",omitempty"`
}

// State returns the controller's state.
func (c *Controller) State() State {
	s := State{c.conf, c.ceCtrl, c.intr, c.cmdCtrl, c.ctrl, c.seg, c.misc1, c.misc2, c.wdt2, c.timing,
		c.dmaCtrl, c.dmaFlash, c.dmaDRAM, c.dmaLen, c.checksum, c.active, c.direct, [3]*spinor.State{}}
	for i, ch := range c.chips {
		if ch != nil {
			st := ch.State()
			s.Chips[i] = &st
		}
	}
	return s
}

// Restore sets the controller's state and its chips' register state, and
// drives the interrupt line.
func (c *Controller) Restore(s State) error {
	for i, ch := range c.chips {
		if (ch == nil) != (s.Chips[i] == nil) {
			return fmt.Errorf("%s: chip select %d: the snapshot and this board differ in whether a chip is there", c.cfg.Name, i)
		}
		if ch != nil {
			if err := ch.Restore(*s.Chips[i]); err != nil {
				return fmt.Errorf("%s CS%d: %v", c.cfg.Name, i, err)
			}
		}
	}
	c.conf, c.ceCtrl, c.intr, c.cmdCtrl, c.ctrl, c.seg = s.Conf, s.CECtrl, s.Intr, s.CmdCtrl, s.Ctrl, s.Seg
	c.misc1, c.misc2, c.wdt2, c.timing = s.Misc1, s.Misc2, s.WDT2, s.Timing
	c.dmaCtrl, c.dmaFlash, c.dmaDRAM, c.dmaLen, c.checksum = s.DMACtrl, s.DMAFlash, s.DMADRAM, s.DMALen, s.Checksum
	c.active, c.direct = s.Active, s.Direct
	c.updateIRQ()
	return nil
}
