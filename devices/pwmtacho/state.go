package pwmtacho

// State is the PWM/tach controller's registers and fan speeds (snapshots).
type State struct {
	Regs   map[uint32]uint32
	Result uint32
	IntSts uint32
	RPM    [NumFans]uint32
}

// State returns the controller's state.
func (p *PWMTacho) State() State {
	r := make(map[uint32]uint32, len(p.regs))
	for k, v := range p.regs {
		r[k] = v
	}
	return State{r, p.result, p.intSts, p.rpm}
}

// Restore sets the controller's state.
func (p *PWMTacho) Restore(s State) error {
	p.regs = make(map[uint32]uint32, len(s.Regs))
	for k, v := range s.Regs {
		p.regs[k] = v
	}
	p.result, p.intSts, p.rpm = s.Result, s.IntSts, s.RPM
	return nil
}
