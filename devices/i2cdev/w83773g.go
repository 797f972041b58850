package i2cdev

// Nuvoton W83773G three-channel temperature sensor (romulus: bus 12,
// address 0x4c), an LM90-family SMBus device.
//
// Registers (pointer written first; reads do not auto-increment):
//
//	0x00 local temperature (signed, 1 C)   0x01/0x10 remote 1 high/low
//	0x24/0x25 remote 2 high/low (high byte signed C, low byte [7:5] in
//	1/8 C)   0x02/0x17 status 1/2 (bit 2: remote diode open = fault)
//	0x03/0x09 configuration read/write   0x04/0x0a conversion rate
//	read/write   0x05-0x08 / 0x0b-0x0e limits read/write   0x0f one-shot
//	0x11/0x12 and 0x15/0x16 remote 1/2 offset (same format as the
//	reading, added to it)   0x13/0x14 remote low bytes of limits
//	0x19 remote THERM limit   0x20 local THERM limit   0x21 hysteresis
//	0xfe manufacturer ID (0x5c, Nuvoton/Winbond)   0xff chip ID
//
// Reported temperatures are fixed (settable with SetTemp): 35 C local,
// 40 C remote 1, 38 C remote 2, no diode faults.
//
// Sources: Linux drivers/hwmon/w83773g.c (register addresses, value
// formats, conversion-rate write at probe); drivers/hwmon/lm90.c (the
// LM90-family register layout and the 0x5c Nuvoton manufacturer ID). The
// chip ID value is not from a datasheet: w83773g.c does not check it.

// W83773G register addresses.
const (
	W83LocalTemp    = 0x00
	W83Remote1High  = 0x01
	W83Status1      = 0x02
	W83ConfigRead   = 0x03
	W83ConvRead     = 0x04
	W83ConfigWrite  = 0x09
	W83ConvWrite    = 0x0a
	W83OneShot      = 0x0f
	W83Remote1Low   = 0x10
	W83Remote1OffH  = 0x11
	W83Remote1OffL  = 0x12
	W83Remote2OffH  = 0x15
	W83Remote2OffL  = 0x16
	W83Status2      = 0x17
	W83Remote2High  = 0x24
	W83Remote2Low   = 0x25
	W83ManufacturID = 0xfe
	W83ChipID       = 0xff

	W83ManufacturerNuvoton = 0x5c
	w83ChipIDValue         = 0x70 // unverified; not checked by Linux
)

// W83773G is the sensor model.
type W83773G struct {
	regs    [256]byte
	temp    [3]int // milli-degrees C: local, remote 1, remote 2
	ptr     byte
	wantPtr bool
}

// NewW83773G returns the sensor at 35 C local, 40 C and 38 C remote.
func NewW83773G() *W83773G {
	w := &W83773G{temp: [3]int{35000, 40000, 38000}}
	w.regs[W83ConfigRead] = 0x00
	w.regs[W83ConvRead] = 0x07
	w.regs[0x05] = 0x55 // local high limit 85 C
	w.regs[0x07] = 0x55 // remote high limit 85 C
	w.regs[0x19] = 0x55 // remote THERM 85 C
	w.regs[0x20] = 0x55 // local THERM 85 C
	w.regs[0x21] = 0x0a // hysteresis 10 C
	w.regs[W83ManufacturID] = W83ManufacturerNuvoton
	w.regs[W83ChipID] = w83ChipIDValue
	return w
}

// SetTemp sets channel 0 (local), 1 or 2 (remote) in milli-degrees C.
func (w *W83773G) SetTemp(ch int, milliC int) {
	if ch >= 0 && ch < 3 {
		w.temp[ch] = milliC
	}
}

// remote returns the 11-bit reading (1/8 C units) of remote channel i
// (0 or 1), offset included, as high and low register bytes.
func (w *W83773G) remote(i int) (hi, lo byte) {
	offH, offL := W83Remote1OffH, W83Remote1OffL
	if i == 1 {
		offH, offL = W83Remote2OffH, W83Remote2OffL
	}
	off := int(int8(w.regs[offH]))<<3 | int(w.regs[offL]>>5)
	v := w.temp[i+1]/125 + off // eighths of a degree
	if v > 127<<3|7 {
		v = 127<<3 | 7
	}
	if v < -128<<3 {
		v = -128 << 3
	}
	return byte(v >> 3), byte(v&7) << 5
}

func (w *W83773G) reg(a byte) byte {
	switch a {
	case W83LocalTemp:
		t := w.temp[0] / 1000
		if t > 127 {
			t = 127
		}
		if t < -128 {
			t = -128
		}
		return byte(int8(t))
	case W83Remote1High:
		hi, _ := w.remote(0)
		return hi
	case W83Remote1Low:
		_, lo := w.remote(0)
		return lo
	case W83Remote2High:
		hi, _ := w.remote(1)
		return hi
	case W83Remote2Low:
		_, lo := w.remote(1)
		return lo
	case W83Status1, W83Status2:
		return 0
	}
	return w.regs[a]
}

// Start implements i2c.Target.
func (w *W83773G) Start(read bool) bool {
	w.wantPtr = !read
	return true
}

// Write implements i2c.Target.
func (w *W83773G) Write(b byte) bool {
	if w.wantPtr {
		w.ptr, w.wantPtr = b, false
		return true
	}
	switch a := w.ptr; {
	case a == W83ConfigWrite:
		w.regs[W83ConfigRead] = b
	case a == W83ConvWrite:
		w.regs[W83ConvRead] = b
	case a >= 0x0b && a <= 0x0e:
		w.regs[a-6] = b // limit write aliases of 0x05-0x08
	case a == W83OneShot, a == W83ManufacturID, a == W83ChipID,
		a == W83LocalTemp, a == W83Remote1High, a == W83Remote1Low,
		a == W83Remote2High, a == W83Remote2Low, a == W83Status1,
		a == W83Status2, a == W83ConfigRead, a == W83ConvRead,
		a >= 0x05 && a <= 0x08:
		// read-only or command registers
	default:
		w.regs[a] = b
	}
	return true
}

// Read implements i2c.Target.
func (w *W83773G) Read() byte { return w.reg(w.ptr) }

// Stop implements i2c.Target.
func (w *W83773G) Stop() { w.wantPtr = false }
