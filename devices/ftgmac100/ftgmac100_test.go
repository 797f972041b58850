package ftgmac100

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
)

// fakeRAM is DRAM at 0x80000000.
type fakeRAM struct {
	base uint32
	mem  []byte
}

func (r *fakeRAM) ok(pa uint32, n int) bool {
	return pa >= r.base && uint64(pa)-uint64(r.base)+uint64(n) <= uint64(len(r.mem))
}

func (r *fakeRAM) ReadPhys(pa uint32, p []byte) bool {
	if !r.ok(pa, len(p)) {
		return false
	}
	copy(p, r.mem[pa-r.base:])
	return true
}

func (r *fakeRAM) WritePhys(pa uint32, p []byte) bool {
	if !r.ok(pa, len(p)) {
		return false
	}
	copy(r.mem[pa-r.base:], p)
	return true
}

func (r *fakeRAM) w32(pa, v uint32) { binary.LittleEndian.PutUint32(r.mem[pa-r.base:], v) }
func (r *fakeRAM) r32(pa uint32) uint32 {
	return binary.LittleEndian.Uint32(r.mem[pa-r.base:])
}

const (
	ramBase = 0x80000000
	txRing  = ramBase + 0x1000
	rxRing  = ramBase + 0x2000
	txBufs  = ramBase + 0x10000
	rxBufs  = ramBase + 0x40000
	nDesc   = 8
	bufSize = 1536
)

var ourMAC = [6]byte{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}

type rig struct {
	t   *testing.T
	clk *devtest.Clock
	ram *fakeRAM
	m   *MAC
	irq bool
	tx  [][]byte
	log *mmio.Log
	rxp int // driver's rx_pointer
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t}
	r.clk = devtest.NewClock()
	r.ram = &fakeRAM{base: ramBase, mem: make([]byte, 1<<20)}
	r.log = mmio.NewLog(&bytes.Buffer{})
	r.m = New(Config{
		Name:  "mac0",
		Clock: r.clk.Clock,
		IRQ:   mmio.LineFunc(func(l bool) { r.irq = l }),
		DMA:   r.ram,
		Tx:    func(f []byte) { r.tx = append(r.tx, f) },
		Log:   r.log,
		PHY:   true,
		MAC:   [6]byte{0x00, 0x00, 0x5e, 0x00, 0x53, 0x01},
	})
	return r
}

func (r *rig) rd(off uint32) uint32    { return r.m.Read(off, 4) }
func (r *rig) wr(off uint32, v uint32) { r.m.Write(off, 4, v) }

// advance moves guest time forward by d ns, firing each timer at its own
// deadline as the machine loop does.
func (r *rig) advance(d uint64) { r.clk.Advance(d) }

// driverInit replays ftgmac100_open: reset_and_config_mac, init_rings,
// alloc_rx_buffers, init_hw, config_pause, start_hw, IER = INT_ALL.
func (r *rig) driverInit(extraMACCR uint32) {
	for i := 0; i < 2; i++ {
		r.wr(rMACCR, 1<<9)
		r.wr(rMACCR, 1<<9|maccrSWReset)
		if r.rd(rMACCR)&maccrSWReset != 0 {
			r.t.Fatal("SW_RST did not self-clear")
		}
	}
	for i := uint32(0); i < nDesc; i++ {
		w0 := uint32(0)
		if i == nDesc-1 {
			w0 = desEnd
		}
		r.ram.w32(rxRing+i*16, w0)
		r.ram.w32(rxRing+i*16+12, rxBufs+i*2048)
		r.ram.w32(txRing+i*16, w0)
	}
	r.rxp = 0
	isr := r.rd(rISR)
	r.wr(rISR, isr)
	r.wr(rRXRBADR, rxRing)
	r.wr(rNPTXRBADR, txRing)
	r.wr(rRBSR, bufSize)
	r.wr(rAPTC, 1)
	r.wr(rMADR, uint32(ourMAC[0])<<8|uint32(ourMAC[1]))
	r.wr(rLADR, binary.BigEndian.Uint32(ourMAC[2:]))
	r.wr(rMAHT0, 0)
	r.wr(rMAHT1, 0)
	r.wr(rDBLAC, 2<<12|2<<16|3<<8|3<<10|1<<6|6<<3|2)
	r.wr(rITC, 1<<4|1<<12)
	fear := r.rd(rFEAR)
	tp := r.rd(rTPAFCR) &^ 0x3f000000
	r.wr(rTPAFCR, tp|(fear>>3&7)<<27|(fear&7)<<24)
	r.wr(rFCR, 16<<16|1|4)
	maccr := r.rd(rMACCR) & (1<<19 | 1<<9)
	maccr |= maccrTXDMA | maccrRXDMA | maccrTXMAC | maccrRXMAC | 1<<10 | 1<<11 | 1<<12 | maccrRxBroad | 1<<8
	r.wr(rMACCR, maccr|extraMACCR)
	r.wr(rIER, intRPKTBuf|intXPKTEth|intRPKTLost|intXPKTLost|intAHBErr|intNoRXBuf)
}

