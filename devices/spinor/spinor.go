// Package spinor models serial NOR flash chips as they sit on the AST2500's
// FMC and SPI controllers: a byte-wide SPI slave that decodes the common
// JEDEC command set (read/fast read and their 4-byte-address forms, page
// program, 4K/32K/64K/chip erase, status and flag status registers, write
// enable/disable, 4-byte address mode, JEDEC ID, SFDP, reset).
//
// Sources: the chip datasheets (Micron N25Q256A, Macronix MX66L1G45G and
// MX25L25635E, Winbond W25Q256FV), JEDEC JESD216 for the SFDP Basic Flash
// Parameter Table, and what Linux 6.1 drivers/mtd/spi-nor (core.c, sfdp.c,
// micron-st.c, macronix.c, winbond.c) sends; QEMU hw/block/m25p80.c was
// consulted for facts only.
//
// Timing: every program and erase completes when the chip is deselected;
// the status register's WIP bit is never seen set and the flag status
// register always reports ready. Block protection bits are stored but not
// enforced.
//
// Storage is sparse: 4 KiB pages are allocated when first programmed or
// loaded with non-erased data, so an erased 128 MiB chip costs little
// memory. Erasing an allocated page fills it with 0xFF in place (slices
// handed out by Page stay valid).
package spinor

import (
	"fmt"
	"sort"
)

// PageSize is the storage granule (and the smallest erase unit).
const PageSize = 4096

// Model describes one chip type.
type Model struct {
	Name string
	ID   []byte // JEDEC ID bytes returned by 0x9F (then zeros)
	Size uint32 // bytes
	// Micron has the flag status register (0x70) and volatile
	// configuration registers; Macronix a configuration register (0x15).
	Micron, Macronix, Winbond bool
}

// Chips used on the AST2500 boards (IDs from the datasheets; Linux 6.1
// micron-st.c, macronix.c, winbond.c name them).
var (
	N25Q256A    = Model{Name: "n25q256a", ID: []byte{0x20, 0xBA, 0x19}, Size: 32 << 20, Micron: true}
	MX66L1G45G  = Model{Name: "mx66l1g45g", ID: []byte{0xC2, 0x20, 0x1B}, Size: 128 << 20, Macronix: true}
	MX25L25635E = Model{Name: "mx25l25635e", ID: []byte{0xC2, 0x20, 0x19}, Size: 32 << 20, Macronix: true}
	W25Q256     = Model{Name: "w25q256", ID: []byte{0xEF, 0x40, 0x19}, Size: 32 << 20, Winbond: true}
	// MX25L25635F is the E part's successor: same JEDEC ID and size
	// (QEMU's ast2500-evb and witherspoon-bmc name it).
	MX25L25635F = Model{Name: "mx25l25635f", ID: []byte{0xC2, 0x20, 0x19}, Size: 32 << 20, Macronix: true}
	// N25Q512A is Micron's 64 MiB part (g220a-bmc, fp5280g2-bmc).
	N25Q512A = Model{Name: "n25q512a", ID: []byte{0x20, 0xBA, 0x20}, Size: 64 << 20, Micron: true}
)

// models lists every model, for Names and Lookup.
var models = []Model{N25Q256A, N25Q512A, MX66L1G45G, MX25L25635E, MX25L25635F, W25Q256}

// Range is a byte range of the chip [Off, Off+Len).
type Range struct {
	Off, Len uint32
}

// Chip is one flash device.
type Chip struct {
	m      Model
	pages  [][]byte // nil: erased
	dirty  []uint64 // one bit per page written since ClearDirty
	change func(off, n uint32)
	sfdp   []byte

	// Registers.
	sr      byte // status: bit0 WIP (never set), bit1 WEL, 2-7 stored
	sr2     byte // Winbond SR2 / Macronix configuration register
	four    bool // 4-byte address mode
	ear     byte // extended address register (3-byte mode, A31-A24)
	nvcr    uint16
	vcr     byte
	evcr    byte
	rstEn   bool // the previous transaction was reset enable (0x66)
	lastCmd byte

	// Transaction state.
	sel      bool
	n        int // bytes received in this transaction
	cmd      byte
	nAddr    int // address bytes expected
	addr     uint32
	gotAddr  int
	nDummy   int
	data     int // data bytes exchanged
	prog     [256]byte
	progUsed bool
	wdata    []byte // register write payload
}

