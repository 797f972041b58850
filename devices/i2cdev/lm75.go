package i2cdev

// National LM75 temperature sensor (ast2500-evb: bus 7, address 0x4d).
//
// A pointer byte (bits [1:0]) selects one of four registers: 0 temperature
// (16 bits, read-only, 9-bit two's complement in [15:7], 0.5 C steps),
// 1 configuration (8 bits), 2 T_HYST and 3 T_OS (16 bits, same format as
// the temperature; power-on 75 C and 80 C). 16-bit registers are sent MSB
// first; reading on past the second byte repeats the register.
//
// Sources: Linux drivers/hwmon/lm75.c (register numbers, 16-bit big-endian
// regmap, byte access to the configuration register at probe); National
// LM75 datasheet (pointer register, power-on defaults, data format).

// LM75 register pointers.
const (
	LM75Temp = 0
	LM75Conf = 1
	LM75Hyst = 2
	LM75OS   = 3
)

// LM75 is the sensor model.
type LM75 struct {
	temp    int // milli-degrees C
	conf    byte
	hyst    uint16
	os      uint16
	ptr     byte
	wantPtr bool
	idx     int // byte index within a 16-bit register
	latched uint16
}

// NewLM75 returns a sensor reading 30 C.
func NewLM75() *LM75 {
	return &LM75{temp: 30000, hyst: 75 << 8, os: 80 << 8}
}

// SetTemp sets the temperature in milli-degrees C.
func (l *LM75) SetTemp(milliC int) { l.temp = milliC }

func (l *LM75) tempReg() uint16 {
	half := l.temp / 500 // 0.5 C steps
	if half > 250 {
		half = 250
	}
	if half < -110 {
		half = -110
	}
	return uint16(int16(half) << 7)
}

func (l *LM75) word() uint16 {
	switch l.ptr {
	case LM75Temp:
		return l.tempReg()
	case LM75Hyst:
		return l.hyst
	case LM75OS:
		return l.os
	}
	return uint16(l.conf) << 8
}

// Start implements i2c.Target.
func (l *LM75) Start(read bool) bool {
	l.wantPtr = !read
	l.idx = 0
	l.latched = l.word()
	return true
}

// Write implements i2c.Target.
func (l *LM75) Write(b byte) bool {
	if l.wantPtr {
		l.ptr, l.wantPtr = b&3, false
		return true
	}
	switch l.ptr {
	case LM75Conf:
		l.conf = b
	case LM75Hyst, LM75OS:
		r := &l.hyst
		if l.ptr == LM75OS {
			r = &l.os
		}
		if l.idx == 0 {
			*r = uint16(b)<<8 | *r&0xff
		} else {
			*r = *r&0xff00 | uint16(b&0x80) // 9-bit register
		}
		l.idx ^= 1
	}
	return true
}

// Read implements i2c.Target.
func (l *LM75) Read() byte {
	if l.ptr == LM75Conf {
		return l.conf
	}
	if l.idx == 0 {
		l.latched = l.word()
	}
	b := byte(l.latched >> 8)
	if l.idx == 1 {
		b = byte(l.latched)
	}
	l.idx ^= 1
	return b
}

// Stop implements i2c.Target.
func (l *LM75) Stop() { l.wantPtr = false }
