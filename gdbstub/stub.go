package gdbstub

// The stub proper. Execution model: the run loop (machine or test driver)
// owns the CPU. When it stops for the debugger (RequestHalt was called, or
// a breakpoint, watchpoint or step completed) it calls Stopped on its own
// goroutine; Stopped serves GDB's packets until GDB resumes, and returns
// what the loop should do next. While the guest runs, a reader goroutine
// watches the connection for Ctrl-C and asks for a halt.

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
)

// Action is what the run loop does after Stopped returns.
type Action int

const (
	Continue Action = iota // run until the next halt request
	Step                   // execute one instruction, then call Stopped again
	Kill                   // end the run
)

func (a Action) String() string { return [...]string{"continue", "step", "kill"}[a] }

// Config describes the target.
type Config struct {
	CPU *arm.CPU
	// RequestHalt asks the run loop to stop at the next instruction
	// boundary and call Stopped. It is called from any goroutine,
	// including from inside CPU hooks.
	RequestHalt func()
	// Extra hooks (an instruction tracer) stay installed alongside the
	// stub's own.
	Extra *arm.Hooks
	// Log, when set, receives protocol errors (malformed packets).
	Log func(format string, args ...any)
	// Monitor, when set, runs GDB's "monitor CMD" (qRcmd) on the machine
	// goroutine while the CPU is stopped and returns the output.
	Monitor func(cmd string) string
}

type watchKind int

const (
	watchWrite  watchKind = 2
	watchRead   watchKind = 3
	watchAccess watchKind = 4
)

type watch struct {
	addr, len uint32
	kind      watchKind
}

type conn struct {
	rw     io.ReadWriteCloser
	events chan Event
	wmu    sync.Mutex
	noAck  atomic.Bool
	closed atomic.Bool
}

func (c *conn) send(body []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.rw.Write(Encode(body))
	return err
}

func (c *conn) raw(b []byte) {
	c.wmu.Lock()
	c.rw.Write(b)
	c.wmu.Unlock()
}

func (c *conn) close() {
	if c.closed.CompareAndSwap(false, true) {
		c.rw.Close()
	}
}

// Stub is one GDB server for one CPU. Connections are served one at a
// time; after a detach or a dropped connection another may attach.
type Stub struct {
	cfg   Config
	cpu   *arm.CPU
	conns chan *conn

	cur      *conn
	resumed  bool   // a stop reply is owed to GDB
	reason   string // stop reply for the current stop ("" = interrupted)
	last     []byte // last reply, for '-'
	bps      []uint32
	watches  []watch
	skipPC   uint32 // breakpoint to step over on resume
	skip     bool
	stepping bool
	hooks    arm.Hooks
}

// New returns a stub for cfg.CPU. Connections are given with Attach or
// Serve.
func New(cfg Config) *Stub {
	if cfg.RequestHalt == nil {
		cfg.RequestHalt = func() {}
	}
	s := &Stub{cfg: cfg, cpu: cfg.CPU, conns: make(chan *conn, 1)}
	s.installHooks()
	return s
}

// Serve accepts connections on l until it is closed, one at a time.
func (s *Stub) Serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		if !s.Attach(c) {
			c.Close()
		}
	}
}

// Attach hands the stub a connection to a debugger and asks the run loop
// to halt so that GDB finds the target stopped. It returns false (and does
// not take the connection) while another debugger is attached.
func (s *Stub) Attach(rw io.ReadWriteCloser) bool {
	c := &conn{rw: rw, events: make(chan Event, 64)}
	select {
	case s.conns <- c:
	default:
		return false
	}
	go s.read(c)
	s.cfg.RequestHalt()
	return true
}

// read forwards the connection's events; Ctrl-C also requests a halt.
func (s *Stub) read(c *conn) {
	rd := NewReader(c.rw)
	defer close(c.events)
	for {
		ev, err := rd.Next()
		if err != nil {
			return
		}
		switch ev.Kind {
		case EvPacket:
			if !c.noAck.Load() {
				c.raw([]byte{'+'})
			}
		case EvBad:
			if s.cfg.Log != nil {
				s.cfg.Log("gdb: %v", ev.Err)
			}
			if !c.noAck.Load() {
				c.raw([]byte{'-'})
			}
			continue
		case EvAck:
			continue
		case EvInterrupt:
			s.cfg.RequestHalt()
		}
		c.events <- ev
	}
}

// Connected reports whether a debugger is attached (run-loop goroutine).
func (s *Stub) Connected() bool { return s.cur != nil || len(s.conns) > 0 }

// Exited tells an attached debugger that the guest ended (W status). Call
// it on the run-loop goroutine after the run ends.
func (s *Stub) Exited(code int) {
	if s.cur != nil {
		s.cur.send([]byte(fmt.Sprintf("W%02x", code&0xFF)))
		s.cur.close()
		s.cur = nil
	}
}

