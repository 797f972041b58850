package ftgmac100

// PHY model: a Realtek RTL8211E gigabit PHY (clause 22, OUI 0x000732,
// PHYID1/2 = 0x001c/0xc915) on the MAC's MDIO bus, as found on the
// ast2500-evb and as QEMU's aspeed machines assume.
//
// Sources:
//   - IEEE 802.3 clause 22 register set (BMCR, BMSR, ANAR, ANLPAR, ANER,
//     GBCR/GBSR, ESTATUS); Linux include/uapi/linux/mii.h for bit names.
//   - Linux drivers/net/phy/phy_device.c: genphy_read_abilities,
//     genphy_update_link (BMSR link bit is latched low, read twice),
//     genphy_read_lpa (STAT1000 MSFAIL, LPA), genphy_config_aneg.
//   - Linux drivers/net/phy/realtek.c: RTL8211E entry (config_init pages
//     through 0x1f = 7 and 0x1e = 0xa4 to reach register 0x1c, INER 0x12,
//     INSR 0x13 read-to-clear, PHYSR 0x11 speed/duplex).
//
// The link partner is ideal: it advertises every 10/100/1000 mode and
// pause, and autonegotiation completes the moment it is (re)started while
// the backend has carrier.

const (
	miiBMCR     = 0x00
	miiBMSR     = 0x01
	miiPHYID1   = 0x02
	miiPHYID2   = 0x03
	miiANAR     = 0x04
	miiANLPAR   = 0x05
	miiANER     = 0x06
	miiGBCR     = 0x09
	miiGBSR     = 0x0a
	miiESTATUS  = 0x0f
	rtlPHYCR    = 0x10
	rtlPHYSR    = 0x11
	rtlINER     = 0x12
	rtlINSR     = 0x13
	rtlEXTPAGE  = 0x1e
	rtlPAGESEL  = 0x1f
	bmcrReset   = 1 << 15
	bmcrLoop    = 1 << 14
	bmcrSpeed0  = 1 << 13
	bmcrANEN    = 1 << 12
	bmcrPDown   = 1 << 11
	bmcrIsolate = 1 << 10
	bmcrANRest  = 1 << 9
	bmcrFullDup = 1 << 8
	bmcrSpeed1  = 1 << 6

	bmsrBase   = 0x7949 // 100F|100H|10F|10H|ESTATEN|MF preamble suppr.|ANEG capable|EXTCAP
	bmsrLink   = 1 << 2
	bmsrANDone = 1 << 5

	bmcrDefault = bmcrANEN | bmcrFullDup | bmcrSpeed1 // 0x1140
	anarDefault = 0x0de1                              // asym+sym pause, 100F/H, 10F/H, 802.3
	gbcrDefault = 0x0300                              // advertise 1000F/H
	lpaFull     = 0x45e1                              // ACK, pause, 100F/H, 10F/H, 802.3
	gbsrFull    = 0x3c00                              // local/remote RX OK, LP 1000F/H

	insrLinkChg = 1 << 10 // RTL8211E INSR/INER link status change
)

// PHY is the MDIO-attached PHY model.
type PHY struct {
	bmcr, anar, gbcr uint16
	iner, insr       uint16
	page, extPage    uint16
	vendor           map[uint32]uint16 // vendor registers by page<<16|ext<<8|reg
	carrier          bool              // the backend's carrier
	latchedDown      bool              // BMSR link bit reads 0 once after a drop
	anDone           bool
}

func newPHY() *PHY {
	p := &PHY{}
	p.reset()
	return p
}

func (p *PHY) reset() {
	p.bmcr, p.anar, p.gbcr = bmcrDefault, anarDefault, gbcrDefault
	p.iner, p.insr, p.page, p.extPage = 0, 0, 0, 0
	p.vendor = map[uint32]uint16{}
	p.anDone = p.carrier
}

// setCarrier follows the backend's link; it returns true if the PHY's link
// status changed.
func (p *PHY) setCarrier(up bool) bool {
	before := p.linkUp()
	p.carrier = up
	p.anDone = up
	after := p.linkUp()
	if before && !after {
		p.latchedDown = true
	}
	if before != after {
		p.insr |= insrLinkChg
		return true
	}
	return false
}

