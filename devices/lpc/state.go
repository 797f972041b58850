package lpc

// KCSState is one KCS channel's data and status registers.
type KCSState struct{ IDR, ODR, STR byte }

// BTState is the BT interface's registers and buffers.
type BTState struct {
	CR0, CR1, CR2, CR3, IntMask uint32
	Ctrl                        byte
	H2B, B2H                    []byte
	HostWr, BMCRd               uint8
	BMCWr, HostRd               uint8
}

// State is the LPC controller's registers, KCS channels, snoop and BT
// state, and its interrupt level (snapshots).
type State struct {
	HICR                             [5]uint32
	LADR3                            uint16
	LADR12                           [2]uint16
	KCS                              [NumKCS]KCSState
	SIRQ, HICR5, HICR6, HICR7, HICR8 uint32
	SnpAdr, SnpDr, HICR9, HICRA      uint32
	LHC                              [0x30 / 4]uint32
	HICRB, HICRC, LADR4, LSAdr       uint32
	BT                               BTState
	Level                            bool
}

// State returns the controller's state.
func (l *LPC) State() State {
	s := State{HICR: l.hicr, LADR3: l.ladr3, LADR12: l.ladr12,
		SIRQ: l.sirq, HICR5: l.hicr5, HICR6: l.hicr6, HICR7: l.hicr7, HICR8: l.hicr8,
		SnpAdr: l.snpadr, SnpDr: l.snpdr, HICR9: l.hicr9, HICRA: l.hicra, LHC: l.lhc,
		HICRB: l.hicrb, HICRC: l.hicrc, LADR4: l.ladr4, LSAdr: l.lsadr, Level: l.level}
	for i, k := range l.kcs {
		s.KCS[i] = KCSState{k.idr, k.odr, k.str}
	}
	b := &l.bt
	s.BT = BTState{b.cr0, b.cr1, b.cr2, b.cr3, b.intmask, b.ctrl,
		append([]byte(nil), b.h2b[:]...), append([]byte(nil), b.b2h[:]...), b.hostWr, b.bmcRd, b.bmcWr, b.hostRd}
	return s
}

// Restore sets the controller's state and drives the interrupt line.
func (l *LPC) Restore(s State) error {
	b := &l.bt
	if len(s.BT.H2B) != len(b.h2b) || len(s.BT.B2H) != len(b.b2h) {
		return errBT
	}
	l.hicr, l.ladr3, l.ladr12 = s.HICR, s.LADR3, s.LADR12
	l.sirq, l.hicr5, l.hicr6, l.hicr7, l.hicr8 = s.SIRQ, s.HICR5, s.HICR6, s.HICR7, s.HICR8
	l.snpadr, l.snpdr, l.hicr9, l.hicra, l.lhc = s.SnpAdr, s.SnpDr, s.HICR9, s.HICRA, s.LHC
	l.hicrb, l.hicrc, l.ladr4, l.lsadr = s.HICRB, s.HICRC, s.LADR4, s.LSAdr
	for i, k := range s.KCS {
		l.kcs[i] = kcs{k.IDR, k.ODR, k.STR}
	}
	t := s.BT
	b.cr0, b.cr1, b.cr2, b.cr3, b.intmask, b.ctrl = t.CR0, t.CR1, t.CR2, t.CR3, t.IntMask, t.Ctrl
	copy(b.h2b[:], t.H2B)
	copy(b.b2h[:], t.B2H)
	b.hostWr, b.bmcRd, b.bmcWr, b.hostRd = t.HostWr, t.BMCRd, t.BMCWr, t.HostRd
	l.level = s.Level
	l.irq.Set(l.level)
	return nil
}

type stateError string

func (e stateError) Error() string { return string(e) }

const errBT = stateError("lpc: bad BT buffer sizes in the snapshot")
