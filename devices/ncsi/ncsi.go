// Package ncsi models the management side of a host network controller
// that speaks NC-SI (DMTF DSP0222) to the BMC over its RMII sideband, as on
// the romulus board (MAC0 with "use-ncsi").
//
// NC-SI control packets are Ethernet frames with EtherType 0x88F8. Each
// carries a 16-byte header (MC ID, revision 1, instance ID, type, channel =
// package<<5 | channel, payload length), the payload, padding to a 4-byte
// boundary and a 32-bit checksum (two's complement of the 16-bit big-endian
// word sum of header and payload; zero means "not computed"). A response
// echoes the IID and channel, has type = command | 0x80 and starts its
// payload with a response code and a reason code. Asynchronous event
// notifications (AEN, type 0xFF, IID 0) report link changes.
//
// The model has one package (0) with one or more channels. Commands to
// other packages or channels get no response (that is how Linux's probe
// discovers what exists). A channel starts in the "initial state" and
// answers everything but Clear Initial State with "initialization
// required" until it gets one.
//
// Sources:
//   - Linux net/ncsi (6.1): ncsi-pkt.h (layouts), ncsi-cmd.c (command
//     payload lengths, checksum), ncsi-rsp.c (response payload lengths the
//     handlers validate, checksum placement, field use, OEM GMA offsets),
//     ncsi-manage.c (probe and configure sequences, OEM GMA selection by
//     the Get Version ID manufacturer ID, GMCMA for NC-SI >= 1.2),
//     ncsi-aen.c (AEN validation, LSC handling).
//   - DMTF DSP0222 1.1: response/reason codes, link status bit layout,
//     initial state rules.
//   - libslirp src/ncsi.c, for facts about what QEMU answers (not copied).
package ncsi

import "encoding/binary"

// EtherType is the NC-SI EtherType.
const EtherType = 0x88F8

// OEM manufacturer IDs Linux knows Get MAC Address commands for.
const (
	MfrBroadcom = 0x113d
	MfrMellanox = 0x8119
	MfrIntel    = 0x0157
)

// Config configures a Responder.
type Config struct {
	MAC  [6]byte     // the NIC's MAC address, returned by the OEM Get MAC Address commands
	Link func() bool // carrier on the NIC's network port (nil: always up)

	// Manufacturer is the IANA enterprise number in Get Version ID, which
	// selects the OEM GMA command Linux sends (0: Broadcom).
	Manufacturer uint32
	// Channels is the number of channels in package 0 (0: 1).
	Channels int
}

// Command and response codes.
const (
	cmdCIS    = 0x00
	cmdSP     = 0x01
	cmdDP     = 0x02
	cmdEC     = 0x03
	cmdDC     = 0x04
	cmdRC     = 0x05
	cmdECNT   = 0x06
	cmdDCNT   = 0x07
	cmdAE     = 0x08
	cmdSL     = 0x09
	cmdGLS    = 0x0a
	cmdSVF    = 0x0b
	cmdEV     = 0x0c
	cmdDV     = 0x0d
	cmdSMA    = 0x0e
	cmdEBF    = 0x10
	cmdDBF    = 0x11
	cmdEGMF   = 0x12
	cmdDGMF   = 0x13
	cmdSNFC   = 0x14
	cmdGVI    = 0x15
	cmdGC     = 0x16
	cmdGP     = 0x17
	cmdGCPS   = 0x18
	cmdGNS    = 0x19
	cmdGNPTS  = 0x1a
	cmdGPS    = 0x1b
	cmdOEM    = 0x50
	cmdGPUUID = 0x52
	typeAEN   = 0xff

	codeCompleted   = 0
	codeFailed      = 1
	codeUnsupported = 3
	reasonNone      = 0
	reasonInit      = 1 // interface initialization required
	reasonParam     = 2
	reasonLength    = 5
	reasonUnknown   = 0x7fff

	hdrLen         = 16
	reservedChan   = 0x1f
	nMAC           = 2 // unicast MAC filters
	nVLAN          = 2 // VLAN filters
	aenLSC         = 0x01
	capAEN         = 0x07                      // LSC, CR, HNCDSC
	capGeneric     = 0x10 | 0x40 | 0x02 | 0x04 // global MC filter, no HW arbitration, HDS, FC
	capBC          = 0x0f
	capMC          = 0x07
	capVLANModes   = 0x07
	firmwareName   = "ast2500emu"
	firmwareVer    = 0x01000000
	linkSpeed1000F = 7 // link status speed/duplex code: 1000BASE-T full duplex
)

