//go:build amd64

package arm

// JIT translation of ARM data-processing instructions (DDI 0100I A3.4,
// A5.1 addressing mode 1).

// tryDP translates a data-processing instruction.
func (t *jitTranslator) tryDP(op uint32) bool { return false }
