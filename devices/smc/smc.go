// Package smc models the AST2500 static memory controllers that drive SPI
// NOR flash: the FMC (firmware memory controller, registers at 0x1E620000,
// flash window 0x20000000-0x2FFFFFFF, three chip selects) and the two SPI
// controllers (SPI1 at 0x1E630000 with 0x30000000-0x37FFFFFF, SPI2 at
// 0x1E631000 with 0x38000000-0x3FFFFFFF, two chip selects each).
//
// Each chip select has a segment (a slice of the controller's window, in
// 8 MiB units, absolute addresses) and a control register whose command
// mode selects what CPU accesses to the segment become on the SPI bus:
//   - normal read (0): a 03h read with the address of the access;
//   - read command (1): the command byte of the control register (fast
//     read...), then the address and the dummy bytes;
//   - write (2): the command byte (page program), address, then the data;
//   - user (3): accesses are raw bytes; chip select is driven low while the
//     "CE stop active" bit is clear.
//
// The CE control register (0x04) selects 3- or 4-byte addresses per chip
// select. The FMC also has a DMA engine (flash to DRAM, DRAM to flash, or
// a checksum of flash contents used by U-Boot's read timing calibration).
//
// Sources: Linux 6.1 drivers/spi/spi-aspeed-smc.c, Linux 5.15
// drivers/mtd/spi-nor/controllers/aspeed-smc.c, U-Boot
// drivers/spi/aspeed_spi.c (its DMA checksum calibration), the AST2500
// datasheet chapter on the FMC/SPI controllers; QEMU hw/ssi/aspeed_smc.c
// for register facts.
//
// Modelling choices: DMA completes at once (the status bit is set when the
// engine is started); dummy cycles and clock settings are stored but do not
// shift data; the command control register (0x0C) is stored only; the
// CE type setting is stored, every chip select behaves as SPI.
package smc

import (
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/mmio"
)

// Register offsets.
const (
	regConf     = 0x00 // CE type setting, write enables (bit 16+cs)
	regCECtrl   = 0x04 // 4-byte address mode per CS (bit cs)
	regIntr     = 0x08 // interrupt control and status
	regCmdCtrl  = 0x0C
	regCE0      = 0x10 // CE0..CE2 control
	regSeg0     = 0x30 // CE0..CE2 segment address
	regMisc1    = 0x50
	regMisc2    = 0x54
	regWDT2     = 0x64 // FMC: WDT2 alternate boot control
	regDMACtrl  = 0x80
	regDMAFlash = 0x84
	regDMADRAM  = 0x88
	regDMALen   = 0x8C
	regChecksum = 0x90
	regTiming   = 0x94
)

// Control register fields.
const (
	ctrlModeMask   = 0x3
	modeNormal     = 0
	modeRead       = 1
	modeWrite      = 2
	modeUser       = 3
	ctrlStopActive = 1 << 2
)

// Interrupt control/status and DMA control bits.
const (
	intrDMAEn     = 1 << 3
	intrDMAStatus = 1 << 11
	dmaEnable     = 1 << 0
	dmaWrite      = 1 << 1 // DRAM to flash
	dmaChecksum   = 1 << 2
)

// DMA is the controller's bus master view of DRAM.
type DMA interface {
	ReadPhys(pa uint32, p []byte) bool
	WritePhys(pa uint32, p []byte) bool
}

// Config describes one controller instance.
type Config struct {
	Name       string // "fmc", "spi1", "spi2"
	NumCS      int
	WindowBase uint32
	WindowSize uint32
	// Segments are the reset [start, end) offsets of each CS within the
	// window.
	Segments  [][2]uint32
	ConfReset uint32 // reset value of the CE type setting register
	HasDMA    bool
	IRQ       mmio.Line
	DMA       DMA
	// Invalidate is told about window addresses whose contents or mapping
	// changed (the SoC drops decoded code for them). May be nil.
	Invalidate func(pa, n uint32)
	Log        *mmio.Log
}