// ---- reference checksum (independent of the model's code) ----

func refSum(chunks ...[]byte) uint16 {
	var s uint64
	for _, c := range chunks {
		for i := 0; i < len(c); i += 2 {
			w := uint64(c[i]) << 8
			if i+1 < len(c) {
				w |= uint64(c[i+1])
			}
			s += w
		}
	}
	for s > 0xffff {
		s = (s >> 16) + (s & 0xffff)
	}
	return ^uint16(s)
}

func pseudo(ip []byte, proto byte, l int) []byte {
	p := make([]byte, 12)
	copy(p, ip[12:20])
	p[9] = proto
	binary.BigEndian.PutUint16(p[10:], uint16(l))
	return p
}

// ipFrame builds an Ethernet/IPv4 frame carrying proto with payload; the
// checksums are correct when good is true, else left zero (for TX
// offload tests) .
func ipFrame(dst [6]byte, proto byte, payload []byte, good bool) []byte {
	var l4 []byte
	switch proto {
	case 6:
		l4 = make([]byte, 20+len(payload))
		binary.BigEndian.PutUint16(l4[0:], 1234)
		binary.BigEndian.PutUint16(l4[2:], 80)
		l4[12] = 5 << 4
		l4[13] = 0x18
		copy(l4[20:], payload)
	case 17:
		l4 = make([]byte, 8+len(payload))
		binary.BigEndian.PutUint16(l4[0:], 5353)
		binary.BigEndian.PutUint16(l4[2:], 53)
		binary.BigEndian.PutUint16(l4[4:], uint16(len(l4)))
		copy(l4[8:], payload)
	default:
		l4 = append([]byte(nil), payload...)
	}
	ip := make([]byte, 20)
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(l4)))
	ip[8] = 64
	ip[9] = proto
	copy(ip[12:], []byte{10, 0, 2, 15})
	copy(ip[16:], []byte{10, 0, 2, 2})
	if good {
		binary.BigEndian.PutUint16(ip[10:], refSum(ip))
		switch proto {
		case 6:
			binary.BigEndian.PutUint16(l4[16:], refSum(pseudo(ip, 6, len(l4)), l4))
		case 17:
			binary.BigEndian.PutUint16(l4[6:], refSum(pseudo(ip, 17, len(l4)), l4))
		}
	}
	f := append([]byte{}, dst[:]...)
	f = append(f, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x08, 0x00)
	f = append(f, ip...)
	return append(f, l4...)
}

func checkIPFrame(t *testing.T, f []byte, off int) {
	t.Helper()
	ip := f[off : off+20]
	if refSum(ip) != 0 {
		t.Errorf("bad IPv4 header checksum %04x", binary.BigEndian.Uint16(ip[10:]))
	}
	l4 := f[off+20:]
	if refSum(pseudo(ip, ip[9], len(l4)), l4) != 0 {
		t.Errorf("bad L4 checksum (proto %d)", ip[9])
	}
}

// ---- TX ----

// queueTx writes a frame into the TX ring split into segments, the way
// ftgmac100_hard_start_xmit does (first descriptor's OWN last), and kicks
// NPTXPD. It returns the next free ring index.
func (r *rig) queueTx(idx int, segs [][]byte, d1 uint32) int {
	first := idx
	var firstW0 uint32
	for i, s := range segs {
		buf := uint32(txBufs + idx*2048)
		copy(r.ram.mem[buf-ramBase:], s)
		w0 := txdesOwn | uint32(len(s))
		if idx == nDesc-1 {
			w0 |= desEnd
		}
		if i == 0 {
			w0 |= txdesFTS
		}
		if i == len(segs)-1 {
			w0 |= txdesLTS
		}
		pa := uint32(txRing + idx*16)
		r.ram.w32(pa+12, buf)
		if i == 0 {
			r.ram.w32(pa+4, d1)
			firstW0 = w0
		} else {
			r.ram.w32(pa+4, 0)
			r.ram.w32(pa, w0)
		}
		idx = (idx + 1) % nDesc
	}
	r.ram.w32(uint32(txRing+first*16), firstW0)
	r.wr(rNPTXPD, 1)
	return idx
}

