package ftgmac100

// Descriptor DMA engines: the normal priority TX ring and the RX ring.
//
// Descriptor layout (ftgmac100.h, AST2500): 4 little-endian words.
//   TXDES0: 31 TXDMA_OWN, 30 EDOTR, 29 FTS, 28 LTS, 19 CRC_ERR, 13:0 size
//   TXDES1: 31 TXIC, 30 TX2FIC, 22 LLC, 19 IP_CS, 18 UDP_CS, 17 TCP_CS,
//           16 INS_VLAN, 15:0 VLAN TCI
//   TXDES3: buffer address
//   RXDES0: 31 RXPKT_RDY, 30 EDORR, 29 FRS, 28 LRS, 25..16 status/errors,
//           13:0 VDBC (bytes in this buffer)
//   RXDES1: 27 IP_CS_ERR, 26 UDP_CS_ERR, 25 TCP_CS_ERR, 24 VLAN available,
//           21:20 protocol (0 non-IP, 1 IP, 2 TCP, 3 UDP), 15:0 VLAN TCI
//   RXDES3: buffer address
// The descriptor stride is DBLAC RXDES_SIZE/TXDES_SIZE x 8 bytes, at least
// 16.

import (
	"encoding/binary"
	"hash/crc32"

	"gvisor.dev/gvisor/pkg/tcpip/checksum"
)

const (
	txdesOwn   = 1 << 31
	desEnd     = 1 << 30 // EDOTR / EDORR on ASPEED parts
	txdesFTS   = 1 << 29
	txdesLTS   = 1 << 28
	txdesSize  = 0x3fff
	txd1InsVL  = 1 << 16
	txd1TCPCS  = 1 << 17
	txd1UDPCS  = 1 << 18
	txd1IPCS   = 1 << 19
	rxdesRdy   = 1 << 31
	rxdesFRS   = 1 << 29
	rxdesLRS   = 1 << 28
	rxdesFTL   = 1 << 20
	rxdesMcast = 1 << 16
	rxdesBcast = 1 << 17
	rxd1VLAN   = 1 << 24
	rxd1TCPErr = 1 << 25
	rxd1UDPErr = 1 << 26
	rxd1IPErr  = 1 << 27
	rxd1ProtIP = 1 << 20
	rxd1ProtTC = 2 << 20
	rxd1ProtUD = 3 << 20

	maxWalk     = 1024      // descriptors examined per TX poll (MAX_TX_QUEUE_ENTRIES)
	maxRxDescs  = 2048      // descriptors one received frame may span
	maxTxFrame  = 16 * 1024 // gathered TX frame limit
	maxRxFrame  = 9220      // jumbo frame + VLAN tag
	minFrame    = 60        // frames are padded to the Ethernet minimum (no FCS)
	maxStdFrame = 1514      // 1518 on the wire less the FCS (+4 when tagged); longer is FTL unless JUMBO_LF
)

func (m *MAC) txStride() uint32 {
	s := ((m.dblac >> 16) & 0xf) * 8
	if s < 16 {
		s = 16
	}
	return s
}

func (m *MAC) rxStride() uint32 {
	s := ((m.dblac >> 12) & 0xf) * 8
	if s < 16 {
		s = 16
	}
	return s
}

func (m *MAC) readDesc(pa uint32) ([4]uint32, bool) {
	var b [16]byte
	var d [4]uint32
	if m.cfg.DMA == nil || !m.cfg.DMA.ReadPhys(pa, b[:]) {
		return d, false
	}
	for i := range d {
		d[i] = binary.LittleEndian.Uint32(b[i*4:])
	}
	return d, true
}

func (m *MAC) writeWord(pa, v uint32) bool {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return m.cfg.DMA != nil && m.cfg.DMA.WritePhys(pa, b[:])
}

func (m *MAC) ahbError(format string, args ...any) {
	m.log.GuestError(m.name, format, args...)
	m.raise(intAHBErr)
}

