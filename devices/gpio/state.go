package gpio

// BankState is one GPIO bank's registers.
type BankState struct {
	Latch, Dir, Ext             uint32
	IEn, T0, T1, T2, Status     uint32
	Tol, Deb1, Deb2, Cmd0, Cmd1 uint32
}

// State is the controller's registers and interrupt level (snapshots).
type State struct {
	Banks  [numBanks]BankState
	Timers [3]uint32
	Level  bool
}

// State returns the register state.
func (g *GPIO) State() State {
	s := State{Timers: g.timers, Level: g.level}
	for i, b := range g.banks {
		s.Banks[i] = BankState{b.latch, b.dir, b.ext, b.ien, b.t0, b.t1, b.t2, b.status, b.tol, b.deb1, b.deb2, b.cmd0, b.cmd1}
	}
	return s
}

// Restore sets the register state and drives the interrupt line.
func (g *GPIO) Restore(s State) error {
	for i, b := range s.Banks {
		g.banks[i] = bank{b.Latch, b.Dir, b.Ext, b.IEn, b.T0, b.T1, b.T2, b.Status, b.Tol, b.Deb1, b.Deb2, b.Cmd0, b.Cmd1}
	}
	g.timers, g.level = s.Timers, s.Level
	g.irq.Set(g.level)
	return nil
}
