package ast2500

// Snapshot support: the state of every device the SoC maps, and its
// memories (RAM, SRAM, the flash chips' arrays) as snapshot regions.

import (
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
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/devices/timer"
	"github.com/ast2500emu/ast2500emu/devices/uart"
	"github.com/ast2500emu/ast2500emu/devices/vic"
	"github.com/ast2500emu/ast2500emu/devices/wdt"
	"github.com/ast2500emu/ast2500emu/snapshot"
)

// State is every SoC device's state. Each field is a device's own plain
// State value; the wiring (lines, clock, log, callbacks) is not in it.
type State struct {
	VIC   vic.State
	SCU   scu.State
	SDMC  sdmc.State
	Timer timer.State
	UART  [5]uart.State
	VUART uart.VUARTState
	WDT   [3]wdt.State
	RTC   rtc.State
	GPIO  gpio.State
	I2C   i2c.State
	LPC   lpc.State
	ADC   adc.State
	PWM   pwmtacho.State
	GFX   gfx.State
	MAC   [2]ftgmac100.State
	FMC   smc.State
	SPI1  smc.State
	SPI2  smc.State
}

// State returns the devices' state.
func (s *SoC) State() (State, error) {
	st := State{
		VIC: s.VIC.State(), SCU: s.SCU.State(), SDMC: s.SDMC.State(), Timer: s.Timer.State(),
		VUART: s.VUART.State(), RTC: s.RTC.State(), GPIO: s.GPIO.State(), LPC: s.LPC.State(),
		ADC: s.ADC.State(), PWM: s.PWM.State(), GFX: s.GFX.State(),
		FMC: s.FMC.State(), SPI1: s.SPI1.State(), SPI2: s.SPI2.State(),
	}
	for i, u := range s.UART {
		st.UART[i] = u.State()
	}
	for i, w := range s.WDT {
		st.WDT[i] = w.State()
	}
	for i, m := range s.MAC {
		st.MAC[i] = m.State()
	}
	var err error
	st.I2C, err = s.I2C.State()
	return st, err
}

// Restore sets every device's state. The devices re-drive their interrupt
// lines; the VIC goes last, so that its latches and outputs end up as
// saved, and drives the CPU's inputs.
func (s *SoC) Restore(st State) error {
	type step struct {
		name string
		fn   func() error
	}
	steps := []step{
		{"scu", func() error { return s.SCU.Restore(st.SCU) }},
		{"sdmc", func() error { return s.SDMC.Restore(st.SDMC) }},
		{"timer", func() error { return s.Timer.Restore(st.Timer) }},
		{"vuart", func() error { return s.VUART.Restore(st.VUART) }},
		{"rtc", func() error { return s.RTC.Restore(st.RTC) }},
		{"gpio", func() error { return s.GPIO.Restore(st.GPIO) }},
		{"i2c", func() error { return s.I2C.Restore(st.I2C) }},
		{"lpc", func() error { return s.LPC.Restore(st.LPC) }},
		{"adc", func() error { return s.ADC.Restore(st.ADC) }},
		{"pwm-tacho", func() error { return s.PWM.Restore(st.PWM) }},
		{"gfx", func() error { return s.GFX.Restore(st.GFX) }},
		{"fmc", func() error { return s.FMC.Restore(st.FMC) }},
		{"spi1", func() error { return s.SPI1.Restore(st.SPI1) }},
		{"spi2", func() error { return s.SPI2.Restore(st.SPI2) }},
	}
	for i := range s.UART {
		i := i
		steps = append(steps, step{fmt.Sprintf("uart%d", i+1), func() error { return s.UART[i].Restore(st.UART[i]) }})
	}
	for i := range s.WDT {
		i := i
		steps = append(steps, step{fmt.Sprintf("wdt%d", i+1), func() error { return s.WDT[i].Restore(st.WDT[i]) }})
	}
	for i := range s.MAC {
		i := i
		steps = append(steps, step{fmt.Sprintf("mac%d", i), func() error { return s.MAC[i].Restore(st.MAC[i]) }})
	}
	steps = append(steps, step{"vic", func() error { return s.VIC.Restore(st.VIC) }})
	for _, step := range steps {
		if err := step.fn(); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
	}
	return nil
}

// stateDevices are the devices State covers, by block name (the test
// checks that every mapped device is here).
func (s *SoC) stateDevices() map[string]any {
	return map[string]any{
		"vic": s.VIC, "scu": s.SCU, "sdmc": s.SDMC, "timer": s.Timer,
		"uart1": s.UART[0], "uart2": s.UART[1], "uart3": s.UART[2], "uart4": s.UART[3], "uart5": s.UART[4],
		"vuart": s.VUART, "wdt1": s.WDT[0], "wdt2": s.WDT[1], "wdt3": s.WDT[2],
		"rtc": s.RTC, "gpio": s.GPIO, "i2c": s.I2C, "lpc": s.LPC,
		"adc": s.ADC, "pwm-tacho": s.PWM, "gfx": s.GFX, "mac0": s.MAC[0], "mac1": s.MAC[1],
		"fmc": s.FMC, "spi1": s.SPI1, "spi2": s.SPI2,
	}
}

// byteRegion is a memory backed by a byte slice, as a snapshot region.
type byteRegion struct {
	b []byte
	// fresh: the memory is known to be all zero (a machine that has not
	// run), so restoring need not clear the pages the file leaves out.
	fresh bool
}

func (r *byteRegion) Size() uint64       { return uint64(len(r.b)) }
func (r *byteRegion) Fill() byte         { return 0 }
func (r *byteRegion) Page(i int) []byte  { return r.b[i*snapshot.PageSize : (i+1)*snapshot.PageSize] }
func (r *byteRegion) Store(i int) []byte { return r.Page(i) }
func (r *byteRegion) SetFill(i int) {
	if !r.fresh {
		clear(r.Page(i))
	}
}

// Regions returns the SoC's memories for a snapshot: "ram", "sram" and
// each flash chip as "fmc.cs0", "spi1.cs0"... fresh says RAM and SRAM are
// still all zero (nothing has been loaded or run), which makes restoring
// sparse memory cheap.
func (s *SoC) Regions(fresh bool) ([]string, map[string]snapshot.Region) {
	names := []string{"ram", "sram"}
	regs := map[string]snapshot.Region{
		"ram":  &byteRegion{s.RAM, fresh},
		"sram": &byteRegion{s.SRAM, fresh},
	}
	for _, c := range []*smc.Controller{s.FMC, s.SPI1, s.SPI2} {
		for cs := 0; cs < 3; cs++ {
			if ch := c.Chip(cs); ch != nil {
				n := fmt.Sprintf("%s.cs%d", c.Name(), cs)
				names = append(names, n)
				regs[n] = ch.Contents()
			}
		}
	}
	return names, regs
}

// FlashChips returns the flash chips attached to the three controllers.
func (s *SoC) FlashChips() []*spinor.Chip {
	var out []*spinor.Chip
	for _, c := range []*smc.Controller{s.FMC, s.SPI1, s.SPI2} {
		for cs := 0; cs < 3; cs++ {
			if ch := c.Chip(cs); ch != nil {
				out = append(out, ch)
			}
		}
	}
	return out
}