// Stopped is called by the run loop, on its goroutine, whenever it halted
// for the debugger. It waits for a debugger if none is attached, reports
// the stop, serves packets and returns when GDB resumes, detaches or kills.
func (s *Stub) Stopped() Action {
	reason := s.reason
	s.reason = ""
	if reason == "" {
		reason = "T02"
		if s.stepping {
			reason = "T05"
		}
	}
	s.stepping = false
	if s.cur == nil {
		s.cur = <-s.conns
		s.resumed = false
	}
	if s.resumed {
		s.reply([]byte(reason))
		s.resumed = false
	}
	// Drain stale interrupts sent while running.
	for {
		act, done := s.serveOne(reason)
		if done {
			return act
		}
		if s.cur == nil {
			// Debugger gone: keep running without it.
			s.clearDebug()
			return Continue
		}
	}
}

// serveOne handles one event. done=true ends Stopped with act.
func (s *Stub) serveOne(reason string) (act Action, done bool) {
	ev, ok := <-s.cur.events
	if !ok {
		s.cur.close()
		s.cur = nil
		return Continue, false
	}
	switch ev.Kind {
	case EvNack:
		if s.last != nil {
			s.cur.send(s.last)
		}
		return
	case EvInterrupt:
		return // already stopped
	}
	return s.handle(ev.Data, reason)
}

func (s *Stub) reply(b []byte) {
	s.last = b
	if s.cur != nil {
		s.cur.send(b)
	}
}

func (s *Stub) replyStr(str string) { s.reply([]byte(str)) }

func errReply(n int) string { return fmt.Sprintf("E%02x", n) }

// handle executes one packet.
func (s *Stub) handle(p []byte, reason string) (Action, bool) {
	if len(p) == 0 {
		s.replyStr("")
		return Continue, false
	}
	cmd, args := p[0], string(p[1:])
	c := s.cpu
	switch cmd {
	case '?':
		s.replyStr(reason)
	case 'g':
		var out []byte
		for _, n := range regOrder {
			out = appendHexLE(out, readReg(c, n), regSize(n))
		}
		s.reply(out)
	case 'G':
		b, err := decodeHexBytes(args)
		if err != nil || len(b) < 17*4 {
			s.replyStr(errReply(22))
			break
		}
		vals := map[int]uint64{}
		for _, n := range regOrder {
			sz := regSize(n)
			if len(b) < sz {
				break
			}
			vals[n] = leValue(b[:sz])
			b = b[sz:]
		}
		// CPSR first: the PC's alignment depends on the T bit.
		writeReg(c, regCPSR, vals[regCPSR])
		for _, n := range regOrder {
			if v, ok := vals[n]; ok && n != regCPSR {
				writeReg(c, n, v)
			}
		}
		s.replyStr("OK")
	case 'p':
		n, err := parseHex(args)
		if err != nil || regSize(int(n)) == 0 {
			s.replyStr(errReply(22))
			break
		}
		s.reply(appendHexLE(nil, readReg(c, int(n)), regSize(int(n))))
	case 'P':
		ns, vs, _ := strings.Cut(args, "=")
		n, err := parseHex(ns)
		b, err2 := decodeHexBytes(vs)
		if err != nil || err2 != nil || regSize(int(n)) == 0 || len(b) != regSize(int(n)) {
			s.replyStr(errReply(22))
			break
		}
		writeReg(c, int(n), leValue(b))
		s.replyStr("OK")
	case 'm':
		addr, n, err := parseAddrLen(args)
		if err != nil {
			s.replyStr(errReply(22))
			break
		}
		if n > MaxPacket/2 {
			n = MaxPacket / 2
		}
		buf := make([]byte, n)
		if !c.ReadVirt(addr, buf) {
			// Return what is readable up to the first fault.
			k := 0
			for ; k < len(buf) && c.ReadVirt(addr+uint32(k), buf[k:k+1]); k++ {
			}
			if k == 0 {
				s.replyStr(errReply(14))
				break
			}
			buf = buf[:k]
		}
		s.reply(hex.AppendEncode(make([]byte, 0, 2*len(buf)), buf))
	case 'M':
		al, data, ok := strings.Cut(args, ":")
		addr, n, err := parseAddrLen(al)
		b, err2 := decodeHexBytes(data)
		if !ok || err != nil || err2 != nil || uint32(len(b)) != n {
			s.replyStr(errReply(22))
			break
		}
		if !c.WriteVirt(addr, b) {
			s.replyStr(errReply(14))
			break
		}
		s.replyStr("OK")
	case 'X':
		i := bytes.IndexByte(p, ':')
		if i < 0 {
			s.replyStr(errReply(22))
			break
		}
		addr, n, err := parseAddrLen(string(p[1:i]))
		b := p[i+1:]
		if err != nil || uint32(len(b)) != n {
			s.replyStr(errReply(22))
			break
		}
		if n > 0 && !c.WriteVirt(addr, b) {
			s.replyStr(errReply(14))
			break
		}
		s.replyStr("OK")
	case 'c', 's':
		if args != "" {
			addr, err := parseHex(args)
			if err != nil {
				s.replyStr(errReply(22))
				break
			}
			c.SetPC(addr)
		}
		return s.resume(cmd == 's'), true
	case 'C', 'S':
		// Signal numbers mean nothing to bare hardware; an address may follow.
		if _, a, ok := strings.Cut(args, ";"); ok {
			addr, err := parseHex(a)
			if err != nil {
				s.replyStr(errReply(22))
				break
			}
			c.SetPC(addr)
		}
		return s.resume(cmd == 'S'), true
	case 'v':
		return s.handleV(args)
	case 'q', 'Q':
		s.handleQuery(string(p))
	case 'H', 'T':
		s.replyStr("OK") // one thread
	case 'Z', 'z':
		s.handleZ(cmd == 'Z', args)
	case 'D':
		s.replyStr("OK")
		s.detach()
		return Continue, true
	case 'k':
		s.cur.close()
		s.cur = nil
		s.clearDebug()
		return Kill, true
	default:
		s.replyStr("")
	}
	return Continue, false
}

