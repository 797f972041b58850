//go:build !linux

// Package tap is the "tap:IFNAME" network backend; TAP interfaces are
// supported on Linux only.
package tap

import (
	"errors"
	"fmt"
)

// Tap is a TAP interface backend (Linux only).
type Tap struct{}

// NewTap fails: TAP interfaces need Linux.
func NewTap(name string) (*Tap, error) {
	return nil, fmt.Errorf("tap %s: TAP interfaces are supported on Linux only", name)
}

func (t *Tap) Send([]byte)              {}
func (t *Tap) Start(func([]byte)) error { return errors.New("tap: not supported") }
func (t *Tap) LinkUp() bool             { return false }
func (t *Tap) Close() error             { return nil }
