package arm

// decodeThumb returns the handler for a Thumb instruction halfword.
// (Placeholder until the Thumb instruction set lands.)
func decodeThumb(op uint32) handler { return opUndef }
