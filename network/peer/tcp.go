package peer

// The peer's TCP (RFC 9293) for a lossless link: passive open on the
// service ports, in-order data acknowledged at once, FIN both ways,
// resets for segments nobody expects. The peer advertises only the MSS
// option, so neither side scales windows or sends timestamps or SACK.

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Connection states the peer passes through (RFC 9293 3.3.2; LISTEN is
// the service port itself, TIME-WAIT is skipped: the guest keeps it).
type state uint8

const (
	synReceived state = iota
	established
	closeWait // the guest closed; the service has not yet
	lastAck   // both closed, the peer's FIN not yet acknowledged
	finWait   // the peer closed first; waiting for the guest's FIN
)

// window is the receive window the peer advertises (unscaled).
const window = 65535

// conn is one TCP connection to a service on 10.0.2.2.
type conn struct {
	peer        hop
	guestPort   uint16
	port        uint16 // the service
	st          state
	rcvNxt      uint32 // next sequence number expected from the guest
	iss, sndNxt uint32
	sndUna      uint32
	sndWnd      uint32 // the guest's window
	mss         int
	out         []byte // service data not yet sent
	closing     bool   // the service closed: FIN after out
	finSent     bool
	guestFIN    bool
	probing     bool // waiting for the echo of the UDP probe
	lastWnd     uint16
}

// service reports whether port has a TCP service.
func service(port uint16) bool {
	return port == EchoPort || port == DiscardPort || port == ProbePort
}

// find returns the connection a segment belongs to.
func (p *Peer) find(h hop, guestPort, port uint16) *conn {
	for _, c := range p.conns {
		if c.peer.ip == h.ip && c.guestPort == guestPort && c.port == port {
			return c
		}
	}
	return nil
}

// drop forgets a connection.
func (p *Peer) drop(c *conn) {
	for i, k := range p.conns {
		if k == c {
			p.conns = append(p.conns[:i], p.conns[i+1:]...)
			return
		}
	}
}

// segLen is the sequence space a segment occupies.
func segLen(t *layers.TCP) uint32 {
	n := uint32(len(t.Payload))
	if t.SYN {
		n++
	}
	if t.FIN {
		n++
	}
	return n
}

// reset answers a segment nobody expects (RFC 9293 3.10.7.1).
func (p *Peer) reset(h hop, t *layers.TCP) {
	if t.RST {
		return
	}
	rst := &layers.TCP{SrcPort: t.DstPort, DstPort: t.SrcPort, RST: true}
	if t.ACK {
		rst.Seq = t.Ack
	} else {
		rst.ACK = true
		rst.Ack = t.Seq + segLen(t)
	}
	p.stats.Resets++
	p.sendIP(h, layers.IPProtocolTCP, rst, nil)
}

// tcp handles a segment to 10.0.2.2.
func (p *Peer) tcp(h hop, t *layers.TCP) {
	c := p.find(h, uint16(t.SrcPort), uint16(t.DstPort))
	if c == nil {
		if t.SYN && !t.ACK && !t.RST && !t.FIN && service(uint16(t.DstPort)) && len(p.conns) < maxConns {
			p.accept(h, t)
			return
		}
		p.reset(h, t)
		return
	}
	c.peer.mac = h.mac // the guest's MAC may change (a new driver binding)
	if t.RST {
		p.drop(c)
		return
	}
	if t.SYN {
		if c.st == synReceived && t.Seq+1 == c.rcvNxt {
			p.synAck(c) // the guest did not see our SYN-ACK
		} else {
			p.ack(c) // RFC 9293 3.10.7.4: a SYN in a synchronized state gets an ACK
		}
		return
	}
	if !t.ACK {
		return
	}
	// The acknowledgment.
	if seqLE(c.sndUna, t.Ack) && seqLE(t.Ack, c.sndNxt) {
		c.sndUna = t.Ack
		c.sndWnd = uint32(t.Window)
		if c.st == synReceived {
			c.st = established
		}
	} else if c.st == synReceived {
		p.reset(h, t)
		return
	}
	// The data and the FIN, in order only.
	needAck := false
	if t.Seq != c.rcvNxt {
		if len(t.Payload) > 0 || t.FIN {
			p.ack(c) // out of order or a duplicate: tell the guest what we expect
		}
	} else if c.st == established || c.st == finWait {
		if n := len(t.Payload); n > 0 {
			c.rcvNxt += uint32(n)
			p.stats.TCPReceived += n
			needAck = true
			if c.port == EchoPort {
				data := append([]byte(nil), t.Payload...)
				p.at(AppDelay, nil, func() { c.out = append(c.out, data...); p.output(c) })
			}
		}
		if t.FIN {
			c.rcvNxt++
			c.guestFIN = true
			needAck = true
			if c.st == established {
				c.st = closeWait
				p.at(AppDelay, nil, func() { p.eof(c) })
			}
		}
	}
	if needAck {
		p.ack(c)
	}
	if c.finSent && c.sndUna == c.sndNxt && c.guestFIN {
		p.drop(c) // both FINs acknowledged
		return
	}
	p.output(c)
	// A window update once the echo's backlog has drained.
	if w := c.window(); c.lastWnd < window/2 && w >= window/2 {
		p.ack(c)
	}
}

// seqLE is a <= b in sequence space.
func seqLE(a, b uint32) bool { return int32(b-a) >= 0 }

// accept answers a SYN to a service port.
func (p *Peer) accept(h hop, t *layers.TCP) {
	p.nconns++
	iss := 0x5eed0000 + p.nconns<<16
	c := &conn{
		peer: h, guestPort: uint16(t.SrcPort), port: uint16(t.DstPort), st: synReceived,
		rcvNxt: t.Seq + 1, iss: iss, sndUna: iss, sndNxt: iss + 1, sndWnd: uint32(t.Window), mss: 536,
	}
	for _, o := range t.Options {
		if o.OptionType == layers.TCPOptionKindMSS && len(o.OptionData) == 2 {
			c.mss = int(o.OptionData[0])<<8 | int(o.OptionData[1])
		}
	}
	c.mss = max(min(c.mss, p.mtu-40), 64)
	p.conns = append(p.conns, c)
	p.stats.TCPConns++
	p.synAck(c)
}

// window is what the peer can take: less what the echo has not yet sent.
func (c *conn) window() uint16 { return uint16(max(window-len(c.out), 0)) }

// segment sends one segment of c with the acknowledgment and window.
func (p *Peer) segment(c *conn, t *layers.TCP, payload []byte) {
	t.SrcPort, t.DstPort = layers.TCPPort(c.port), layers.TCPPort(c.guestPort)
	t.ACK, t.Ack = true, c.rcvNxt
	c.lastWnd = c.window()
	t.Window = c.lastWnd
	p.sendIP(c.peer, layers.IPProtocolTCP, t, gopacket.Payload(payload))
}

func (p *Peer) synAck(c *conn) {
	mss := uint16(p.mtu - 40)
	p.segment(c, &layers.TCP{SYN: true, Seq: c.iss, Options: []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{byte(mss >> 8), byte(mss)}},
	}}, nil)
}