// minPayload is the command payload length each parameterised command
// needs (ncsi-cmd.c's table).
var minPayload = map[byte]int{cmdDC: 4, cmdRC: 4, cmdAE: 8, cmdSL: 8, cmdSVF: 8, cmdEV: 4, cmdSMA: 8, cmdEBF: 4, cmdEGMF: 4, cmdSNFC: 4, cmdOEM: 4}

type channel struct {
	initial   bool
	enabled   bool
	txEnabled bool
	aenMode   uint32
	aenMCID   byte
	linkMode  uint32
	oemLink   uint32
	bcEnabled bool
	bcMode    uint32
	mcEnabled bool
	mcMode    uint32
	vlanOn    bool
	vlanMode  byte
	fcMode    byte
	vlans     [nVLAN]uint16
	vlanEn    uint16
	macs      [nMAC][6]byte
	macEn     byte
}

// Responder answers NC-SI commands for package 0.
type Responder struct {
	cfg      Config
	selected bool
	ch       []*channel

	// NC-SI statistics
	rxCmds, dropped, typeErrs, csumErrs, rxPkts, txPkts, txAENs uint32
	// pass-through statistics (see CountPassThrough)
	ptTx, ptRx         uint32
	ptTxBytes, ptRxBts uint64
}

// New returns a Responder with every channel in its initial state.
func New(cfg Config) *Responder {
	if cfg.Manufacturer == 0 {
		cfg.Manufacturer = MfrBroadcom
	}
	if cfg.Channels <= 0 {
		cfg.Channels = 1
	}
	if cfg.Channels > 31 {
		cfg.Channels = 31
	}
	r := &Responder{cfg: cfg}
	for i := 0; i < cfg.Channels; i++ {
		r.ch = append(r.ch, newChannel())
	}
	return r
}

func newChannel() *channel { return &channel{initial: true} }

func (r *Responder) link() bool { return r.cfg.Link == nil || r.cfg.Link() }

// CountPassThrough records one pass-through frame (BMC traffic carried by
// the NIC) for the statistics commands. tx is BMC -> network.
func (r *Responder) CountPassThrough(tx bool, n int) {
	if tx {
		r.ptTx++
		r.ptTxBytes += uint64(n)
	} else {
		r.ptRx++
		r.ptRxBts += uint64(n)
	}
}

// Checksum computes the NC-SI checksum of b (header and payload).
func Checksum(b []byte) uint32 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	return ^s + 1
}

func align4(n int) int { return (n + 3) &^ 3 }

// IsNCSI reports whether frame carries the NC-SI EtherType.
func IsNCSI(frame []byte) bool {
	return len(frame) >= 14 && binary.BigEndian.Uint16(frame[12:]) == EtherType
}

