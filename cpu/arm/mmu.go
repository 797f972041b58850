package arm

// VMSAv6 translation (ARM DDI 0100I chapter B4; ARM1176JZF-S TRM chapter 6):
// short-descriptor tables with sections, supersections, coarse tables with
// large and small pages, in the ARMv6 (SCTLR.XP=1) and ARMv5-compatible
// subpage (XP=0) formats; domains, AP/APX, XN, nG; TTBCR.N split with PD0/PD1;
// FCSE; the access flag (SCTLR.AFE); fault status codes for DFSR/IFSR.

// Fault status codes (FS[4:0]; bit 4 is placed at FSR bit 10).
const (
	fsAlignment      = 0x01
	fsDebugEvent     = 0x02
	fsAccessSection  = 0x03
	fsTransSection   = 0x05
	fsAccessPage     = 0x06
	fsTransPage      = 0x07
	fsExternal       = 0x08
	fsDomainSection  = 0x09
	fsDomainPage     = 0x0B
	fsExtWalkL1      = 0x0C
	fsPermSection    = 0x0D
	fsExtWalkL2      = 0x0E
	fsPermPage       = 0x0F
	fsImpreciseExt   = 0x406
	fsrWnR           = 1 << 11
	fsrDomainShift   = 4
	accRead          = 0
	accWrite         = 1
	accExec          = 2
	mapSection       = 0xFFF00000
	mapSupersection  = 0xFF000000
	mapLargePage     = 0xFFFF0000
	mapSmallPage     = 0xFFFFF000
	sctlrM           = 1 << 0
	sctlrA           = 1 << 1
	sctlrS           = 1 << 8
	sctlrR           = 1 << 9
	sctlrV           = 1 << 13
	sctlrU           = 1 << 22
	sctlrXP          = 1 << 23
	sctlrEE          = 1 << 25
	sctlrTRE         = 1 << 28
	sctlrAFE         = 1 << 29
	ttbcrPD0         = 1 << 4
	ttbcrPD1         = 1 << 5
	scrNS            = 1 << 0
	scrIRQ           = 1 << 1
	scrFIQ           = 1 << 2
	scrEA            = 1 << 3
	sctlrResetValue  = 0x00050078
	sctlrWritableMsk = 0x37E0FB87 // M A C B S R Z I V RR L4 FI U XP VE EE L2 TRE AFE
)

// mmuState caches the SCTLR-derived switches the access paths test.
type mmuState struct {
	enabled   bool
	xp        bool
	align     bool // SCTLR.A: all unaligned accesses fault
	unaligned bool // SCTLR.U: ARMv6 unaligned support
	afe       bool
	s, r      bool
	eeWalk    bool // big-endian table walks
}

func (m *mmuState) update(c *CPU) {
	s := c.cp15.sctlr
	m.enabled = s&sctlrM != 0
	m.xp = s&sctlrXP != 0
	m.align = s&sctlrA != 0
	m.unaligned = s&sctlrU != 0
	m.afe = s&sctlrAFE != 0
	m.s = s&sctlrS != 0
	m.r = s&sctlrR != 0
	m.eeWalk = s&sctlrEE != 0
}

// walkResult is one translation, as cached in the software TLB.
type walkResult struct {
	pa     uint32 // physical address of va
	mask   uint32 // size of the mapping (mapSection, ...)
	global bool
	// subpage marks an ARMv5-format (XP=0) page whose 1 KiB or 16 KiB
	// subpages have different permissions: it must not be cached at
	// 4 KiB granularity.
	subpage bool
}