func TestTXMultiSegmentChecksumVLAN(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	dst := [6]byte{0x02, 1, 2, 3, 4, 5}
	idx := 0
	for _, proto := range []byte{17, 6} {
		r.tx = nil
		f := ipFrame(dst, proto, bytes.Repeat([]byte("payload!"), 40), false)
		// Linux leaves a partial pseudo-header sum in the L4 field; put
		// garbage there to show the MAC computes from scratch.
		if proto == 6 {
			f[14+20+16] = 0x5a
		} else {
			f[14+20+6] = 0xa5
		}
		segs := [][]byte{f[:54], f[54:100], f[100:]}
		d1 := uint32(txd1IPCS|txd1InsVL) | 0x2064 // PCP 1, VID 100
		if proto == 6 {
			d1 |= txd1TCPCS
		} else {
			d1 |= txd1UDPCS
		}
		start := idx
		idx = r.queueTx(idx, segs, d1)
		if len(r.tx) != 1 {
			t.Fatalf("proto %d: %d frames sent, want 1", proto, len(r.tx))
		}
		out := r.tx[0]
		if len(out) != len(f)+4 {
			t.Fatalf("frame length %d, want %d", len(out), len(f)+4)
		}
		if binary.BigEndian.Uint16(out[12:]) != 0x8100 || binary.BigEndian.Uint16(out[14:]) != 0x2064 {
			t.Errorf("VLAN tag not inserted: % x", out[12:18])
		}
		if !bytes.Equal(out[:12], f[:12]) || !bytes.Equal(out[16:28], f[12:24]) {
			t.Errorf("frame header mangled")
		}
		checkIPFrame(t, out, 18)
		for i := 0; i < 3; i++ {
			w0 := r.ram.r32(uint32(txRing + ((start+i)%nDesc)*16))
			if w0&txdesOwn != 0 {
				t.Errorf("descriptor %d still owned by the MAC", (start+i)%nDesc)
			}
			if (start+i)%nDesc == nDesc-1 && w0&desEnd == 0 {
				t.Errorf("EDOTR lost on the last descriptor")
			}
		}
		if r.rd(rISR)&intXPKTEth == 0 || !r.irq {
			t.Errorf("no XPKT_ETH interrupt (isr %x irq %v)", r.rd(rISR), r.irq)
		}
		r.wr(rISR, r.rd(rISR))
		if r.irq {
			t.Errorf("IRQ still up after ISR ack")
		}
	}
	// Two frames across the ring wrap (6 descriptors used so far).
	r.tx = nil
	f1 := ipFrame(dst, 1, make([]byte, 50), true)
	idx = r.queueTx(idx, [][]byte{f1[:20], f1[20:]}, 0)
	idx = r.queueTx(idx, [][]byte{f1}, 0)
	if len(r.tx) != 2 || !bytes.Equal(r.tx[0], f1) || !bytes.Equal(r.tx[1], f1) {
		t.Fatalf("wrap: got %d frames", len(r.tx))
	}
	if got := r.rd(rNPTXRPTR); got != uint32(txRing+idx*16) {
		t.Errorf("NPTXR_PTR = %x, want %x", got, txRing+idx*16)
	}
	if r.rd(rTXCNT) != 4 {
		t.Errorf("TX counter %d", r.rd(rTXCNT))
	}
}

func TestTXIncompleteFrameWaits(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	f := ipFrame([6]byte{2, 0, 0, 0, 0, 1}, 17, make([]byte, 100), true)
	// FTS owned, second segment not yet owned.
	r.ram.w32(txRing+12, txBufs)
	copy(r.ram.mem[txBufs-ramBase:], f[:60])
	r.ram.w32(txRing+16+12, txBufs+2048)
	copy(r.ram.mem[txBufs+2048-ramBase:], f[60:])
	r.ram.w32(txRing, txdesOwn|txdesFTS|60)
	r.wr(rNPTXPD, 1)
	if len(r.tx) != 0 || r.ram.r32(txRing)&txdesOwn == 0 {
		t.Fatalf("incomplete frame sent or released")
	}
	r.ram.w32(txRing+16, txdesOwn|txdesLTS|uint32(len(f)-60))
	r.wr(rNPTXPD, 1)
	if len(r.tx) != 1 || !bytes.Equal(r.tx[0], f) {
		t.Fatalf("frame not sent after completion")
	}
}

