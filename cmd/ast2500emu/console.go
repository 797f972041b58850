package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/ast2500emu/ast2500emu/machine"
)

// console connects the guest's UART5 to the user's terminal or pipes, with
// QEMU's Ctrl-A escape commands (x quit, h help, Ctrl-A send Ctrl-A).
type console struct {
	in   *os.File
	mu   sync.Mutex
	w    *bufio.Writer
	tty  bool
	stop chan struct{}

	// The status line: shown on a terminal until the guest prints.
	outTTY  bool
	printed bool
	shown   bool
	begin   time.Time
}

func newConsole(in, out *os.File) *console {
	return &console{in: in, w: bufio.NewWriterSize(out, 4096), tty: term.IsTerminal(int(in.Fd())),
		outTTY: term.IsTerminal(int(out.Fd())), stop: make(chan struct{})}
}

// statusWhat says what a boot runs, for the status line.
func (o *bootOptions) statusWhat() string {
	switch {
	case o.mtd != "" && o.bootMode == "firmware":
		return "firmware from " + filepath.Base(o.mtd)
	case o.mtd != "":
		return "the FIT in " + filepath.Base(o.mtd)
	case o.kernel != "":
		return filepath.Base(o.kernel)
	}
	return "the bundled Linux guest"
}

// statusLine is the one-line status shown before the guest's first byte.
func statusLine(board, what string, elapsed time.Duration) string {
	return fmt.Sprintf("ast2500emu: %s: booting %s... %.0fs (Ctrl-A x quits)", board, what, elapsed.Seconds())
}

// status shows the status line, refreshed every second, until the guest
// prints (out clears it) or the run ends.
func (c *console) status(board, what string) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		c.mu.Lock()
		if c.printed {
			c.mu.Unlock()
			return
		}
		c.w.WriteString("\r\033[K" + statusLine(board, what, time.Since(c.begin)))
		c.w.Flush()
		c.shown = true
		c.mu.Unlock()
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
	}
}

// clearStatus erases the status line. Locked.
func (c *console) clearStatus() {
	if c.shown {
		c.w.WriteString("\r\033[K")
		c.shown = false
	}
}

// out receives guest output on the machine goroutine. Output is buffered
// and flushed at line ends, when the buffer fills, and every 10 ms by the
// flusher (a prompt has no line end).
func (c *console) out(b byte) {
	c.mu.Lock()
	if !c.printed {
		c.printed = true
		c.clearStatus()
	}
	c.w.WriteByte(b)
	if c.tty {
		c.w.Flush()
	}
	c.mu.Unlock()
}

func (c *console) flusher() {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.mu.Lock()
			c.w.Flush()
			c.mu.Unlock()
		}
	}
}

// start puts the terminal in raw mode and starts the input pump. The
// returned function restores the terminal and flushes output.
func (c *console) start(m *machine.Machine, board, what string) func() {
	var old *term.State
	if c.tty {
		if st, err := term.MakeRaw(int(c.in.Fd())); err == nil {
			old = st
		}
	}
	go c.pump(m)
	go c.flusher()
	c.begin = time.Now()
	if c.outTTY {
		go c.status(board, what)
	}
	return func() {
		close(c.stop)
		c.mu.Lock()
		c.printed = true
		c.clearStatus()
		c.w.Flush()
		c.mu.Unlock()
		if old != nil {
			term.Restore(int(c.in.Fd()), old)
			fmt.Fprintln(os.Stdout)
		}
	}
}

func (c *console) pump(m *machine.Machine) {
	buf := make([]byte, 256)
	escape := false
	for {
		n, err := c.in.Read(buf)
		if n > 0 {
			out := make([]byte, 0, n)
			for _, b := range buf[:n] {
				if escape {
					escape = false
					switch b {
					case 'x', 'X':
						m.Stop()
						return
					case 'h', 'H':
						fmt.Fprint(os.Stderr, "\r\nC-a h    print this help\r\nC-a x    exit the emulator\r\nC-a C-a  send C-a\r\n")
						continue
					case 0x01:
						out = append(out, 0x01)
						continue
					}
					continue
				}
				if b == 0x01 {
					escape = true
					continue
				}
				out = append(out, b)
			}
			if len(out) > 0 {
				m.Input(out)
			}
		}
		if err == io.EOF || err != nil {
			return // end of input: keep running (CI pipes)
		}
	}
}
