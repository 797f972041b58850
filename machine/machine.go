// Package machine runs an AST2500 board: it owns the CPU, the SoC and the
// virtual clock, and drives them in one loop on one goroutine.
//
// The loop alternates CPU slices with device events. A slice lasts until
// the next deadline on the clock (at the nominal instruction rate), so
// device time is exact to the instruction block. When the CPU idles in WFI,
// guest time jumps to the next deadline (or, with nothing scheduled, the
// loop sleeps until host input arrives); in paced mode the jump waits for
// the wall clock to catch up, so that an interactive guest's sleep(1) takes
// a second. Resets (watchdog, reboot) are handled here: every device is
// reset, the boot loader runs again, and the run continues.
package machine

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/devices/ncsi"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/network"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// Exit says why Run returned.
type Exit int

const (
	ExitPowerOff Exit = iota // the guest halted for good after a power-off request
	ExitReset                // the guest reset and NoReboot was set
	ExitStopped              // Stop was called (user quit, test harness)
	ExitHalted               // the CPU halted for good (see halt.go)
	ExitBudget               // the instruction budget ran out
	ExitHung                 // the guest stopped making progress (see halt.go)
	ExitBootLoop             // MaxBootLoop boots in a row reset before reaching User mode
)

func (e Exit) String() string {
	return [...]string{"power-off", "reset", "stopped", "halted", "budget", "hung", "boot-loop"}[e]
}

// Config describes a machine.
type Config struct {
	SoC ast2500.Config
	// Attach adds board devices to the SoC before the first boot. An
	// error (an image larger than its flash chip, an I2C address taken)
	// ends New with it.
	Attach func(s *ast2500.SoC) error
	// Boot prepares the machine to run (loads images, sets the CPU's
	// entry state). It runs at power-on and after every reset.
	Boot func(m *Machine) error
	// Paced keeps guest time from running ahead of wall time.
	Paced bool
	// NoReboot makes a guest reset end the run instead.
	NoReboot bool
	// PsPerInsn is the nominal instruction period (0: vclock default).
	PsPerInsn uint64
	// Console receives UART5 output.
	Console func(b byte)
	// Serial receives the output of the other UARTs by name ("uart1"..
	// "uart4", "vuart"; see control.go).
	Serial map[string]func(b byte)
	// Net attaches MAC0 to a network, Net1 MAC1 (never NC-SI).
	Net, Net1 NetConfig
	// MACPHY says which MACs have an MDIO PHY (see ast2500.Config).
	MACPHY [2]bool
	// MaxInsns stops the run after this many instructions (0: no limit).
	MaxInsns uint64
	// GuestDecompress lets a zImage that firmware jumps to run its own
	// decompressor instead of inflating the kernel on the host (zimage.go).
	GuestDecompress bool
	// IdleWallAfter bounds free idle skipping in an unpaced run: once the
	// console has been quiet (no output, no input) for this much guest
	// time, idle waits last as long in wall time as in guest time, as if
	// paced, until the console is active again. A guest idle at a prompt
	// waiting for a person then no longer races its timers through days
	// of guest time. 0: skip freely (deterministic runs, whose input
	// comes at guest-determined points). A stuck CPU (halt.go) waits for
	// nothing but a watchdog, so its skips stay free.
	IdleWallAfter uint64
	// MaxBootLoop ends the run when this many boots in a row reset
	// without their CPU ever entering User mode: a kernel that
	// panics before init with panic=-1 (the bundled aspeed_g5_defconfig
	// kernel's CONFIG_PANIC_TIMEOUT) asks for a reset every boot, for
	// ever. 0: no limit (the hardware's behaviour).
	MaxBootLoop int
	// JIT selects the CPU's execution tier (jit.go); the zero value
	// turns the JIT on where there is one.
	JIT JITMode
}

