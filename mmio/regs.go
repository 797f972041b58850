package mmio

// Sub-word access helpers for devices whose registers are 32 bits wide but
// which the guest may access with byte or halfword loads and stores.

// ReadSub extracts the size-byte lane at byte offset off&3 from a 32-bit
// register value.
func ReadSub(reg uint32, off uint32, size int) uint32 {
	sh := (off & 3) * 8
	switch size {
	case 1:
		return (reg >> sh) & 0xff
	case 2:
		return (reg >> sh) & 0xffff
	}
	return reg
}

// WriteSub merges a size-byte write at byte offset off&3 into a 32-bit
// register value and returns the new value.
func WriteSub(reg uint32, off uint32, size int, val uint32) uint32 {
	sh := (off & 3) * 8
	var mask uint32
	switch size {
	case 1:
		mask = 0xff << sh
	case 2:
		mask = 0xffff << sh
	default:
		return val
	}
	return reg&^mask | (val<<sh)&mask
}
