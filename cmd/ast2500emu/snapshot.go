package main

// Snapshots on the command line (issue 14): boot --save-snapshot FILE
// with a trigger (--snapshot-on REGEX, --snapshot-after N, Ctrl-A s), and
// --snapshot FILE for boot and smoke to start from one. The format is
// package snapshot; what is saved is machine.State.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"sync"
	"weak"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/loader"
	"github.com/ast2500emu/ast2500emu/machine"
	"github.com/ast2500emu/ast2500emu/snapshot"
)

// snapOptions are the snapshot flags.
type snapOptions struct {
	load  string // --snapshot: start from this file
	save  string // --save-snapshot
	on    string // --snapshot-on REGEX
	after uint64 // --snapshot-after N
	quit  bool   // --snapshot-quit

	snap   *snapshot.Snapshot // parsed --snapshot file
	header snapshot.Header    // what this machine is made from
	onRe   *regexp.Regexp
}

// machineSnaps links each machine boot made to what its snapshots' header
// is made from, for the monitor's savevm and loadvm (newMachine records
// it). The key is weak and the entry goes with the machine, so in-process
// runs (tests) keep no RAM.
var machineSnaps sync.Map // weak.Pointer[machine.Machine] -> *machineSnap

// machineSnap works out a machine's snapshot header on first use when
// neither --snapshot nor --save-snapshot asked for it at start.
type machineSnap struct {
	s    *snapOptions
	cmd  *cobra.Command
	o    *bootOptions
	ram  uint64
	once sync.Once
	err  error
}

func linkSnap(m *machine.Machine, ms *machineSnap) {
	k := weak.Make(m)
	machineSnaps.Store(k, ms)
	runtime.AddCleanup(m, func(k weak.Pointer[machine.Machine]) { machineSnaps.Delete(k) }, k)
}

func snapFor(m *machine.Machine) *machineSnap {
	v, _ := machineSnaps.Load(weak.Make(m))
	ms, _ := v.(*machineSnap)
	return ms
}

// header returns the header this machine's snapshots carry.
func (ms *machineSnap) header() (snapshot.Header, error) {
	ms.once.Do(func() {
		if ms.s.load == "" && ms.s.save == "" {
			ms.err = ms.s.buildHeader(ms.cmd, ms.o, ms.ram)
		}
	})
	return ms.s.header, ms.err
}

func (s *snapOptions) registerLoad(f *pflag.FlagSet) {
	f.StringVar(&s.load, "snapshot", "", "start from this snapshot file (made by boot --save-snapshot) instead of booting; -M, -m and --seed default to the snapshot's")
}

func (s *snapOptions) registerSave(f *pflag.FlagSet) {
	f.StringVar(&s.save, "save-snapshot", "", "save the running machine to this file when a trigger fires (--snapshot-on, --snapshot-after, or Ctrl-A s)")
	f.StringVar(&s.on, "snapshot-on", "", "with --save-snapshot: save when a console line matches this regexp (e.g. 'login:', '# $'), once")
	f.Uint64Var(&s.after, "snapshot-after", 0, "with --save-snapshot: save when the guest has executed this many instructions")
	f.BoolVar(&s.quit, "snapshot-quit", false, "with --save-snapshot: exit (status 0) once the snapshot is saved")
}

// emulatorVersion identifies the build that writes or reads a snapshot:
// the version and, when the build records it, the source revision.
func emulatorVersion() string {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, mod string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					mod = "+dirty"
				}
			}
		}
		if rev != "" {
			v += " " + rev + mod
		}
	}
	return v
}

