package ncsi

import (
	"encoding/binary"
	"testing"
)

var bmcMAC = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x10}
var nicMAC = [6]byte{0x00, 0x10, 0x18, 0xaa, 0xbb, 0xcc}

// linuxChecksum is ncsi_calculate_checksum (ncsi-cmd.c); for an odd
// length it reads one byte past the end, which is zero padding in Linux.
func linuxChecksum(b []byte) uint32 {
	var c uint32
	for i := 0; i < len(b); i += 2 {
		lo := byte(0)
		if i+1 < len(b) {
			lo = b[i+1]
		}
		c += uint32(b[i])<<8 | uint32(lo)
	}
	return ^c + 1
}

// buildCmd builds a command frame as ncsi_xmit_cmd does: broadcast
// Ethernet header, NC-SI header, payload, checksum after the 4-aligned
// payload, zero padding (ncsi_cmd_pkt is 46 bytes).
func buildCmd(iid, typ, pkg, ch byte, payload []byte) []byte {
	n := 16 + (len(payload)+3)&^3 + 4
	if n < 46 {
		n = 46
	}
	f := make([]byte, 14+n)
	for i := 0; i < 6; i++ {
		f[i] = 0xff
	}
	copy(f[6:], bmcMAC[:])
	binary.BigEndian.PutUint16(f[12:], 0x88f8)
	h := f[14:]
	h[1], h[3], h[4], h[5] = 1, iid, typ, pkg<<5|ch
	binary.BigEndian.PutUint16(h[6:], uint16(len(payload)))
	copy(h[16:], payload)
	binary.BigEndian.PutUint32(h[16+(len(payload)+3)&^3:], linuxChecksum(h[:16+len(payload)]))
	return f
}

// rspPayload is the payload length ncsi-rsp.c's table expects (-1: use
// the header's length).
var rspPayload = map[byte]int{
	0x80: 4, 0x81: 4, 0x82: 4, 0x83: 4, 0x84: 4, 0x85: 4, 0x86: 4, 0x87: 4,
	0x88: 4, 0x89: 4, 0x8a: 16, 0x8b: 4, 0x8c: 4, 0x8d: 4, 0x8e: 4, 0x90: 4,
	0x91: 4, 0x92: 4, 0x93: 4, 0x94: 4, 0x95: 40, 0x96: 32, 0x97: -1,
	0x98: 204, 0x99: 32, 0x9a: 48, 0x9b: 8, 0xd0: -1, 0xd2: 20,
}

// linuxRsp mirrors ncsi_rcv_rsp + ncsi_validate_rsp_pkt for the response
// to a command with the given IID and type: it returns the NC-SI packet
// (from the NC-SI header) or fails the test.
func linuxRsp(t *testing.T, frames [][]byte, iid, typ, channel byte) []byte {
	t.Helper()
	if len(frames) != 1 {
		t.Fatalf("cmd %#x: %d response frames, want 1", typ, len(frames))
	}
	f := frames[0]
	if len(f) < 60 || binary.BigEndian.Uint16(f[12:]) != 0x88f8 {
		t.Fatalf("cmd %#x: not an NC-SI frame", typ)
	}
	if f[0]&f[1]&f[2]&f[3]&f[4]&f[5] != 0xff {
		t.Errorf("cmd %#x: response not broadcast (MAC filter would need it)", typ)
	}
	h := f[14:]
	if h[4] != typ|0x80 || h[3] != iid || h[5] != channel {
		t.Fatalf("cmd %#x: type %#x iid %d channel %#x", typ, h[4], h[3], h[5])
	}
	if h[1] != 1 {
		t.Fatalf("cmd %#x: revision %d", typ, h[1])
	}
	payload, ok := rspPayload[h[4]]
	if !ok {
		t.Fatalf("cmd %#x: Linux has no handler for %#x", typ, h[4])
	}
	if payload < 0 {
		payload = int(binary.BigEndian.Uint16(h[6:]))
	}
	if int(binary.BigEndian.Uint16(h[6:])) != payload {
		t.Fatalf("cmd %#x: payload length %d, Linux wants %d", typ, binary.BigEndian.Uint16(h[6:]), payload)
	}
	if code, reason := binary.BigEndian.Uint16(h[16:]), binary.BigEndian.Uint16(h[18:]); code != 0 || reason != 0 {
		t.Fatalf("cmd %#x: code %d reason %#x", typ, code, reason)
	}
	cs := 20 + (payload+3)&^3 - 4
	if len(h) < cs+4 {
		t.Fatalf("cmd %#x: frame too short for checksum", typ)
	}
	got := binary.BigEndian.Uint32(h[cs:])
	if got == 0 || got != linuxChecksum(h[:20+payload-4]) {
		t.Fatalf("cmd %#x: checksum %08x, want %08x", typ, got, linuxChecksum(h[:20+payload-4]))
	}
	return h
}

