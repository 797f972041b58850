// Package ftgmac100 models the Faraday FTGMAC100 gigabit Ethernet MAC in
// its ASPEED AST2500 flavour (MAC0 at 0x1e660000 on VIC 2, MAC1 at
// 0x1e680000 on VIC 3), with its MDIO master (old and "new" AST2500 MDIO
// command layouts) and an RTL8211E PHY model.
//
// The MAC DMAs 16-byte descriptors from two rings in DRAM: the normal
// priority TX ring (NPTXR_BADR, kicked by writing NPTXPD) and the RX ring
// (RXR_BADR, filled as frames arrive and re-polled by the APTC auto-poll
// timer or an RXPD write). The ASPEED parts mark the end of each ring with
// bit 30 of descriptor word 0 (EDOTR/EDORR). TX gathers FTS..LTS segments,
// applies IPv4/TCP/UDP checksum offload and VLAN tag insertion as asked by
// TXDES1 and hands the frame (no FCS) to Tx. RX filters by station address,
// broadcast, multicast hash (MAHT0/1) or all, optionally strips the VLAN
// tag into RXDES1, verifies IPv4/TCP/UDP checksums into RXDES1 and spreads
// frames larger than RBSR over several descriptors (FRS..LRS). When the
// ring has no free descriptor the frame waits in a bounded backlog (the
// model's RX FIFO) and NO_RXBUF is raised; nothing is dropped until the
// backlog is full.
//
// Sources:
//   - Linux drivers/net/ethernet/faraday/ftgmac100.[ch] (6.1): register and
//     descriptor layouts, init/start/reset sequences, NAPI interrupt use
//     (INT_BAD/INT_RXTX), ftgmac100_calc_mc_hash (ether_crc_le, bits 7:2 of
//     the inverted CRC index MAHT), rxdes0/txdes0 ownership protocol, the
//     aspeed EDORR/EDOTR = BIT(30) masks, checksum/VLAN status use.
//   - Linux drivers/net/mdio/mdio-aspeed.c: the new MDIO command layout
//     (FIRE bit 31, ST bit 28, OP bits 27:26, PHYAD 25:21, REGAD 20:16,
//     data/IDLE in the data register) that REVR bit 31 selects on AST2500.
//   - QEMU hw/net/ftgmac100.c, for facts only (ring walking, SW_RST).
//   - ASPEED AST2500 datasheet, MAC chapter (register summary).
//
// Not modelled: the high-priority TX ring (HPTXR_EN is stored, HPTXPD is
// logged), interrupt mitigation (ITC), flow-control pause frames, wake on
// LAN, loopback, half duplex collisions. MACCR PHY_LINK_LEVEL is stored as
// written; link changes are reported by ISR PHYSTS_CHG and the PHY.
package ftgmac100