func TestTXDisabled(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	r.wr(rMACCR, r.rd(rMACCR)&^maccrTXDMA)
	f := ipFrame([6]byte{2, 0, 0, 0, 0, 1}, 17, make([]byte, 10), true)
	r.queueTx(0, [][]byte{f}, 0)
	if len(r.tx) != 0 {
		t.Fatal("sent with TXDMA_EN clear")
	}
	r.wr(rMACCR, r.rd(rMACCR)|maccrTXDMA)
	r.wr(rNPTXPD, 1)
	if len(r.tx) != 1 {
		t.Fatal("not sent after enabling")
	}
}

// ---- RX ----

type rxFrame struct {
	w0, w1 uint32
	data   []byte
}

// driverRx replays ftgmac100_rx_packet: take the descriptor at the
// driver's pointer if RXPKT_RDY, then give it back (rxdes0 = EDORR mask).
func (r *rig) driverRx() (rxFrame, bool) {
	pa := uint32(rxRing + r.rxp*16)
	w0 := r.ram.r32(pa)
	if w0&rxdesRdy == 0 {
		return rxFrame{}, false
	}
	n := w0 & 0x3fff
	buf := r.ram.r32(pa + 12)
	fr := rxFrame{w0: w0, w1: r.ram.r32(pa + 4), data: append([]byte(nil), r.ram.mem[buf-ramBase:buf-ramBase+n]...)}
	r.ram.w32(pa, w0&desEnd)
	r.rxp = (r.rxp + 1) % nDesc
	return fr, true
}

func bcastFrame(n int) []byte {
	f := make([]byte, n)
	copy(f, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 9, 9, 9, 9, 9, 0x08, 0x06})
	return f
}

func TestRXFilters(t *testing.T) {
	mc := [6]byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}
	other := [6]byte{0x01, 0x00, 0x5e, 0x7f, 0x12, 0x34}
	hashIdx := func(a [6]byte) uint32 {
		crc := ^crc32.ChecksumIEEE(a[:]) // ether_crc_le
		return ^(crc >> 2) & 0x3f
	}
	if hashIdx(mc) == hashIdx(other) {
		t.Fatal("test addresses collide in the hash")
	}
	cases := []struct {
		name  string
		maccr uint32
		maht  uint64
		dst   [6]byte
		want  bool
	}{
		{"unicast ours", 0, 0, ourMAC, true},
		{"unicast other", 0, 0, [6]byte{2, 0, 0, 0, 0, 9}, false},
		{"unicast other promisc", maccrRxAll, 0, [6]byte{2, 0, 0, 0, 0, 9}, true},
		{"broadcast", 0, 0, [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true},
		{"multicast no filter", 0, 0, mc, false},
		{"multicast all", maccrRxMulti, 0, mc, true},
		{"multicast promisc", maccrRxAll, 0, mc, true},
		{"multicast hash hit", maccrHTMulti, 1 << hashIdx(mc), mc, true},
		{"multicast hash miss", maccrHTMulti, 1 << hashIdx(mc), other, false},
	}
	for _, c := range cases {
		r := newRig(t)
		r.driverInit(c.maccr)
		r.wr(rMAHT0, uint32(c.maht))
		r.wr(rMAHT1, uint32(c.maht>>32))
		f := ipFrame(c.dst, 17, []byte("hello"), true)
		r.m.Receive(f)
		fr, got := r.driverRx()
		if got != c.want {
			t.Errorf("%s: received %v, want %v", c.name, got, c.want)
			continue
		}
		if !got {
			continue
		}
		if !bytes.Equal(fr.data[:len(f)], f) || len(fr.data) != 60 {
			t.Errorf("%s: data mismatch (len %d)", c.name, len(fr.data))
		}
		if fr.w0&(rxdesFRS|rxdesLRS) != rxdesFRS|rxdesLRS {
			t.Errorf("%s: FRS/LRS missing: %08x", c.name, fr.w0)
		}
		if (c.dst[0]&1 != 0 && c.dst[1] != 0xff) != (fr.w0&rxdesMcast != 0) {
			t.Errorf("%s: MULTICAST flag wrong: %08x", c.name, fr.w0)
		}
		if r.rd(rISR)&intRPKTBuf == 0 || !r.irq {
			t.Errorf("%s: no RPKT_BUF interrupt", c.name)
		}
	}
	// Broadcast filtered when RX_BROADPKT is clear.
	r := newRig(t)
	r.driverInit(0)
	r.wr(rMACCR, r.rd(rMACCR)&^maccrRxBroad)
	r.m.Receive(bcastFrame(60))
	if _, got := r.driverRx(); got {
		t.Error("broadcast received with RX_BROADPKT clear")
	}
}

