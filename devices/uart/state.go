package uart

import "fmt"

// State is a 16550's registers, FIFOs, line state and the host input not
// yet accepted (snapshots), after vm-superio's SerialState. Its timers
// (transmit, receive pacing, character timeout) are saved with the clock.
type State struct {
	IER, LCR, MCR, SCR uint8
	DLL, DLM           uint8
	FIFOEn             bool
	FCR                uint8
	Trigger            int
	LSRErr             uint8
	MSRStatus          uint8
	MSRDelta           uint8
	ExtCTS, ExtDSR     bool
	ExtRI, ExtDCD      bool
	LastRBR            uint8

	RX      []byte // receive FIFO, oldest first
	TX      []byte // transmit FIFO, oldest first
	TSR     byte
	TSRBusy bool

	THRIPending     bool
	TimeoutPending  bool
	IRQLevel        bool
	LastRxDelivered uint64

	HostQ []byte // host input not yet accepted

	ClockHz  uint64
	TxCharNs uint64
}

func ring(buf *[fifoSize]byte, head, count int) []byte {
	out := make([]byte, count)
	for i := range out {
		out[i] = buf[(head+i)%fifoSize]
	}
	return out
}

// State returns the UART's state.
func (u *UART) State() State {
	return State{
		IER: u.ier, LCR: u.lcr, MCR: u.mcr, SCR: u.scr, DLL: u.dll, DLM: u.dlm,
		FIFOEn: u.fifoEn, FCR: u.fcr, Trigger: u.trigger, LSRErr: u.lsrErr,
		MSRStatus: u.msrStatus, MSRDelta: u.msrDelta,
		ExtCTS: u.extCTS, ExtDSR: u.extDSR, ExtRI: u.extRI, ExtDCD: u.extDCD, LastRBR: u.lastRBR,
		RX: ring(&u.rx, u.rxHead, u.rxCount), TX: ring(&u.tx, u.txHead, u.txCount),
		TSR: u.tsr, TSRBusy: u.tsrBusy,
		THRIPending: u.thrIPending, TimeoutPending: u.timeoutPending, IRQLevel: u.irqLevel,
		LastRxDelivered: u.lastRxDelivered,
		HostQ:           append([]byte(nil), u.hostQ[u.hostHead:]...),
		ClockHz:         u.clockHz, TxCharNs: u.txCharNs,
	}
}

// Restore sets the UART's state and drives its interrupt line.
func (u *UART) Restore(s State) error {
	if len(s.RX) > fifoSize || len(s.TX) > fifoSize || s.Trigger < 0 || s.Trigger > fifoSize {
		return fmt.Errorf("%s: bad FIFO state in the snapshot", u.name)
	}
	u.ier, u.lcr, u.mcr, u.scr, u.dll, u.dlm = s.IER, s.LCR, s.MCR, s.SCR, s.DLL, s.DLM
	u.fifoEn, u.fcr, u.trigger, u.lsrErr = s.FIFOEn, s.FCR, s.Trigger, s.LSRErr
	u.msrStatus, u.msrDelta = s.MSRStatus, s.MSRDelta
	u.extCTS, u.extDSR, u.extRI, u.extDCD, u.lastRBR = s.ExtCTS, s.ExtDSR, s.ExtRI, s.ExtDCD, s.LastRBR
	u.rx, u.tx = [fifoSize]byte{}, [fifoSize]byte{}
	copy(u.rx[:], s.RX)
	copy(u.tx[:], s.TX)
	u.rxHead, u.rxCount, u.txHead, u.txCount = 0, len(s.RX), 0, len(s.TX)
	u.tsr, u.tsrBusy = s.TSR, s.TSRBusy
	u.thrIPending, u.timeoutPending = s.THRIPending, s.TimeoutPending
	u.lastRxDelivered = s.LastRxDelivered
	u.hostQ, u.hostHead = append([]byte(nil), s.HostQ...), 0
	u.clockHz, u.txCharNs = s.ClockHz, s.TxCharNs
	u.irqLevel = s.IRQLevel
	u.irq.Set(u.irqLevel)
	return nil
}

// VUARTState is the virtual UART: its 16550 and the LPC-side control
// registers.
type VUARTState struct {
	UART State
	Ctrl [8]uint8
}

// State returns the virtual UART's state.
func (v *VUART) State() VUARTState { return VUARTState{v.UART.State(), v.ctrl} }

// Restore sets the virtual UART's state.
func (v *VUART) Restore(s VUARTState) error {
	v.ctrl = s.Ctrl
	return v.UART.Restore(s.UART)
}
