package zimage

// armBCJDecode undoes xz's ARM branch/call/jump filter (the .xz format's
// filter 0x07, "--arm"). The encoder made the 24-bit offsets of BL
// instructions (condition AL, opcode byte 0xEB, at word-aligned positions)
// absolute by adding the instruction's address plus 8; decoding subtracts
// it again. start is the filter's start offset property. The filter keeps
// no state but the position, so one pass over the whole block does it.
func armBCJDecode(b []byte, start uint32) {
	for i := 0; i+4 <= len(b); i += 4 {
		if b[i+3] != 0xEB {
			continue
		}
		v := uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16
		v = (v<<2 - (start + uint32(i) + 8)) >> 2
		b[i], b[i+1], b[i+2] = byte(v), byte(v>>8), byte(v>>16)
	}
}
