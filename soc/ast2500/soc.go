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
	// SerialOut receives the bytes the other UARTs transmit, by block
	// name ("uart1".."uart4", "vuart"); a missing entry discards them.
	SerialOut map[string]func(b byte)
	// UARTTxCharNs, when non-zero, replaces the line-rate transmit time of
	// a character on every UART (see uart.Config.TxCharNs).
	UARTTxCharNs uint64
	// IOAccessNs is the guest time one access to a device register takes
	// (an APB/AHB round trip on the real SoC, a few hundred ns). It keeps
	// polling loops such as udelay from costing millions of instructions.
	IOAccessNs uint64
	// MACTx receives the frames MAC0 and MAC1 transmit (the machine
	// gives each the Send of its network.Port; nil: dropped).
	MACTx [2]func(frame []byte)
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
	masked    [32]mmio.Resetter // by watchdog reset mask bit
	flashCtl  []*smc.Controller // in Blocks order
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

// build instantiates the devices of the Blocks table and maps them. The
// VIC and the SCU come first: every interrupt goes through the one, and
// the clocks other devices count in come from the other.
func (s *SoC) build() {
	cfg := s.cfg
	log := cfg.Log
	s.VIC = vic.New(log)
	s.SCU = scu.New(scu.Config{Strap: cfg.Strap, SiliconRev: cfg.SiliconRev, Seed: cfg.Seed, Log: log, Unlocked: cfg.SCUUnlocked})
	for _, b := range Blocks {
		var d mmio.Device = &mmio.Unimplemented{Name: b.Name, Log: log}
		if b.Model != "" {
			d = s.newDevice(b)
		}
		if err := s.Map(b.Base, b.Size, d); err != nil {
			panic(err) // a bug in the tables, not guest input
		}
		if r, ok := d.(mmio.Resetter); ok {
			s.resetters = append(s.resetters, r)
			if b.ResetBit != 0 {
				s.masked[b.ResetBit] = r
			}
		}
	}
	s.SCU.OnAPBChange(func(hz uint64) {
		s.Timer.SetAPBHz(hz)
		s.I2C.SetAPBHz(hz)
	})
}

// lines returns the block's interrupt outputs.
func (s *SoC) lines(b Block) []mmio.Line {
	l := make([]mmio.Line, len(b.IRQ))
	for i, n := range b.IRQ {
		l[i] = s.irq(n)
	}
	return l
}

// line returns the block's first interrupt output (NoLine without one).
func (s *SoC) line(b Block) mmio.Line {
	if len(b.IRQ) == 0 {
		return mmio.NoLine
	}
	return s.lines(b)[0]
}

// unit returns the instance number in a block name ("uart5": 5, "mac0": 0).
func unit(name string) int { return int(name[len(name)-1] - '0') }

