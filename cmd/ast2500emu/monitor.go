package main

// The monitor: QEMU-style human commands to inspect and control the
// machine. The console reaches it with Ctrl-A c, --monitor serves it on a
// socket, the control socket (--qmp) runs it for human-monitor-command and
// GDB's "monitor CMD" runs it through the stub. Whatever reads or changes
// the machine runs on the machine goroutine (posted on the virtual clock,
// between CPU slices), so a command never races the guest and a
// deterministic run stays deterministic up to the command.

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/devices/vic"
	"github.com/ast2500emu/ast2500emu/machine"
	"github.com/ast2500emu/ast2500emu/snapshot"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

const monitorHelp = `info registers      the CPU's registers and mode
info mtree          the physical memory map
info irq            interrupt sources: raw level, enabled, FIQ
info status         running or paused
info serial         the serial ports and what they are connected to
x /FMT ADDR         dump memory at a virtual address (FMT: count, x d u c, b h w)
xp /FMT ADDR        dump memory at a physical address
stop, cont          pause and resume the CPU and guest time
system_reset        reset the SoC (external reset) and boot again
savevm FILE         save a snapshot of the machine to FILE (boot --snapshot FILE starts from it)
loadvm FILE         put the machine back in the state saved in FILE
break [PORT]        send a serial break (default: the console port)
quit                end the emulator
help                this list
`

// monitor serves monitor commands for one machine.
type monitor struct {
	m     *machine.Machine
	done  <-chan struct{} // closed when the run ends
	port  string          // the console's serial port (break's default)
	ports map[string]serialBackend
	// event, when set, reports STOP and RESUME (the control socket).
	event func(name string, data map[string]any)
	// onMachine is set while a command runs on the machine goroutine
	// (GDB's monitor command): machine work then runs inline.
	onMachine bool
}

// errMonitorQuit is what exec reports after quit.
var errMonitorQuit = errors.New("quit")

// exec runs one command line from a host goroutine and returns its
// output. After quit it returns errMonitorQuit.
func (mon *monitor) exec(line string) (string, error) {
	var b strings.Builder
	err := mon.run(&b, strings.TrimSpace(line))
	return b.String(), err
}

// execHere runs a command on the machine goroutine (the GDB stub's
// monitor command, while the CPU is stopped).
func (mon *monitor) execHere(line string) string {
	c := *mon
	c.onMachine = true
	out, err := c.exec(line)
	if err != nil && err != errMonitorQuit {
		out += err.Error() + "\n"
	}
	return out
}

// onM runs f on the machine goroutine and waits for it.
func (mon *monitor) onM(f func()) error {
	if mon.onMachine {
		f()
		return nil
	}
	ch := make(chan struct{})
	mon.m.Clock.Post(func() { f(); close(ch) })
	select {
	case <-ch:
		return nil
	case <-mon.done:
		return errors.New("the machine is not running")
	case <-time.After(5 * time.Second):
		return errors.New("the machine did not answer in 5 s (stopped in the debugger?)")
	}
}

func (mon *monitor) run(w *strings.Builder, line string) error {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil
	}
	cmd, args := f[0], f[1:]
	// "x/4xw ADDR": the format may be glued to the command.
	if c, fmtS, ok := strings.Cut(cmd, "/"); ok {
		cmd, args = c, append([]string{"/" + fmtS}, args...)
	}
	switch cmd {
	case "help", "?", "h":
		w.WriteString(monitorHelp)
	case "info", "i":
		if len(args) != 1 {
			return errors.New("info what? registers, mtree, irq, status, serial")
		}
		return mon.info(w, args[0])
	case "x", "xp":
		return mon.dump(w, cmd == "xp", args)
	case "stop":
		if !mon.m.Paused() {
			mon.m.Pause()
			mon.emit("STOP")
		}
	case "cont", "c":
		if mon.m.Paused() {
			mon.m.Resume()
			mon.emit("RESUME")
		}
	case "system_reset":
		mon.m.RequestReset()
	case "quit", "q":
		mon.m.Stop()
		return errMonitorQuit
	case "break", "sendbreak":
		port := mon.port
		if len(args) > 0 {
			p, ok := lookupPort(args[0])
			if !ok {
				return fmt.Errorf("break %s: unknown port (uart1..uart5, vuart or ttyS0..ttyS5)", args[0])
			}
			port = p.name
		}
		mon.m.SerialBreak(port)
	case "savevm":
		return mon.savevm(w, args)
	case "loadvm":
		return mon.loadvm(w, args)
	default:
		return fmt.Errorf("unknown command %q; try help", cmd)
	}
	return nil
}

func (mon *monitor) emit(name string) {
	if mon.event != nil {
		mon.event(name, nil)
	}
}