func TestHashIndexMatchesDriver(t *testing.T) {
	for _, a := range [][6]byte{{1, 0, 0x5e, 0, 0, 1}, {0x33, 0x33, 0, 0, 0, 1}, {1, 0x80, 0xc2, 0, 0, 0xe}} {
		want := ^(^crc32.ChecksumIEEE(a[:]) >> 2) & 0x3f
		if got := HashIndex(a[:]); got != want {
			t.Errorf("%x: hash %d, want %d", a, got, want)
		}
	}
}

func TestRXChecksumStatus(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	check := func(name string, f []byte, wantProt, wantErr uint32) {
		t.Helper()
		r.m.Receive(f)
		fr, ok := r.driverRx()
		if !ok {
			t.Fatalf("%s: not received", name)
		}
		if fr.w1&(3<<20) != wantProt || fr.w1&(rxd1IPErr|rxd1TCPErr|rxd1UDPErr) != wantErr {
			t.Errorf("%s: RXDES1 = %08x, want prot %x err %x", name, fr.w1, wantProt, wantErr)
		}
	}
	tcp := ipFrame(ourMAC, 6, []byte("some tcp data"), true)
	check("good tcp", tcp, rxd1ProtTC, 0)
	udp := ipFrame(ourMAC, 17, []byte("some udp data"), true)
	check("good udp", udp, rxd1ProtUD, 0)
	bad := append([]byte(nil), tcp...)
	bad[len(bad)-1] ^= 0xff
	check("bad tcp", bad, rxd1ProtTC, rxd1TCPErr)
	bad = append([]byte(nil), udp...)
	bad[len(bad)-1] ^= 0xff
	check("bad udp", bad, rxd1ProtUD, rxd1UDPErr)
	nocs := append([]byte(nil), udp...)
	nocs[14+20+6], nocs[14+20+7] = 0, 0
	nocs[len(nocs)-1] ^= 0xff
	check("udp without checksum", nocs, rxd1ProtUD, 0)
	bad = append([]byte(nil), tcp...)
	bad[14+8] = 1 // TTL changed, header checksum stale
	check("bad ip header", bad, rxd1ProtTC, rxd1IPErr)
	check("icmp", ipFrame(ourMAC, 1, make([]byte, 30), true), 0, 0)
	frag := append([]byte(nil), udp...)
	frag[14+6] = 0x20 // MF
	check("fragment", frag, 0, 0)
	arp := bcastFrame(42)
	check("arp", arp, 0, 0)
}

func vlanTag(f []byte, tci uint16) []byte {
	g := append([]byte(nil), f[:12]...)
	g = append(g, 0x81, 0x00, byte(tci>>8), byte(tci))
	return append(g, f[12:]...)
}

func TestRXVLAN(t *testing.T) {
	f := ipFrame(ourMAC, 17, bytes.Repeat([]byte{7}, 100), true)
	tagged := vlanTag(f, 0x3005)
	// Stripping on.
	r := newRig(t)
	r.driverInit(maccrRmVLAN)
	r.m.Receive(tagged)
	fr, ok := r.driverRx()
	if !ok {
		t.Fatal("not received")
	}
	if fr.w1&rxd1VLAN == 0 || fr.w1&0xffff != 0x3005 {
		t.Errorf("RXDES1 = %08x, want VLAN 0x3005 available", fr.w1)
	}
	if !bytes.Equal(fr.data, f) {
		t.Errorf("stripped frame differs (len %d vs %d)", len(fr.data), len(f))
	}
	if fr.w1&(3<<20) != rxd1ProtUD {
		t.Errorf("checksum status not computed on stripped frame: %08x", fr.w1)
	}
	// Stripping off: the tag stays in the data.
	r = newRig(t)
	r.driverInit(0)
	r.m.Receive(tagged)
	fr, _ = r.driverRx()
	if fr.w1&rxd1VLAN != 0 || !bytes.Equal(fr.data, tagged) {
		t.Errorf("tag not kept without RM_VLAN: %08x", fr.w1)
	}
}

func TestRXMultiDescriptor(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	r.wr(rRBSR, 256)
	f := ipFrame(ourMAC, 17, bytes.Repeat([]byte{0x5a}, 900), true) // 942 bytes: 4 buffers
	r.m.Receive(f)
	var got []byte
	for i := 0; i < 4; i++ {
		fr, ok := r.driverRx()
		if !ok {
			t.Fatalf("descriptor %d not ready", i)
		}
		if (fr.w0&rxdesFRS != 0) != (i == 0) || (fr.w0&rxdesLRS != 0) != (i == 3) {
			t.Errorf("descriptor %d: FRS/LRS wrong: %08x", i, fr.w0)
		}
		got = append(got, fr.data...)
	}
	if !bytes.Equal(got, f) {
		t.Error("reassembled frame differs")
	}
	if _, ok := r.driverRx(); ok {
		t.Error("extra descriptor")
	}
}

