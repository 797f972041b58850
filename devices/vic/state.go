package vic

// State is the interrupt controller's input levels, latches, registers
// and output levels (snapshots).
type State struct {
	Level, Latch, Trigger, SelectF uint64
	Enable, Sense, DualEdge, Event uint64
	IRQOut, FIQOut                 bool
}

// State returns the controller's state.
func (v *VIC) State() State {
	return State{v.level, v.latch, v.trigger, v.selectF, v.enable, v.sense, v.dualEdge, v.event, v.irqOut, v.fiqOut}
}

// Restore sets the controller's state and drives the CPU's IRQ and FIQ
// inputs. Restore it after the devices, whose own Restore re-drives the
// input lines (which would latch edges here).
func (v *VIC) Restore(s State) error {
	v.level, v.latch, v.trigger, v.selectF = s.Level, s.Latch, s.Trigger, s.SelectF
	v.enable, v.sense, v.dualEdge, v.event = s.Enable, s.Sense, s.DualEdge, s.Event
	v.irqOut, v.fiqOut = s.IRQOut, s.FIQOut
	v.irq.Set(v.irqOut)
	v.fiq.Set(v.fiqOut)
	return nil
}
