package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/ast2500emu/ast2500emu/machine"
)

// console connects a serial port (UART5 unless --serial moves stdio) to
// the user's terminal or pipes, with QEMU's Ctrl-A escape commands (x quit,
// h help, c monitor, b break, s snapshot, Ctrl-A send Ctrl-A). While the
// monitor has the console, guest output is held (up to 1 MiB) and shown on
// return.
type console struct {
	in   *os.File
	mu   sync.Mutex
	w    *bufio.Writer
	tty  bool
	stop chan struct{}
	port string   // the serial port on stdio
	mon  *monitor // Ctrl-A c; nil before start

	inMon bool   // the monitor has the console (guarded by mu)
	held  []byte // guest output while inMon

	// snapshot is Ctrl-A s (snapshot.go); nil: not offered.
	snapshot func()

	// The status line: shown on a terminal until the guest prints.
	outTTY  bool
	printed bool
	shown   bool
	begin   time.Time
}

func newConsole(in, out *os.File) *console {
	return &console{in: in, w: bufio.NewWriterSize(out, 4096), tty: term.IsTerminal(int(in.Fd())),
		outTTY: term.IsTerminal(int(out.Fd())), stop: make(chan struct{}), port: "uart5"}
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
	if c.inMon {
		if len(c.held) < 1<<20 {
			c.held = append(c.held, b)
		}
		c.mu.Unlock()
		return
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

const consoleHelp = "\r\nC-a h    print this help\r\nC-a x    exit the emulator\r\nC-a c    switch between the console and the monitor\r\nC-a b    send a serial break (sysrq)\r\nC-a s    save a snapshot (--save-snapshot FILE)\r\nC-a C-a  send C-a\r\n"

func (c *console) pump(m *machine.Machine) {
	buf := make([]byte, 256)
	escape := false
	var line []byte // monitor input line
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
					case 'c', 'C':
						c.toggleMonitor()
						line = line[:0]
					case 'b', 'B':
						m.SerialBreak(c.port)
					case 's', 'S':
						if c.snapshot != nil {
							c.snapshot()
						} else {
							fmt.Fprint(os.Stderr, "\r\nC-a s: no --save-snapshot FILE given\r\n")
						}
					case 0x01:
						if c.monitorActive() {
							line = append(line, b)
						} else {
							out = append(out, 0x01)
						}
					default:
						fmt.Fprint(os.Stderr, consoleHelp)
					}
					continue
				}
				if b == 0x01 {
					escape = true
					continue
				}
				if c.monitorActive() {
					if c.monitorKey(m, &line, b) {
						return
					}
					continue
				}
				out = append(out, b)
			}
			if len(out) > 0 {
				m.SerialInput(c.port, out)
			}
		}
		if err == io.EOF || err != nil {
			return // end of input: keep running (CI pipes)
		}
	}
}

func (c *console) monitorActive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inMon
}

// toggleMonitor switches between the guest and the monitor; leaving the
// monitor shows the guest output held meanwhile.
func (c *console) toggleMonitor() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inMon = !c.inMon
	if c.inMon {
		c.w.Flush()
		fmt.Fprintf(c.w, "\r\nast2500emu %s monitor - type 'help' for more information\r\n(ast2500emu) ", Version)
	} else {
		c.w.WriteString("\r\n")
		c.w.Write(c.held)
		c.held = nil
	}
	c.w.Flush()
}

// monitorKey edits the monitor line (echo on a terminal, backspace) and
// runs it at a line end. It reports true after quit.
func (c *console) monitorKey(m *machine.Machine, line *[]byte, b byte) bool {
	echo := func(s string) {
		if c.tty {
			c.mu.Lock()
			c.w.WriteString(s)
			c.w.Flush()
			c.mu.Unlock()
		}
	}
	switch {
	case b == '\r' || b == '\n':
		if b == '\n' && c.tty {
			return false
		}
		echo("\r\n")
		cmd := string(*line)
		*line = (*line)[:0]
		out, err := c.mon.exec(cmd)
		if err != nil && err != errMonitorQuit {
			out += err.Error() + "\n"
		}
		c.mu.Lock()
		c.w.WriteString(strings.ReplaceAll(out, "\n", "\r\n"))
		if err != errMonitorQuit {
			c.w.WriteString("(ast2500emu) ")
		}
		c.w.Flush()
		c.mu.Unlock()
		return err == errMonitorQuit
	case b == 0x7f || b == 0x08:
		if len(*line) > 0 {
			*line = (*line)[:len(*line)-1]
			echo("\b \b")
		}
	case b >= 0x20 && b < 0x7f:
		*line = append(*line, b)
		echo(string(b))
	}
	return false
}
