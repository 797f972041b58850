package mmio

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
)

// Log reports device-level events to the user through log/slog. It keeps
// two streams apart, as QEMU's -d unimp and -d guest_errors do:
//
//   - Unimplemented: a register the model does not implement. Logged once
//     per device/offset/direction, at LevelUnimp (below Info), so it is
//     off unless the log's level admits it (a log file, or -d unimp).
//   - GuestError: the guest did something the hardware would reject or
//     that makes no sense. Every occurrence at Warn, rate limited.
//
// Records carry the attributes dev, off, dir and val (unimplemented) or
// dev (guest errors), so the two streams can be told apart and filtered.
type Log struct {
	mu       sync.Mutex
	logger   *slog.Logger
	level    *slog.LevelVar
	seen     map[logKey]bool
	guestN   int
	Quiet    bool // drop everything (tests that expect noise)
	MaxGuest int  // guest-error records logged before going silent (0: 1000)
}

// LevelUnimp is the slog level of unimplemented-register records.
const LevelUnimp = slog.LevelDebug

// LevelNote is the slog level of the emulator's own notes (Info): below
// Info, so they reach a log file but not stderr by default.
const LevelNote = slog.LevelInfo - 2

type logKey struct {
	dev   string
	off   uint32
	write bool
}

// NewLog returns a Log writing text records to w, unimplemented registers
// included (a log file: everything). With w nil it writes to os.Stderr and
// leaves unimplemented registers out until ShowUnimplemented.
func NewLog(w io.Writer) *Log {
	lv := new(slog.LevelVar)
	if w == nil {
		w = os.Stderr
		lv.Set(slog.LevelInfo)
	} else {
		lv.Set(LevelUnimp)
	}
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv, ReplaceAttr: dropTime})
	return &Log{logger: slog.New(h), level: lv, seen: map[logKey]bool{}}
}

// NewSlog returns a Log that sends its records to logger (whose handler
// decides levels and destination).
func NewSlog(logger *slog.Logger) *Log {
	return &Log{logger: logger, seen: map[logKey]bool{}}
}

// dropTime removes the wall-clock time from records: device logs describe
// the guest, and deterministic runs must not differ by host time.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// ShowUnimplemented lets unimplemented-register records through (-d unimp).
func (l *Log) ShowUnimplemented() {
	if l.level != nil {
		l.level.Set(LevelUnimp)
	}
}

// Default is the process-wide log used when a device is given none: guest
// errors on stderr, unimplemented registers hidden.
var Default = NewLog(nil)

// Unimplemented records an access to a register that the model does not
// implement. It logs once per (device, offset, direction).
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
	attrs := []slog.Attr{slog.String("dev", dev), slog.String("off", fmt.Sprintf("0x%03x", off))}
	if write {
		attrs = append(attrs, slog.String("dir", "write"), slog.String("val", fmt.Sprintf("0x%x", val)))
	} else {
		attrs = append(attrs, slog.String("dir", "read"))
	}
	l.logger.LogAttrs(context.Background(), LevelUnimp, "unimplemented", attrs...)
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
	ctx := context.Background()
	l.logger.LogAttrs(ctx, slog.LevelWarn, "guest-error", slog.String("dev", dev), slog.String("what", fmt.Sprintf(format, args...)))
	if l.guestN == max {
		l.logger.LogAttrs(ctx, slog.LevelWarn, "guest-error", slog.String("what", "further guest errors suppressed"))
	}
}

// Info records what the emulator chose to do (how a kernel was loaded), at
// LevelNote: in a log file, not on stderr unless -d unimp widened it.
func (l *Log) Info(dev string, format string, args ...any) {
	if l == nil || l == Default || l.Quiet {
		return
	}
	l.logger.LogAttrs(context.Background(), LevelNote, "info", slog.String("dev", dev), slog.String("what", fmt.Sprintf(format, args...)))
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