// Handle processes one frame the BMC transmitted. It returns the frames
// the NIC sends back (nil for frames that are not NC-SI commands, and for
// commands no device would answer).
func (r *Responder) Handle(frame []byte) [][]byte {
	if !IsNCSI(frame) || len(frame) < 14+hdrLen {
		return nil
	}
	h := frame[14:]
	r.rxPkts++
	typ := h[4]
	if typ&0x80 != 0 {
		return nil // a response or AEN looped back: not for us
	}
	pkg, chID := h[5]>>5, h[5]&0x1f
	if pkg != 0 || (chID != reservedChan && int(chID) >= len(r.ch)) {
		return nil
	}
	if h[1] != 1 {
		r.dropped++
		return nil
	}
	plen := int(binary.BigEndian.Uint16(h[6:]))
	csOff := hdrLen + align4(plen)
	if len(h) < csOff+4 {
		r.rxCmds++
		return r.reply(h, codeFailed, reasonLength, nil)
	}
	if cs := binary.BigEndian.Uint32(h[csOff:]); cs != 0 && cs != Checksum(h[:hdrLen+plen]) {
		r.csumErrs++
		r.dropped++
		return nil
	}
	r.rxCmds++
	p := h[hdrLen : hdrLen+plen]

	// Package commands.
	switch typ {
	case cmdSP:
		r.selected = true
		return r.ok(h, nil)
	case cmdDP:
		r.selected = false
		return r.ok(h, nil)
	case cmdGPS:
		st := uint32(0)
		if r.selected {
			st = 1
		}
		return r.ok(h, be32(st))
	case cmdGPUUID:
		uuid := []byte{0x61, 0x73, 0x74, 0x32, 0x35, 0x30, 0x30, 0x65, 0x6d, 0x75, 0x4e, 0x43, 0x53, 0x49, 0x00, 0x01}
		return r.ok(h, uuid)
	}
	if chID == reservedChan {
		return r.reply(h, codeFailed, reasonParam, nil)
	}
	c := r.ch[chID]
	if typ == cmdCIS {
		c.initial = false
		return r.ok(h, nil)
	}
	if c.initial {
		return r.reply(h, codeFailed, reasonInit, nil)
	}
	if n, ok := minPayload[typ]; ok && plen < n {
		return r.reply(h, codeFailed, reasonLength, nil)
	}
	switch typ {
	case cmdEC:
		c.enabled = true
	case cmdDC:
		c.enabled = false
	case cmdRC:
		*c = *newChannel()
	case cmdECNT:
		c.txEnabled = true
	case cmdDCNT:
		c.txEnabled = false
	case cmdAE:
		c.aenMCID = p[3]
		c.aenMode = binary.BigEndian.Uint32(p[4:]) & capAEN
	case cmdSL:
		c.linkMode = binary.BigEndian.Uint32(p[0:])
		c.oemLink = binary.BigEndian.Uint32(p[4:])
	case cmdGLS:
		return r.ok(h, r.linkStatus())
	case cmdSVF:
		// Payload: reserved(2), VLAN ID(2), reserved(2), index, enable
		// (struct ncsi_cmd_svf_pkt).
		idx, en := int(p[6]), p[7]&1 != 0
		if idx < 1 || idx > nVLAN {
			return r.reply(h, codeFailed, reasonParam, nil)
		}
		if en {
			c.vlans[idx-1] = binary.BigEndian.Uint16(p[2:]) & 0x0fff
			c.vlanEn |= 1 << (idx - 1)
		} else {
			c.vlanEn &^= 1 << (idx - 1)
		}
	case cmdEV:
		mode := p[3]
		if mode == 0 || mode&capVLANModes == 0 {
			return r.reply(h, codeFailed, reasonParam, nil)
		}
		c.vlanOn, c.vlanMode = true, mode
	case cmdDV:
		c.vlanOn = false
	case cmdSMA:
		idx, en := int(p[6]), p[7]&1 != 0
		if idx < 1 || idx > nMAC {
			return r.reply(h, codeFailed, reasonParam, nil)
		}
		copy(c.macs[idx-1][:], p[0:6])
		if en {
			c.macEn |= 1 << (idx - 1)
		} else {
			c.macEn &^= 1 << (idx - 1)
		}
	case cmdEBF:
		c.bcEnabled, c.bcMode = true, binary.BigEndian.Uint32(p)&capBC
	case cmdDBF:
		c.bcEnabled, c.bcMode = false, 0
	case cmdEGMF:
		c.mcEnabled, c.mcMode = true, binary.BigEndian.Uint32(p)&capMC
	case cmdDGMF:
		c.mcEnabled, c.mcMode = false, 0
	case cmdSNFC:
		if p[3] > 3 {
			return r.reply(h, codeFailed, reasonParam, nil)
		}
		c.fcMode = p[3]
	case cmdGVI:
		return r.ok(h, r.versionID())
	case cmdGC:
		return r.ok(h, r.capabilities())
	case cmdGP:
		return r.ok(h, r.parameters(c))
	case cmdGCPS:
		return r.ok(h, r.controllerStats())
	case cmdGNS:
		return r.ok(h, r.ncsiStats())
	case cmdGNPTS:
		return r.ok(h, r.passThroughStats())
	case cmdOEM:
		return r.oem(h, p)
	default:
		r.typeErrs++
		return r.reply(h, codeUnsupported, reasonUnknown, nil)
	}
	return r.ok(h, nil)
}

func be32(v uint32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, v)
	return b
}

func (r *Responder) ok(cmd []byte, data []byte) [][]byte {
	return r.reply(cmd, codeCompleted, reasonNone, data)
}