func TestRXOversize(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	r.m.Receive(bcastFrame(1514))
	fr, _ := r.driverRx()
	if fr.w0&rxdesFTL != 0 {
		t.Error("1514-byte frame flagged FTL")
	}
	r.m.Receive(vlanTag(bcastFrame(1514), 5))
	fr, _ = r.driverRx()
	if fr.w0&rxdesFTL != 0 || fr.w0&0x3fff != 1518 {
		t.Errorf("tagged 1518-byte frame: %08x", fr.w0)
	}
	r.m.Receive(bcastFrame(1530))
	fr, _ = r.driverRx()
	if fr.w0&rxdesFTL == 0 {
		t.Error("1530-byte frame not flagged FTL")
	}
}

func TestRXBackPressure(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	const total = 40
	frame := func(i int) []byte {
		f := ipFrame(ourMAC, 17, []byte{byte(i), byte(i >> 8), 0xee}, true)
		return f
	}
	for i := 0; i < total; i++ {
		r.m.Receive(frame(i))
	}
	if r.m.Backlog() != total-nDesc {
		t.Fatalf("backlog %d, want %d", r.m.Backlog(), total-nDesc)
	}
	if r.rd(rISR)&intNoRXBuf == 0 {
		t.Error("NO_RXBUF not raised")
	}
	var seq []int
	for rounds := 0; rounds < 100 && len(seq) < total; rounds++ {
		// The driver takes a few frames, then time passes (auto-poll).
		for k := 0; k < 3; k++ {
			fr, ok := r.driverRx()
			if !ok {
				break
			}
			seq = append(seq, int(fr.data[14+28])|int(fr.data[14+29])<<8)
		}
		r.advance(20000)
	}
	if len(seq) != total {
		t.Fatalf("received %d frames, want %d", len(seq), total)
	}
	for i, s := range seq {
		if s != i {
			t.Fatalf("frame %d has sequence %d (lost or duplicated)", i, s)
		}
	}
	if r.m.Dropped() != 0 || r.m.Backlog() != 0 {
		t.Errorf("dropped %d backlog %d", r.m.Dropped(), r.m.Backlog())
	}
	// Overflow: only the backlog bound drops frames, and they are counted.
	for i := 0; i < nDesc+rxBacklogSize+5; i++ {
		r.m.Receive(frame(i))
	}
	if r.m.Dropped() != 5 {
		t.Errorf("dropped %d, want 5", r.m.Dropped())
	}
	if r.rd(rISR)&intRPKTLost == 0 {
		t.Error("RPKT_LOST not raised on overflow")
	}
}

func TestRXPollDemandWithoutAutoPoll(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	r.wr(rAPTC, 0)
	for i := 0; i < nDesc+1; i++ {
		r.m.Receive(bcastFrame(60))
	}
	r.driverRx()
	r.advance(1000000)
	if r.m.Backlog() != 1 {
		t.Fatalf("backlog moved without poll: %d", r.m.Backlog())
	}
	r.wr(rRXPD, 1)
	if r.m.Backlog() != 0 {
		t.Fatal("RXPD did not retry")
	}
}

// ---- garbage ----

func TestGarbageNoPanic(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	// TX buffer outside RAM.
	r.ram.w32(txRing+12, 0x10)
	r.ram.w32(txRing, txdesOwn|txdesFTS|txdesLTS|100)
	r.wr(rNPTXPD, 1)
	if r.rd(rISR)&intAHBErr == 0 || len(r.tx) != 0 {
		t.Error("bad TX buffer: no AHB error")
	}
	// Every descriptor owned, no EDOTR anywhere: a bounded walk.
	r = newRig(t)
	r.driverInit(0)
	for i := uint32(0); i < 4096; i++ {
		pa := txRing + i*16
		if pa+16 > ramBase+0x10000 {
			break
		}
		r.ram.w32(pa+12, txBufs)
		r.ram.w32(pa, txdesOwn|txdesFTS|txdesLTS) // zero-length segments
	}
	r.wr(rNPTXPD, 1)
	if len(r.tx) != 0 {
		t.Errorf("zero-length frames sent: %d", len(r.tx))
	}
	// Rings outside RAM.
	r.wr(rNPTXRBADR, 0xfffffff0)
	r.wr(rNPTXPD, 1)
	r.wr(rRXRBADR, 0x40)
	r.m.Receive(bcastFrame(60))
	if r.rd(rISR)&intAHBErr == 0 {
		t.Error("no AHB error for ring outside RAM")
	}
	// RX buffer outside RAM, RBSR 0, huge frames, junk sizes.
	r = newRig(t)
	r.driverInit(0)
	r.ram.w32(rxRing+12, 0xfffff000)
	r.m.Receive(bcastFrame(2000))
	r.wr(rRBSR, 0)
	r.m.Receive(bcastFrame(60))
	r.m.Receive(make([]byte, 3))
	r.m.Receive(make([]byte, 70000))
	// A TX frame with FTS but never LTS, wrapping the whole ring.
	r = newRig(t)
	r.driverInit(0)
	for i := uint32(0); i < nDesc; i++ {
		w0 := uint32(txdesOwn | 64)
		if i == 0 {
			w0 |= txdesFTS
		}
		if i == nDesc-1 {
			w0 |= desEnd
		}
		r.ram.w32(txRing+i*16+12, txBufs)
		r.ram.w32(txRing+i*16, w0)
	}
	r.wr(rNPTXPD, 1)
	// Sub-word and unknown accesses.
	for off := uint32(0); off < 0x200; off++ {
		r.m.Read(off, 1)
		r.m.Write(off, 1, 0)
		r.m.Read(off&^1, 2)
	}
}

