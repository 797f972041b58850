package mmio

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// Log reports device-level events to the user. It keeps two streams apart:
// Unimplemented (a register the model does not implement: printed once per
// device/offset/direction) and GuestError (the guest did something the
// hardware would reject or that makes no sense: every occurrence, rate
// limited). Both go to the same writer, tagged, so they can be grepped apart.
type Log struct {
	mu       sync.Mutex
	w        io.Writer
	seen     map[logKey]bool
	guestN   int
	Quiet    bool // drop everything (tests that expect noise)
	MaxGuest int  // guest-error lines printed before going silent (0: 1000)
}

type logKey struct {
	dev   string
	off   uint32
	write bool
}

// NewLog returns a Log writing to w (os.Stderr when nil).
func NewLog(w io.Writer) *Log {
	if w == nil {
		w = os.Stderr
	}
	return &Log{w: w, seen: map[logKey]bool{}}
}

// Default is the process-wide log used when a device is given none.
var Default = NewLog(nil)

// Unimplemented records an access to a register that the model does not
// implement. It prints once per (device, offset, direction).
func (l *Log) Unimplemented(dev string, off uint32, write bool, val uint32) {
	if l == nil {
		l = Default
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k := logKey{dev, off, write}
	if l.seen[k] || l.Quiet {
		l.seen[k] = true
		return
	}
	l.seen[k] = true
	if write {
		fmt.Fprintf(l.w, "unimplemented: %s: write 0x%x to offset 0x%03x\n", dev, val, off)
	} else {
		fmt.Fprintf(l.w, "unimplemented: %s: read from offset 0x%03x\n", dev, off)
	}
}

// GuestError records a guest programming error (bad descriptor, access of
// the wrong size, write to a read-only register...).
func (l *Log) GuestError(dev string, format string, args ...any) {
	if l == nil {
		l = Default
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	max := l.MaxGuest
	if max == 0 {
		max = 1000
	}
	l.guestN++
	if l.Quiet || l.guestN > max {
		return
	}
	fmt.Fprintf(l.w, "guest-error: %s: %s\n", dev, fmt.Sprintf(format, args...))
	if l.guestN == max {
		fmt.Fprintf(l.w, "guest-error: further guest errors suppressed\n")
	}
}

// Info records what the emulator chose to do (how a kernel was loaded).
// It is written only to a log the user asked for (not Default's stderr).
func (l *Log) Info(dev string, format string, args ...any) {
	if l == nil || l == Default {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.Quiet {
		fmt.Fprintf(l.w, "info: %s: %s\n", dev, fmt.Sprintf(format, args...))
	}
}

// Seen reports whether an unimplemented access was recorded (for tests).
func (l *Log) Seen(dev string, off uint32, write bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen[logKey{dev, off, write}]
}

// Unimplemented is a Device for blocks that are not modelled: reads return
// zero, writes are ignored, and each register is logged once.
type Unimplemented struct {
	Name string
	Log  *Log
}

// Read returns 0 and logs the access once.
func (u *Unimplemented) Read(off uint32, size int) uint32 {
	u.Log.Unimplemented(u.Name, off, false, 0)
	return 0
}

// Write ignores the value and logs the access once.
func (u *Unimplemented) Write(off uint32, size int, val uint32) {
	u.Log.Unimplemented(u.Name, off, true, val)
}
