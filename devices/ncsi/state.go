package ncsi

import "fmt"

// ChannelState is one channel's configuration as the BMC left it.
type ChannelState struct {
	Initial, Enabled, TxEnabled bool
	AENMode                     uint32
	AENMCID                     byte
	LinkMode, OEMLink           uint32
	BCEnabled                   bool
	BCMode                      uint32
	MCEnabled                   bool
	MCMode                      uint32
	VLANOn                      bool
	VLANMode, FCMode            byte
	VLANs                       [nVLAN]uint16
	VLANEn                      uint16
	MACs                        [nMAC][6]byte
	MACEn                       byte
}

// State is the responder's package selection, channels and statistics
// (snapshots).
type State struct {
	Selected bool
	Channels []ChannelState

	RxCmds, Dropped, TypeErrs, CsumErrs, RxPkts, TxPkts, TxAENs uint32
	PtTx, PtRx                                                  uint32
	PtTxBytes, PtRxBytes                                        uint64
}

// State returns the responder's state.
func (r *Responder) State() State {
	s := State{Selected: r.selected,
		RxCmds: r.rxCmds, Dropped: r.dropped, TypeErrs: r.typeErrs, CsumErrs: r.csumErrs,
		RxPkts: r.rxPkts, TxPkts: r.txPkts, TxAENs: r.txAENs,
		PtTx: r.ptTx, PtRx: r.ptRx, PtTxBytes: r.ptTxBytes, PtRxBytes: r.ptRxBts}
	for _, c := range r.ch {
		s.Channels = append(s.Channels, ChannelState{c.initial, c.enabled, c.txEnabled, c.aenMode, c.aenMCID,
			c.linkMode, c.oemLink, c.bcEnabled, c.bcMode, c.mcEnabled, c.mcMode, c.vlanOn, c.vlanMode, c.fcMode,
			c.vlans, c.vlanEn, c.macs, c.macEn})
	}
	return s
}

// Restore sets the responder's state. The channel count is configuration
// and must match.
func (r *Responder) Restore(s State) error {
	if len(s.Channels) != len(r.ch) {
		return fmt.Errorf("ncsi: %d channels in the snapshot, %d here", len(s.Channels), len(r.ch))
	}
	r.selected = s.Selected
	r.rxCmds, r.dropped, r.typeErrs, r.csumErrs = s.RxCmds, s.Dropped, s.TypeErrs, s.CsumErrs
	r.rxPkts, r.txPkts, r.txAENs = s.RxPkts, s.TxPkts, s.TxAENs
	r.ptTx, r.ptRx, r.ptTxBytes, r.ptRxBts = s.PtTx, s.PtRx, s.PtTxBytes, s.PtRxBytes
	for i, c := range s.Channels {
		*r.ch[i] = channel{c.Initial, c.Enabled, c.TxEnabled, c.AENMode, c.AENMCID, c.LinkMode, c.OEMLink,
			c.BCEnabled, c.BCMode, c.MCEnabled, c.MCMode, c.VLANOn, c.VLANMode, c.FCMode, c.VLANs, c.VLANEn, c.MACs, c.MACEn}
	}
	return nil
}