// reply builds the response to the command whose NC-SI header is cmd.
func (r *Responder) reply(cmd []byte, code, reason uint16, data []byte) [][]byte {
	plen := 4 + len(data)
	pl := make([]byte, plen)
	binary.BigEndian.PutUint16(pl[0:], code)
	binary.BigEndian.PutUint16(pl[2:], reason)
	copy(pl[4:], data)
	r.txPkts++
	return [][]byte{r.packet(cmd[0], cmd[3], cmd[4]|0x80, cmd[5], pl)}
}

// packet frames an NC-SI packet: Ethernet header (broadcast, as NC-SI
// controllers send), NC-SI header, payload, padding, checksum, then
// padding to the Ethernet minimum.
func (r *Responder) packet(mcID, iid, typ, ch byte, payload []byte) []byte {
	n := 14 + hdrLen + align4(len(payload)) + 4
	if n < 60 {
		n = 60
	}
	f := make([]byte, n)
	for i := 0; i < 12; i++ {
		f[i] = 0xff
	}
	binary.BigEndian.PutUint16(f[12:], EtherType)
	h := f[14:]
	h[0], h[1], h[3], h[4], h[5] = mcID, 1, iid, typ, ch
	binary.BigEndian.PutUint16(h[6:], uint16(len(payload)))
	copy(h[hdrLen:], payload)
	cs := hdrLen + align4(len(payload))
	binary.BigEndian.PutUint32(h[cs:], Checksum(h[:hdrLen+len(payload)]))
	return f
}

func (r *Responder) linkStatus() []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint32(b[0:], r.linkWord())
	binary.BigEndian.PutUint32(b[4:], 1) // other indications: host NC driver running
	return b
}

// linkWord is the Link Status field: bit 0 link, 4:1 speed/duplex, 5 auto
// negotiation enabled, 6 negotiation complete, 8..13 partner abilities,
// 18/19 TX/RX flow control.
func (r *Responder) linkWord() uint32 {
	if !r.link() {
		return 1 << 5
	}
	return 1 | linkSpeed1000F<<1 | 1<<5 | 1<<6 | 0x3f<<8
}

func (r *Responder) versionID() []byte {
	b := make([]byte, 36)
	b[0], b[1], b[2], b[3] = 0xf1, 0xf1, 0xff, 0 // NC-SI 1.1 (BCD, 0xf = no digit)
	copy(b[8:20], firmwareName)
	binary.BigEndian.PutUint32(b[20:], firmwareVer)
	pci := []uint16{0x14e4, 0x1657, 0x14e4, 0x1657} // vendor, device, subsystem vendor, subsystem
	switch r.cfg.Manufacturer {
	case MfrMellanox:
		pci = []uint16{0x15b3, 0x1015, 0x15b3, 0x0003}
	case MfrIntel:
		pci = []uint16{0x8086, 0x1521, 0x8086, 0x0001}
	}
	for i, v := range pci {
		binary.BigEndian.PutUint16(b[24+2*i:], v)
	}
	binary.BigEndian.PutUint32(b[32:], r.cfg.Manufacturer)
	return b
}

func (r *Responder) capabilities() []byte {
	b := make([]byte, 28)
	binary.BigEndian.PutUint32(b[0:], capGeneric)
	binary.BigEndian.PutUint32(b[4:], capBC)
	binary.BigEndian.PutUint32(b[8:], capMC)
	binary.BigEndian.PutUint32(b[12:], 16*1024) // buffering capability
	binary.BigEndian.PutUint32(b[16:], capAEN)
	b[20], b[21], b[22], b[23] = nVLAN, 0, 0, nMAC // VLAN, mixed, MC, UC filter counts
	b[26] = capVLANModes
	b[27] = byte(len(r.ch))
	return b
}