// Machine is a running AST2500 board.
type Machine struct {
	cfg   Config
	CPU   *arm.CPU
	SoC   *ast2500.SoC
	Clock *vclock.Clock
	Log   *mmio.Log
	// Decompress says how the last zImage booted was inflated ("host
	// (xz)", "guest decompressor (why)"; "" before any), DecompressCached
	// whether the host's kernel came from the cache.
	Decompress       string
	DecompressCached bool

	line       []byte   // current console line
	recent     []string // the console's last lines (wording hints, halt.go)
	sawPanic   bool
	live       liveness
	lastReset  ResetCause
	loopResets int       // resets in a row of boots that never entered User mode
	bootUsers  uint64    // CPU.UserEntries when the current boot started
	quietSince uint64    // guest ns of the last console activity
	idleWall   time.Time // wall reference of the current quiet stretch
	idleGuest  uint64    // its guest reference
	exit       atomic.Int32
	exitSet    atomic.Bool
	resetReq   int              // watchdog index + 1 of a pending reset
	ports      [2]*network.Port // MAC0's and MAC1's (network.go)
	ncsi       *ncsi.Filter     // on MAC0's port (NC-SI boards)
	Resets     int              // number of resets so far

	// ConsoleHook, when set, sees every console byte (smoke tests).
	ConsoleHook func(b byte)
	// OnReset, when set, is told about each reset before it happens, on
	// the machine goroutine: ResetWatchdog or ResetSystem (control.go).
	OnReset func(kind string)
	paused  atomic.Bool
	// OnStuck, when set, is called on the machine goroutine when the CPU
	// gets stuck for good (halt.go), also while a watchdog is armed that
	// will reset it: the guest has shut down (smoke's halt step).
	OnStuck func()

	dbg *debugger // GDB stub (debug.go); nil normally

	snapReq  func() // a snapshot to take at the next slice boundary (snapshot.go)
	snapAt   uint64 // take snapReqAt when Insns reaches this (0: none)
	snapAtFn func()
	loaded   bool // Load replaced the state (the run loop rebases pacing)

	jitOn bool      // the CPU's JIT tier is on (jit.go)
	ls    *lockstep // JITLockstep: the interpreter's copy (lockstep.go)
}

// ErrNoBoot is returned when the machine has nothing to run.
var ErrNoBoot = errors.New("machine: no boot method configured")

// New builds the machine.
func New(cfg Config) (*Machine, error) {
	m := &Machine{cfg: cfg}
	if cfg.PsPerInsn == 0 {
		cfg.PsPerInsn = DefaultPsPerInsn
	}
	m.Clock = vclock.New(cfg.PsPerInsn)
	sc := cfg.SoC
	sc.Clock = m.Clock
	if sc.IOAccessNs == 0 {
		sc.IOAccessNs = DefaultIOAccessNs
	}
	if sc.Log == nil {
		sc.Log = mmio.Default
	}
	m.Log = sc.Log
	sc.Console = m.consoleByte
	sc.SerialOut = cfg.Serial
	m.newPorts()
	sc.MACTx = [2]func([]byte){m.ports[0].Send, m.ports[1].Send}
	sc.MACPHY = cfg.MACPHY
	sc.ResetRequest = func(wdt int) {
		m.resetReq = wdt + 1
		if m.CPU != nil {
			m.CPU.EndSlice()
		}
	}
	soc, err := ast2500.New(sc)
	if err != nil {
		return nil, err
	}
	m.SoC = soc
	if cfg.Attach != nil {
		if err := cfg.Attach(soc); err != nil {
			m.closeNetwork()
			return nil, err
		}
	}
	m.CPU = arm.New(soc)
	m.setupJIT()
	m.Clock.Attach(&m.CPU.Insns)
	m.Clock.OnDue(m.CPU.EndSlice)
	m.Clock.OnArm(func(ns uint64) { m.CPU.LimitSlice(m.Clock.InsnsUntil(ns)) })
	soc.SetDMANotifier(m.CPU)
	soc.ConnectCPU(mmio.LineFunc(m.CPU.SetIRQ), mmio.LineFunc(m.CPU.SetFIQ))
	m.CPU.SetColdCodeHook(m.zImageEntry)
	if cfg.Boot == nil {
		m.closeNetwork()
		return nil, ErrNoBoot
	}
	if err := cfg.Boot(m); err != nil {
		m.closeNetwork()
		return nil, err
	}
	if err := m.setupNetwork(); err != nil {
		m.closeNetwork()
		return nil, err
	}
	return m, nil
}

