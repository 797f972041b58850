//go:build !amd64

package arm

// jitEngine does not exist off amd64: the interpreter runs everything.
type jitEngine struct{}

func newJIT() *jitEngine { return nil }

func (c *CPU) jitEnter(p *codePage, pc uint32) bool { return false }

func (j *jitEngine) stats() JITStats { return JITStats{} }

func (j *jitEngine) dropped() {}

// EnableJIT reports false: there is no JIT tier on this platform.
func (c *CPU) EnableJIT(on bool) bool { return false }

// SetJITThreshold does nothing without a JIT tier.
func (c *CPU) SetJITThreshold(n int) {}

// JITStats reports an empty, disabled tier.
func (c *CPU) JITStats() JITStats { return JITStats{} }
