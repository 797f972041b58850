package main

// Configurable machines: the flags that change what a board has.
//
//	-M BOARD[,hw-strap1=V][,fmc-model=M][,spi-model=M]   QEMU's machine properties
//	--device MODEL,bus=N,addr=0xNN                      an I2C device (repeatable)
//	--nic SPEC (repeatable)                             MAC0's backend, then MAC1's
//	--pcap [macN=]FILE (repeatable)                     captures, in MAC order
//	--mtd [fmcN=|spi1=]FILE (repeatable)                flash images, in QEMU's if=mtd index order
//	--rtc base=utc|localtime|DATE                       the RTC's time at power-on
//
// They only turn into options here: the board package attaches its own
// chips and devices, these go on top.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/i2c"
	"github.com/ast2500emu/ast2500emu/devices/i2cdev"
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// machineProps are the -M properties (QEMU's aspeed machine properties).
type machineProps struct {
	strap    uint32
	strapSet bool
	fmc, spi spinor.Model
}

// board parses -M: a board name (or QEMU's), then comma-separated
// properties.
func (o *bootOptions) board() (boards.Board, machineProps, error) {
	var p machineProps
	parts := strings.Split(o.machine, ",")
	name := parts[0]
	if v, ok := strings.CutPrefix(name, "type="); ok {
		name = v
	}
	b, ok := boards.Lookup(name)
	if !ok {
		return b, p, usage("unknown machine %q (known: %s)", name, strings.Join(boards.Names(), ", "))
	}
	p.fmc, p.spi = b.FMC, b.SPI1
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return b, p, usage("-M %s: property %q: want NAME=VALUE (hw-strap1, fmc-model, spi-model)", o.machine, kv)
		}
		switch k {
		case "hw-strap1":
			n, err := strconv.ParseUint(v, 0, 32)
			if err != nil {
				return b, p, usage("-M %s: hw-strap1=%s: want a 32-bit number (e.g. 0xF10AD206)", o.machine, v)
			}
			p.strap, p.strapSet = uint32(n), true
		case "fmc-model", "spi-model":
			m, ok := spinor.Lookup(v)
			if !ok {
				return b, p, usage("-M %s: %s=%s: unknown flash model (known: %s)", o.machine, k, v, strings.Join(spinor.Names(), ", "))
			}
			if k == "fmc-model" {
				p.fmc = m
			} else {
				p.spi = m
			}
		default:
			return b, p, usage("-M %s: unknown machine property %q (known: hw-strap1, fmc-model, spi-model)", o.machine, k)
		}
	}
	return b, p, nil
}

// strapFor is the SCU70 value: the board's unless hw-strap1 is given.
func (p machineProps) strapFor(b boards.Board) uint32 {
	if p.strapSet {
		return p.strap
	}
	return b.Strap
}

// i2cDevice is one --device.
type i2cDevice struct {
	spec  string
	model string
	bus   int
	addr  uint8
}

// parseDevices parses --device MODEL,bus=N,addr=0xNN.
func (o *bootOptions) parseDevices() ([]i2cDevice, error) {
	var ds []i2cDevice
	for _, spec := range o.devices {
		parts := strings.Split(spec, ",")
		d := i2cDevice{spec: spec, model: parts[0], bus: -1}
		if !slices.Contains(i2cdev.Models(), d.model) {
			return nil, usage("--device %s: unknown I2C device model %q (known: %s)", spec, d.model, strings.Join(i2cdev.Models(), ", "))
		}
		haveAddr := false
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "bus":
				n, err := strconv.ParseUint(v, 0, 8)
				if err != nil || n >= i2c.NumBuses {
					return nil, usage("--device %s: bus=%s: want an I2C bus 0..%d (Linux i2c-N)", spec, v, i2c.NumBuses-1)
				}
				d.bus = int(n)
			case "addr":
				n, err := strconv.ParseUint(v, 0, 8)
				if err != nil || n < 0x08 || n > 0x77 {
					return nil, usage("--device %s: addr=%s: want a 7-bit address 0x08..0x77", spec, v)
				}
				d.addr, haveAddr = uint8(n), true
			default:
				return nil, usage("--device %s: unknown option %q (want MODEL,bus=N,addr=0xNN)", spec, kv)
			}
		}
		if d.bus < 0 || !haveAddr {
			return nil, usage("--device %s: want MODEL,bus=N,addr=0xNN", spec)
		}
		for _, e := range ds {
			if e.bus == d.bus && e.addr == d.addr {
				return nil, usage("--device %s: address %#02x on bus %d is already taken by --device %s", spec, d.addr, d.bus, e.spec)
			}
		}
		ds = append(ds, d)
	}
	return ds, nil
}