// New returns an erased chip of model m.
func New(m Model) *Chip {
	if m.Size == 0 || m.Size%PageSize != 0 {
		panic("spinor: bad model size") // a bug in the model table, not guest input
	}
	np := m.Size / PageSize
	c := &Chip{m: m, pages: make([][]byte, np), dirty: make([]uint64, (np+63)/64)}
	c.sfdp = buildSFDP(m)
	c.Reset()
	return c
}

// Model returns the chip's description.
func (c *Chip) Model() Model { return c.m }

// Size returns the chip size in bytes.
func (c *Chip) Size() uint32 { return c.m.Size }

// Reset returns the registers to their power-on state (3-byte address
// mode, write disabled). The contents are kept.
func (c *Chip) Reset() {
	c.sr, c.sr2, c.four, c.ear = 0, 0, false, 0
	c.nvcr, c.vcr, c.evcr = 0xFFFF, 0xFB, 0xDF
	c.rstEn = false
	c.sel = false
}

// OnChange registers fn, called with the chip range after every program
// or erase (to invalidate decoded code, or to schedule a write-back).
func (c *Chip) OnChange(fn func(off, n uint32)) { c.change = fn }

// FourByte reports whether the chip is in 4-byte address mode.
func (c *Chip) FourByte() bool { return c.four }

// erasedPage is what unallocated pages read as. Callers of Page must not
// write to it.
var erasedPage = func() []byte {
	b := make([]byte, PageSize)
	for i := range b {
		b[i] = 0xFF
	}
	return b
}()

// Page returns the PageSize bytes of storage holding chip offset off
// (rounded down to the page). The slice is read-only for the caller and
// remains the page's storage, except that an erased page that was never
// written is backed by a shared erased buffer until first programmed.
func (c *Chip) Page(off uint32) []byte {
	p := c.pages[(off%c.m.Size)/PageSize]
	if p == nil {
		return erasedPage
	}
	return p
}

// ReadAt copies chip contents at off into p, wrapping at the chip's end.
func (c *Chip) ReadAt(p []byte, off uint32) {
	off %= c.m.Size
	for len(p) > 0 {
		pg := c.Page(off)
		n := copy(p, pg[off%PageSize:])
		p = p[n:]
		off = (off + uint32(n)) % c.m.Size
	}
}

// Load replaces the contents with img. A shorter image is padded with
// erased bytes; a longer one is an error. Dirty tracking is cleared.
func (c *Chip) Load(img []byte) error {
	if uint64(len(img)) > uint64(c.m.Size) {
		return fmt.Errorf("image of %d bytes is larger than the %s flash (%d bytes)", len(img), c.m.Name, c.m.Size)
	}
	for i := range c.pages {
		start := i * PageSize
		var src []byte
		if start < len(img) {
			src = img[start:min(start+PageSize, len(img))]
		}
		allFF := true
		for _, b := range src {
			if b != 0xFF {
				allFF = false
				break
			}
		}
		if allFF {
			if c.pages[i] != nil {
				copy(c.pages[i], erasedPage)
			}
			continue
		}
		if c.pages[i] == nil {
			c.pages[i] = make([]byte, PageSize)
		}
		copy(c.pages[i], erasedPage)
		copy(c.pages[i], src)
	}
	c.ClearDirty()
	if c.change != nil {
		c.change(0, c.m.Size)
	}
	return nil
}

// Data returns a copy of the whole contents.
func (c *Chip) Data() []byte {
	b := make([]byte, c.m.Size)
	c.ReadAt(b, 0)
	return b
}