type seq struct {
	t   *testing.T
	r   *Responder
	iid byte
}

func (s *seq) send(typ, pkg, ch byte, payload []byte) [][]byte {
	s.iid++
	if s.iid == 0 {
		s.iid = 1
	}
	return s.r.Handle(buildCmd(s.iid, typ, pkg, ch, payload))
}

func (s *seq) expect(typ, pkg, ch byte, payload []byte) []byte {
	s.t.Helper()
	fr := s.send(typ, pkg, ch, payload)
	return linuxRsp(s.t, fr, s.iid, typ, pkg<<5|ch)
}

func (s *seq) silent(typ, pkg, ch byte, payload []byte) {
	s.t.Helper()
	if fr := s.send(typ, pkg, ch, payload); fr != nil {
		s.t.Fatalf("cmd %#x to %d/%d answered; nothing should be there", typ, pkg, ch)
	}
}

func (s *seq) failed(typ, pkg, ch byte, payload []byte, code, reason uint16) {
	s.t.Helper()
	fr := s.send(typ, pkg, ch, payload)
	if len(fr) != 1 {
		s.t.Fatalf("cmd %#x: no response", typ)
	}
	h := fr[0][14:]
	if h[4] != typ|0x80 || binary.BigEndian.Uint16(h[16:]) != code || binary.BigEndian.Uint16(h[18:]) != reason {
		s.t.Fatalf("cmd %#x: type %#x code %d reason %#x, want code %d reason %#x", typ, h[4],
			binary.BigEndian.Uint16(h[16:]), binary.BigEndian.Uint16(h[18:]), code, reason)
	}
	pl := int(binary.BigEndian.Uint16(h[6:]))
	cs := 16 + (pl+3)&^3
	if binary.BigEndian.Uint32(h[cs:]) != linuxChecksum(h[:16+pl]) {
		s.t.Fatalf("cmd %#x: bad checksum on failure response", typ)
	}
}

func u32(v uint32) []byte { b := make([]byte, 4); binary.BigEndian.PutUint32(b, v); return b }
func be(h []byte, off int) uint32 {
	return binary.BigEndian.Uint32(h[off:])
}