// rtcBase parses --rtc base=utc|localtime|DATE (QEMU's -rtc base=): the
// time the RTCs hold at power-on, in seconds since the epoch. Without it,
// the time is fixed (from --seed), so runs stay deterministic; utc and
// localtime take the host's clock once, at start.
func (o *bootOptions) rtcBase() (int64, error) {
	def := 1700000000 + int64(o.seed%1000000)
	if o.rtc == "" {
		return def, nil
	}
	v, ok := strings.CutPrefix(o.rtc, "base=")
	if !ok {
		return 0, usage("--rtc %s: want base=utc, base=localtime or base=YYYY-MM-DD[THH:MM:SS]", o.rtc)
	}
	switch v {
	case "utc":
		return time.Now().Unix(), nil
	case "localtime":
		now := time.Now()
		_, off := now.Zone()
		return now.Unix() + int64(off), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Unix(), nil
		}
	}
	return 0, usage("--rtc %s: %q is not utc, localtime or a date YYYY-MM-DD[THH:MM:SS]", o.rtc, v)
}

// mtdSlot names a flash chip in QEMU's if=mtd index order: FMC CS0 up to
// the board's FMC chips, then SPI1 CS0.
func mtdSlot(b boards.Board, i int) string {
	if i < b.FMCChips {
		return fmt.Sprintf("FMC CS%d", i)
	}
	return "SPI1 CS0"
}

// resolveMTD assigns the --mtd images to chips: FILE takes the next index
// (the first is FMC CS0, the boot flash), fmc0=, fmc1= and spi1= name the
// chip. It sets o.mtd to the CS0 image (the one firmware boots from) and
// returns the others by index.
func (o *bootOptions) resolveMTD(b boards.Board) (map[int]string, error) {
	slots := map[int]string{}
	n := b.FMCChips + 1
	next := 0
	for _, spec := range o.mtds {
		idx, path := -1, spec
		if k, v, ok := strings.Cut(spec, "="); ok {
			switch {
			case k == "spi1":
				idx, path = b.FMCChips, v
			case len(k) == 4 && strings.HasPrefix(k, "fmc") && k[3] >= '0' && k[3] <= '9':
				idx, path = int(k[3]-'0'), v
				if idx >= b.FMCChips {
					return nil, usage("--mtd %s: %s has %d FMC flash chip(s) (fmc0..fmc%d)", spec, b.Name, b.FMCChips, b.FMCChips-1)
				}
			}
		}
		if idx < 0 {
			idx = next
		}
		if idx >= n {
			return nil, usage("--mtd %s: %s has only %d flash chips (FMC CS0..CS%d, SPI1)", spec, b.Name, n, b.FMCChips-1)
		}
		if prev, ok := slots[idx]; ok {
			return nil, usage("--mtd %s: %s already has the image %s", spec, mtdSlot(b, idx), prev)
		}
		if path == "" {
			return nil, usage("--mtd %s: no file name", spec)
		}
		slots[idx] = path
		next = idx + 1
	}
	o.mtd = slots[0]
	delete(slots, 0)
	return slots, nil
}

// readExtraMTD reads the images for FMC CS1.. and SPI1.
func (o *bootOptions) readExtraMTD(b boards.Board, extra map[int]string) error {
	o.extraFlash = nil
	for i := 1; i <= b.FMCChips; i++ {
		if path, ok := extra[i]; ok {
			f, err := readFlashImage(path, o.mtdWritable)
			if err != nil {
				return err
			}
			f.index = i
			o.extraFlash = append(o.extraFlash, f)
		}
	}
	return nil
}

// attachFor returns the machine's Attach: the board's flash chips (of the
// -M models), the board's devices, the --mtd images and the --device
// devices. It fails (exit status 2) on an image larger than its chip or
// an address the board already uses.
func (o *bootOptions) attachFor(b boards.Board, p machineProps, devs []i2cDevice) func(*ast2500.SoC) error {
	return func(s *ast2500.SoC) error {
		chips := b.AttachFlash(s, p.fmc, p.spi)
		if b.Attach != nil {
			b.Attach(s)
		}
		for _, f := range append([]*flashImage{o.flash}, o.extraFlash...) {
			if f == nil {
				continue
			}
			var chip *spinor.Chip
			if f.index < len(chips) {
				chip = chips[f.index]
			}
			if err := f.attach(chip, mtdSlot(b, f.index)); err != nil {
				return err
			}
		}
		env := i2cdev.Env{Clock: s.Clock(), BaseUnix: s.BaseUnix()}
		for _, d := range devs {
			if s.I2C.Target(d.bus, d.addr) != nil {
				return usage("--device %s: address %#02x on bus %d is already taken by a device of the %s board", d.spec, d.addr, d.bus, b.Name)
			}
			t, _ := i2cdev.New(d.model, env)
			s.I2C.Attach(d.bus, d.addr, t)
		}
		return nil
	}
}

// saveFlash writes back every --mtd image the guest changed
// (--mtd-writable).
func (o *bootOptions) saveFlash() error {
	var first error
	for _, f := range append([]*flashImage{o.flash}, o.extraFlash...) {
		if err := f.save(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
