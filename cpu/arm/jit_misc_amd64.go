//go:build amd64

package arm

// JIT translation of multiplies, extends and CLZ.

// tryMul translates MUL, MLA, UMULL, UMLAL, SMULL, SMLAL.
func (t *jitTranslator) tryMul(op uint32) bool { return false }

// tryMedia translates UXTB, UXTH, SXTB, SXTH and their accumulating forms.
func (t *jitTranslator) tryMedia(op uint32) bool { return false }

// tryMiscOther translates CLZ.
func (t *jitTranslator) tryMiscOther(op uint32) bool { return false }