func (s *Stub) handleV(args string) (Action, bool) {
	switch {
	case args == "Cont?":
		s.replyStr("vCont;c;C;s;S")
	case strings.HasPrefix(args, "Cont;"):
		// One thread: the first action applies.
		act := strings.Split(args[5:], ";")[0]
		act, _, _ = strings.Cut(act, ":")
		switch {
		case act == "c" || strings.HasPrefix(act, "C"):
			return s.resume(false), true
		case act == "s" || strings.HasPrefix(act, "S"):
			return s.resume(true), true
		}
		s.replyStr(errReply(22))
	case args == "MustReplyEmpty":
		s.replyStr("")
	case strings.HasPrefix(args, "Kill"):
		s.replyStr("OK")
		s.cur.close()
		s.cur = nil
		s.clearDebug()
		return Kill, true
	default:
		s.replyStr("")
	}
	return Continue, false
}

func (s *Stub) handleQuery(q string) {
	switch {
	case strings.HasPrefix(q, "qSupported"):
		s.replyStr(fmt.Sprintf("PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+", MaxPacket))
	case q == "QStartNoAckMode":
		s.replyStr("OK")
		s.cur.noAck.Store(true)
	case strings.HasPrefix(q, "qXfer:features:read:"):
		s.xferFeatures(q[len("qXfer:features:read:"):])
	case q == "qAttached":
		s.replyStr("1")
	case q == "qC":
		s.replyStr("QC1")
	case q == "qfThreadInfo":
		s.replyStr("m1")
	case q == "qsThreadInfo":
		s.replyStr("l")
	case q == "qSymbol::":
		s.replyStr("OK")
	case strings.HasPrefix(q, "qRcmd,"):
		s.rcmd(q[len("qRcmd,"):])
	default:
		s.replyStr("")
	}
}

// SetMonitor sets Config.Monitor after New (before Serve).
func (s *Stub) SetMonitor(f func(cmd string) string) { s.cfg.Monitor = f }

// rcmd serves "monitor CMD": the output as console-output packets
// ("O" + hex), then OK.
func (s *Stub) rcmd(arg string) {
	cmd, err := hex.DecodeString(arg)
	if err != nil {
		s.replyStr(errReply(1))
		return
	}
	if s.cfg.Monitor == nil {
		s.replyStr("")
		return
	}
	out := s.cfg.Monitor(string(cmd))
	for len(out) > 0 && s.cur != nil {
		n := min(len(out), MaxPacket/2-8)
		s.cur.send([]byte("O" + hex.EncodeToString([]byte(out[:n]))))
		out = out[n:]
	}
	s.replyStr("OK")
}

// xferFeatures serves "ANNEX:OFFSET,LENGTH".
func (s *Stub) xferFeatures(arg string) {
	annex, rng, ok := strings.Cut(arg, ":")
	doc, known := features[annex]
	if !ok {
		s.replyStr(errReply(22))
		return
	}
	if !known {
		s.replyStr(errReply(0))
		return
	}
	off, n, err := parseAddrLen(rng)
	if err != nil {
		s.replyStr(errReply(22))
		return
	}
	if int(off) >= len(doc) {
		s.replyStr("l")
		return
	}
	end := uint64(off) + uint64(n)
	if end >= uint64(len(doc)) {
		s.reply(append([]byte{'l'}, doc[off:]...))
		return
	}
	s.reply(append([]byte{'m'}, doc[off:end]...))
}

