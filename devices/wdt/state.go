package wdt

// State is a watchdog's registers, counting anchor and interrupt level
// (snapshots). Its expiry is saved with the clock.
type State struct {
	Reload, Ctrl, Status uint32
	Width, Mask          uint32
	IRQOut               bool
	Frozen               uint32
	T0                   uint64
	C0                   uint32
}

// State returns the watchdog's state.
func (w *WDT) State() State {
	return State{w.reload, w.ctrl, w.status, w.width, w.mask, w.irqOut, w.frozen, w.t0, w.c0}
}

// Restore sets the watchdog's state and drives its interrupt line.
func (w *WDT) Restore(s State) error {
	w.reload, w.ctrl, w.status, w.width, w.mask = s.Reload, s.Ctrl, s.Status, s.Width, s.Mask
	w.frozen, w.t0, w.c0 = s.Frozen, s.T0, s.C0
	w.irqOut = s.IRQOut
	w.irq.Set(w.irqOut)
	return nil
}