// speed resolves the link speed (10/100/1000) and duplex, or 0 when no
// common mode exists.
func (p *PHY) speed() (int, bool) {
	if p.bmcr&bmcrANEN == 0 {
		full := p.bmcr&bmcrFullDup != 0
		switch {
		case p.bmcr&bmcrSpeed1 != 0 && p.bmcr&bmcrSpeed0 == 0:
			return 1000, full
		case p.bmcr&bmcrSpeed0 != 0 && p.bmcr&bmcrSpeed1 == 0:
			return 100, full
		case p.bmcr&(bmcrSpeed0|bmcrSpeed1) == 0:
			return 10, full
		}
		return 0, false
	}
	switch {
	case p.gbcr&0x0200 != 0:
		return 1000, true
	case p.gbcr&0x0100 != 0:
		return 1000, false
	case p.anar&0x0100 != 0:
		return 100, true
	case p.anar&0x0080 != 0:
		return 100, false
	case p.anar&0x0040 != 0:
		return 10, true
	case p.anar&0x0020 != 0:
		return 10, false
	}
	return 0, false
}

func (p *PHY) linkUp() bool {
	if !p.carrier || p.bmcr&(bmcrPDown|bmcrIsolate) != 0 {
		return false
	}
	if p.bmcr&bmcrANEN != 0 && !p.anDone {
		return false
	}
	s, _ := p.speed()
	return s != 0
}

func (p *PHY) vkey(reg uint32) uint32 {
	return uint32(p.page)<<16 | uint32(p.extPage)<<8 | reg
}

// read returns the value of a clause 22 register.
func (p *PHY) read(reg uint32) uint16 {
	reg &= 0x1f
	if reg == rtlPAGESEL {
		return p.page
	}
	if p.page != 0 && reg >= 0x10 {
		if reg == rtlEXTPAGE {
			return p.extPage
		}
		return p.vendor[p.vkey(reg)]
	}
	up := p.linkUp()
	an := up && p.bmcr&bmcrANEN != 0
	switch reg {
	case miiBMCR:
		return p.bmcr
	case miiBMSR:
		v := uint16(bmsrBase)
		if up && !p.latchedDown {
			v |= bmsrLink
		}
		p.latchedDown = false
		if an {
			v |= bmsrANDone
		}
		return v
	case miiPHYID1:
		return 0x001c
	case miiPHYID2:
		return 0xc915
	case miiANAR:
		return p.anar
	case miiANLPAR:
		if an {
			return lpaFull
		}
		return 0
	case miiANER:
		if an {
			return 0x0001
		}
		return 0
	case miiGBCR:
		return p.gbcr
	case miiGBSR:
		if an {
			return gbsrFull
		}
		return 0
	case miiESTATUS:
		return 0x3000
	case rtlPHYSR:
		if !up {
			return 0
		}
		s, full := p.speed()
		v := uint16(0x0800 | 0x0400) // speed/duplex resolved, real-time link
		switch s {
		case 1000:
			v |= 0x8000
		case 100:
			v |= 0x4000
		}
		if full {
			v |= 0x2000
		}
		return v
	case rtlINER:
		return p.iner
	case rtlINSR:
		v := p.insr
		p.insr = 0
		return v
	}
	return p.vendor[p.vkey(reg)]
}

// write stores a clause 22 register.
func (p *PHY) write(reg uint32, val uint16) {
	reg &= 0x1f
	if reg == rtlPAGESEL {
		p.page = val & 0xff
		return
	}
	if p.page != 0 && reg >= 0x10 {
		if reg == rtlEXTPAGE {
			p.extPage = val
			return
		}
		p.vendor[p.vkey(reg)] = val
		return
	}
	switch reg {
	case miiBMCR:
		if val&bmcrReset != 0 {
			p.reset()
			return
		}
		before := p.linkUp()
		p.bmcr = val &^ (bmcrReset | bmcrANRest)
		if val&bmcrANRest != 0 || p.bmcr&bmcrANEN != 0 {
			p.anDone = p.carrier
		}
		if before != p.linkUp() {
			p.insr |= insrLinkChg
			if before {
				p.latchedDown = true
			}
		}
	case miiANAR:
		p.anar = val
	case miiGBCR:
		p.gbcr = val
	case rtlINER:
		p.iner = val
	case miiBMSR, miiPHYID1, miiPHYID2, miiANLPAR, miiANER, miiGBSR, miiESTATUS, rtlPHYSR, rtlINSR:
		// read-only
	default:
		p.vendor[p.vkey(reg)] = val
	}
}