// TestLinuxProbeAndConfigure replays ncsi-manage.c: ncsi_probe_channel
// then ncsi_configure_channel (with CONFIG_NCSI_OEM_CMD_GET_MAC) and the
// channel monitor, checking each response as ncsi-rsp.c's handlers do.
func TestLinuxProbeAndConfigure(t *testing.T) {
	link := true
	s := &seq{t: t, r: New(Config{MAC: nicMAC, Link: func() bool { return link }})}

	// probe_deselect: DP to every package; only package 0 exists.
	s.expect(cmdDP, 0, reservedChan, nil)
	for p := byte(1); p < 8; p++ {
		s.silent(cmdDP, p, reservedChan, nil)
	}
	// probe_package: SP (hw_arbitration = 1).
	s.expect(cmdSP, 0, reservedChan, []byte{0, 0, 0, 1})
	// probe_channel: CIS, GVI, GC, GLS for channel 0.
	s.expect(cmdCIS, 0, 0, nil)
	gvi := s.expect(cmdGVI, 0, 0, nil)
	bcd := func(x byte) int {
		lo, hi := int(x&0xf), int(x>>4)
		if lo > 9 {
			lo = 0
		}
		if hi > 9 {
			hi = 0
		}
		return lo + 10*hi
	}
	if maj, min := bcd(gvi[20]), bcd(gvi[21]); maj != 1 || min != 1 {
		t.Errorf("version %d.%d, want 1.1 (so Linux uses the OEM GMA, not GMCMA)", maj, min)
	}
	if mf := be(gvi, 52); mf != MfrBroadcom {
		t.Errorf("manufacturer %#x", mf)
	}
	gc := s.expect(cmdGC, 0, 0, nil)
	if be(gc, 20)&0x7f&0x10 == 0 || be(gc, 36)&0x7 != 7 {
		t.Errorf("capabilities: generic %#x aen %#x", be(gc, 20), be(gc, 36))
	}
	vlanCnt, mixed, mcCnt, ucCnt, chCnt := gc[40], gc[41], gc[42], gc[43], gc[47]
	if ucCnt == 0 || vlanCnt == 0 || chCnt != 1 || gc[46]&7 == 0 {
		t.Errorf("filter counts uc %d vlan %d channels %d vlan modes %#x", ucCnt, vlanCnt, chCnt, gc[46])
	}
	gls := s.expect(cmdGLS, 0, 0, nil)
	if be(gls, 20)&1 == 0 {
		t.Error("link down in GLS")
	}
	// channel_probe_id 1 < channel_count? No: only one channel, but an
	// absent channel must stay silent.
	s.silent(cmdCIS, 0, 1, nil)
	s.expect(cmdDP, 0, reservedChan, nil)
	for p := byte(1); p < 8; p++ {
		s.silent(cmdSP, p, reservedChan, []byte{0, 0, 0, 1})
	}

	// ncsi_configure_channel.
	s.expect(cmdSP, 0, reservedChan, []byte{0, 0, 0, 1})
	s.expect(cmdCIS, 0, 0, nil)
	// config_oem_gma: Broadcom GMA (ncsi_oem_gma_handler_bcm).
	bcm := make([]byte, 12)
	binary.BigEndian.PutUint32(bcm, MfrBroadcom)
	bcm[5] = 0x01
	oem := s.expect(cmdOEM, 0, 0, bcm)
	if be(oem, 20) != MfrBroadcom || oem[24+1] != 0x01 {
		t.Fatalf("BCM OEM response header wrong")
	}
	if got := oem[24+28 : 24+34]; string(got) != string(nicMAC[:]) {
		t.Errorf("BCM GMA MAC % x", got)
	}
	// clear_vids: SVF disable on every index (bitmap starts all-ones).
	for i := byte(1); i <= vlanCnt; i++ {
		s.expect(cmdSVF, 0, 0, []byte{0, 0, 0, 0, 0, 0, i, 0})
	}
	s.expect(cmdDV, 0, 0, nil)
	sma := append(append([]byte{}, bmcMAC[:]...), 1, 1)
	s.expect(cmdSMA, 0, 0, sma)
	s.expect(cmdEBF, 0, 0, u32(be(gc, 24)&0xf))
	s.expect(cmdDGMF, 0, 0, nil)
	s.expect(cmdECNT, 0, 0, nil)
	s.expect(cmdEC, 0, 0, nil)
	s.expect(cmdAE, 0, 0, append([]byte{0, 0, 0, 0}, u32(be(gc, 36)&7)...))
	s.expect(cmdGLS, 0, 0, nil)

	// Get Parameters reflects the configuration (ncsi_rsp_handler_gp).
	gp := s.expect(cmdGP, 0, 0, nil)
	if gp[20] != ucCnt+mcCnt+mixed || gp[23]&1 == 0 {
		t.Errorf("GP mac count %d enable %#x", gp[20], gp[23])
	}
	if string(gp[48:54]) != string(bmcMAC[:]) {
		t.Errorf("GP MAC table % x", gp[48:54])
	}
	if valid := be(gp, 36); valid&0x7 != 0x7 {
		t.Errorf("GP valid modes %#x (BC filter, enabled, TX enabled expected)", valid)
	}
	if be(gp, 44)&1 == 0 {
		t.Errorf("GP AEN mode %#x", be(gp, 44))
	}
	// Statistics commands validate their fixed lengths.
	s.r.CountPassThrough(true, 100)
	s.r.CountPassThrough(false, 200)
	gcps := s.expect(cmdGCPS, 0, 0, nil)
	if binary.BigEndian.Uint64(gcps[28:]) != 200 {
		t.Errorf("GCPS rx bytes %d", binary.BigEndian.Uint64(gcps[28:]))
	}
	gns := s.expect(cmdGNS, 0, 0, nil)
	if be(gns, 20) == 0 {
		t.Error("GNS rx_cmds is zero")
	}
	s.expect(cmdGNPTS, 0, 0, nil)
	s.expect(cmdGPS, 0, reservedChan, nil)
	s.expect(cmdGPUUID, 0, reservedChan, nil)

	// Monitor: GLS follows the backend; an LSC AEN is sent on change.
	link = false
	aens := s.r.LinkChanged(false)
	checkAEN(t, aens, false)
	if be(s.expect(cmdGLS, 0, 0, nil), 20)&1 != 0 {
		t.Error("GLS says up with the link down")
	}
	link = true
	checkAEN(t, s.r.LinkChanged(true), true)

	// Remaining commands of the brief's list.
	s.expect(cmdSL, 0, 0, make([]byte, 8))
	s.expect(cmdEV, 0, 0, []byte{0, 0, 0, 2})
	s.expect(cmdSVF, 0, 0, []byte{0, 0, 0, 100, 0, 0, 1, 1})
	// SVF's index and enable are payload bytes 6 and 7; Get Parameters
	// shows filter 1 enabled with VLAN 100.
	if gp := s.expect(cmdGP, 0, 0, nil); binary.BigEndian.Uint16(gp[26:])&1 == 0 || binary.BigEndian.Uint16(gp[60:]) != 100 {
		t.Errorf("GP after SVF: vlan enable %#x, filter 1 = %d", binary.BigEndian.Uint16(gp[26:]), binary.BigEndian.Uint16(gp[60:]))
	}
	s.expect(cmdEGMF, 0, 0, u32(1))
	s.expect(cmdDBF, 0, 0, nil)
	s.expect(cmdSNFC, 0, 0, []byte{0, 0, 0, 0})
	s.expect(cmdDCNT, 0, 0, nil)
	s.expect(cmdDC, 0, 0, []byte{0, 0, 0, 1})
	s.expect(cmdRC, 0, 0, make([]byte, 4))
	// After a reset the channel is back in its initial state.
	s.failed(cmdGLS, 0, 0, nil, codeFailed, reasonInit)
	if aens := s.r.LinkChanged(false); len(aens) != 0 {
		t.Error("AEN sent by a channel in its initial state")
	}
}