// Dirty returns the page-aligned ranges written (programmed or erased)
// since the last ClearDirty, in ascending order, adjacent pages merged.
func (c *Chip) Dirty() []Range {
	var r []Range
	for i := 0; i < len(c.pages); i++ {
		if c.dirty[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		off := uint32(i) * PageSize
		if n := len(r); n > 0 && r[n-1].Off+r[n-1].Len == off {
			r[n-1].Len += PageSize
		} else {
			r = append(r, Range{off, PageSize})
		}
	}
	return r
}

// ClearDirty forgets the dirty ranges (after a write-back).
func (c *Chip) ClearDirty() {
	for i := range c.dirty {
		c.dirty[i] = 0
	}
}

func (c *Chip) markDirty(off, n uint32) {
	for p := off / PageSize; p <= (off+n-1)/PageSize; p++ {
		c.dirty[p/64] |= 1 << (p % 64)
	}
	if c.change != nil {
		c.change(off, n)
	}
}

// readCmd describes the read commands: address width (0: current mode) and
// dummy bytes.
type readCmd struct {
	addr, dummy int
}

var readCmds = map[byte]readCmd{
	0x03: {0, 0}, 0x13: {4, 0}, // read
	0x0B: {0, 1}, 0x0C: {4, 1}, // fast read
	0x3B: {0, 1}, 0x3C: {4, 1}, // dual output fast read
	0x6B: {0, 1}, 0x6C: {4, 1}, // quad output fast read
}

// DirectRead reports whether a transaction with command cmd and addrBytes
// address bytes reads the array at the address sent (so a controller may
// serve it from Page/ReadAt without byte-level transfers).
func (c *Chip) DirectRead(cmd byte, addrBytes int) bool {
	rc, ok := readCmds[cmd]
	if !ok {
		return false
	}
	return c.addrWidth(rc.addr) == addrBytes && (addrBytes == 4 || c.ear == 0)
}

func (c *Chip) addrWidth(w int) int {
	if w != 0 {
		return w
	}
	if c.four {
		return 4
	}
	return 3
}

// Select asserts chip select: a new transaction starts.
func (c *Chip) Select() {
	if c.sel {
		return
	}
	c.sel = true
	c.n, c.gotAddr, c.nAddr, c.nDummy, c.data, c.addr = 0, 0, 0, 0, 0, 0
	c.progUsed = false
	c.wdata = c.wdata[:0]
}

// Deselect releases chip select: commands that act at the end of a
// transaction (write enable, program, erase, register writes) take effect.
func (c *Chip) Deselect() {
	if !c.sel {
		return
	}
	c.sel = false
	if c.n == 0 {
		return
	}
	addrDone := c.gotAddr == c.nAddr
	wasRstEn := c.rstEn
	c.rstEn = false
	switch c.cmd {
	case 0x06:
		c.sr |= 0x02
	case 0x04:
		c.sr &^= 0x02
	case 0xB7:
		c.four = true
	case 0xE9:
		c.four = false
	case 0x66:
		c.rstEn = true
	case 0x99:
		if wasRstEn {
			c.Reset()
		}
	case 0x01: // write status (and SR2/CR)
		if c.sr&0x02 != 0 && len(c.wdata) > 0 {
			c.sr = c.sr&0x03 | c.wdata[0]&0xFC
			if len(c.wdata) > 1 {
				c.sr2 = c.wdata[1]
			}
			c.sr &^= 0x02
		}
	case 0x31: // Winbond write SR2
		if c.sr&0x02 != 0 && len(c.wdata) > 0 {
			c.sr2 = c.wdata[0]
			c.sr &^= 0x02
		}
	case 0xC5: // write extended address register
		if len(c.wdata) > 0 {
			c.ear = c.wdata[0]
			c.sr &^= 0x02
		}
	case 0xB1:
		if c.sr&0x02 != 0 && len(c.wdata) >= 2 {
			c.nvcr = uint16(c.wdata[0]) | uint16(c.wdata[1])<<8
			c.sr &^= 0x02
		}
	case 0x81:
		if len(c.wdata) > 0 {
			c.vcr = c.wdata[0]
			c.sr &^= 0x02
		}
	case 0x61:
		if len(c.wdata) > 0 {
			c.evcr = c.wdata[0]
			c.sr &^= 0x02
		}
	case 0x02, 0x12, 0x32, 0x34:
		if addrDone && c.sr&0x02 != 0 {
			if c.progUsed {
				c.program()
			}
			c.sr &^= 0x02
		}
	case 0x20, 0x21:
		c.eraseCmd(addrDone, 4<<10)
	case 0x52, 0x5C:
		c.eraseCmd(addrDone, 32<<10)
	case 0xD8, 0xDC:
		c.eraseCmd(addrDone, 64<<10)
	case 0x60, 0xC7:
		if c.sr&0x02 != 0 {
			c.erase(0, c.m.Size)
			c.sr &^= 0x02
		}
	}
}

func (c *Chip) eraseCmd(addrDone bool, size uint32) {
	if !addrDone || c.sr&0x02 == 0 {
		return
	}
	a := c.fullAddr() % c.m.Size
	a &^= size - 1
	c.erase(a, size)
	c.sr &^= 0x02
}

func (c *Chip) erase(off, n uint32) {
	for p := off / PageSize; p < (off+n)/PageSize; p++ {
		if c.pages[p] != nil {
			copy(c.pages[p], erasedPage)
		}
	}
	c.markDirty(off, n)
}

func (c *Chip) program() {
	a := c.fullAddr() % c.m.Size
	base := a &^ 0xFF
	pg := c.pages[base/PageSize]
	if pg == nil {
		pg = make([]byte, PageSize)
		copy(pg, erasedPage)
		c.pages[base/PageSize] = pg
	}
	o := base % PageSize
	for i := 0; i < 256; i++ {
		pg[o+uint32(i)] &= c.prog[i]
	}
	c.markDirty(base, 256)
}

// fullAddr is the address received, with the extended address register
// supplying A31-A24 for 3-byte commands.
func (c *Chip) fullAddr() uint32 {
	if c.nAddr == 3 {
		return uint32(c.ear)<<24 | c.addr
	}
	return c.addr
}

// Transfer exchanges one byte: out is what the controller drives, the
// result what the chip returns. Bytes sent while the chip is not selected
// are ignored (0xFF is returned, the line floats high).
func (c *Chip) Transfer(out byte) byte {
	if !c.sel {
		return 0xFF
	}
	c.n++
	if c.n == 1 {
		c.cmd = out
		c.lastCmd = out
		c.nAddr, c.nDummy = 0, 0
		rc, isRead := readCmds[out]
		switch {
		case isRead:
			c.nAddr, c.nDummy = c.addrWidth(rc.addr), rc.dummy
		case out == 0x02 || out == 0x32:
			c.nAddr = c.addrWidth(0)
			for i := range c.prog {
				c.prog[i] = 0xFF
			}
		case out == 0x12 || out == 0x34:
			c.nAddr = 4
			for i := range c.prog {
				c.prog[i] = 0xFF
			}
		case out == 0x20 || out == 0x52 || out == 0xD8:
			c.nAddr = c.addrWidth(0)
		case out == 0x21 || out == 0x5C || out == 0xDC:
			c.nAddr = 4
		case out == 0x5A: // SFDP: 3-byte address, 8 dummy clocks
			c.nAddr, c.nDummy = 3, 1
		}
		return 0xFF
	}
	if c.gotAddr < c.nAddr {
		c.addr = c.addr<<8 | uint32(out)
		c.gotAddr++
		return 0xFF
	}
	if c.nDummy > 0 {
		c.nDummy--
		return 0xFF
	}
	i := c.data
	c.data++
	switch c.cmd {
	case 0x03, 0x13, 0x0B, 0x0C, 0x3B, 0x3C, 0x6B, 0x6C:
		a := (c.fullAddr() + uint32(i)) % c.m.Size
		return c.Page(a)[a%PageSize]
	case 0x5A:
		a := c.addr + uint32(i)
		if a < uint32(len(c.sfdp)) {
			return c.sfdp[a]
		}
		return 0xFF
	case 0x02, 0x12, 0x32, 0x34:
		a := c.fullAddr() + uint32(i)
		c.prog[a&0xFF] &= out
		c.progUsed = true
		return 0xFF
	case 0x9F, 0x9E:
		if i < len(c.m.ID) {
			return c.m.ID[i]
		}
		return 0
	case 0x05:
		return c.sr
	case 0x70: // Micron flag status: ready, 4-byte mode
		if !c.m.Micron {
			return 0xFF
		}
		f := byte(0x80)
		if c.four {
			f |= 0x01
		}
		return f
	case 0x35, 0x15:
		return c.sr2
	case 0xC8:
		return c.ear
	case 0xB5:
		return byte(c.nvcr >> (8 * (i & 1)))
	case 0x85:
		return c.vcr
	case 0x65:
		return c.evcr
	case 0x01, 0x31, 0xC5, 0xB1, 0x81, 0x61:
		if len(c.wdata) < 4 {
			c.wdata = append(c.wdata, out)
		}
		return 0xFF
	}
	return 0xFF
}

// buildSFDP returns a JESD216 (rev 1.0) SFDP area with one parameter
// header and a 9-DWORD Basic Flash Parameter Table describing m.
func buildSFDP(m Model) []byte {
	const ptp = 0x30
	b := make([]byte, ptp+9*4)
	for i := range b {
		b[i] = 0xFF
	}
	copy(b, "SFDP")
	b[4], b[5], b[6], b[7] = 0, 1, 0, 0xFF // minor 0, major 1, 1 header
	// Parameter header 0: BFPT (ID 0xFF00), rev 1.0, 9 DWORDs at ptp.
	copy(b[8:16], []byte{0x00, 0x00, 0x01, 9, ptp, 0, 0, 0xFF})
	dw := func(n int, v uint32) {
		o := ptp + (n-1)*4
		b[o], b[o+1], b[o+2], b[o+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	var d1 uint32 = 0x01 | 0x04 | 0xE0 | 0x20<<8 // 4K erase, 64-byte write granularity, 4K opcode
	d1 |= 1 << 16                                // 1-1-2 fast read
	d1 |= 1 << 22                                // 1-1-4 fast read
	if m.Size > 16<<20 {
		d1 |= 1 << 17 // 3- or 4-byte addressing
	}
	dw(1, d1|0xFF800000)
	dw(2, m.Size*8-1)
	dw(3, 0x6B<<24|0x08<<16)            // 1-1-4: opcode 6Bh, 8 dummy clocks; no 1-4-4
	dw(4, 0x3B<<8|0x08)                 // 1-1-2: opcode 3Bh, 8 dummy clocks; no 1-2-2
	dw(5, 0xFFFFFFEE)                   // no 2-2-2, no 4-4-4
	dw(6, 0x0000FFFF)                   // 2-2-2 unsupported
	dw(7, 0x0000FFFF)                   // 4-4-4 unsupported
	dw(8, 0x52<<24|15<<16|0x20<<8|12)   // 4K (20h), 32K (52h)
	dw(9, 0x00<<24|0x00<<16|0xD8<<8|16) // 64K (D8h)
	return b
}

// SFDP returns the chip's SFDP area (for tests and tools).
func (c *Chip) SFDP() []byte { return append([]byte(nil), c.sfdp...) }

// Names lists the known models, for command-line help.
func Names() []string {
	var n []string
	for _, m := range models {
		n = append(n, m.Name)
	}
	sort.Strings(n)
	return n
}

// Lookup finds a model by name.
func Lookup(name string) (Model, bool) {
	for _, m := range models {
		if m.Name == name {
			return m, true
		}
	}
	return Model{}, false
}
