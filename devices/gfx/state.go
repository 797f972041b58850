package gfx

import "fmt"

// State is the display controller's registers and interrupt level
// (snapshots). The retrace timer is saved with the clock.
type State struct {
	Regs  []uint32
	Level bool
}

// State returns the register state.
func (g *GFX) State() State {
	return State{Regs: append([]uint32(nil), g.regs.Val...), Level: g.level}
}

// Restore sets the register state and drives the interrupt line.
func (g *GFX) Restore(s State) error {
	if len(s.Regs) != len(g.regs.Val) {
		return fmt.Errorf("gfx: %d registers in the snapshot, want %d", len(s.Regs), len(g.regs.Val))
	}
	copy(g.regs.Val, s.Regs)
	g.level = s.Level
	g.irq.Set(g.level)
	return nil
}