// transmit walks the TX ring from the current pointer, sending every
// complete frame the guest handed over, and stops at the first descriptor
// the CPU owns. Descriptors of a frame are handed back (OWN cleared, other
// bits kept) only once the whole frame has been sent, so a frame whose
// later segments are not ready yet is retried from its first descriptor at
// the next poll.
func (m *MAC) transmit() {
	if m.maccr&(maccrTXDMA|maccrTXMAC) != maccrTXDMA|maccrTXMAC {
		return
	}
	stride := m.txStride()
	var frame []byte
	var segs []uint32 // descriptor addresses of the frame being gathered
	var segW0 []uint32
	var flags uint32
	ptr := m.txPtr
	sent := false
	for walked := 0; walked < maxWalk; walked++ {
		d, ok := m.readDesc(ptr)
		if !ok {
			m.ahbError("TX descriptor at 0x%08x outside RAM", ptr)
			break
		}
		if d[0]&txdesOwn == 0 {
			m.isr |= intNoNPTXBuf
			break
		}
		if d[0]&txdesFTS != 0 {
			if len(segs) > 0 {
				m.log.GuestError(m.name, "TX frame at 0x%08x restarted (FTS) before LTS; earlier segments discarded", segs[0])
				m.releaseTx(segs, segW0)
			}
			frame, segs, segW0 = frame[:0], segs[:0], segW0[:0]
			flags = d[1]
		} else if len(segs) == 0 {
			m.log.GuestError(m.name, "TX descriptor at 0x%08x owned by the MAC without FTS; skipped", ptr)
			m.releaseTx([]uint32{ptr}, []uint32{d[0]})
			ptr = m.nextTx(ptr, d[0], stride)
			continue
		}
		n := d[0] & txdesSize
		if len(frame)+int(n) > maxTxFrame {
			m.ahbError("TX frame larger than %d bytes at descriptor 0x%08x", maxTxFrame, ptr)
			segs, segW0 = append(segs, ptr), append(segW0, d[0])
			m.releaseTx(segs, segW0)
			segs = segs[:0]
			ptr = m.nextTx(ptr, d[0], stride)
			m.txPtr = ptr
			break
		}
		if n > 0 {
			start := len(frame)
			frame = append(frame, make([]byte, n)...)
			if !m.cfg.DMA.ReadPhys(d[3], frame[start:]) {
				m.ahbError("TX buffer 0x%08x+%d outside RAM", d[3], n)
				break
			}
		}
		segs, segW0 = append(segs, ptr), append(segW0, d[0])
		ptr = m.nextTx(ptr, d[0], stride)
		if d[0]&txdesLTS != 0 {
			m.sendFrame(frame, flags)
			m.releaseTx(segs, segW0)
			segs, segW0, frame = segs[:0], segW0[:0], nil
			m.txPtr = ptr
			sent = true
		}
	}
	if sent {
		m.isr |= intXPKTEth | intXPKTFifo
	}
	m.update()
}

func (m *MAC) nextTx(ptr, w0, stride uint32) uint32 {
	if w0&desEnd != 0 {
		return m.txBase
	}
	return ptr + stride
}

func (m *MAC) releaseTx(segs, w0 []uint32) {
	for i, pa := range segs {
		if !m.writeWord(pa, w0[i]&^txdesOwn) {
			m.ahbError("TX descriptor write at 0x%08x outside RAM", pa)
		}
	}
}

// sendFrame applies the TXDES1 offloads and hands the frame to Tx.
func (m *MAC) sendFrame(frame []byte, flags uint32) {
	if len(frame) < 14 {
		m.log.GuestError(m.name, "TX frame of %d bytes dropped", len(frame))
		return
	}
	out := make([]byte, len(frame), len(frame)+4)
	copy(out, frame)
	if flags&(txd1IPCS|txd1TCPCS|txd1UDPCS) != 0 {
		txChecksums(out, flags)
	}
	if flags&txd1InsVL != 0 {
		out = out[:len(out)+4]
		copy(out[16:], out[12:len(out)-4])
		binary.BigEndian.PutUint16(out[12:], 0x8100)
		binary.BigEndian.PutUint16(out[14:], uint16(flags))
	}
	m.txPkts++
	if m.cfg.Tx != nil {
		m.cfg.Tx(out)
	}
}