// FMC returns the AST2500 FMC configuration for a flash window at base of
// size bytes (the SoC's memory map says where).
func FMC(base, size uint32) Config {
	return Config{Name: "fmc", NumCS: 3, WindowBase: base, WindowSize: size,
		Segments:  [][2]uint32{{0, 128 << 20}, {128 << 20, 160 << 20}, {160 << 20, 192 << 20}},
		ConfReset: 0x2A, HasDMA: true}
}

// SPI1 returns the AST2500 SPI1 controller configuration.
func SPI1(base, size uint32) Config {
	return Config{Name: "spi1", NumCS: 2, WindowBase: base, WindowSize: size,
		Segments: [][2]uint32{{0, 128 << 20}, {128 << 20, 128 << 20}}}
}

// SPI2 returns the AST2500 SPI2 controller configuration.
func SPI2(base, size uint32) Config {
	return Config{Name: "spi2", NumCS: 2, WindowBase: base, WindowSize: size,
		Segments: [][2]uint32{{0, 64 << 20}, {64 << 20, 128 << 20}}}
}

// Controller is one FMC/SPI controller.
type Controller struct {
	mmio.Port
	cfg   Config
	chips [3]*spinor.Chip

	conf, ceCtrl, intr, cmdCtrl uint32
	ctrl                        [3]uint32
	seg                         [3]uint32
	misc1, misc2, wdt2, timing  uint32
	dmaCtrl, dmaFlash, dmaDRAM  uint32
	dmaLen, checksum            uint32

	active [3]bool // chip select asserted (user mode)
	// direct is true while window pages may be handed to the CPU as
	// memory (ROPage). WindowPage checks the current mode on every call;
	// whenever the mode, a segment or the address width changes, the
	// whole window is invalidated (the SoC drops the CPU's decoded code
	// and cached translations of it), so no stale page pointer survives.
	direct bool
}

// New returns a controller in its reset state.
func New(cfg Config) *Controller {
	if cfg.IRQ == nil {
		cfg.IRQ = mmio.NoLine
	}
	if cfg.NumCS > 3 {
		cfg.NumCS = 3
	}
	c := &Controller{cfg: cfg}
	c.Port = mmio.NewPort(cfg.Name, cfg.Log, mmio.Access{}, c)
	c.Reset()
	return c
}

// Attach connects chip to chip select cs (before the guest runs).
func (c *Controller) Attach(cs int, chip *spinor.Chip) {
	if cs < 0 || cs >= c.cfg.NumCS {
		panic("smc: chip select out of range") // board table bug
	}
	c.chips[cs] = chip
	chip.OnChange(func(off, n uint32) { c.chipChanged(cs, off, n) })
}

// Chip returns the chip on chip select cs (nil if none).
func (c *Controller) Chip(cs int) *spinor.Chip {
	if cs < 0 || cs >= len(c.chips) {
		return nil
	}
	return c.chips[cs]
}

// Reset implements mmio.Resetter. The chips are reset too (the boards
// wire the flash reset to the SoC reset), which returns them to 3-byte
// address mode.
func (c *Controller) Reset() {
	for cs := range c.active {
		c.setActive(cs, false)
	}
	c.conf, c.ceCtrl, c.intr, c.cmdCtrl = c.cfg.ConfReset, 0, 0, 0
	c.misc1, c.misc2, c.wdt2, c.timing = 0, 0, 0, 0
	c.dmaCtrl, c.dmaFlash, c.dmaDRAM, c.dmaLen, c.checksum = 0, 0, 0, 0, 0
	for cs := 0; cs < 3; cs++ {
		c.ctrl[cs] = 0
		c.seg[cs] = 0
		if cs < len(c.cfg.Segments) && cs < c.cfg.NumCS {
			s := c.cfg.Segments[cs]
			c.seg[cs] = c.segValue(c.cfg.WindowBase+s[0], c.cfg.WindowBase+s[1])
		}
		if c.chips[cs] != nil {
			c.chips[cs].Reset()
		}
	}
	c.cfg.IRQ.Set(false)
	wasDirect := c.direct
	c.direct = true
	if !wasDirect {
		c.invalidate(0, c.cfg.WindowSize)
	}
}