import (
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// DMA is the MAC's view of the bus: physical reads and writes of DRAM.
// Both return false when the range is not backed by memory.
type DMA interface {
	ReadPhys(pa uint32, p []byte) bool
	WritePhys(pa uint32, p []byte) bool
}

// Config configures a MAC instance.
type Config struct {
	Name  string
	Clock *vclock.Clock
	IRQ   mmio.Line
	DMA   DMA
	Tx    func(frame []byte) // a transmitted frame (no FCS); the slice is the callee's
	Log   *mmio.Log
	PHY   bool    // an RTL8211E answers at MDIO address 0
	MAC   [6]byte // reset value of MADR/LADR (what U-Boot would leave)
}

// Register offsets.
const (
	rISR       = 0x00
	rIER       = 0x04
	rMADR      = 0x08
	rLADR      = 0x0c
	rMAHT0     = 0x10
	rMAHT1     = 0x14
	rNPTXPD    = 0x18
	rRXPD      = 0x1c
	rNPTXRBADR = 0x20
	rRXRBADR   = 0x24
	rHPTXPD    = 0x28
	rHPTXRBADR = 0x2c
	rITC       = 0x30
	rAPTC      = 0x34
	rDBLAC     = 0x38
	rDMAFIFOS  = 0x3c
	rREVR      = 0x40
	rFEAR      = 0x44
	rTPAFCR    = 0x48
	rRBSR      = 0x4c
	rMACCR     = 0x50
	rMACSR     = 0x54
	rTM        = 0x58
	rPHYCR     = 0x60
	rPHYDATA   = 0x64
	rFCR       = 0x68
	rBPR       = 0x6c
	rWOLCR     = 0x70
	rWOLSR     = 0x74
	rWFCRC     = 0x78
	rWFBM1     = 0x80
	rWFBM4     = 0x8c
	rNPTXRPTR  = 0x90
	rHPTXRPTR  = 0x94
	rRXRPTR    = 0x98
	rTXCNT     = 0xa0
	rRXCOLLOST = 0xc8
	regSpace   = 0x180
)

// ISR/IER bits.
const (
	intRPKTBuf   = 1 << 0
	intRPKTFifo  = 1 << 1
	intNoRXBuf   = 1 << 2
	intRPKTLost  = 1 << 3
	intXPKTEth   = 1 << 4
	intXPKTFifo  = 1 << 5
	intNoNPTXBuf = 1 << 6
	intXPKTLost  = 1 << 7
	intAHBErr    = 1 << 8
	intPHYSTS    = 1 << 9
	intNoHPTXBuf = 1 << 10
	intMask      = 0x7ff
)

// MACCR bits.
const (
	maccrTXDMA    = 1 << 0
	maccrRXDMA    = 1 << 1
	maccrTXMAC    = 1 << 2
	maccrRXMAC    = 1 << 3
	maccrRmVLAN   = 1 << 4
	maccrJumbo    = 1 << 13
	maccrRxAll    = 1 << 14
	maccrHTMulti  = 1 << 15
	maccrRxMulti  = 1 << 16
	maccrRxBroad  = 1 << 17
	maccrSWReset  = 1 << 31
	revrNewMDIO   = 1 << 31
	phycrMIIRD    = 1 << 26
	phycrMIIWR    = 1 << 27
	newMDIOFire   = 1 << 31
	newMDIOST     = 1 << 28
	newMDIOIdle   = 1 << 16
	fearDefault   = 0x00000024 // RX/TX FIFO size codes read by ftgmac100_init_hw
	rxBacklogSize = 256
)

// MAC is one FTGMAC100 instance.
type MAC struct {
	mmio.Port
	cfg   Config
	name  string
	log   *mmio.Log
	clk   *vclock.Clock
	irq   mmio.Line
	level bool

	isr, ier           uint32
	madr, ladr         uint32
	maht0, maht1       uint32
	txBase, rxBase     uint32
	hptxBase           uint32
	itc, aptc, dblac   uint32
	revr, fear, tpafcr uint32
	rbsr, maccr, tm    uint32
	phycr, phydata     uint32
	fcr, bpr           uint32
	wol                [8]uint32 // 0x70..0x8c
	txPtr, rxPtr       uint32

	// counters (0xa0..0xc8)
	txPkts, rxPkts, rxBcast, rxMcast uint32
	rxLost, rxRunt, rxFTL            uint32

	backlog [][]byte // frames waiting for RX descriptors (the RX FIFO)
	stalled bool     // the last attempt found no free descriptor
	dropped uint64   // frames dropped because the backlog was full
	poll    *vclock.Timer

	phy  *PHY
	link bool // carrier seen by a PHY-less MAC (NC-SI sideband)
}

// New returns a MAC in its power-on state.
func New(cfg Config) *MAC {
	m := &MAC{cfg: cfg, name: cfg.Name, log: cfg.Log, clk: cfg.Clock, irq: cfg.IRQ}
	if m.name == "" {
		m.name = "ftgmac100"
	}
	m.Port = mmio.NewPort(m.name, m.log, mmio.Access{}, m)
	if m.irq == nil {
		m.irq = mmio.NoLine
	}
	if cfg.PHY {
		m.phy = newPHY()
	}
	if m.clk != nil {
		m.poll = m.clk.NewTimer(m.name+".rxpoll", m.autoPoll)
	}
	m.Reset()
	return m
}

// Reset restores the power-on state (the PHY is reset too; link carrier
// is kept since it belongs to the outside world).
func (m *MAC) Reset() {
	m.resetRegs()
	m.revr = 0
	m.backlog = nil
	m.stalled = false
	if m.phy != nil {
		m.phy.reset()
	}
	m.update()
}

// resetRegs is the MACCR SW_RST: every MAC register returns to its reset
// value and the DMA engines return to the ring bases. Frames waiting in
// the backlog are kept for the next RX enable. The non-zero reset values
// (DBLAC, RBSR, PHYCR MDC threshold, FCR, BPR, FEAR) are plausible values
// not checked against silicon; Linux rewrites or ignores all of them.
func (m *MAC) resetRegs() {
	mac := m.cfg.MAC
	m.isr, m.ier = 0, 0
	m.madr = uint32(mac[0])<<8 | uint32(mac[1])
	m.ladr = uint32(mac[2])<<24 | uint32(mac[3])<<16 | uint32(mac[4])<<8 | uint32(mac[5])
	m.maht0, m.maht1 = 0, 0
	m.txBase, m.rxBase, m.hptxBase = 0, 0, 0
	m.itc, m.aptc, m.dblac = 0, 0, 0x00022f00
	m.fear, m.tpafcr = fearDefault, 0
	m.rbsr, m.maccr, m.tm = 0x640, 0, 0
	m.phycr, m.phydata = 0x34, 0
	m.fcr, m.bpr = 0x0000_0400, 0x0000_0600
	m.wol = [8]uint32{}
	m.txPtr, m.rxPtr = 0, 0
	m.txPkts, m.rxPkts, m.rxBcast, m.rxMcast = 0, 0, 0, 0
	m.rxLost, m.rxRunt, m.rxFTL = 0, 0, 0
	if m.poll != nil {
		m.poll.Stop()
	}
}

// Dropped returns the number of received frames dropped because the RX
// backlog was full (or the MAC receiver was disabled).
func (m *MAC) Dropped() uint64 { return m.dropped }

// Backlog returns how many received frames wait for RX descriptors.
func (m *MAC) Backlog() int { return len(m.backlog) }

// update drives the interrupt line from ISR & IER.
func (m *MAC) update() {
	lvl := m.isr&m.ier&intMask != 0
	if lvl != m.level {
		m.level = lvl
		m.irq.Set(lvl)
	}
}

func (m *MAC) raise(bits uint32) {
	m.isr |= bits
	m.update()
}

// SetLink reports the backend's carrier. A change of the PHY's link status
// raises ISR PHYSTS_CHG (and the PHY's own INSR bit).
func (m *MAC) SetLink(up bool) {
	if m.phy != nil {
		if m.phy.setCarrier(up) {
			m.raise(intPHYSTS)
		}
		return
	}
	if up != m.link {
		m.link = up
		m.raise(intPHYSTS)
	}
}

// ReadReg implements mmio.Registers.
func (m *MAC) ReadReg(off, mask uint32) (uint32, bool) {
	switch off {
	case rISR:
		return m.isr, true
	case rIER:
		return m.ier, true
	case rMADR:
		return m.madr, true
	case rLADR:
		return m.ladr, true
	case rMAHT0:
		return m.maht0, true
	case rMAHT1:
		return m.maht1, true
	case rNPTXPD, rRXPD, rHPTXPD:
		return 0, true
	case rNPTXRBADR:
		return m.txBase, true
	case rRXRBADR:
		return m.rxBase, true
	case rHPTXRBADR:
		return m.hptxBase, true
	case rITC:
		return m.itc, true
	case rAPTC:
		return m.aptc, true
	case rDBLAC:
		return m.dblac, true
	case rDMAFIFOS:
		// Both FIFOs empty, engines idle.
		return 1<<26 | 1<<27, true
	case rREVR:
		return m.revr, true
	case rFEAR:
		return m.fear, true
	case rTPAFCR:
		return m.tpafcr, true
	case rRBSR:
		return m.rbsr, true
	case rMACCR:
		return m.maccr, true
	case rMACSR:
		return 0, true
	case rTM:
		return m.tm, true
	case rPHYCR:
		return m.phycr, true
	case rPHYDATA:
		return m.phydata, true
	case rFCR:
		return m.fcr, true
	case rBPR:
		return m.bpr, true
	case rNPTXRPTR:
		return m.txPtr, true
	case rHPTXRPTR:
		return m.hptxBase, true
	case rRXRPTR:
		return m.rxPtr, true
	case rTXCNT:
		return m.txPkts, true
	case 0xa4, 0xa8, 0xac, 0xbc:
		return 0, true
	case 0xb0:
		return m.rxPkts, true
	case 0xb4:
		return m.rxBcast, true
	case 0xb8:
		return m.rxMcast, true
	case 0xc0:
		return m.rxRunt, true
	case 0xc4:
		return m.rxFTL, true
	case rRXCOLLOST:
		return m.rxLost & 0xffff, true
	}
	if off >= rWOLCR && off <= rWFBM4 {
		return m.wol[(off-rWOLCR)/4], true
	}
	return 0, false
}

// WriteReg implements mmio.Registers. A narrower write merges with what
// the register reads.
func (m *MAC) WriteReg(off, val, mask uint32) bool {
	if mask != 0xffffffff {
		old, _ := m.ReadReg(off, mask)
		val = mmio.Merge(old, val, mask)
	}
	switch off {
	case rISR:
		m.isr &^= val
		m.update()
		// The driver re-checks the ring right after acking RX/TX; give
		// waiting frames a chance at the descriptors it freed.
		m.drain()
	case rIER:
		m.ier = val & intMask
		m.update()
	case rMADR:
		m.madr = val & 0xffff
	case rLADR:
		m.ladr = val
	case rMAHT0:
		m.maht0 = val
	case rMAHT1:
		m.maht1 = val
	case rNPTXPD:
		m.transmit()
	case rRXPD:
		m.drain()
	case rHPTXPD:
		return false
	case rNPTXRBADR:
		m.txBase = val &^ 0xf
		m.txPtr = m.txBase
	case rRXRBADR:
		m.rxBase = val &^ 0xf
		m.rxPtr = m.rxBase
	case rHPTXRBADR:
		m.hptxBase = val &^ 0xf
	case rITC:
		m.itc = val
	case rAPTC:
		m.aptc = val
	case rDBLAC:
		m.dblac = val
	case rREVR:
		m.revr = val & revrNewMDIO
	case rFEAR:
		// read-only feature register
	case rTPAFCR:
		m.tpafcr = val
	case rRBSR:
		m.rbsr = val & 0x3fff
	case rMACCR:
		if val&maccrSWReset != 0 {
			// The reset completes at once (the bit reads back clear);
			// the other bits written with it stay, which is how the
			// driver's speed bits survive ftgmac100_reset_mac.
			m.resetRegs()
			m.maccr = val &^ maccrSWReset
			m.update()
			return true
		}
		m.maccr = val
		m.drain()
	case rTM:
		m.tm = val
	case rPHYCR:
		m.mdioCommand(val)
	case rPHYDATA:
		m.phydata = val
	case rFCR:
		m.fcr = val
	case rBPR:
		m.bpr = val
	case rDMAFIFOS, rMACSR, rNPTXRPTR, rHPTXRPTR, rRXRPTR:
		// read-only
	default:
		if off >= rWOLCR && off <= rWFBM4 {
			m.wol[(off-rWOLCR)/4] = val
			return true
		}
		if off >= rTXCNT && off <= rRXCOLLOST {
			return true // counters are read-only
		}
		return false
	}
	return true
}

// mdioCommand executes a PHYCR write. With REVR bit 31 clear (what Linux
// selects on AST2400/AST2500) PHYCR holds MDC_CYCTHR, PHYAD, REGAD and the
// MIIRD/MIIWR command bits, with data in PHYDATA (write data in 15:0, read
// data in 31:16). With REVR bit 31 set the register takes the AST2500 "new
// MDIO" command word and the read data lands in PHYDATA 15:0 with IDLE.
// Transfers complete at once: the command bits read back clear.
func (m *MAC) mdioCommand(val uint32) {
	if m.revr&revrNewMDIO != 0 {
		m.phycr = val &^ newMDIOFire
		if val&newMDIOFire == 0 {
			return
		}
		op := (val >> 26) & 3
		phyad := (val >> 21) & 0x1f
		regad := (val >> 16) & 0x1f
		if val&newMDIOST == 0 {
			// Clause 45 frames: no clause 45 device on the bus.
			m.phydata = m.phydata&0xffff0000 | newMDIOIdle | 0xffff
			return
		}
		switch op {
		case 1:
			m.phyWrite(phyad, regad, uint16(val))
			m.phydata = m.phydata&^0xffff | newMDIOIdle
		case 2:
			m.phydata = m.phydata&0xffff0000 | newMDIOIdle | uint32(m.phyRead(phyad, regad))
		}
		return
	}
	m.phycr = val &^ (phycrMIIRD | phycrMIIWR)
	phyad := (val >> 16) & 0x1f
	regad := (val >> 21) & 0x1f
	switch {
	case val&phycrMIIRD != 0:
		m.phydata = uint32(m.phyRead(phyad, regad))<<16 | m.phydata&0xffff
	case val&phycrMIIWR != 0:
		m.phyWrite(phyad, regad, uint16(m.phydata))
	}
}

func (m *MAC) phyRead(ad, reg uint32) uint16 {
	if m.phy == nil || ad != 0 {
		return 0xffff // nobody drives MDIO: the pull-up reads all ones
	}
	return m.phy.read(reg)
}

func (m *MAC) phyWrite(ad, reg uint32, v uint16) {
	if m.phy == nil || ad != 0 {
		return
	}
	before := m.phy.linkUp()
	m.phy.write(reg, v)
	if m.phy.linkUp() != before {
		m.raise(intPHYSTS)
	}
}
