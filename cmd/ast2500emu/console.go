package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/ast2500emu/ast2500emu/machine"
)

// console connects the guest's UART5 to the user's terminal or pipes, with
// QEMU's Ctrl-A escape commands (x quit, h help, s snapshot, Ctrl-A send Ctrl-A).
type console struct {
	in   *os.File
	mu   sync.Mutex
	w    *bufio.Writer
	tty  bool
	stop chan struct{}
	// snapshot is Ctrl-A s (snapshot.go); nil: not offered.
	snapshot func()
}

func newConsole(in, out *os.File) *console {
	return &console{in: in, w: bufio.NewWriterSize(out, 4096), tty: term.IsTerminal(int(in.Fd())), stop: make(chan struct{})}
}

// out receives guest output on the machine goroutine. Output is buffered
// and flushed at line ends, when the buffer fills, and every 10 ms by the
// flusher (a prompt has no line end).
func (c *console) out(b byte) {
	c.mu.Lock()
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
func (c *console) start(m *machine.Machine) func() {
	var old *term.State
	if c.tty {
		if st, err := term.MakeRaw(int(c.in.Fd())); err == nil {
			old = st
		}
	}
	go c.pump(m)
	go c.flusher()
	return func() {
		close(c.stop)
		c.mu.Lock()
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
						fmt.Fprint(os.Stderr, "\r\nC-a h    print this help\r\nC-a x    exit the emulator\r\nC-a s    save a snapshot (--save-snapshot FILE)\r\nC-a C-a  send C-a\r\n")
						continue
					case 's', 'S':
						if c.snapshot != nil {
							c.snapshot()
						}
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