func (c *Controller) segValue(start, end uint32) uint32 {
	return (end>>23&0xFF)<<24 | (start>>23&0xFF)<<16
}

// segment returns the [start, end) window offsets of cs.
func (c *Controller) segment(cs int) (uint32, uint32) {
	v := c.seg[cs]
	start := (v >> 16 & 0xFF) << 23
	end := (v >> 24 & 0xFF) << 23
	return start - c.cfg.WindowBase, end - c.cfg.WindowBase
}

// decode finds the chip select whose segment holds window offset off.
func (c *Controller) decode(off uint32) (cs int, rel uint32, ok bool) {
	for cs := 0; cs < c.cfg.NumCS; cs++ {
		s, e := c.segment(cs)
		if off >= s && off < e && e <= c.cfg.WindowSize {
			return cs, off - s, true
		}
	}
	return 0, 0, false
}

func (c *Controller) invalidate(off, n uint32) {
	if c.cfg.Invalidate != nil {
		c.cfg.Invalidate(c.cfg.WindowBase+off, n)
	}
}

// chipChanged drops decoded code for every window address showing the
// changed chip range.
func (c *Controller) chipChanged(cs int, off, n uint32) {
	s, e := c.segment(cs)
	if e <= s || e > c.cfg.WindowSize {
		return
	}
	size := c.chips[cs].Size()
	for base := s; base < e; base += size {
		if base+off < e {
			c.invalidate(base+off, min(n, e-base-off))
		}
		if base+size < base {
			break
		}
	}
}

// dropDirect is called when what the window maps to changes: the CPU
// must ask again (WindowPage decides from the new mode).
func (c *Controller) dropDirect() {
	c.invalidate(0, c.cfg.WindowSize)
}

func (c *Controller) mode(cs int) uint32 { return c.ctrl[cs] & ctrlModeMask }

func (c *Controller) addrBytes(cs int) int {
	if c.ceCtrl&(1<<cs) != 0 {
		return 4
	}
	return 3
}

// readCommand is the command and dummy byte count of memory-mapped reads.
func (c *Controller) readCommand(cs int) (byte, int) {
	v := c.ctrl[cs]
	if c.mode(cs) == modeRead {
		dummy := int(v>>6&3 | (v>>14&1)<<2)
		return byte(v >> 16), dummy
	}
	return 0x03, 0
}

func (c *Controller) setActive(cs int, on bool) {
	if c.active[cs] == on {
		return
	}
	c.active[cs] = on
	if ch := c.chips[cs]; ch != nil {
		if on {
			ch.Select()
		} else {
			ch.Deselect()
		}
	}
}

func (c *Controller) writable(cs int) bool { return c.conf&(1<<(16+cs)) != 0 }

// ReadReg implements mmio.Registers.
func (c *Controller) ReadReg(off, mask uint32) (uint32, bool) {
	switch {
	case off == regConf:
		return c.conf, true
	case off == regCECtrl:
		return c.ceCtrl, true
	case off == regIntr:
		return c.intr, true
	case off == regCmdCtrl:
		return c.cmdCtrl, true
	case off >= regCE0 && off < regCE0+4*uint32(c.cfg.NumCS):
		return c.ctrl[(off-regCE0)/4], true
	case off >= regSeg0 && off < regSeg0+4*uint32(c.cfg.NumCS):
		return c.seg[(off-regSeg0)/4], true
	case off == regMisc1:
		return c.misc1, true
	case off == regMisc2:
		return c.misc2, true
	case off == regWDT2 && c.cfg.HasDMA:
		return c.wdt2, true
	case off == regTiming:
		return c.timing, true
	case c.cfg.HasDMA && off == regDMACtrl:
		return c.dmaCtrl, true
	case c.cfg.HasDMA && off == regDMAFlash:
		return c.dmaFlash, true
	case c.cfg.HasDMA && off == regDMADRAM:
		return c.dmaDRAM, true
	case c.cfg.HasDMA && off == regDMALen:
		return c.dmaLen, true
	case c.cfg.HasDMA && off == regChecksum:
		return c.checksum, true
	}
	return 0, false
}

