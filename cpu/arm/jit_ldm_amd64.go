//go:build amd64

package arm

// JIT translation of LDM and STM (DDI 0100I A5.4 addressing mode 4).

// tryLdm translates LDM, STM, PUSH, POP.
func (t *jitTranslator) tryLdm(op uint32) bool { return false }
