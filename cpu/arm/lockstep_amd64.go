//go:build amd64

package arm

// jitBlockLen returns the length of the translated block starting at
// virtual address pc (0: none), for Lockstep's report.
func (c *CPU) jitBlockLen(pc uint32) int {
	if c.jit == nil || c.T {
		return 0
	}
	pa, ok := c.Translate(pc)
	if !ok {
		return 0
	}
	p := c.code.pages[pa&^0xFFF]
	if p == nil || p.jit == nil {
		return 0
	}
	if p.jit.entry[pa>>2&1023] != 0 {
		return int(p.jit.n[pa>>2&1023])
	}
	return 0
}