// Stop ends Run at the next opportunity with ExitStopped. Safe from any
// goroutine.
func (m *Machine) Stop() { m.finish(ExitStopped) }

// StopHere ends the run right after the current instruction. Call it only
// on the machine goroutine (from a device or clock callback): the run then
// ends at the same instruction however the CPU's slices fall, which keeps
// deterministic runs' instruction counts exact.
func (m *Machine) StopHere() {
	m.finish(ExitStopped)
	m.CPU.EndSlice()
}

func (m *Machine) finish(e Exit) {
	if m.exitSet.CompareAndSwap(false, true) {
		m.exit.Store(int32(e))
	}
	m.CPU.Stop()
	m.Clock.Wake()
}

// Input delivers console input from any goroutine.
func (m *Machine) Input(p []byte) {
	b := append([]byte(nil), p...)
	if m.ls != nil && m != m.ls.shadow {
		m.Clock.Post(func() { m.ls.leaderInput(m, b) })
		return
	}
	m.Clock.Post(func() {
		m.consoleActive()
		m.SoC.UART[4].Receive(b)
	})
}

func (m *Machine) consoleActive() {
	m.quietSince = m.Clock.Now()
	m.idleWall = time.Time{}
}

// consoleByte receives UART5 output on the machine goroutine.
func (m *Machine) consoleByte(b byte) {
	m.consoleActive()
	if m.cfg.Console != nil {
		m.cfg.Console(b)
	}
	if m.ConsoleHook != nil {
		m.ConsoleHook(b)
	}
	if b == '\n' {
		m.rememberLine(string(m.line))
		m.line = m.line[:0]
		return
	}
	if len(m.line) < 256 {
		m.line = append(m.line, b)
	}
}

// reset performs a SoC reset (watchdog or reboot) and reruns the boot.
func (m *Machine) reset() error {
	m.Resets++
	m.SoC.Reset()
	m.CPU.Reset()
	m.line = m.line[:0]
	m.recent, m.sawPanic = nil, false
	if err := m.cfg.Boot(m); err != nil {
		return err
	}
	m.live.reset(m.Clock.Now(), m.CPU.Sleeps, m.CPU.UserEntries)
	m.bootUsers = m.CPU.UserEntries
	return nil
}

// Defaults for the guest's time base.
const (
	// DefaultPsPerInsn is the nominal instruction period, vclock's.
	DefaultPsPerInsn = vclock.DefaultPsPerInsn
	// DefaultIOAccessNs is the cost of one device register access.
	DefaultIOAccessNs = 200
	// DefaultIdleWallAfter is the quiet stretch of guest time after which
	// an unpaced, non-deterministic run's idle waits take wall time (see
	// Config.IdleWallAfter).
	DefaultIdleWallAfter = 10e9
)

// maxSlice bounds a CPU slice so host input and Stop are noticed quickly.
const maxSlice = 200000

