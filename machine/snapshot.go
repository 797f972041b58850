package machine

// Snapshots: the whole machine saved to a file at a slice boundary, and a
// new machine started from one. What is saved is state, never wiring: the
// CPU's architectural state, the clock's time base and armed timers (by
// name), every device's State, the NC-SI responder and its replies in
// flight, RAM/SRAM and the flash arrays (snapshot package). Caches (the
// CPU's decoded pages and soft TLB) are rebuilt on demand.
//
// A snapshot is taken at the top of the run loop, before posted host work
// and due events run; a restored machine's Run starts at that same point,
// so both continue identically. Host connections (user network, TAP) are
// not saved: the restored machine gets a new backend, the link comes back
// as the backend reports it, and the guest's address stays valid because
// the user network grants the same lease to the same MAC.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/devices/ncsi"
	"github.com/ast2500emu/ast2500emu/snapshot"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// State is the machine's state apart from memory.
type State struct {
	CPU   arm.State
	Clock vclock.State
	SoC   ast2500.State
	// NCSI is the emulated NIC's responder (romulus), with the replies
	// waiting for the "ncsi" timer.
	NCSI        *ncsi.State `json:",omitempty"`
	NCSIPending [][]byte    `json:",omitempty"`
	Line        []byte      // the console line so far
	Resets      int
	// Liveness: what halt, hang and boot-loop detection know (halt.go).
	Live       Liveness
	LastReset  ResetCause
	LoopResets int
	BootUsers  uint64
	QuietSince uint64
}

// Liveness is the saved form of the machine's liveness record.
type Liveness struct {
	OS                   bool
	Sleeps, Users        uint64
	LastLife, StuckSince uint64
}

// hostTimer reports timers that belong to host-side tools (a smoke run's
// deadlines, the profiler) or to a network backend (the deterministic
// peer's: its connections are the backend's, like usernet's, and not part
// of the machine), which are neither saved nor restored.
func hostTimer(name string) bool {
	return strings.HasPrefix(name, "smoke") || strings.HasPrefix(name, "guestprof") || strings.HasPrefix(name, "netpeer")
}

// State returns the machine's state (call it on the machine goroutine,
// between slices: from a snapshot request, or when Run is not running).
func (m *Machine) State() (State, error) {
	soc, err := m.SoC.State()
	if err != nil {
		return State{}, err
	}
	s := State{
		CPU:    m.CPU.State(),
		Clock:  m.Clock.State(hostTimer),
		SoC:    soc,
		Line:   append([]byte{}, m.line...),
		Resets: m.Resets,
		Live: Liveness{OS: m.live.os, Sleeps: m.live.sleeps, Users: m.live.users,
			LastLife: m.live.lastLife, StuckSince: m.live.stuckSince},
		LastReset: m.lastReset, LoopResets: m.loopResets,
		BootUsers: m.bootUsers, QuietSince: m.quietSince,
	}
	if f := m.ncsi; f != nil {
		st := f.Responder().State()
		s.NCSI = &st
		s.NCSIPending = f.Pending()
	}
	return s, nil
}

// Save writes a snapshot of the machine. h names what the machine was
// made from (board, images); Save fills in the RAM size and where the
// machine is.
func (m *Machine) Save(w io.Writer, h snapshot.Header) error {
	st, err := m.State()
	if err != nil {
		return err
	}
	js, err := json.Marshal(st)
	if err != nil {
		return err
	}
	h.RAMSize = uint64(len(m.SoC.RAM))
	h.Layout = StateLayout()
	h.Insns, h.GuestNs = m.CPU.Insns, m.Clock.Now()
	names, regs := m.SoC.Regions(false)
	return snapshot.Write(w, h, js, names, regs)
}

// RequestSnapshot asks the run loop to call fn at the next slice boundary
// (fn typically calls Save). Call it on the machine goroutine: from a
// console hook or a clock callback, or through Clock.Post.
func (m *Machine) RequestSnapshot(fn func()) {
	m.snapReq = fn
	m.CPU.EndSlice()
}

// SnapshotAt makes the run loop call fn when the guest has retired insns
// instructions (exactly: the slice before is cut short).
func (m *Machine) SnapshotAt(insns uint64, fn func()) {
	m.snapAt, m.snapAtFn = insns, fn
}

// takeSnapshot runs a pending snapshot request (run loop).
func (m *Machine) takeSnapshot() {
	if m.snapAt != 0 && m.CPU.Insns >= m.snapAt {
		m.snapAt = 0
		m.snapReq = m.snapAtFn
	}
	if fn := m.snapReq; fn != nil {
		m.snapReq = nil
		fn()
	}
}

// Restore builds a machine from cfg and puts it in the snapshot's state.
// The caller has checked the header against cfg. Nothing runs: cfg.Boot is
// not called for the restored start (it still runs on a later guest
// reset). A snapshot that does not fit the machine (other devices,
// corrupt memory) is refused before the machine is returned.
func Restore(cfg Config, snap *snapshot.Snapshot) (*Machine, error) {
	st, err := decodeState(snap, cfg.SoC.RAMSize)
	if err != nil {
		return nil, err
	}
	boot := cfg.Boot
	first := true
	cfg.Boot = func(m *Machine) error {
		if first {
			first = false
			return nil
		}
		return boot(m)
	}
	m, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := m.load(st, snap, nil); err != nil {
		m.closeNetwork()
		return nil, err
	}
	return m, nil
}

