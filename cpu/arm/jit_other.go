//go:build !amd64

package arm

// jitEngine does not exist off amd64: the interpreter runs everything.
type jitEngine struct{}

func newJIT() *jitEngine { return nil }

func (c *CPU) jitEnter(p *codePage, pc uint32) bool { return false }

func (j *jitEngine) stats() JITStats { return JITStats{} }

func (j *jitEngine) dropped() {}
