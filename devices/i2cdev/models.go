package i2cdev

// The models by name, for devices a user adds to a machine (the
// command line's --device MODEL,bus=N,addr=0xNN). The names are the Linux
// I2C device ids the guest binds them with (drivers/hwmon/lm75.c's id
// table, drivers/misc/eeprom/at24.c's, drivers/rtc/rtc-rv8803.c's,
// drivers/hwmon/w83773g.c's), so `echo NAME ADDR > new_device` in the
// guest names the same part. Parts of the LM75 family (TMP75, TMP105,
// TMP275) are served by the LM75 model: the lm75 driver reads them the
// same way (a 16-bit big-endian temperature, high bits first); the model
// resolves 0.5 C where those parts have up to 0.0625 C.

import (
	"sort"

	"github.com/ast2500emu/ast2500emu/vclock"
)

// Device is an I2C target (i2c.Target; not imported, as the i2c tests use
// these models).
type Device interface {
	Start(read bool) bool
	Write(b byte) bool
	Read() byte
	Stop()
}

// Env is what some models need from the machine.
type Env struct {
	Clock    *vclock.Clock
	BaseUnix int64 // the RTC's wall-clock time at power-on
}

// eeproms are the AT24 parts by name: size and address bytes.
var eeproms = map[string][2]int{
	"24c02": {256, 1}, "24c32": {4 << 10, 2}, "24c64": {8 << 10, 2},
	"24c128": {16 << 10, 2}, "24c256": {32 << 10, 2}, "24c512": {64 << 10, 2},
}

var lm75Family = []string{"lm75", "tmp75", "tmp105", "tmp275"}

// New returns a new device of the named model.
func New(name string, env Env) (Device, bool) {
	for _, n := range lm75Family {
		if n == name {
			return NewLM75(), true
		}
	}
	if e, ok := eeproms[name]; ok {
		return NewEEPROM(e[0], e[1]), true
	}
	switch name {
	case "rx8900":
		return NewRX8900(env.Clock, env.BaseUnix), true
	case "w83773g":
		return NewW83773G(), true
	}
	return nil, false
}

// Models lists the names New accepts, sorted.
func Models() []string {
	n := append([]string{"rx8900", "w83773g"}, lm75Family...)
	for e := range eeproms {
		n = append(n, e)
	}
	sort.Strings(n)
	return n
}
