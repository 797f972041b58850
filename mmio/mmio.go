// Package mmio holds the contract between the SoC's physical bus and the
// device models: a device is a block of registers addressed by offset, it
// raises interrupts through a Line, and it reports registers it does not
// model through a Log that prints each one once.
//
// Devices never see the machine: they get offsets, their IRQ line(s) and the
// virtual clock (package vclock), nothing else.
package mmio

// Device is a memory-mapped register block. off is relative to the block's
// base; size is 1, 2 or 4 bytes. Devices must accept any offset and size
// without panicking: unknown registers read as zero and ignore writes, and
// are reported through the device's Log.
type Device interface {
	Read(off uint32, size int) uint32
	Write(off uint32, size int, val uint32)
}

// Resetter is implemented by devices that have state to restore on a machine
// reset (watchdog, reboot). Reset must leave the device as at power-on.
type Resetter interface {
	Reset()
}

// Line is an interrupt (or other level) signal driven by a device.
type Line interface {
	Set(level bool)
}

// LineFunc adapts a function to a Line.
type LineFunc func(level bool)

// Set calls f(level).
func (f LineFunc) Set(level bool) { f(level) }

// NoLine is a Line connected to nothing.
var NoLine Line = LineFunc(func(bool) {})

// Pulse raises and lowers l, for edge-triggered consumers.
func Pulse(l Line) {
	l.Set(true)
	l.Set(false)
}