// l3Offset returns the offset of the EtherType-identified payload (past
// one 802.1Q tag if present) and the EtherType.
func l3Offset(f []byte) (int, uint16) {
	if len(f) < 14 {
		return 0, 0
	}
	et := binary.BigEndian.Uint16(f[12:])
	off := 14
	if et == 0x8100 && len(f) >= 18 {
		et = binary.BigEndian.Uint16(f[16:])
		off = 18
	}
	return off, et
}

// ipv4 locates a well-formed IPv4 header at off: header length, total
// length (clipped check), protocol and whether the packet is a fragment.
func ipv4(f []byte, off int) (ihl, total int, proto byte, frag, ok bool) {
	if len(f) < off+20 || f[off]>>4 != 4 {
		return
	}
	ihl = int(f[off]&0xf) * 4
	total = int(binary.BigEndian.Uint16(f[off+2:]))
	if ihl < 20 || total < ihl || off+total > len(f) {
		return
	}
	fo := binary.BigEndian.Uint16(f[off+6:])
	frag = fo&0x3fff != 0 // MF or a fragment offset
	return ihl, total, f[off+9], frag, true
}

// l4Sum computes the one's complement sum (gVisor's checksum package) of
// the IPv4 pseudo-header and the L4 segment seg (checksum field included
// as it is).
func l4Sum(ip []byte, proto byte, seg []byte) uint16 {
	sum := checksum.Checksum(ip[12:20], 0)
	sum = checksum.Combine(sum, uint16(proto))
	sum = checksum.Combine(sum, uint16(len(seg)))
	return checksum.Checksum(seg, sum)
}

// txChecksums fills the IPv4 header, TCP and UDP checksums the descriptor
// asks for. The fields are computed from scratch (the stack leaves a
// partial pseudo-header sum there).
func txChecksums(f []byte, flags uint32) {
	off, et := l3Offset(f)
	if et != 0x0800 {
		return
	}
	ihl, total, proto, frag, ok := ipv4(f, off)
	if !ok {
		return
	}
	ip := f[off : off+ihl]
	if flags&txd1IPCS != 0 {
		ip[10], ip[11] = 0, 0
		binary.BigEndian.PutUint16(ip[10:], ^checksum.Checksum(ip, 0))
	}
	if frag {
		return
	}
	seg := f[off+ihl : off+total]
	switch {
	case proto == 6 && flags&txd1TCPCS != 0 && len(seg) >= 20:
		seg[16], seg[17] = 0, 0
		binary.BigEndian.PutUint16(seg[16:], ^l4Sum(ip, proto, seg))
	case proto == 17 && flags&txd1UDPCS != 0 && len(seg) >= 8:
		seg[6], seg[7] = 0, 0
		c := ^l4Sum(ip, proto, seg)
		if c == 0 {
			c = 0xffff
		}
		binary.BigEndian.PutUint16(seg[6:], c)
	}
}

// rxChecksums classifies a received frame for RXDES1: the protocol field
// is set only when the MAC verified the checksums it implies (unfragmented
// IPv4 TCP or UDP), so the driver's CHECKSUM_UNNECESSARY is always earned;
// other IPv4 packets report "non-IP" and are checked by the stack.
func rxChecksums(f []byte) uint32 {
	off, et := l3Offset(f)
	if et != 0x0800 {
		return 0
	}
	ihl, total, proto, frag, ok := ipv4(f, off)
	if !ok || frag || (proto != 6 && proto != 17) {
		return 0
	}
	ip := f[off : off+ihl]
	var st uint32
	if checksum.Checksum(ip, 0) != 0xffff {
		st |= rxd1IPErr
	}
	seg := f[off+ihl : off+total]
	switch proto {
	case 6:
		st |= rxd1ProtTC
		if len(seg) < 20 || l4Sum(ip, proto, seg) != 0xffff {
			st |= rxd1TCPErr
		}
	case 17:
		st |= rxd1ProtUD
		if len(seg) < 8 {
			st |= rxd1UDPErr
		} else if binary.BigEndian.Uint16(seg[6:]) != 0 && l4Sum(ip, proto, seg) != 0xffff {
			st |= rxd1UDPErr
		}
	}
	return st
}

