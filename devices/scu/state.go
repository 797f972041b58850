package scu

import "fmt"

// State is the SCU's register file, its random number generator and the
// APB clock it last reported (snapshots). The register kinds and reset
// values are configuration, rebuilt from the strap.
type State struct {
	Regs []uint32
	RNG  uint64
	APB  uint64
}

// State returns the SCU's state.
func (s *SCU) State() State {
	return State{Regs: append([]uint32(nil), s.regs.Val...), RNG: s.rng, APB: s.apb}
}

// Restore sets the SCU's state. The devices clocked from APB restore
// their own rate, so no change is announced.
func (s *SCU) Restore(st State) error {
	if len(st.Regs) != len(s.regs.Val) {
		return fmt.Errorf("scu: %d registers in the snapshot, want %d", len(st.Regs), len(s.regs.Val))
	}
	copy(s.regs.Val, st.Regs)
	s.rng, s.apb = st.RNG, st.APB
	return nil
}