// checkAEN mirrors ncsi_aen_handler / ncsi_validate_aen_pkt for LSC.
func checkAEN(t *testing.T, frames [][]byte, up bool) {
	t.Helper()
	if len(frames) != 1 {
		t.Fatalf("%d AEN frames, want 1", len(frames))
	}
	h := frames[0][14:]
	if h[4] != 0xff || h[3] != 0 || h[1] != 1 || h[19] != 0x00 {
		t.Fatalf("AEN header % x", h[:20])
	}
	if binary.BigEndian.Uint16(h[6:]) != 12 {
		t.Fatalf("AEN payload length %d, Linux wants 12", binary.BigEndian.Uint16(h[6:]))
	}
	cs := binary.BigEndian.Uint32(h[20+12-4:])
	if cs != linuxChecksum(h[:20+12-4]) {
		t.Fatal("AEN checksum mismatch")
	}
	if (be(h, 20)&1 != 0) != up {
		t.Errorf("AEN link status %#x, want up=%v", be(h, 20), up)
	}
}

func TestOEMGetMACVariants(t *testing.T) {
	for _, c := range []struct {
		mfr  uint32
		data []byte
		off  int // MAC offset in the OEM data (after the manufacturer ID)
	}{
		{MfrBroadcom, []byte{0, 0x01, 0, 0, 0, 0, 0, 0}, 28},
		{MfrMellanox, []byte{0, 0x00, 0x1b, 0}, 8},
		{MfrIntel, []byte{0x06}, 1},
	} {
		s := &seq{t: t, r: New(Config{MAC: nicMAC, Manufacturer: c.mfr})}
		s.expect(cmdCIS, 0, 0, nil)
		gvi := s.expect(cmdGVI, 0, 0, nil)
		if be(gvi, 52) != c.mfr {
			t.Errorf("GVI manufacturer %#x, want %#x", be(gvi, 52), c.mfr)
		}
		pl := append(u32(c.mfr), c.data...)
		h := s.expect(cmdOEM, 0, 0, pl)
		if be(h, 20) != c.mfr {
			t.Errorf("%#x: OEM response manufacturer %#x", c.mfr, be(h, 20))
		}
		if got := h[24+c.off : 24+c.off+6]; string(got) != string(nicMAC[:]) {
			t.Errorf("%#x: MAC % x", c.mfr, got)
		}
	}
}