// Run runs the machine until it powers off, halts, resets with NoReboot,
// or Stop is called. The network backend and capture are closed on return.
func (m *Machine) Run() (exit Exit, err error) {
	defer m.closeNetwork()
	if m.ls != nil && m != m.ls.shadow {
		m.ls.startShadow(m)
		defer func() {
			if lerr := m.ls.stopShadow(); lerr != nil && err == nil {
				exit, err = ExitStopped, lerr
			}
		}()
	}
	c := m.CPU
	clk := m.Clock
	wallStart := time.Now()
	guestStart := clk.Now()
	for {
		if m.exitSet.Load() {
			return Exit(m.exit.Load()), nil
		}
		if m.resetReq != 0 {
			exit, ok, err := m.handleReset()
			if err != nil {
				return ExitReset, fmt.Errorf("reset: %w", err)
			}
			if !ok {
				return exit, nil
			}
			continue
		}
		if m.paused.Load() {
			m.waitPaused()
			wallStart, guestStart = time.Now(), clk.Now()
			continue
		}
		if m.dbg != nil && m.dbg.haltReq.Load() {
			m.debugStop()
			m.live.stuckSince = 0 // the debugger may have changed the CPU
			continue
		}
		m.takeSnapshot()
		if m.loaded {
			// Load moved guest time: pace from here.
			m.loaded = false
			wallStart, guestStart = time.Now(), clk.Now()
		}
		if m.ls != nil && m == m.ls.shadow && !m.ls.shadowTop(m) {
			continue
		}
		clk.RunPosted()
		clk.RunDue()
		if m.exitSet.Load() || m.resetReq != 0 || m.snapReq != nil {
			// A device or clock callback ended the run or reset the
			// SoC (a watchdog expiry, the console's last line), or
			// asked for a snapshot: act on it before the CPU runs
			// another slice.
			continue
		}
		stuck := m.live.stuckSince != 0
		if !stuck {
			if m.cfg.MaxInsns != 0 && c.Insns >= m.cfg.MaxInsns {
				return ExitBudget, nil
			}
			budget := uint64(maxSlice)
			next, haveNext := clk.Next()
			if haveNext {
				if n := clk.InsnsUntil(next); n < budget {
					budget = n
				}
			}
			if m.cfg.MaxInsns != 0 && m.cfg.MaxInsns-c.Insns < budget {
				budget = m.cfg.MaxInsns - c.Insns
			}
			if m.snapAt > c.Insns && m.snapAt-c.Insns < budget {
				budget = m.snapAt - c.Insns
			}
			if m.ls != nil && m == m.ls.shadow && !m.ls.shadowBudget(m, &budget) {
				continue
			}
			c.Run(budget)
			if m.ls != nil && !m.ls.afterSlice(m) {
				continue
			}
			if m.cfg.Paced {
				m.pace(&wallStart, guestStart)
			}
			if m.observe() && !m.watchdogArmed() {
				m.finish(ExitHung)
				continue
			}
			if stuck = m.stuck(); stuck {
				m.live.stuckSince = max(clk.Now(), 1)
				if m.OnStuck != nil {
					m.OnStuck()
				}
			} else if !c.Halted() {
				continue
			}
		}
		// Idle in WFI, or stuck: jump to the next event, or wait for
		// input. A stuck CPU runs no more; with no watchdog armed it has
		// halted for good: the events of the next haltDrain still run,
		// then the run ends.
		if m.exitSet.Load() || m.resetReq != 0 || clk.Pending() {
			continue
		}
		next, haveNext := clk.Next()
		if stuck && !m.watchdogArmed() && (!haveNext || next > m.live.stuckSince+haltDrain) {
			clk.SkipTo(m.live.stuckSince + haltDrain)
			m.finish(m.haltExit())
			continue
		}
		if !haveNext {
			<-clk.WaitChan()
			continue
		}
		if !m.cfg.Paced && !stuck && m.cfg.IdleWallAfter > 0 && next-m.quietSince > m.cfg.IdleWallAfter {
			if m.idleWall.IsZero() {
				m.idleWall, m.idleGuest = time.Now(), clk.Now()
			}
			if m.waitWall(time.Duration(next-m.idleGuest) - time.Since(m.idleWall)) {
				continue
			}
		}
		if m.cfg.Paced {
			wait := time.Duration(next-guestStart) - time.Since(wallStart)
			if wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-clk.WaitChan():
				case <-t.C:
				}
				t.Stop()
				if clk.Pending() || m.exitSet.Load() {
					continue
				}
			}
		}
		clk.SkipTo(next)
	}
}

// waitWall waits d of wall time or until host input or Stop; it reports
// whether the wait was cut short.
func (m *Machine) waitWall(d time.Duration) bool {
	if d <= 0 {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-m.Clock.WaitChan():
	case <-t.C:
	}
	return m.Clock.Pending() || m.exitSet.Load()
}

// pace keeps a paced run's reference point from drifting: when the CPU
// executes faster than the nominal rate, guest time gets ahead of wall
// time; instead of throttling the CPU (which would cap a busy guest at
// the nominal rate), the lead beyond 10 ms is forgiven, so idle waits
// (WFI) still last as long in wall time as in guest time.
func (m *Machine) pace(wallStart *time.Time, guestStart uint64) {
	ahead := time.Duration(m.Clock.Now()-guestStart) - time.Since(*wallStart)
	if ahead > 10*time.Millisecond {
		*wallStart = wallStart.Add(-(ahead - 10*time.Millisecond))
	}
}