func (mon *monitor) info(w *strings.Builder, what string) error {
	switch what {
	case "registers", "r":
		return mon.onM(func() { writeRegisters(w, mon.m.CPU) })
	case "mtree":
		writeMtree(w, len(mon.m.SoC.RAM))
	case "irq", "pic":
		return mon.onM(func() { writeIRQ(w, mon.m.SoC.VIC) })
	case "status":
		if mon.m.Paused() {
			w.WriteString("VM status: paused\n")
		} else {
			w.WriteString("VM status: running\n")
		}
	case "serial", "chardev":
		for _, p := range serialPorts {
			b, ok := mon.ports[p.name]
			desc := "not connected"
			if ok {
				desc = b.kind
				if b.arg != "" {
					desc += ":" + b.arg
				}
			}
			fmt.Fprintf(w, "%-6s %-6s 0x%08x  %s\n", p.name, p.tty, p.base, desc)
		}
	default:
		return fmt.Errorf("info %s: unknown (registers, mtree, irq, status, serial)", what)
	}
	return nil
}

var modeNames = map[uint32]string{
	arm.ModeUSR: "usr", 0x11: "fiq", 0x12: "irq", 0x13: "svc", 0x17: "abt", 0x1b: "und", 0x1f: "sys",
}

// writeRegisters prints the registers in QEMU's layout.
func writeRegisters(w *strings.Builder, c *arm.CPU) {
	for i := 0; i < 16; i++ {
		v := c.Reg(i)
		if i == 15 {
			v = c.PC()
		}
		fmt.Fprintf(w, "R%02d=%08x", i, v)
		if i%4 == 3 {
			w.WriteByte('\n')
		} else {
			w.WriteByte(' ')
		}
	}
	psr := c.CPSR()
	flag := func(bit uint, ch byte) byte {
		if psr&(1<<bit) != 0 {
			return ch
		}
		return '-'
	}
	state := 'A'
	if c.Thumb() {
		state = 'T'
	}
	fmt.Fprintf(w, "PSR=%08x %c%c%c%c %c %s32\n", psr, flag(31, 'N'), flag(30, 'Z'), flag(29, 'C'), flag(28, 'V'), state, modeNames[c.Mode()])
	fmt.Fprintf(w, "instructions=%d\n", c.Insns)
}

// writeMtree prints the physical memory map from the SoC's tables.
func writeMtree(w *strings.Builder, ram int) {
	type region struct {
		base, size uint32
		name       string
	}
	rs := []region{
		{0, ast2500.BootAliasSize, "boot alias of the FMC flash window"},
		{ast2500.SRAMBase, ast2500.SRAMSize, "sram"},
		{ast2500.FMCWindow, 0x10000000, "fmc flash window"},
		{ast2500.SPI1Window, 0x08000000, "spi1 flash window"},
		{ast2500.SPI2Window, 0x08000000, "spi2 flash window"},
		{ast2500.DRAMBase, uint32(ram), fmt.Sprintf("dram (%d MiB)", ram>>20)},
	}
	for _, b := range ast2500.Blocks {
		m := string(b.Model)
		if m == "" {
			m = "unimplemented"
		}
		rs = append(rs, region{b.Base, b.Size, b.Name + " (" + m + ")"})
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].base < rs[j].base })
	w.WriteString("address-space: physical\n")
	for _, r := range rs {
		fmt.Fprintf(w, "  %08x-%08x %s\n", r.base, uint64(r.base)+uint64(r.size)-1, r.name)
	}
}

// writeIRQ prints the VIC's view of every source a device drives or that
// is raised.
func writeIRQ(w *strings.Builder, v *vic.VIC) {
	read64 := func(off uint32) uint64 {
		lo, _ := v.ReadReg(off, 0xffffffff)
		hi, _ := v.ReadReg(off+4, 0xffffffff)
		return uint64(hi)<<32 | uint64(lo)
	}
	raw, en, fiq := read64(vic.RegRawStatus), read64(vic.RegEnable), read64(vic.RegSelect)
	names := map[int][]string{}
	for _, b := range ast2500.Blocks {
		for _, n := range b.IRQ {
			names[n] = append(names[n], b.Name)
		}
	}
	fmt.Fprintf(w, "CPU IRQ line %v, FIQ line %v\nsource raw enabled fiq  devices\n", v.IRQ(), v.FIQ())
	bit := func(x uint64, n int) int { return int(x>>n) & 1 }
	for n := 0; n < vic.NumSources; n++ {
		if names[n] == nil && bit(raw, n) == 0 && bit(en, n) == 0 {
			continue
		}
		fmt.Fprintf(w, "%6d %3d %7d %3d  %s\n", n, bit(raw, n), bit(en, n), bit(fiq, n), strings.Join(names[n], ","))
	}
}