// translate maps va for an access of the given kind at the given privilege.
// On a fault it returns the FSR value (without WnR) and ok=false.
func (c *CPU) translate(va uint32, kind int, user bool) (walkResult, uint32, bool) {
	if va < 1<<25 && c.cp15.fcse != 0 {
		va |= c.cp15.fcse
	}
	if !c.mmu.enabled {
		return walkResult{pa: va, mask: mapSection, global: true}, 0, true
	}
	cp := &c.cp15
	n := cp.ttbcr & 7
	var l1addr uint32
	if n != 0 && va>>(32-n) != 0 {
		if cp.ttbcr&ttbcrPD1 != 0 {
			return walkResult{}, fsTransSection, false
		}
		l1addr = cp.ttbr1&0xFFFFC000 | (va>>20)<<2
	} else {
		if cp.ttbcr&ttbcrPD0 != 0 {
			return walkResult{}, fsTransSection, false
		}
		l1addr = cp.ttbr0&^(0x3FFF>>n) | (va<<n>>(20+n))<<2
	}
	l1, ok := c.walkRead(l1addr)
	if !ok {
		return walkResult{}, fsExtWalkL1, false
	}
	var (
		domain  uint32
		ap, apx uint32
		xn      bool
		ng      bool
		res     walkResult
		section bool
	)
	switch l1 & 3 {
	case 0, 3:
		// Fault, or the ARMv5 fine table (not supported on ARMv6).
		return walkResult{}, fsTransSection, false
	case 2:
		section = true
		if l1&(1<<18) != 0 && c.mmu.xp {
			// Supersection: 16 MiB, domain 0.
			res.mask = mapSupersection
			res.pa = l1&0xFF000000 | va&0x00FFFFFF
			domain = 0
		} else {
			res.mask = mapSection
			res.pa = l1&0xFFF00000 | va&0x000FFFFF
			domain = l1 >> 5 & 0xF
		}
		ap = l1 >> 10 & 3
		if c.mmu.xp {
			apx = l1 >> 15 & 1
			xn = l1&(1<<4) != 0
			ng = l1&(1<<17) != 0
		}
	case 1:
		domain = l1 >> 5 & 0xF
		l2addr := l1&0xFFFFFC00 | (va>>12&0xFF)<<2
		l2, ok := c.walkRead(l2addr)
		if !ok {
			return walkResult{}, fsExtWalkL2 | domain<<fsrDomainShift, false
		}
		switch l2 & 3 {
		case 0:
			return walkResult{}, fsTransPage | domain<<fsrDomainShift, false
		case 1: // large page, 64 KiB
			res.mask = mapLargePage
			res.pa = l2&0xFFFF0000 | va&0xFFFF
			if c.mmu.xp {
				ap = l2 >> 4 & 3
				apx = l2 >> 9 & 1
				xn = l2&(1<<15) != 0
				ng = l2&(1<<11) != 0
			} else {
				ap = l2 >> (4 + 2*(va>>14&3)) & 3
				res.subpage = l2>>4&0xFF != (l2>>4&3)*0x55
			}
		default: // small page (XP=1: extended small page with XN in bit 0)
			res.mask = mapSmallPage
			res.pa = l2&0xFFFFF000 | va&0xFFF
			switch {
			case c.mmu.xp:
				ap = l2 >> 4 & 3
				apx = l2 >> 9 & 1
				xn = l2&1 != 0
				ng = l2&(1<<11) != 0
			case l2&3 == 3:
				// XP=0 extended small page: one AP for the page.
				ap = l2 >> 4 & 3
			default:
				ap = l2 >> (4 + 2*(va>>10&3)) & 3
				res.subpage = l2>>4&0xFF != (l2>>4&3)*0x55
			}
		}
	}
	res.global = !ng
	dfield := domain << fsrDomainShift
	// Access flag (SCTLR.AFE): AP[0] is the access flag.
	if c.mmu.afe && ap&1 == 0 {
		if section {
			return walkResult{}, fsAccessSection | dfield, false
		}
		return walkResult{}, fsAccessPage | dfield, false
	}
	switch cp.dacr >> (2 * domain) & 3 {
	case 0, 2:
		if section {
			return walkResult{}, fsDomainSection | dfield, false
		}
		return walkResult{}, fsDomainPage | dfield, false
	case 3: // manager: no permission or XN checks
		return res, 0, true
	}
	if !c.permitted(ap, apx, kind, user) || kind == accExec && xn {
		if section {
			return walkResult{}, fsPermSection | dfield, false
		}
		return walkResult{}, fsPermPage | dfield, false
	}
	return res, 0, true
}

// permitted applies the AP/APX access permissions (DDI 0100I B4.4.1, table
// B4-1; with AFE, the simplified model of B4.4.2).
func (c *CPU) permitted(ap, apx uint32, kind int, user bool) bool {
	write := kind == accWrite
	if c.mmu.afe {
		if ap&2 == 0 && user {
			return false
		}
		return !(write && apx != 0)
	}
	switch apx<<2 | ap {
	case 0: // no access, or the S/R ROM/system bits
		if write {
			return false
		}
		if c.mmu.r {
			return true
		}
		return c.mmu.s && !user
	case 1:
		return !user
	case 2:
		return !user || !write
	case 3:
		return true
	case 5:
		return !user && !write
	case 6, 7:
		return !write
	}
	return false // APX=1, AP=00: reserved
}

// walkRead reads a translation table entry (physical, in the table-walk
// endianness).
func (c *CPU) walkRead(pa uint32) (uint32, bool) {
	var v uint32
	if p := c.bus.Page(pa); p != nil {
		o := pa & 0xFFC
		v = uint32(p[o]) | uint32(p[o+1])<<8 | uint32(p[o+2])<<16 | uint32(p[o+3])<<24
	} else {
		x, ok := c.bus.Read(pa&^3, 4)
		if !ok {
			return 0, false
		}
		v = uint32(x)
	}
	if c.mmu.eeWalk {
		v = bswap32(v)
	}
	return v, true
}

// Translate maps va as the current mode would read it (for debuggers).
func (c *CPU) Translate(va uint32) (uint32, bool) {
	r, _, ok := c.translate(va, accRead, false)
	return r.pa, ok
}