func (p *Peer) ack(c *conn) { p.segment(c, &layers.TCP{Seq: c.sndNxt}, nil) }

// output sends what the service has for the guest, as far as the guest's
// window allows, then the FIN once the service has closed.
func (p *Peer) output(c *conn) {
	if c.st == synReceived {
		return
	}
	for len(c.out) > 0 {
		room := int(c.sndWnd) - int(c.sndNxt-c.sndUna)
		n := min(len(c.out), c.mss, room)
		if n <= 0 {
			return
		}
		p.segment(c, &layers.TCP{PSH: n == len(c.out), Seq: c.sndNxt}, c.out[:n])
		c.sndNxt += uint32(n)
		p.stats.TCPSent += n
		c.out = c.out[n:]
	}
	if c.closing && !c.finSent {
		p.segment(c, &layers.TCP{FIN: true, Seq: c.sndNxt}, nil)
		c.sndNxt++
		c.finSent = true
		if c.st == closeWait {
			c.st = lastAck
		} else {
			c.st = finWait
		}
	}
}

// eof is the service seeing the guest's FIN: the echo and discard
// servers close; the probe first sends its datagram.
func (p *Peer) eof(c *conn) {
	if c.port != ProbePort {
		p.closeConn(c)
		return
	}
	c.probing = true
	p.sendIP(hop{mac: c.peer.mac, ip: c.peer.ip}, layers.IPProtocolUDP,
		&layers.UDP{SrcPort: ProbePort, DstPort: ProbeGuestPort}, gopacket.Payload(ProbePayload))
	p.at(ProbeTimeout, nil, func() {
		if c.probing {
			c.probing = false
			p.closeConn(c)
		}
	})
}

// closeConn is the service closing its side.
func (p *Peer) closeConn(c *conn) {
	if c.closing || p.find(c.peer, c.guestPort, c.port) != c {
		return
	}
	c.closing = true
	p.output(c)
}