func (r *Responder) parameters(c *channel) []byte {
	b := make([]byte, 28+6*nMAC+2*nVLAN)
	b[0], b[3] = nMAC, c.macEn
	b[4] = nVLAN
	binary.BigEndian.PutUint16(b[6:], c.vlanEn)
	binary.BigEndian.PutUint32(b[8:], c.linkMode)
	binary.BigEndian.PutUint32(b[12:], c.bcMode)
	var valid uint32
	if c.bcEnabled {
		valid |= 1
	}
	if c.enabled {
		valid |= 2
	}
	if c.txEnabled {
		valid |= 4
	}
	if c.mcEnabled {
		valid |= 8
	}
	binary.BigEndian.PutUint32(b[16:], valid)
	if c.vlanOn {
		b[20] = c.vlanMode
	}
	b[21] = c.fcMode
	binary.BigEndian.PutUint32(b[24:], c.aenMode)
	o := 28
	for i := 0; i < nMAC; i++ {
		copy(b[o:], c.macs[i][:])
		o += 6
	}
	for i := 0; i < nVLAN; i++ {
		binary.BigEndian.PutUint16(b[o:], c.vlans[i])
		o += 2
	}
	return b
}

func (r *Responder) controllerStats() []byte {
	b := make([]byte, 200)
	binary.BigEndian.PutUint64(b[8:], r.ptRxBts)    // rx bytes
	binary.BigEndian.PutUint64(b[16:], r.ptTxBytes) // tx bytes
	binary.BigEndian.PutUint64(b[24:], uint64(r.ptRx))
	binary.BigEndian.PutUint64(b[48:], uint64(r.ptTx))
	binary.BigEndian.PutUint64(b[184:], r.ptRxBts) // rx valid bytes
	return b
}

func (r *Responder) ncsiStats() []byte {
	b := make([]byte, 28)
	for i, v := range []uint32{r.rxCmds, r.dropped, r.typeErrs, r.csumErrs, r.rxPkts, r.txPkts + 1, r.txAENs} {
		binary.BigEndian.PutUint32(b[4*i:], v)
	}
	return b
}

func (r *Responder) passThroughStats() []byte {
	b := make([]byte, 44) // Linux validates a 48-byte payload
	binary.BigEndian.PutUint32(b[0:], r.ptTx)
	binary.BigEndian.PutUint32(b[16:], r.ptRx)
	return b
}

// oem answers the vendor Get MAC Address commands Linux sends
// (ncsi_oem_gma_handler_{bcm,mlx,intel}); anything else is unsupported.
func (r *Responder) oem(h, p []byte) [][]byte {
	mfr := binary.BigEndian.Uint32(p)
	d := p[4:]
	mac := r.cfg.MAC[:]
	switch {
	case mfr == MfrBroadcom && len(d) >= 2 && d[1] == 0x01:
		// ver, type, len(2), then the MAC at data offset 28.
		out := make([]byte, 4+36)
		binary.BigEndian.PutUint32(out, mfr)
		o := out[4:]
		o[0], o[1] = d[0], 0x01
		binary.BigEndian.PutUint16(o[2:], 32)
		copy(o[28:], mac)
		return r.ok(h, out)
	case mfr == MfrMellanox && len(d) >= 3 && d[1] == 0x00 && d[2] == 0x1b:
		// cmd_rev, cmd, param, optional, then the MAC at data offset 8.
		out := make([]byte, 4+16)
		binary.BigEndian.PutUint32(out, mfr)
		o := out[4:]
		o[0], o[1], o[2] = d[0], 0x00, 0x1b
		copy(o[8:], mac)
		return r.ok(h, out)
	case mfr == MfrIntel && len(d) >= 1 && d[0] == 0x06:
		// cmd, then the MAC at data offset 1.
		out := make([]byte, 4+8)
		binary.BigEndian.PutUint32(out, mfr)
		out[4] = 0x06
		copy(out[5:], mac)
		return r.ok(h, out)
	}
	r.typeErrs++
	return r.reply(h, codeUnsupported, reasonUnknown, nil)
}

// LinkChanged reports a change of the NIC's network link. It returns the
// Link Status Change AENs of every channel that has them enabled.
func (r *Responder) LinkChanged(up bool) [][]byte {
	var out [][]byte
	for i, c := range r.ch {
		if c.initial || c.aenMode&aenLSC == 0 {
			continue
		}
		pl := make([]byte, 12)
		pl[3] = 0x00 // AEN type: link status change
		w := uint32(1 << 5)
		if up {
			w = 1 | linkSpeed1000F<<1 | 1<<5 | 1<<6 | 0x3f<<8
		}
		binary.BigEndian.PutUint32(pl[4:], w)
		out = append(out, r.packet(c.aenMCID, 0, typeAEN, byte(i), pl))
		r.txAENs++
	}
	return out
}
