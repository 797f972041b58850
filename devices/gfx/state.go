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
	return State{Regs: append([]uint32(nil), g.regs[:]...), Level: g.level}
}

// Restore sets the register state and drives the interrupt line.
func (g *GFX) Restore(s State) error {
	if len(s.Regs) != len(g.regs) {
		return fmt.Errorf("gfx: %d registers in the snapshot, want %d", len(s.Regs), len(g.regs))
	}
	copy(g.regs[:], s.Regs)
	g.level = s.Level
	g.irq.Set(g.level)
	return nil
}
