//go:build amd64

package arm

// JIT translation of single loads and stores (DDI 0100I A5.2 and A5.3
// addressing modes 2 and 3), with the soft TLB lookup inline.

// tryLdSt translates LDR, STR, LDRB, STRB.
func (t *jitTranslator) tryLdSt(op uint32) bool { return false }

// tryLdStExtra translates LDRH, STRH, LDRSB, LDRSH.
func (t *jitTranslator) tryLdStExtra(op uint32) bool { return false }