// WriteReg implements mmio.Registers.
func (c *Controller) WriteReg(r, val, mask uint32) bool {
	old, _ := c.ReadReg(r, 0)
	v := mmio.Merge(old, val, mask)
	switch {
	case r == regConf:
		c.conf = v
	case r == regCECtrl:
		if v != c.ceCtrl {
			c.ceCtrl = v
			c.dropDirect()
		}
	case r == regIntr:
		// Enables are plain bits; the DMA status is write-1-to-clear.
		st := c.intr & intrDMAStatus &^ (v & intrDMAStatus)
		c.intr = v&^intrDMAStatus | st
		c.updateIRQ()
	case r == regCmdCtrl:
		c.cmdCtrl = v
	case r >= regCE0 && r < regCE0+4*uint32(c.cfg.NumCS):
		c.writeCtrl(int((r-regCE0)/4), v)
	case r >= regSeg0 && r < regSeg0+4*uint32(c.cfg.NumCS):
		c.writeSeg(int((r-regSeg0)/4), v)
	case r == regMisc1:
		c.misc1 = v
	case r == regMisc2:
		c.misc2 = v
	case r == regWDT2 && c.cfg.HasDMA:
		c.wdt2 = v
	case r == regTiming:
		c.timing = v
	case c.cfg.HasDMA && r == regDMACtrl:
		c.writeDMACtrl(v)
	case c.cfg.HasDMA && r == regDMAFlash:
		c.dmaFlash = v &^ 3
	case c.cfg.HasDMA && r == regDMADRAM:
		c.dmaDRAM = v &^ 3
	case c.cfg.HasDMA && r == regDMALen:
		c.dmaLen = v & 0x01FFFFFC
	case c.cfg.HasDMA && r == regChecksum:
		// read-only
	default:
		return false
	}
	return true
}

func (c *Controller) writeCtrl(cs int, v uint32) {
	old := c.ctrl[cs] & ctrlModeMask
	c.ctrl[cs] = v
	m := v & ctrlModeMask
	if m != old {
		// Entering or leaving the command modes changes what the window
		// maps to; translations cached meanwhile are dropped.
		c.dropDirect()
	}
	if m == modeRead {
		if ch := c.chips[cs]; ch != nil {
			cmd, _ := c.readCommand(cs)
			if !ch.DirectRead(cmd, c.addrBytes(cs)) {
				c.dropDirect()
			}
		}
	}
	c.setActive(cs, m == modeUser && v&ctrlStopActive == 0)
}

// writeSeg stores a segment register. CE0's start is fixed to the window
// base; a segment outside the window is refused (the register keeps its
// value), which is what Linux checks by reading it back.
func (c *Controller) writeSeg(cs int, v uint32) {
	v &= 0xFFFF0000
	base := c.cfg.WindowBase
	if cs == 0 {
		v = v&0xFF000000 | (base>>23&0xFF)<<16
	}
	start := (v >> 16 & 0xFF) << 23
	end := (v >> 24 & 0xFF) << 23
	if v != 0 && (start < base || end < start || end > base+c.cfg.WindowSize) {
		c.cfg.Log.GuestError(c.cfg.Name, "CE%d segment %#08x outside the flash window", cs, v)
		return
	}
	if v != c.seg[cs] {
		c.seg[cs] = v
		c.dropDirect()
	}
}