// dump serves x and xp: [/FMT] ADDR, FMT = [COUNT][x|d|u|c][b|h|w].
func (mon *monitor) dump(w *strings.Builder, phys bool, args []string) error {
	count, format, size := 1, byte('x'), 4
	if len(args) > 0 && strings.HasPrefix(args[0], "/") {
		f := args[0][1:]
		args = args[1:]
		i := 0
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			i++
		}
		if i > 0 {
			n, err := strconv.Atoi(f[:i])
			if err != nil || n < 1 || n > 4096 {
				return fmt.Errorf("count %q: want 1..4096", f[:i])
			}
			count = n
		}
		for _, ch := range []byte(f[i:]) {
			switch ch {
			case 'x', 'd', 'u', 'c':
				format = ch
			case 'b':
				size = 1
			case 'h':
				size = 2
			case 'w':
				size = 4
			default:
				return fmt.Errorf("format /%s: unknown letter %q (count, then x d u c, then b h w)", f, ch)
			}
		}
		if format == 'c' && !strings.ContainsAny(f[i:], "hw") {
			size = 1
		}
	}
	if len(args) != 1 {
		return errors.New("want [/FMT] ADDR")
	}
	a, err := strconv.ParseUint(args[0], 0, 32)
	if err != nil {
		return fmt.Errorf("address %q: want a number (0x... for hex)", args[0])
	}
	addr := uint32(a)
	buf := make([]byte, count*size)
	var ok bool
	if err := mon.onM(func() {
		if phys {
			ok = readPhys(mon.m.SoC, addr, buf, size)
		} else {
			ok = mon.m.CPU.ReadVirt(addr, buf)
		}
	}); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("cannot access memory at 0x%08x", addr)
	}
	perLine := 16 / size
	for i := 0; i < count; i++ {
		if i%perLine == 0 {
			if i > 0 {
				w.WriteByte('\n')
			}
			fmt.Fprintf(w, "%08x:", addr+uint32(i*size))
		}
		var v uint64
		for k := size - 1; k >= 0; k-- {
			v = v<<8 | uint64(buf[i*size+k])
		}
		switch format {
		case 'x':
			fmt.Fprintf(w, " 0x%0*x", size*2, v)
		case 'u':
			fmt.Fprintf(w, " %d", v)
		case 'd':
			fmt.Fprintf(w, " %d", int64(v<<(64-8*size))>>(64-8*size))
		case 'c':
			if v >= 0x20 && v < 0x7f {
				fmt.Fprintf(w, " '%c'", rune(v))
			} else {
				fmt.Fprintf(w, " '\\x%02x'", v)
			}
		}
	}
	w.WriteByte('\n')
	return nil
}

// readPhys reads physical memory: RAM and flash windows directly, device
// registers with accesses of the unit size (which, as on the bus, may have
// side effects: reading a UART's RBR takes a character).
func readPhys(s *ast2500.SoC, pa uint32, p []byte, size int) bool {
	for i := 0; i < len(p); i += size {
		a := pa + uint32(i)
		page := s.Page(a)
		if page == nil {
			page = s.ROPage(a)
		}
		if len(page) >= 4096 && int(a&0xFFF)+size <= 4096 {
			copy(p[i:i+size], page[a&0xFFF:])
			continue
		}
		v, ok := s.Read(a, size)
		if !ok {
			return false
		}
		for k := 0; k < size; k++ {
			p[i+k] = byte(v >> (8 * k))
		}
	}
	return true
}

// serveMonitor serves the monitor on a socket (unix:PATH or tcp:[HOST]:
// PORT), one line per command, a "(ast2500emu) " prompt after each answer.
func serveMonitor(ln net.Listener, mon *monitor) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			fmt.Fprintf(c, "ast2500emu %s monitor - type 'help' for more information\n(ast2500emu) ", Version)
			readLines(c, func(line string) bool {
				out, err := mon.exec(line)
				c.Write([]byte(out))
				if err == errMonitorQuit {
					return false
				}
				if err != nil {
					fmt.Fprintln(c, err)
				}
				fmt.Fprint(c, "(ast2500emu) ")
				return true
			})
		}()
	}
}

// listenSocket opens unix:PATH or tcp:[HOST]:PORT (loopback by default)
// for --monitor and --qmp.
func listenSocket(flag, spec string) (net.Listener, error) {
	kind, arg, ok := strings.Cut(spec, ":")
	arg, _, _ = strings.Cut(arg, ",") // QEMU's ,server,nowait
	switch {
	case ok && kind == "unix" && arg != "":
		os.Remove(arg)
		ln, err := net.Listen("unix", arg)
		if err != nil {
			return nil, usage("%s %s: %v", flag, spec, err)
		}
		return ln, nil
	case ok && kind == "tcp":
		addr, err := loopbackAddr(arg)
		if err != nil {
			return nil, usage("%s %s: %v", flag, spec, err)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, usage("%s %s: %v", flag, spec, err)
		}
		return ln, nil
	}
	return nil, usage("%s %s: want unix:PATH or tcp:[HOST]:PORT", flag, spec)
}