// crcLE is the little-endian (reflected) Ethernet CRC-32 as Linux's
// ether_crc_le computes it: initial value ~0 and no final inversion, so
// the complement of hash/crc32's IEEE checksum.
func crcLE(b []byte) uint32 {
	return ^crc32.ChecksumIEEE(b)
}

// HashIndex returns the MAHT bit (0..63) a multicast address selects, as
// ftgmac100_calc_mc_hash computes it: bits 7:2 of the inverted CRC.
func HashIndex(addr []byte) uint32 {
	return ^(crcLE(addr[:6]) >> 2) & 0x3f
}

// accept applies the MACCR address filters.
func (m *MAC) accept(f []byte) (ok, bcast, mcast bool) {
	all := m.maccr&maccrRxAll != 0
	dst := f[:6]
	if dst[0]&1 != 0 {
		bcast = dst[0]&dst[1]&dst[2]&dst[3]&dst[4]&dst[5] == 0xff
		if bcast {
			return all || m.maccr&maccrRxBroad != 0, true, false
		}
		if all || m.maccr&maccrRxMulti != 0 {
			return true, false, true
		}
		if m.maccr&maccrHTMulti != 0 {
			h := HashIndex(dst)
			if h >= 32 {
				return m.maht1&(1<<(h-32)) != 0, false, true
			}
			return m.maht0&(1<<h) != 0, false, true
		}
		return false, false, true
	}
	if all {
		return true, false, false
	}
	return uint32(dst[0])<<8|uint32(dst[1]) == m.madr &&
		uint32(dst[2])<<24|uint32(dst[3])<<16|uint32(dst[4])<<8|uint32(dst[5]) == m.ladr, false, false
}

// Receive takes one frame from the wire (destination MAC first, no FCS).
// It is called on the machine goroutine.
func (m *MAC) Receive(frame []byte) {
	if m.maccr&maccrRXMAC == 0 || len(frame) < 14 || len(frame) > maxRxFrame {
		m.dropped++
		return
	}
	if ok, _, _ := m.accept(frame); !ok {
		return
	}
	if len(m.backlog) >= rxBacklogSize {
		m.dropped++
		m.rxLost++
		m.raise(intRPKTLost)
		return
	}
	m.backlog = append(m.backlog, append([]byte(nil), frame...))
	m.drain()
	if len(m.backlog) > 0 {
		m.raise(intNoRXBuf)
	}
}

// drain moves waiting frames into free RX descriptors, in order.
func (m *MAC) drain() {
	if len(m.backlog) == 0 {
		return
	}
	if m.maccr&(maccrRXDMA|maccrRXMAC) != maccrRXDMA|maccrRXMAC {
		return
	}
	placed := false
	for len(m.backlog) > 0 {
		switch m.place(m.backlog[0]) {
		case placeNoBuf:
			m.stalled = true
			m.armPoll()
			if placed {
				m.raise(intRPKTBuf)
			}
			return
		case placeOK:
			placed = true
		}
		m.backlog[0] = nil
		m.backlog = m.backlog[1:]
	}
	m.backlog = nil
	m.stalled = false
	if m.poll != nil {
		m.poll.Stop()
	}
	if placed {
		m.raise(intRPKTBuf)
	}
}

// armPoll schedules the RX descriptor auto-poll (APTC RXPOLL_CNT, in units
// of about 8 us, x16 with RXPOLL_TIME_SEL). Without auto-poll the guest
// must write RXPD.
func (m *MAC) armPoll() {
	if m.poll == nil {
		return
	}
	cnt := uint64(m.aptc & 0xf)
	if cnt == 0 {
		return
	}
	ns := cnt * 8192
	if m.aptc&(1<<4) != 0 {
		ns *= 16
	}
	m.poll.SetAfter(ns)
}