// handleZ inserts or removes a breakpoint or watchpoint: "TYPE,ADDR,KIND".
func (s *Stub) handleZ(insert bool, args string) {
	parts := strings.Split(args, ",")
	if len(parts) < 3 {
		s.replyStr(errReply(22))
		return
	}
	t, err1 := strconv.Atoi(parts[0])
	addr, err2 := parseHex(parts[1])
	kind, err3 := parseHex(strings.SplitN(parts[2], ";", 2)[0])
	if err1 != nil || err2 != nil || err3 != nil {
		s.replyStr(errReply(22))
		return
	}
	switch t {
	case 0, 1: // software and hardware breakpoints: both are PC checks
		s.bps = removeU32(s.bps, addr)
		if insert {
			s.bps = append(s.bps, addr)
		}
	case 2, 3, 4:
		if kind == 0 {
			kind = 1
		}
		w := watch{addr: addr, len: kind, kind: watchKind(t)}
		for i, o := range s.watches {
			if o == w {
				s.watches = append(s.watches[:i], s.watches[i+1:]...)
				break
			}
		}
		if insert {
			s.watches = append(s.watches, w)
		}
		var r [][2]uint32
		for _, o := range s.watches {
			end := o.addr + o.len
			if end < o.addr {
				end = 0xFFFFFFFF
			}
			r = append(r, [2]uint32{o.addr, end})
		}
		s.cpu.SetWatchRanges(r)
	default:
		s.replyStr("")
		return
	}
	s.installHooks()
	s.replyStr("OK")
}

func removeU32(l []uint32, v uint32) []uint32 {
	for i, x := range l {
		if x == v {
			return append(l[:i], l[i+1:]...)
		}
	}
	return l
}

// resume prepares to run: the instruction at the PC executes even if it
// has a breakpoint.
func (s *Stub) resume(step bool) Action {
	s.resumed = true
	s.skip, s.skipPC = true, s.cpu.PC()
	s.stepping = step
	if step {
		return Step
	}
	return Continue
}

func (s *Stub) detach() {
	if s.cur != nil {
		s.cur.close()
		s.cur = nil
	}
	s.clearDebug()
}

func (s *Stub) clearDebug() {
	s.bps, s.watches = nil, nil
	s.cpu.SetWatchRanges(nil)
	s.resumed, s.stepping, s.skip = false, false, false
	s.installHooks()
}

// installHooks sets the CPU hooks for the current breakpoints and
// watchpoints, keeping the extra (tracer) hooks. With neither, the CPU
// runs its fast path (or only the tracer's hooks).
func (s *Stub) installHooks() {
	x := s.cfg.Extra
	if len(s.bps) == 0 && len(s.watches) == 0 {
		s.cpu.SetHooks(x)
		return
	}
	s.hooks = arm.Hooks{}
	if x != nil {
		s.hooks = *x
	}
	if len(s.bps) > 0 {
		if x == nil || x.Before == nil && x.After == nil {
			// Only the pages with breakpoints run instruction by instruction.
			for _, b := range s.bps {
				s.hooks.Only = append(s.hooks.Only, [2]uint32{b, b + 1})
			}
		}
		extra := s.hooks.Before
		s.hooks.Before = func(pc uint32) bool {
			if s.skip {
				s.skip = false
				if pc == s.skipPC {
					return extra == nil || extra(pc)
				}
			}
			for _, b := range s.bps {
				if b == pc {
					s.reason = "T05swbreak:;"
					s.cfg.RequestHalt()
					return false
				}
			}
			return extra == nil || extra(pc)
		}
	}
	if len(s.watches) > 0 {
		extra := s.hooks.Access
		s.hooks.Access = func(va uint32, size int, write bool) {
			if extra != nil {
				extra(va, size, write)
			}
			s.checkWatch(va, size, write)
		}
	}
	s.cpu.SetHooks(&s.hooks)
}

// checkWatch reports a data access that hits a watchpoint: the access
// completes and the run stops after the instruction.
func (s *Stub) checkWatch(va uint32, size int, write bool) {
	if s.reason != "" {
		return
	}
	for _, w := range s.watches {
		if uint64(va) >= uint64(w.addr)+uint64(w.len) || uint64(va)+uint64(size) <= uint64(w.addr) {
			continue
		}
		var name string
		switch {
		case w.kind == watchWrite && write:
			name = "watch"
		case w.kind == watchRead && !write:
			name = "rwatch"
		case w.kind == watchAccess:
			name = "awatch"
		default:
			continue
		}
		a := va
		if a < w.addr {
			a = w.addr
		}
		s.reason = fmt.Sprintf("T05%s:%x;", name, a)
		s.cfg.RequestHalt()
		s.cpu.EndSlice()
		return
	}
}
