package ftgmac100

import "fmt"

// PHYState is the RTL8211E's registers and link state.
type PHYState struct {
	BMCR, ANAR, GBCR     uint16
	INER, INSR           uint16
	Page, ExtPage        uint16
	Vendor               map[uint32]uint16
	Carrier, LatchedDown bool
	ANDone               bool
}

// State is a MAC's registers, descriptor ring pointers, counters, the
// frames waiting for RX descriptors and the PHY (snapshots). The RX poll
// timer is saved with the clock; the network backend is wiring.
type State struct {
	ISR, IER                         uint32
	MADR, LADR, MAHT0, MAHT1         uint32
	TxBase, RxBase, HPTxBase         uint32
	ITC, APTC, DBLAC                 uint32
	REVR, FEAR, TPAFCR               uint32
	RBSR, MACCR, TM                  uint32
	PHYCR, PHYData, FCR, BPR         uint32
	WOL                              [8]uint32
	TxPtr, RxPtr                     uint32
	TxPkts, RxPkts, RxBcast, RxMcast uint32
	RxLost, RxRunt, RxFTL            uint32
	Backlog                          [][]byte
	Stalled                          bool
	Dropped                          uint64
	Link                             bool
	Level                            bool
	PHY                              *PHYState `json:",omitempty"`
}

// State returns the MAC's state.
func (m *MAC) State() State {
	s := State{
		ISR: m.isr, IER: m.ier, MADR: m.madr, LADR: m.ladr, MAHT0: m.maht0, MAHT1: m.maht1,
		TxBase: m.txBase, RxBase: m.rxBase, HPTxBase: m.hptxBase,
		ITC: m.itc, APTC: m.aptc, DBLAC: m.dblac, REVR: m.revr, FEAR: m.fear, TPAFCR: m.tpafcr,
		RBSR: m.rbsr, MACCR: m.maccr, TM: m.tm, PHYCR: m.phycr, PHYData: m.phydata, FCR: m.fcr, BPR: m.bpr,
		WOL: m.wol, TxPtr: m.txPtr, RxPtr: m.rxPtr,
		TxPkts: m.txPkts, RxPkts: m.rxPkts, RxBcast: m.rxBcast, RxMcast: m.rxMcast,
		RxLost: m.rxLost, RxRunt: m.rxRunt, RxFTL: m.rxFTL,
		Stalled: m.stalled, Dropped: m.dropped, Link: m.link, Level: m.level,
	}
	for _, f := range m.backlog {
		s.Backlog = append(s.Backlog, append([]byte(nil), f...))
	}
	if p := m.phy; p != nil {
		v := make(map[uint32]uint16, len(p.vendor))
		for k, x := range p.vendor {
			v[k] = x
		}
		s.PHY = &PHYState{p.bmcr, p.anar, p.gbcr, p.iner, p.insr, p.page, p.extPage, v, p.carrier, p.latchedDown, p.anDone}
	}
	return s
}

// Restore sets the MAC's state and drives its interrupt line.
func (m *MAC) Restore(s State) error {
	if (s.PHY != nil) != (m.phy != nil) {
		return fmt.Errorf("%s: the snapshot's MAC has a PHY: %v, this one: %v", m.name, s.PHY != nil, m.phy != nil)
	}
	if len(s.Backlog) > rxBacklogSize {
		return fmt.Errorf("%s: %d frames in the RX backlog (at most %d)", m.name, len(s.Backlog), rxBacklogSize)
	}
	m.isr, m.ier, m.madr, m.ladr, m.maht0, m.maht1 = s.ISR, s.IER, s.MADR, s.LADR, s.MAHT0, s.MAHT1
	m.txBase, m.rxBase, m.hptxBase = s.TxBase, s.RxBase, s.HPTxBase
	m.itc, m.aptc, m.dblac, m.revr, m.fear, m.tpafcr = s.ITC, s.APTC, s.DBLAC, s.REVR, s.FEAR, s.TPAFCR
	m.rbsr, m.maccr, m.tm, m.phycr, m.phydata, m.fcr, m.bpr = s.RBSR, s.MACCR, s.TM, s.PHYCR, s.PHYData, s.FCR, s.BPR
	m.wol, m.txPtr, m.rxPtr = s.WOL, s.TxPtr, s.RxPtr
	m.txPkts, m.rxPkts, m.rxBcast, m.rxMcast = s.TxPkts, s.RxPkts, s.RxBcast, s.RxMcast
	m.rxLost, m.rxRunt, m.rxFTL = s.RxLost, s.RxRunt, s.RxFTL
	m.backlog = nil
	for _, f := range s.Backlog {
		m.backlog = append(m.backlog, append([]byte(nil), f...))
	}
	m.stalled, m.dropped, m.link = s.Stalled, s.Dropped, s.Link
	if q := s.PHY; q != nil {
		p := m.phy
		p.bmcr, p.anar, p.gbcr, p.iner, p.insr, p.page, p.extPage = q.BMCR, q.ANAR, q.GBCR, q.INER, q.INSR, q.Page, q.ExtPage
		p.vendor = map[uint32]uint16{}
		for k, x := range q.Vendor {
			p.vendor[k] = x
		}
		p.carrier, p.latchedDown, p.anDone = q.Carrier, q.LatchedDown, q.ANDone
	}
	m.level = s.Level
	m.irq.Set(m.level)
	return nil
}