func (c *Controller) updateIRQ() {
	c.cfg.IRQ.Set(c.intr&intrDMAStatus != 0 && c.intr&intrDMAEn != 0)
}

// writeDMACtrl starts or stops the DMA engine. Starting runs the whole
// transfer (or checksum) at once and sets the DMA status.
func (c *Controller) writeDMACtrl(v uint32) {
	c.dmaCtrl = v
	if v&dmaEnable == 0 {
		c.intr &^= intrDMAStatus
		c.updateIRQ()
		return
	}
	n := c.dmaLen
	fa := c.dmaFlash & (c.cfg.WindowSize - 1)
	switch {
	case v&dmaChecksum != 0:
		var sum uint32
		var w [4]byte
		for i := uint32(0); i < n; i += 4 {
			c.readWindowBytes(fa+i, w[:])
			sum += uint32(w[0]) | uint32(w[1])<<8 | uint32(w[2])<<16 | uint32(w[3])<<24
		}
		c.checksum = sum
	case v&dmaWrite != 0:
		buf := make([]byte, n)
		if c.cfg.DMA == nil || !c.cfg.DMA.ReadPhys(c.dmaDRAM, buf) {
			c.cfg.Log.GuestError(c.cfg.Name, "DMA read of DRAM at %#x (%d bytes) outside RAM", c.dmaDRAM, n)
			break
		}
		for i := uint32(0); i < n; {
			// One program transaction per flash page.
			chunk := min(n-i, 256-(fa+i)&0xFF)
			c.writeWindowBytes(fa+i, buf[i:i+chunk])
			i += chunk
		}
	default:
		buf := make([]byte, n)
		c.readWindowBytes(fa, buf)
		if c.cfg.DMA == nil || !c.cfg.DMA.WritePhys(c.dmaDRAM, buf) {
			c.cfg.Log.GuestError(c.cfg.Name, "DMA write of DRAM at %#x (%d bytes) outside RAM", c.dmaDRAM, n)
		}
	}
	c.intr |= intrDMAStatus
	c.updateIRQ()
}

// readWindowBytes reads window contents as memory-mapped reads do (for
// DMA), a transaction per segment.
func (c *Controller) readWindowBytes(off uint32, p []byte) {
	for len(p) > 0 {
		cs, rel, ok := c.decode(off)
		if !ok || c.chips[cs] == nil {
			for i := range p {
				p[i] = 0
			}
			return
		}
		s, e := c.segment(cs)
		n := min(uint32(len(p)), e-s-rel)
		c.mappedRead(cs, rel, p[:n])
		p, off = p[n:], off+n
	}
}

func (c *Controller) writeWindowBytes(off uint32, p []byte) {
	cs, rel, ok := c.decode(off)
	if !ok || c.chips[cs] == nil || !c.writable(cs) {
		c.cfg.Log.GuestError(c.cfg.Name, "DMA to flash at window offset %#x not writable", off)
		return
	}
	c.mappedWrite(cs, rel, p)
}

// mappedRead performs a memory-mapped read transaction of len(p) bytes at
// chip address rel.
func (c *Controller) mappedRead(cs int, rel uint32, p []byte) {
	ch := c.chips[cs]
	cmd, dummy := c.readCommand(cs)
	ab := c.addrBytes(cs)
	if ab == 3 {
		rel &= 0xFFFFFF
	}
	if ch.DirectRead(cmd, ab) {
		ch.ReadAt(p, rel)
		return
	}
	c.setActive(cs, false)
	ch.Select()
	ch.Transfer(cmd)
	c.sendAddr(ch, rel, ab)
	for i := 0; i < dummy; i++ {
		ch.Transfer(0xFF)
	}
	for i := range p {
		p[i] = ch.Transfer(0xFF)
	}
	ch.Deselect()
}

func (c *Controller) sendAddr(ch *spinor.Chip, a uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		ch.Transfer(byte(a >> (8 * i)))
	}
}

