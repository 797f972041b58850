package sdmc

import "fmt"

// State is the SDRAM controller's register file (snapshots).
type State struct {
	Regs []uint32
}

// State returns the register file.
func (s *SDMC) State() State { return State{Regs: append([]uint32(nil), s.regs.Val...)} }

// Restore sets the register file.
func (s *SDMC) Restore(st State) error {
	if len(st.Regs) != len(s.regs.Val) {
		return fmt.Errorf("sdmc: %d registers in the snapshot, want %d", len(st.Regs), len(s.regs.Val))
	}
	copy(s.regs.Val, st.Regs)
	return nil
}