func sum(b []byte) string {
	if b == nil {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// prepare runs before the machine configuration is built: it checks the
// flag combinations and reads the --snapshot file, whose board and RAM
// size become the defaults.
func (s *snapOptions) prepare(cmd *cobra.Command, o *bootOptions) error {
	f := cmd.Flags()
	if s.save == "" && (s.on != "" || f.Changed("snapshot-after") || s.quit) {
		return usage("--snapshot-on, --snapshot-after and --snapshot-quit need --save-snapshot FILE")
	}
	if s.on != "" {
		re, err := regexp.Compile(s.on)
		if err != nil {
			return usage("--snapshot-on: %v", err)
		}
		s.onRe = re
	}
	if s.save != "" {
		if st, err := os.Stat(filepath.Dir(s.save)); err != nil || !st.IsDir() {
			return usage("--save-snapshot %s: no such directory", s.save)
		}
	}
	if s.load == "" {
		return nil
	}
	b, err := os.ReadFile(s.load)
	if err != nil {
		return usage("--snapshot %s: %v", s.load, err)
	}
	snap, err := snapshot.Parse(b)
	if err != nil {
		return usage("--snapshot %s: %v", s.load, err)
	}
	s.snap = snap
	o.restoring = true
	if !f.Changed("machine") {
		o.machine = snap.Header.Board
	}
	if !f.Changed("memory") {
		o.memory = fmt.Sprintf("%dM", snap.Header.RAMSize>>20)
	}
	if !f.Changed("seed") {
		o.seed = snap.Header.Seed
	}
	return nil
}

// makeHeader records what the machine is made from (after machineOptions).
func (s *snapOptions) makeHeader(cmd *cobra.Command, o *bootOptions, ram uint64) error {
	if s.load == "" && s.save == "" {
		return nil
	}
	return s.buildHeader(cmd, o, ram)
}

func (s *snapOptions) buildHeader(cmd *cobra.Command, o *bootOptions, ram uint64) error {
	b, _ := boards.Lookup(o.machine)
	h := snapshot.Header{Board: b.Name, Emulator: emulatorVersion(), Boot: "direct", Seed: o.seed}
	var req loader.Request
	var err error
	switch {
	case o.flash != nil && o.bootMode == "firmware":
		h.Boot = "firmware"
	case o.flash != nil:
		req, err = o.flashBootRequest(cmd, b, o.flash, ram)
	default:
		req, err = o.bootRequest(cmd, b, ram)
	}
	if err != nil {
		return err
	}
	h.Kernel, h.DTB = sum(req.Kernel.Data), sum(req.DTB.Data)
	if req.Initrd != nil {
		h.Initrd = sum(req.Initrd.Data)
	}
	if req.Append != nil {
		h.Append = *req.Append
	}
	if o.flash != nil {
		h.Flash = sum(o.flash.data)
	}
	s.header = h
	return nil
}

// newMachine builds the machine: from the --snapshot file when given
// (refusing one made from anything else), else fresh.
func (s *snapOptions) newMachine(cmd *cobra.Command, o *bootOptions, opts machine.Options) (*machine.Machine, error) {
	if err := s.makeHeader(cmd, o, opts.RAMSize); err != nil {
		return nil, err
	}
	m, err := s.build(opts)
	if m != nil {
		linkSnap(m, &machineSnap{s: s, cmd: cmd, o: o, ram: opts.RAMSize})
	}
	return m, err
}

func (s *snapOptions) build(opts machine.Options) (*machine.Machine, error) {
	if s.snap == nil {
		return machine.Build(opts)
	}
	if s.snap.Header.Emulator != s.header.Emulator {
		return nil, usage("--snapshot %s: it was made by ast2500emu %s, this is %s", s.load, s.snap.Header.Emulator, s.header.Emulator)
	}
	if msg := s.snap.Header.Mismatch(s.header); msg != "" {
		return nil, usage("--snapshot %s: %s", s.load, msg)
	}
	opts.Snapshot = s.snap
	m, err := machine.Build(opts)
	var se *snapshot.Error
	if errors.As(err, &se) {
		return nil, usage("--snapshot %s: %v", s.load, err)
	}
	return m, err
}

// saveNow writes the snapshot (through a temporary file and a rename, so
// an interrupted save leaves no half file). It runs on the machine
// goroutine at a slice boundary.
func (s *snapOptions) saveNow(m *machine.Machine) error {
	n, err := saveSnapshot(m, s.header, s.save)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\r\nast2500emu: snapshot saved to %s (%d instructions, guest time %.3f s, %.1f MiB)\r\n",
		s.save, m.CPU.Insns, float64(m.Clock.Now())/1e9, float64(n)/(1<<20))
	return nil
}

// saveSnapshot writes m's snapshot with header h to path and returns its
// size (--save-snapshot and the monitor's savevm).
func saveSnapshot(m *machine.Machine, h snapshot.Header, path string) (int, error) {
	var buf bytes.Buffer
	if err := m.Save(&buf, h); err != nil {
		return 0, err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return 0, err
	}
	_, err = tmp.Write(buf.Bytes())
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return 0, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return 0, err
	}
	return buf.Len(), nil
}

// arm installs the save triggers. It returns the Ctrl-A s action and a
// function that reports a failed save (nil when none failed).
func (s *snapOptions) arm(m *machine.Machine) (interactive func(), failed func() error) {
	var saveErr error
	save := func() {
		if err := s.saveNow(m); err != nil {
			saveErr = fmt.Errorf("--save-snapshot %s: %v", s.save, err)
			m.StopHere()
			return
		}
		if s.quit {
			m.StopHere()
		}
	}
	failed = func() error { return saveErr }
	if s.save == "" {
		return func() {
			fmt.Fprint(os.Stderr, "\r\nast2500emu: no --save-snapshot FILE given\r\n")
		}, failed
	}
	if s.after != 0 {
		m.SnapshotAt(s.after, save)
	}
	if s.onRe != nil {
		prev := m.ConsoleHook
		var line []byte
		done := false
		m.ConsoleHook = func(b byte) {
			if prev != nil {
				prev(b)
			}
			if done {
				return
			}
			switch {
			case b == '\n':
				line = line[:0]
				return
			case b == '\r':
				return
			case len(line) < 4096:
				line = append(line, b)
			}
			if s.onRe.Match(line) {
				done = true
				m.RequestSnapshot(save)
			}
		}
	}
	return func() { m.Clock.Post(func() { m.RequestSnapshot(save) }) }, failed
}

// replayLine hands the console line the snapshot was saved in (a prompt,
// typically) to the console hook before anything else runs, so a script
// that starts by expecting the prompt finds it.
func replayLine(m *machine.Machine) {
	line := m.ConsoleLine()
	if len(line) == 0 {
		return
	}
	m.Clock.Post(func() {
		if m.ConsoleHook != nil {
			for _, b := range line {
				m.ConsoleHook(b)
			}
		}
	})
}