// Load puts this machine back in the snapshot's state, in place (the
// monitor's loadvm). The caller has checked the header against what the
// machine was made from. Call it on the machine goroutine at a slice
// boundary (from a RequestSnapshot function), where a restored machine's
// Run starts. A snapshot that does not fit is refused with the machine
// unchanged; should restoring fail after memory was overwritten (device
// state the checks could not foresee), the machine stops with the error.
func (m *Machine) Load(snap *snapshot.Snapshot) error {
	st, err := decodeState(snap, uint64(len(m.SoC.RAM)))
	if err != nil {
		return err
	}
	// Power-on state first, as Restore's new machine has: state the
	// snapshot does not hold (device internals, the panic watch, the
	// idle and pacing references) must not carry over from the run being
	// replaced.
	changed, err := m.load(st, snap, func() {
		m.SoC.Reset()
		m.CPU.Reset()
	})
	if err != nil && changed {
		m.StopHere()
		return fmt.Errorf("%w (the machine was half restored and is stopped)", err)
	}
	if err == nil {
		m.recent, m.sawPanic = nil, false
		m.idleWall, m.idleGuest = time.Time{}, 0
		m.loaded = true
	}
	return err
}

// decodeState checks the snapshot's layout and RAM size and decodes its
// machine state.
func decodeState(snap *snapshot.Snapshot, ram uint64) (State, error) {
	var st State
	if snap.Header.Layout != StateLayout() {
		return st, &snapshot.Error{Msg: "its machine state is laid out differently (made by another build of ast2500emu)"}
	}
	dec := json.NewDecoder(bytes.NewReader(snap.State))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return st, &snapshot.Error{Msg: fmt.Sprintf("bad machine state: %v", err)}
	}
	if snap.Header.RAMSize != ram {
		return st, &snapshot.Error{Msg: fmt.Sprintf("it was made with %d MiB of RAM, this machine has %d MiB", snap.Header.RAMSize>>20, ram>>20)}
	}
	return st, nil
}

// load puts m in state st with the snapshot's memory; clear, when set,
// runs once the checks pass, before anything is restored. changed reports
// whether anything was written before an error.
func (m *Machine) load(st State, snap *snapshot.Snapshot, clear func()) (changed bool, err error) {
	fail := func(err error) (bool, error) {
		return changed, &snapshot.Error{Msg: err.Error()}
	}
	// A new machine's RAM is all zero: the pages the file leaves out need
	// clearing only in place.
	_, regs := m.SoC.Regions(clear == nil)
	if err := snap.CheckRegions(regs); err != nil {
		return fail(err)
	}
	if (st.NCSI != nil) != (m.ncsi != nil) {
		return fail(fmt.Errorf("the snapshot and this machine differ in NC-SI"))
	}
	changed = true
	if clear != nil {
		clear()
	}
	if err := snap.RestoreRegions(regs); err != nil {
		return fail(err)
	}
	for _, c := range m.SoC.FlashChips() {
		c.Restored()
	}
	m.CPU.Restore(st.CPU)
	if err := m.SoC.Restore(st.SoC); err != nil {
		return fail(err)
	}
	if err := m.Clock.Restore(st.Clock, hostTimer); err != nil {
		return fail(err)
	}
	if f := m.ncsi; f != nil {
		if err := f.Responder().Restore(*st.NCSI); err != nil {
			return fail(err)
		}
		f.SetPending(st.NCSIPending)
	} else {
		// The link is the new backend's.
		m.SoC.MAC[0].SetLink(m.ports[0].Backend().LinkUp())
	}
	if len(st.Line) > 256 {
		st.Line = st.Line[:256]
	}
	m.line = append(m.line[:0], st.Line...)
	m.Resets = st.Resets
	l := st.Live
	m.live = liveness{os: l.OS, sleeps: l.Sleeps, users: l.Users, lastLife: l.LastLife, stuckSince: l.StuckSince}
	m.lastReset, m.loopResets = st.LastReset, st.LoopResets
	m.bootUsers, m.quietSince = st.BootUsers, st.QuietSince
	return true, nil
}

// ConsoleLine returns the console output since the last line end (a
// prompt, after a restore at the shell).
func (m *Machine) ConsoleLine() []byte { return append([]byte(nil), m.line...) }

// StateLayout fingerprints the structure of State: every field's name and
// type, recursively.
func StateLayout() string {
	h := sha256.New()
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		switch t.Kind() {
		case reflect.Struct:
			fmt.Fprintf(h, "struct %s{", t.Name())
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				fmt.Fprintf(h, "%s ", f.Name)
				walk(f.Type)
				h.Write([]byte(";"))
			}
			h.Write([]byte("}"))
		case reflect.Array:
			fmt.Fprintf(h, "[%d]", t.Len())
			walk(t.Elem())
		case reflect.Slice:
			h.Write([]byte("[]"))
			walk(t.Elem())
		case reflect.Pointer:
			h.Write([]byte("*"))
			walk(t.Elem())
		case reflect.Map:
			h.Write([]byte("map["))
			walk(t.Key())
			h.Write([]byte("]"))
			walk(t.Elem())
		default:
			h.Write([]byte(t.Kind().String()))
		}
	}
	walk(reflect.TypeOf(State{}))
	return hex.EncodeToString(h.Sum(nil))[:16]
}