func (m *MAC) autoPoll() { m.drain() }

type placeResult int

const (
	placeOK placeResult = iota
	placeNoBuf
	placeDropped
)

// place writes one frame into the descriptors at the RX pointer.
func (m *MAC) place(in []byte) placeResult {
	bufSize := int(m.rbsr & 0x3fff)
	if bufSize == 0 {
		m.log.GuestError(m.name, "RX buffer size (RBSR) is 0; frame dropped")
		m.dropped++
		return placeDropped
	}
	_, bcast, mcast := m.accept(in)
	f := in
	var d1 uint32
	if m.maccr&maccrRmVLAN != 0 && len(f) >= 18 && binary.BigEndian.Uint16(f[12:]) == 0x8100 {
		d1 = rxd1VLAN | uint32(binary.BigEndian.Uint16(f[14:]))
		g := make([]byte, 0, len(f)-4)
		g = append(g, f[:12]...)
		f = append(g, f[16:]...)
	}
	if len(f) < minFrame {
		g := make([]byte, minFrame)
		copy(g, f)
		f = g
	}
	d1 |= rxChecksums(f)
	var d0 uint32
	if bcast {
		d0 |= rxdesBcast
	}
	if mcast {
		d0 |= rxdesMcast
	}
	limit := maxStdFrame
	if binary.BigEndian.Uint16(f[12:]) == 0x8100 {
		limit += 4
	}
	if len(f) > limit && m.maccr&maccrJumbo == 0 {
		d0 |= rxdesFTL
		m.rxFTL++
	}
	need := (len(f) + bufSize - 1) / bufSize
	if need > maxRxDescs {
		m.log.GuestError(m.name, "RX frame of %d bytes needs %d descriptors; dropped", len(f), need)
		m.dropped++
		return placeDropped
	}
	// Check that enough descriptors are free before touching any.
	stride := m.rxStride()
	descs := make([]uint32, need)
	w0s := make([]uint32, need)
	bufs := make([]uint32, need)
	ptr := m.rxPtr
	for i := 0; i < need; i++ {
		d, ok := m.readDesc(ptr)
		if !ok {
			m.ahbError("RX descriptor at 0x%08x outside RAM; frame dropped", ptr)
			m.dropped++
			return placeDropped
		}
		if d[0]&rxdesRdy != 0 {
			return placeNoBuf
		}
		descs[i], w0s[i], bufs[i] = ptr, d[0], d[3]
		if d[0]&desEnd != 0 {
			ptr = m.rxBase
		} else {
			ptr += stride
		}
	}
	for i := 0; i < need; i++ {
		chunk := f[i*bufSize:]
		if len(chunk) > bufSize {
			chunk = chunk[:bufSize]
		}
		if !m.cfg.DMA.WritePhys(bufs[i], chunk) {
			m.ahbError("RX buffer 0x%08x+%d outside RAM; frame dropped", bufs[i], len(chunk))
			m.dropped++
			return placeDropped
		}
	}
	// Hand the descriptors over last-to-first so the first one (which
	// the driver polls) becomes ready only when the frame is complete.
	for i := need - 1; i >= 0; i-- {
		n := len(f) - i*bufSize
		if n > bufSize {
			n = bufSize
		}
		w0 := w0s[i]&desEnd | rxdesRdy | d0 | uint32(n)
		if i == 0 {
			w0 |= rxdesFRS
		}
		if i == need-1 {
			w0 |= rxdesLRS
		}
		m.writeWord(descs[i]+4, d1)
		m.writeWord(descs[i], w0)
	}
	m.rxPtr = ptr
	m.rxPkts++
	if bcast {
		m.rxBcast++
	}
	if mcast {
		m.rxMcast++
	}
	return placeOK
}
