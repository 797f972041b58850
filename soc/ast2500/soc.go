package ast2500

import (
	"encoding/binary"
	"fmt"

	"github.com/ast2500emu/ast2500emu/devices/adc"
	"github.com/ast2500emu/ast2500emu/devices/ftgmac100"
	"github.com/ast2500emu/ast2500emu/devices/gfx"
	"github.com/ast2500emu/ast2500emu/devices/gpio"
	"github.com/ast2500emu/ast2500emu/devices/i2c"
	"github.com/ast2500emu/ast2500emu/devices/lpc"
	"github.com/ast2500emu/ast2500emu/devices/pwmtacho"
	"github.com/ast2500emu/ast2500emu/devices/rtc"
	"github.com/ast2500emu/ast2500emu/devices/scu"
	"github.com/ast2500emu/ast2500emu/devices/sdmc"
	"github.com/ast2500emu/ast2500emu/devices/smc"
	"github.com/ast2500emu/ast2500emu/devices/timer"
	"github.com/ast2500emu/ast2500emu/devices/uart"
	"github.com/ast2500emu/ast2500emu/devices/vic"
	"github.com/ast2500emu/ast2500emu/devices/wdt"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// Config is what a board and the command line choose about the SoC.
type Config struct {
	RAMSize    uint64 // DRAM size: 128, 256, 512 or 1024 MiB
	Strap      uint32 // SCU70 hardware strapping
	SiliconRev uint32 // SCU7C (0: AST2500 A1)
	Seed       uint64 // seeds every source of entropy (RNG, chip id)
	BaseUnix   int64  // RTC time at power-on
	// SCUUnlocked starts the SCU unlocked, as firmware leaves it; set for
	// direct kernel boot.
	SCUUnlocked bool
	// Console receives the bytes UART5 (the console) transmits.
	Console func(b byte)
	// UARTTxCharNs, when non-zero, replaces the line-rate transmit time of
	// a character on every UART (see uart.Config.TxCharNs).
	UARTTxCharNs uint64
	// IOAccessNs is the guest time one access to a device register takes
	// (an APB/AHB round trip on the real SoC, a few hundred ns). It keeps
	// polling loops such as udelay from costing millions of instructions.
	IOAccessNs uint64
	// MACTx receives the frames MAC0 and MAC1 transmit (the machine
	// routes them to NC-SI or a network backend).
	MACTx func(mac int, frame []byte)
	// MACPHY says which MACs have an MDIO PHY (ast2500-evb: both;
	// romulus: MAC1 only, MAC0 talks NC-SI).
	MACPHY [2]bool
	// ResetRequest is called when a watchdog resets the SoC (index 0-2).
	ResetRequest func(wdt int)
	Clock        *vclock.Clock
	Log          *mmio.Log
}

// SoC holds the AST2500's devices and its physical address decoder.
type SoC struct {
	cfg  Config
	RAM  []byte
	SRAM []byte

	VIC   *vic.VIC
	SCU   *scu.SCU
	SDMC  *sdmc.SDMC
	Timer *timer.Timer
	UART  [5]*uart.UART // UART1..UART5
	VUART *uart.VUART
	WDT   [3]*wdt.WDT
	RTC   *rtc.RTC
	GPIO  *gpio.GPIO
	I2C   *i2c.Controller
	LPC   *lpc.LPC
	ADC   *adc.ADC
	PWM   *pwmtacho.PWMTacho
	GFX   *gfx.GFX
	MAC   [2]*ftgmac100.MAC
	// The flash controllers: FMC (window at FMCWindow, also visible at
	// address 0 as the AST2500 maps the boot flash), SPI1 and SPI2.
	FMC, SPI1, SPI2 *smc.Controller

	vicIn [64]orGate // VIC inputs: several devices may share one source

	io        [ioPages]*ioPage
	resetters []mmio.Resetter
	dma       DMANotifier
}

// The register blocks all live in the 2 MiB AHB/APB window at 0x1E600000.
const (
	ioBase  = 0x1E600000
	ioSize  = 0x00200000
	ioPages = ioSize >> 12
)

// ioPage maps one 4 KiB page of the IO window: usually one device, or a
// few sub-page devices (the three watchdogs share a page).
type ioPage struct {
	subs []mapping
}

type mapping struct {
	base, size uint32
	dev        mmio.Device
}

// DMANotifier is told about writes to RAM made by bus masters other than
// the CPU, so decoded code can be invalidated. The machine sets it to the
// CPU.
type DMANotifier interface {
	InvalidatePhys(pa, n uint32)
	// InvalidateMapping also drops cached translations (flash windows
	// changing between direct reads and command mode).
	InvalidateMapping(pa, n uint32)
}

// New builds the SoC and its devices.
func New(cfg Config) (*SoC, error) {
	switch cfg.RAMSize {
	case 128 << 20, 256 << 20, 512 << 20, 1 << 30:
	default:
		return nil, fmt.Errorf("unsupported RAM size %d MiB (AST2500 supports 128, 256, 512 or 1024 MiB)", cfg.RAMSize>>20)
	}
	if cfg.Clock == nil {
		cfg.Clock = vclock.New(0)
	}
	if cfg.Log == nil {
		cfg.Log = mmio.Default
	}
	if cfg.Console == nil {
		cfg.Console = func(byte) {}
	}
	s := &SoC{cfg: cfg, RAM: make([]byte, cfg.RAMSize), SRAM: make([]byte, SRAMSize)}
	s.build()
	return s, nil
}

// irq returns a new input to VIC source n. Sources shared by several
// devices (the VUART and the LPC block on 8, the USB blocks on 5) are the
// OR of their inputs.
func (s *SoC) irq(n int) mmio.Line {
	g := &s.vicIn[n]
	if g.out == nil {
		g.out = s.VIC.Input(n)
	}
	bit := uint64(1) << g.n
	g.n++
	return mmio.LineFunc(func(level bool) {
		if level {
			g.levels |= bit
		} else {
			g.levels &^= bit
		}
		g.out.Set(g.levels != 0)
	})
}

// orGate combines the devices driving one VIC source.
type orGate struct {
	out    mmio.Line
	levels uint64
	n      int
}

func (s *SoC) block(name string) Block {
	b, ok := BlockByName(name)
	if !ok {
		panic("ast2500: no block " + name) // a bug in the tables, not guest input
	}
	return b
}

func (s *SoC) build() {
	cfg := s.cfg
	clk, log := cfg.Clock, cfg.Log
	s.VIC = vic.New(log)
	s.SCU = scu.New(scu.Config{Strap: cfg.Strap, SiliconRev: cfg.SiliconRev, Seed: cfg.Seed, Log: log, Unlocked: cfg.SCUUnlocked})
	s.SDMC = sdmc.New(cfg.RAMSize, log)

	tb := s.block("timer")
	var tl [timer.NumTimers]mmio.Line
	for i := range tl {
		tl[i] = s.irq(tb.IRQ[i])
	}
	s.Timer = timer.New(clk, tl, s.SCU.APBHz(), log)

	for i, name := range []string{"uart1", "uart2", "uart3", "uart4", "uart5"} {
		out := func(byte) {}
		if i == 4 {
			out = cfg.Console
		}
		s.UART[i] = uart.New(uart.Config{
			Name: name, Clock: clk, IRQ: s.irq(s.block(name).IRQ[0]),
			UARTClockHz: s.SCU.UARTClockHz(), Out: out, Log: log, TxCharNs: cfg.UARTTxCharNs,
		})
	}
	s.VUART = uart.NewVUART(uart.Config{
		Name: "vuart", Clock: clk, IRQ: s.irq(s.block("vuart").IRQ[0]),
		UARTClockHz: s.SCU.APBHz(), Out: func(byte) {}, Log: log,
	})
	for i := range s.WDT {
		i := i
		reset := mmio.LineFunc(func(level bool) {
			if level && cfg.ResetRequest != nil {
				cfg.ResetRequest(i)
			}
		})
		s.WDT[i] = wdt.New(clk, reset, mmio.NoLine, log)
		s.WDT[i].SetMaskedReset(s.maskedReset)
	}
	s.RTC = rtc.New(clk, cfg.BaseUnix, log)
	s.GPIO = gpio.New(s.irq(s.block("gpio").IRQ[0]), log)
	s.I2C = i2c.New(clk, s.irq(s.block("i2c").IRQ[0]), log)
	s.I2C.SetAPBHz(s.SCU.APBHz())
	s.LPC = lpc.New(s.irq(s.block("lpc").IRQ[0]), log)
	s.ADC = adc.New(log)
	s.PWM = pwmtacho.New(log)
	s.GFX = gfx.New(s.irq(s.block("gfx").IRQ[0]), log)
	s.GFX.AttachClock(clk)
	for i, name := range []string{"mac0", "mac1"} {
		i := i
		s.MAC[i] = ftgmac100.New(ftgmac100.Config{
			Name: name, Clock: clk, IRQ: s.irq(s.block(name).IRQ[0]), DMA: s, Log: log,
			PHY: cfg.MACPHY[i],
			Tx: func(frame []byte) {
				if cfg.MACTx != nil {
					cfg.MACTx(i, frame)
				}
			},
		})
	}
	newSMC := func(c smc.Config) *smc.Controller {
		b := s.block(c.Name)
		c.IRQ = mmio.NoLine
		if len(b.IRQ) > 0 {
			c.IRQ = s.irq(b.IRQ[0])
		}
		c.DMA, c.Log = s, log
		c.Invalidate = s.invalidateFlash
		return smc.New(c)
	}
	s.FMC = newSMC(smc.FMC())
	s.SPI1 = newSMC(smc.SPI1())
	s.SPI2 = newSMC(smc.SPI2())
	s.SCU.OnAPBChange(func(hz uint64) {
		s.Timer.SetAPBHz(hz)
		s.I2C.SetAPBHz(hz)
	})

	devs := map[string]mmio.Device{
		"vic": s.VIC, "scu": s.SCU, "sdmc": s.SDMC, "timer": s.Timer,
		"uart1": s.UART[0], "uart2": s.UART[1], "uart3": s.UART[2], "uart4": s.UART[3], "uart5": s.UART[4],
		"vuart": s.VUART, "wdt1": s.WDT[0], "wdt2": s.WDT[1], "wdt3": s.WDT[2],
		"rtc": s.RTC, "gpio": s.GPIO, "i2c": s.I2C, "lpc": s.LPC,
		"adc": s.ADC, "pwm-tacho": s.PWM, "gfx": s.GFX, "mac0": s.MAC[0], "mac1": s.MAC[1],
		"fmc": s.FMC, "spi1": s.SPI1, "spi2": s.SPI2,
	}
	for _, b := range Blocks {
		d := devs[b.Name]
		if d == nil {
			d = &mmio.Unimplemented{Name: b.Name, Log: log}
		}
		s.Map(b.Base, b.Size, d)
		if r, ok := d.(mmio.Resetter); ok {
			s.resetters = append(s.resetters, r)
		}
	}
}

// Clock returns the SoC's virtual clock (for board devices).
func (s *SoC) Clock() *vclock.Clock { return s.cfg.Clock }

// BaseUnix returns the configured wall-clock time at power-on.
func (s *SoC) BaseUnix() int64 { return s.cfg.BaseUnix }

// Map places a device in the IO window (boards and later devices use it).
// A later mapping of the same range replaces the earlier one.
func (s *SoC) Map(base, size uint32, d mmio.Device) {
	for a := base &^ 0xFFF; a < base+size; a += 0x1000 {
		if a < ioBase || a >= ioBase+ioSize {
			panic(fmt.Sprintf("ast2500: block at %#x outside the IO window", base))
		}
		p := s.io[(a-ioBase)>>12]
		if p == nil {
			p = &ioPage{}
			s.io[(a-ioBase)>>12] = p
		}
		kept := p.subs[:0]
		for _, m := range p.subs {
			if m.base+m.size <= base || m.base >= base+size {
				kept = append(kept, m)
			}
		}
		p.subs = append(kept, mapping{base, size, d})
	}
}

// SetDMANotifier connects the CPU's decoded-code invalidation.
func (s *SoC) SetDMANotifier(n DMANotifier) { s.dma = n }

// ConnectCPU wires the VIC outputs to the CPU's interrupt inputs.
func (s *SoC) ConnectCPU(irq, fiq mmio.Line) { s.VIC.ConnectCPU(irq, fiq) }

// Reset returns every device to its power-on state (RAM keeps its
// contents, as on a real SoC reset).
func (s *SoC) Reset() {
	for _, r := range s.resetters {
		r.Reset()
	}
}

// maskedReset resets the blocks in a watchdog reset mask that leaves the
// ARM core out (bit numbers as U-Boot's asm/arch-aspeed/wdt.h names them);
// blocks without a model here have nothing to reset.
func (s *SoC) maskedReset(mask uint32) {
	blocks := []struct {
		bit uint
		dev mmio.Resetter
	}{
		{2, s.SDMC}, {4, s.I2C}, {5, s.MAC[0]}, {6, s.MAC[1]}, {13, s.LPC},
		{17, s.PWM}, {20, s.ADC}, {21, s.GPIO},
	}
	for _, b := range blocks {
		if mask&(1<<b.bit) != 0 && b.dev != nil {
			b.dev.Reset()
		}
	}
}

// Page implements arm.Bus: the host memory of DRAM and SRAM pages.
func (s *SoC) Page(pa uint32) []byte {
	if pa >= DRAMBase {
		o := uint64(pa-DRAMBase) &^ 0xFFF
		if o < uint64(len(s.RAM)) {
			return s.RAM[o : o+4096]
		}
		return nil
	}
	if pa >= SRAMBase && pa < SRAMBase+SRAMSize {
		o := (pa - SRAMBase) &^ 0xFFF
		return s.SRAM[o : o+4096]
	}
	return nil
}

// dramAlias maps an address in the DRAM window above the installed RAM to
// the RAM address it aliases: the SDMC decodes only as many address bits
// as the configured size, so the 1 GiB window repeats the RAM. Boot loaders
// size DRAM this way (U-Boot's ast2500 sdram size probe writes at
// base+size and looks for the value at base). Aliases are served through
// Read/Write, not Page, so that a write through one invalidates decoded
// code at the canonical address.
func (s *SoC) dramAlias(pa uint32) (uint32, bool) {
	n := uint64(len(s.RAM))
	if pa < DRAMBase || n == 0 {
		return 0, false
	}
	o := uint64(pa - DRAMBase)
	if o < n || o >= DRAMMaxSize {
		return 0, false
	}
	return DRAMBase + uint32(o%n), true
}

// Flash windows: the FMC's 256 MiB at FMCWindow, SPI1's and SPI2's 128 MiB
// at SPI1Window and SPI2Window, and the boot alias of the FMC window at
// address 0 (BootAliasSize bytes).
func (s *SoC) flash(pa uint32) (*smc.Controller, uint32) {
	switch {
	case pa < BootAliasSize:
		return s.FMC, pa
	case pa >= FMCWindow && pa < SPI1Window:
		return s.FMC, pa - FMCWindow
	case pa >= SPI1Window && pa < SPI2Window:
		return s.SPI1, pa - SPI1Window
	case pa >= SPI2Window && pa < SPI2Window+128<<20:
		return s.SPI2, pa - SPI2Window
	}
	return nil, 0
}

// invalidateFlash drops decoded code for flash window addresses whose
// contents or mapping changed (and for their boot alias).
func (s *SoC) invalidateFlash(pa, n uint32) {
	if s.dma == nil || n == 0 {
		return
	}
	s.dma.InvalidateMapping(pa, n)
	if pa >= FMCWindow && pa-FMCWindow < BootAliasSize {
		s.dma.InvalidateMapping(pa-FMCWindow, min(n, BootAliasSize-(pa-FMCWindow)))
	}
}

// ROPage implements arm.ROPager: a flash window page the CPU may read and
// execute directly, while its controller is in a memory-mapped read mode.
func (s *SoC) ROPage(pa uint32) []byte {
	if c, off := s.flash(pa); c != nil {
		return c.WindowPage(off)
	}
	return nil
}

func (s *SoC) lookup(pa uint32) (mmio.Device, uint32, bool) {
	if pa-ioBase >= ioSize {
		return nil, 0, false
	}
	p := s.io[(pa-ioBase)>>12]
	if p == nil {
		return nil, 0, true
	}
	for _, m := range p.subs {
		if pa-m.base < m.size {
			return m.dev, pa - m.base, true
		}
	}
	return nil, 0, true
}

// Read implements arm.Bus for everything that is not RAM.
func (s *SoC) Read(pa uint32, size int) (uint64, bool) {
	if size == 8 {
		lo, ok1 := s.Read(pa, 4)
		hi, ok2 := s.Read(pa+4, 4)
		return lo | hi<<32, ok1 && ok2
	}
	d, off, ok := s.lookup(pa)
	if !ok {
		if p := s.Page(pa); p != nil {
			return readLE(p[pa&0xFFF:], size), true
		}
		if a, ok := s.dramAlias(pa); ok {
			return readLE(s.Page(a)[a&0xFFF:], size), true
		}
		if c, off := s.flash(pa); c != nil {
			return uint64(c.WindowRead(off, size)), true
		}
		return 0, false
	}
	s.cfg.Clock.Stall(s.cfg.IOAccessNs)
	if d == nil {
		s.cfg.Log.Unimplemented("io", pa-ioBase, false, 0)
		return 0, true
	}
	return uint64(d.Read(off, size)), true
}

// Write implements arm.Bus for everything that is not RAM.
func (s *SoC) Write(pa uint32, size int, v uint64) bool {
	if size == 8 {
		return s.Write(pa, 4, v&0xFFFFFFFF) && s.Write(pa+4, 4, v>>32)
	}
	d, off, ok := s.lookup(pa)
	if !ok {
		if a, ok := s.dramAlias(pa); ok {
			pa = a
		}
		if p := s.Page(pa); p != nil {
			writeLE(p[pa&0xFFF:], size, v)
			if s.dma != nil {
				s.dma.InvalidatePhys(pa, uint32(size))
			}
			return true
		}
		if c, off := s.flash(pa); c != nil {
			s.cfg.Clock.Stall(s.cfg.IOAccessNs)
			c.WindowWrite(off, size, uint32(v))
			return true
		}
		return false
	}
	s.cfg.Clock.Stall(s.cfg.IOAccessNs)
	if d == nil {
		s.cfg.Log.Unimplemented("io", pa-ioBase, true, uint32(v))
		return true
	}
	d.Write(off, size, uint32(v))
	return true
}

// readLE and writeLE move size (1, 2, 4 or 8) little-endian bytes.
func readLE(b []byte, size int) uint64 {
	var w [8]byte
	copy(w[:], b[:size])
	return binary.LittleEndian.Uint64(w[:])
}

func writeLE(b []byte, size int, v uint64) {
	var w [8]byte
	binary.LittleEndian.PutUint64(w[:], v)
	copy(b[:size], w[:size])
}

// ReadPhys copies physical memory (RAM or SRAM) into p for a DMA master.
// It returns false if any part is not RAM.
func (s *SoC) ReadPhys(pa uint32, p []byte) bool {
	for len(p) > 0 {
		page := s.Page(pa)
		if page == nil {
			return false
		}
		n := copy(p, page[pa&0xFFF:])
		p, pa = p[n:], pa+uint32(n)
	}
	return true
}

// WritePhys copies p into physical RAM for a DMA master and invalidates any
// decoded code there. It returns false if any part is not RAM.
func (s *SoC) WritePhys(pa uint32, p []byte) bool {
	start, total := pa, uint32(len(p))
	for len(p) > 0 {
		page := s.Page(pa)
		if page == nil {
			return false
		}
		n := copy(page[pa&0xFFF:], p)
		p, pa = p[n:], pa+uint32(n)
	}
	if s.dma != nil {
		s.dma.InvalidatePhys(start, total)
	}
	return true
}