// ---- link, PHY and MDIO ----

func (r *rig) mdioRead(phy, reg uint32) uint16 {
	pc := r.rd(rPHYCR) & 0x3f
	r.wr(rPHYCR, pc|phy<<16|reg<<21|phycrMIIRD)
	if r.rd(rPHYCR)&phycrMIIRD != 0 {
		r.t.Fatal("MIIRD did not complete")
	}
	return uint16(r.rd(rPHYDATA) >> 16)
}

func (r *rig) mdioWrite(phy, reg uint32, v uint16) {
	pc := r.rd(rPHYCR) & 0x3f
	r.wr(rPHYDATA, uint32(v))
	r.wr(rPHYCR, pc|phy<<16|reg<<21|phycrMIIWR)
	if r.rd(rPHYCR)&phycrMIIWR != 0 {
		r.t.Fatal("MIIWR did not complete")
	}
}

func TestMDIOOldInterface(t *testing.T) {
	r := newRig(t)
	r.m.SetLink(true)
	if r.mdioRead(0, 2) != 0x001c || r.mdioRead(0, 3) != 0xc915 {
		t.Fatal("wrong PHY ID")
	}
	if r.mdioRead(1, 2) != 0xffff || r.mdioRead(31, 1) != 0xffff {
		t.Error("absent PHY does not read 0xffff")
	}
	if r.rd(rPHYCR)&0x3f != 0x34 {
		t.Error("MDC_CYCTHR not preserved")
	}
	// Reset self-clears; autoneg completes at 1000/full.
	r.mdioWrite(0, 0, 0x8000)
	if r.mdioRead(0, 0)&0x8000 != 0 {
		t.Error("BMCR reset did not self-clear")
	}
	r.mdioWrite(0, 0, 0x1340) // AN enable + restart
	bmsr := r.mdioRead(0, 1)
	if bmsr&(bmsrLink|bmsrANDone) != bmsrLink|bmsrANDone {
		t.Errorf("BMSR = %04x, want link + AN complete", bmsr)
	}
	if r.mdioRead(0, 10)&0x0800 == 0 || r.mdioRead(0, 5)&0x0100 == 0 || r.mdioRead(0, 15)&0x2000 == 0 {
		t.Error("partner/1000BASE-T abilities missing")
	}
	if physr := r.mdioRead(0, 0x11); physr&0xe000 != 0xa000 {
		t.Errorf("PHYSR = %04x, want 1000/full", physr)
	}
	// Advertise 100 only: resolves to 100/full.
	r.mdioWrite(0, 9, 0)
	if physr := r.mdioRead(0, 0x11); physr&0xe000 != 0x6000 {
		t.Errorf("PHYSR = %04x, want 100/full", physr)
	}
	// rtl8211e_config_init's paged access.
	r.mdioWrite(0, 0x1f, 7)
	r.mdioWrite(0, 0x1e, 0xa4)
	r.mdioWrite(0, 0x1c, 0x2000)
	if r.mdioRead(0, 0x1c) != 0x2000 || r.mdioRead(0, 0x1f) != 7 {
		t.Error("extension page register not stored")
	}
	r.mdioWrite(0, 0x1f, 0)
	if r.mdioRead(0, 2) != 0x001c {
		t.Error("page 0 not restored")
	}
}