func TestErrorsAndUnsupported(t *testing.T) {
	s := &seq{t: t, r: New(Config{MAC: nicMAC})}
	// Initial state: everything but CIS needs initialization.
	s.failed(cmdEC, 0, 0, nil, codeFailed, reasonInit)
	s.expect(cmdCIS, 0, 0, nil)
	// Unknown command type.
	s.failed(0x51, 0, 0, nil, codeUnsupported, reasonUnknown)
	s.failed(0x60, 0, 0, nil, codeUnsupported, reasonUnknown)
	// Unknown OEM.
	s.failed(cmdOEM, 0, 0, append(u32(0x1234), 1, 2, 3, 4), codeUnsupported, reasonUnknown)
	// Bad parameters.
	s.failed(cmdSMA, 0, 0, append(append([]byte{}, bmcMAC[:]...), 9, 1), codeFailed, reasonParam)
	s.failed(cmdSVF, 0, 0, []byte{0, 0, 0, 1, 0, 0, 0, 1}, codeFailed, reasonParam)
	// Short payload for a parameterised command.
	s.failed(cmdAE, 0, 0, []byte{0, 0, 0, 0}, codeFailed, reasonLength)
	// Bad checksum: dropped silently (and counted).
	f := buildCmd(77, cmdGLS, 0, 0, nil)
	f[14+16] ^= 0x55
	if s.r.Handle(f) != nil {
		t.Error("command with a bad checksum answered")
	}
	// Zero checksum means "not computed": accepted.
	f = buildCmd(78, cmdGLS, 0, 0, nil)
	binary.BigEndian.PutUint32(f[14+16:], 0)
	linuxRsp(t, s.r.Handle(f), 78, cmdGLS, 0)
	gns := s.expect(cmdGNS, 0, 0, nil)
	if be(gns, 32) != 1 {
		t.Errorf("GNS checksum errors %d, want 1", be(gns, 32))
	}
	// Not NC-SI, truncated, responses looped back, garbage: no replies.
	for _, g := range [][]byte{
		nil, make([]byte, 13), make([]byte, 60),
		buildCmd(1, cmdGLS, 0, 0, nil)[:20],
		func() []byte { f := buildCmd(1, cmdGLS, 0, 0, nil); f[14+4] = 0x8a; return f }(),
	} {
		if s.r.Handle(g) != nil {
			t.Errorf("answered garbage % x", g)
		}
	}
	// A length field beyond the frame: invalid length response.
	f = buildCmd(79, cmdGLS, 0, 0, nil)
	binary.BigEndian.PutUint16(f[14+6:], 200)
	fr := s.r.Handle(f)
	if len(fr) != 1 || binary.BigEndian.Uint16(fr[0][14+18:]) != reasonLength {
		t.Error("oversized length not rejected with reason 5")
	}
}

func TestTwoChannels(t *testing.T) {
	s := &seq{t: t, r: New(Config{MAC: nicMAC, Channels: 2})}
	s.expect(cmdCIS, 0, 0, nil)
	s.expect(cmdCIS, 0, 1, nil)
	gc := s.expect(cmdGC, 0, 1, nil)
	if gc[47] != 2 {
		t.Errorf("channel count %d", gc[47])
	}
	s.silent(cmdCIS, 0, 2, nil)
	s.expect(cmdAE, 0, 1, append([]byte{0, 0, 0, 0}, u32(1)...))
	aens := s.r.LinkChanged(true)
	if len(aens) != 1 || aens[0][14+5] != 1 {
		t.Errorf("AENs %d (only channel 1 enabled them)", len(aens))
	}
}
