package arm

// decodeARM returns the handler for an ARM-state instruction word.
// (Placeholder until the ARM instruction set lands: everything is UNDEF.)
func decodeARM(op uint32) handler {
	if op>>25&7 == 6 || op>>24&0xF == 0xE {
		return decodeCoproc(op)
	}
	return opUndef
}