func TestMDIONewInterface(t *testing.T) {
	r := newRig(t)
	r.m.SetLink(true)
	r.wr(rREVR, revrNewMDIO)
	cmd := func(op, phy, reg, data uint32) uint32 {
		r.wr(rPHYCR, newMDIOFire|newMDIOST|op<<26|phy<<21|reg<<16|data)
		if r.rd(rPHYCR)&newMDIOFire != 0 {
			t.Fatal("FIRE did not clear")
		}
		d := r.rd(rPHYDATA)
		if d&newMDIOIdle == 0 {
			t.Fatal("not idle")
		}
		return d & 0xffff
	}
	if cmd(2, 0, 2, 0) != 0x001c || cmd(2, 0, 3, 0) != 0xc915 {
		t.Error("wrong PHY ID via new MDIO")
	}
	if cmd(2, 5, 2, 0) != 0xffff {
		t.Error("absent PHY via new MDIO")
	}
	cmd(1, 0, 4, 0x0061)
	if cmd(2, 0, 4, 0) != 0x0061 {
		t.Error("ANAR write via new MDIO lost")
	}
	// Driver switches back to the old interface (ftgmac100_setup_mdio).
	r.wr(rREVR, r.rd(rREVR)&^revrNewMDIO)
	if r.mdioRead(0, 4) != 0x0061 {
		t.Error("old interface after switching back")
	}
}

func TestLinkChange(t *testing.T) {
	r := newRig(t)
	r.driverInit(0)
	r.wr(rIER, r.rd(rIER)|intPHYSTS)
	r.m.SetLink(true)
	if r.rd(rISR)&intPHYSTS == 0 || !r.irq {
		t.Fatal("no PHYSTS_CHG on link up")
	}
	r.wr(rISR, intPHYSTS)
	r.mdioRead(0, 1)
	if r.mdioRead(0, 1)&bmsrLink == 0 {
		t.Fatal("link not up")
	}
	r.m.SetLink(false)
	r.m.SetLink(true) // a bounce between two polls
	if r.rd(rISR)&intPHYSTS == 0 {
		t.Error("no PHYSTS_CHG on bounce")
	}
	if r.mdioRead(0, 1)&bmsrLink != 0 {
		t.Error("BMSR link bit not latched low after a drop")
	}
	if r.mdioRead(0, 1)&bmsrLink == 0 {
		t.Error("BMSR link bit not back after second read")
	}
	if r.mdioRead(0, 0x13)&insrLinkChg == 0 || r.mdioRead(0, 0x13) != 0 {
		t.Error("INSR link change not latched/cleared")
	}
	r.m.SetLink(false)
	if r.mdioRead(0, 1)&(bmsrLink|bmsrANDone) != 0 || r.mdioRead(0, 0x11) != 0 {
		t.Error("link still reported up")
	}
	// Power down hides the link.
	r.m.SetLink(true)
	r.mdioWrite(0, 0, bmcrDefault|bmcrPDown)
	r.mdioRead(0, 1)
	if r.mdioRead(0, 1)&bmsrLink != 0 {
		t.Error("link up while powered down")
	}
}

func TestResetValuesAndMAC(t *testing.T) {
	r := newRig(t)
	if r.rd(rMADR) != 0x0000 || r.rd(rLADR) != 0x5e005301 {
		t.Errorf("MAC hint not in MADR/LADR: %x %x", r.rd(rMADR), r.rd(rLADR))
	}
	r.wr(rIER, intMask)
	r.wr(rISR, 0xffffffff)
	if r.rd(rISR) != 0 || r.irq {
		t.Error("ISR not clear at reset")
	}
	// Byte access to MACCR.
	r.m.Write(rMACCR+1, 1, 0x02)
	if r.rd(rMACCR) != 0x200 {
		t.Errorf("byte write: MACCR = %x", r.rd(rMACCR))
	}
	r.m.Reset()
	if r.rd(rMACCR) != 0 {
		t.Error("Reset did not clear MACCR")
	}
}

func TestLinkWithoutPHY(t *testing.T) {
	r := newRig(t)
	r.m = New(Config{Name: "mac0", Clock: r.clk.Clock, DMA: r.ram, Log: r.log,
		IRQ: mmio.LineFunc(func(l bool) { r.irq = l })})
	r.wr(rIER, intPHYSTS)
	r.m.SetLink(true)
	if !r.irq {
		t.Fatal("no PHYSTS_CHG")
	}
	r.wr(rISR, intPHYSTS)
	r.m.SetLink(true)
	if r.irq {
		t.Error("PHYSTS_CHG without a change")
	}
	if r.mdioRead(0, 2) != 0xffff {
		t.Error("PHY answers although none is configured")
	}
}