// snapWait bounds how long savevm and loadvm wait for the machine: a save
// writes all of RAM.
const snapWait = 2 * time.Minute

// atBoundary runs f on the machine goroutine at the next slice boundary
// (where --save-snapshot saves and a restored machine starts) and waits.
// A paused machine is between slices already: f runs with the posted
// work. From GDB (the CPU stopped mid-slice) f is queued for when the
// guest continues, and atBoundary returns at once with queued true.
func (mon *monitor) atBoundary(f func()) (queued bool, err error) {
	m := mon.m
	if mon.onMachine {
		m.RequestSnapshot(f)
		return true, nil
	}
	ch := make(chan struct{})
	m.Clock.Post(func() {
		if m.Paused() {
			f()
			close(ch)
			return
		}
		m.RequestSnapshot(func() { f(); close(ch) })
	})
	select {
	case <-ch:
		return false, nil
	case <-mon.done:
		return false, errors.New("the machine is not running")
	case <-time.After(snapWait):
		return false, fmt.Errorf("the machine did not answer in %v (stopped in the debugger?)", snapWait)
	}
}

// savevm FILE saves a snapshot with the header --save-snapshot writes, so
// boot --snapshot FILE starts from it.
func (mon *monitor) savevm(w *strings.Builder, args []string) error {
	if len(args) != 1 {
		return errors.New("savevm FILE")
	}
	path := args[0]
	s := snapFor(mon.m)
	if s == nil {
		return errors.New("savevm: this machine was not made by boot")
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return fmt.Errorf("savevm %s: no such directory", path)
	}
	h, err := s.header()
	if err != nil {
		return fmt.Errorf("savevm %s: %v", path, err)
	}
	var n int
	var insns uint64
	var saveErr error
	queued, err := mon.atBoundary(func() {
		insns = mon.m.CPU.Insns
		n, saveErr = saveSnapshot(mon.m, h, path)
		if mon.onMachine {
			if saveErr != nil {
				fmt.Fprintf(os.Stderr, "ast2500emu: savevm %s: %v\n", path, saveErr)
			} else {
				fmt.Fprintf(os.Stderr, "ast2500emu: snapshot saved to %s\n", path)
			}
		}
	})
	switch {
	case err != nil:
		return fmt.Errorf("savevm %s: %v", path, err)
	case queued:
		fmt.Fprintf(w, "the snapshot is saved to %s when the guest continues\n", path)
	case saveErr != nil:
		return fmt.Errorf("savevm %s: %v", path, saveErr)
	default:
		fmt.Fprintf(w, "snapshot saved to %s (%d instructions, %.1f MiB)\n", path, insns, float64(n)/(1<<20))
	}
	return nil
}

// loadvm FILE puts the running machine back in the state a savevm or
// --save-snapshot saved, if the file was made from what this machine was
// made from (board, images, RAM, build); otherwise it refuses and the
// machine runs on.
func (mon *monitor) loadvm(w *strings.Builder, args []string) error {
	if len(args) != 1 {
		return errors.New("loadvm FILE")
	}
	path := args[0]
	s := snapFor(mon.m)
	if s == nil {
		return errors.New("loadvm: this machine was not made by boot")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("loadvm: %v", err)
	}
	snap, err := snapshot.Parse(b)
	if err != nil {
		return fmt.Errorf("loadvm %s: %v", path, err)
	}
	h, err := s.header()
	if err != nil {
		return fmt.Errorf("loadvm %s: %v", path, err)
	}
	if snap.Header.Emulator != h.Emulator {
		return fmt.Errorf("loadvm %s: it was made by ast2500emu %s, this is %s", path, snap.Header.Emulator, h.Emulator)
	}
	if msg := snap.Header.Mismatch(h); msg != "" {
		return fmt.Errorf("loadvm %s: %s", path, msg)
	}
	var loadErr error
	queued, err := mon.atBoundary(func() {
		loadErr = mon.m.Load(snap)
		if mon.onMachine && loadErr != nil {
			fmt.Fprintf(os.Stderr, "ast2500emu: loadvm %s: %v\n", path, loadErr)
		}
	})
	switch {
	case err != nil:
		return fmt.Errorf("loadvm %s: %v", path, err)
	case queued:
		fmt.Fprintf(w, "the machine is restored from %s when the guest continues\n", path)
	case loadErr != nil:
		return fmt.Errorf("loadvm %s: %v", path, loadErr)
	default:
		fmt.Fprintf(w, "restored from %s (%d instructions, guest time %.3f s)\n", path, snap.Header.Insns, float64(snap.Header.GuestNs)/1e9)
	}
	return nil
}