// mappedWrite performs a write-mode transaction: command, address, data.
func (c *Controller) mappedWrite(cs int, rel uint32, p []byte) {
	ch := c.chips[cs]
	cmd := byte(c.ctrl[cs] >> 16)
	if cmd == 0 {
		cmd = 0x02
	}
	ab := c.addrBytes(cs)
	if ab == 3 {
		rel &= 0xFFFFFF
	}
	c.setActive(cs, false)
	ch.Select()
	ch.Transfer(cmd)
	c.sendAddr(ch, rel, ab)
	for _, b := range p {
		ch.Transfer(b)
	}
	ch.Deselect()
}

// WindowRead is a CPU read of size bytes at offset off of the flash
// window.
func (c *Controller) WindowRead(off uint32, size int) uint32 {
	cs, rel, ok := c.decode(off)
	if !ok {
		c.cfg.Log.GuestError(c.cfg.Name, "read of window offset %#x outside every segment", off)
		return 0
	}
	ch := c.chips[cs]
	if ch == nil {
		return 0xFFFFFFFF >> (32 - 8*size)
	}
	var b [4]byte
	p := b[:size]
	if c.mode(cs) == modeUser {
		if !c.active[cs] {
			return 0xFFFFFFFF >> (32 - 8*size)
		}
		for i := range p {
			p[i] = ch.Transfer(0xFF)
		}
	} else {
		c.mappedRead(cs, rel, p)
	}
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// WindowWrite is a CPU write of size bytes at offset off of the flash
// window.
func (c *Controller) WindowWrite(off uint32, size int, v uint32) {
	cs, rel, ok := c.decode(off)
	if !ok {
		c.cfg.Log.GuestError(c.cfg.Name, "write of window offset %#x outside every segment", off)
		return
	}
	ch := c.chips[cs]
	if ch == nil {
		return
	}
	if !c.writable(cs) {
		c.cfg.Log.GuestError(c.cfg.Name, "write to CE%d with write disabled (CE type setting)", cs)
		return
	}
	var b [4]byte
	for i := 0; i < size; i++ {
		b[i] = byte(v >> (8 * i))
	}
	switch c.mode(cs) {
	case modeUser:
		if !c.active[cs] {
			return
		}
		for i := 0; i < size; i++ {
			ch.Transfer(b[i])
		}
	case modeWrite:
		c.mappedWrite(cs, rel, b[:size])
	default:
		c.cfg.Log.GuestError(c.cfg.Name, "write to CE%d window in read mode", cs)
	}
}

// WindowPage returns the chip storage behind the 4 KiB window page holding
// off when CPU reads of it may bypass the controller (normal or read mode
// with a plain read command, nothing remapped since reset), else nil.
func (c *Controller) WindowPage(off uint32) []byte {
	if !c.direct {
		return nil
	}
	off &^= spinor.PageSize - 1
	cs, rel, ok := c.decode(off)
	if !ok {
		return nil
	}
	ch := c.chips[cs]
	if ch == nil {
		return nil
	}
	_, e := c.segment(cs)
	if e-off < spinor.PageSize {
		return nil
	}
	m := c.mode(cs)
	if m != modeNormal && m != modeRead {
		return nil
	}
	cmd, _ := c.readCommand(cs)
	ab := c.addrBytes(cs)
	if !ch.DirectRead(cmd, ab) {
		return nil
	}
	if ab == 3 {
		rel &= 0xFFFFFF
	}
	return ch.Page(rel)
}

// WindowBase and WindowSize give the controller's flash window.
func (c *Controller) WindowBase() uint32 { return c.cfg.WindowBase }

// WindowSize returns the size of the flash window.
func (c *Controller) WindowSize() uint32 { return c.cfg.WindowSize }

// Name returns the controller's name.
func (c *Controller) Name() string { return c.cfg.Name }