// newDevice instantiates the model of block b and records it in the SoC.
func (s *SoC) newDevice(b Block) mmio.Device {
	cfg := s.cfg
	clk, log := cfg.Clock, cfg.Log
	switch b.Model {
	case ModelVIC:
		return s.VIC
	case ModelSCU:
		return s.SCU
	case ModelSDMC:
		s.SDMC = sdmc.New(cfg.RAMSize, log)
		return s.SDMC
	case ModelTimer:
		var tl [timer.NumTimers]mmio.Line
		copy(tl[:], s.lines(b))
		s.Timer = timer.New(clk, tl, s.SCU.APBHz(), log)
		return s.Timer
	case ModelUART:
		out := s.serialOut(b.Name)
		if b.Name == ConsoleUART {
			out = cfg.Console
		}
		u := uart.New(uart.Config{
			Name: b.Name, Clock: clk, IRQ: s.line(b),
			UARTClockHz: s.SCU.UARTClockHz(), Out: out, Log: log, TxCharNs: cfg.UARTTxCharNs,
		})
		s.UART[unit(b.Name)-1] = u
		return u
	case ModelVUART:
		s.VUART = uart.NewVUART(uart.Config{
			Name: b.Name, Clock: clk, IRQ: s.line(b),
			UARTClockHz: s.SCU.APBHz(), Out: s.serialOut(b.Name), Log: log,
		})
		return s.VUART
	case ModelWDT:
		i := unit(b.Name) - 1
		reset := mmio.LineFunc(func(level bool) {
			if level && cfg.ResetRequest != nil {
				cfg.ResetRequest(i)
			}
		})
		w := wdt.New(clk, reset, s.line(b), log)
		w.SetMaskedReset(s.maskedReset)
		s.WDT[i] = w
		return w
	case ModelRTC:
		s.RTC = rtc.New(clk, cfg.BaseUnix, log)
		return s.RTC
	case ModelGPIO:
		s.GPIO = gpio.New(s.line(b), log)
		return s.GPIO
	case ModelI2C:
		s.I2C = i2c.New(clk, s.line(b), log)
		s.I2C.SetAPBHz(s.SCU.APBHz())
		return s.I2C
	case ModelLPC:
		s.LPC = lpc.New(s.line(b), log)
		return s.LPC
	case ModelADC:
		s.ADC = adc.New(log)
		return s.ADC
	case ModelPWMTacho:
		s.PWM = pwmtacho.New(log)
		return s.PWM
	case ModelGFX:
		s.GFX = gfx.New(s.line(b), log)
		s.GFX.AttachClock(clk)
		return s.GFX
	case ModelMAC:
		i := unit(b.Name)
		s.MAC[i] = ftgmac100.New(ftgmac100.Config{
			Name: b.Name, Clock: clk, IRQ: s.line(b), DMA: s, Log: log,
			PHY: cfg.MACPHY[i],
			Tx:  cfg.MACTx[i],
		})
		return s.MAC[i]
	case ModelSMC:
		var c smc.Config
		switch b.Name {
		case "fmc":
			c = smc.FMC(b.Window, b.WindowSize)
		case "spi1":
			c = smc.SPI1(b.Window, b.WindowSize)
		default:
			c = smc.SPI2(b.Window, b.WindowSize)
		}
		c.IRQ, c.DMA, c.Log = s.line(b), s, log
		c.Invalidate = s.invalidateFlash
		ctl := smc.New(c)
		s.flashCtl = append(s.flashCtl, ctl)
		switch b.Name {
		case "fmc":
			s.FMC = ctl
		case "spi1":
			s.SPI1 = ctl
		default:
			s.SPI2 = ctl
		}
		return ctl
	}
	panic("ast2500: no model " + string(b.Model)) // a bug in the tables
}

// serialOut returns the output of a UART other than the console.
func (s *SoC) serialOut(name string) func(byte) {
	if f := s.cfg.SerialOut[name]; f != nil {
		return f
	}
	return func(byte) {}
}

// Serial returns the UART or VUART named as in Blocks ("uart1".."uart5",
// "vuart"), or nil.
func (s *SoC) Serial(name string) *uart.UART {
	if name == "vuart" {
		if s.VUART == nil {
			return nil
		}
		return s.VUART.UART
	}
	if len(name) != len("uart1") || name[:4] != "uart" {
		return nil
	}
	if n := unit(name); n >= 1 && n <= len(s.UART) {
		return s.UART[n-1]
	}
	return nil
}

// Clock returns the SoC's virtual clock (for board devices).
func (s *SoC) Clock() *vclock.Clock { return s.cfg.Clock }

// BaseUnix returns the configured wall-clock time at power-on.
func (s *SoC) BaseUnix() int64 { return s.cfg.BaseUnix }

// Map places a device in the IO window (boards and later devices use it).
// It refuses a range outside the window or overlapping a mapped block.
func (s *SoC) Map(base, size uint32, d mmio.Device) error {
	if size == 0 || base < ioBase || base-ioBase >= ioSize || size > ioBase+ioSize-base {
		return fmt.Errorf("ast2500: block at %#x+%#x outside the IO window", base, size)
	}
	for a := base &^ 0xFFF; a < base+size; a += 0x1000 {
		if p := s.io[(a-ioBase)>>12]; p != nil {
			for _, m := range p.subs {
				if m.base < base+size && base < m.base+m.size {
					return fmt.Errorf("ast2500: block at %#x+%#x overlaps the one at %#x+%#x", base, size, m.base, m.size)
				}
			}
		}
	}
	for a := base &^ 0xFFF; a < base+size; a += 0x1000 {
		p := s.io[(a-ioBase)>>12]
		if p == nil {
			p = &ioPage{}
			s.io[(a-ioBase)>>12] = p
		}
		p.subs = append(p.subs, mapping{base, size, d})
	}
	return nil
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
// ARM core out (the ResetBit column of Blocks); blocks without a model
// here have nothing to reset.
func (s *SoC) maskedReset(mask uint32) {
	for bit, r := range s.masked {
		if mask&(1<<bit) != 0 && r != nil {
			r.Reset()
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
	if pa < BootAliasSize {
		return s.FMC, pa
	}
	for _, c := range s.flashCtl {
		if pa-c.WindowBase() < c.WindowSize() {
			return c, pa - c.WindowBase()
		}
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
