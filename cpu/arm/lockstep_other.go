//go:build !amd64

package arm

// jitBlockLen: there are no translations off amd64.
func (c *CPU) jitBlockLen(pc uint32) int { return 0 }
