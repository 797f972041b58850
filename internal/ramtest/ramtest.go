// Package ramtest is a flat-RAM implementation of the CPU's bus for tests
// of the CPU's users (debugger, tracers): RAM at physical 0, and every
// access beyond it is an external abort.
package ramtest

// Bus is RAM at physical address 0.
type Bus struct{ RAM []byte }

// New returns a bus with size bytes of RAM (a multiple of 4 KiB).
func New(size int) *Bus { return &Bus{RAM: make([]byte, size)} }

// Page returns the 4 KiB page holding pa, or nil beyond the RAM.
func (b *Bus) Page(pa uint32) []byte {
	if pa >= uint32(len(b.RAM)) {
		return nil
	}
	base := pa &^ 0xFFF
	return b.RAM[base : base+4096 : base+4096]
}

// Read reads little-endian; beyond the RAM it aborts.
func (b *Bus) Read(pa uint32, size int) (uint64, bool) {
	if uint64(pa)+uint64(size) > uint64(len(b.RAM)) {
		return 0, false
	}
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(b.RAM[pa+uint32(i)])
	}
	return v, true
}

// Write writes little-endian; beyond the RAM it aborts.
func (b *Bus) Write(pa uint32, size int, v uint64) bool {
	if uint64(pa)+uint64(size) > uint64(len(b.RAM)) {
		return false
	}
	for i := 0; i < size; i++ {
		b.RAM[pa+uint32(i)] = byte(v >> (8 * i))
	}
	return true
}
