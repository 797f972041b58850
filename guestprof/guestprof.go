// Package guestprof is a sampling profiler of the guest: every period of
// guest time it records where the CPU is (the next instruction's PC and
// mode), and reports a flat profile by kernel function with the vmlinux's
// symbols, plus the shares of user space, idle (WFI) and interrupt modes.
// QEMU has no such thing; perf inside the guest perturbs what it measures.
//
// Sampling rides on the virtual clock (vclock): a timer every period, so a
// sample is taken at an exact instruction count, costs nothing between
// samples (no CPU hooks), and a run with the same inputs gives the same
// profile. While the CPU idles in WFI the profiler does not tick through
// the idle time (that would undo the clock's idle skipping): it sleeps
// until the next device event (at most a millisecond of guest time) plus a
// pseudo-random fraction of the period, so the code that runs after a
// wake-up is sampled with the right probability; idle time is the guest
// time not covered by busy samples. Samples start when the guest first
// runs in user mode (init):
// before that the zImage decompressor runs at addresses that overlap the
// kernel's, and would be charged to the wrong functions.
package guestprof

import (
	"fmt"
	"io"
	"sort"

	"github.com/ast2500emu/ast2500emu/calltrace"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// CPU is what the profiler reads from the core (cpu/arm.CPU).
type CPU interface {
	PC() uint32
	Mode() uint32
	Halted() bool
}

const (
	modeUSR = 0x10
	modeFIQ = 0x11
	modeIRQ = 0x12
)

// Profiler samples a CPU on a virtual clock.
type Profiler struct {
	cpu    CPU
	clk    *vclock.Clock
	syms   *calltrace.Symbols
	period uint64
	timer  *vclock.Timer

	started bool
	startNs uint64 // guest time of the first sample
	lastNs  uint64 // guest time of the latest sample or Stop
	rng     uint64
	byPC    map[uint32]uint64
	user    uint64
	irq     uint64 // samples in IRQ or FIQ mode (exception entry/exit code)
	total   uint64 // busy samples (the CPU was not in WFI)
}

// New makes a profiler that samples cpu every periodNs of guest time once
// Start is called. syms may be nil (kernel samples are then by address).
func New(cpu CPU, clk *vclock.Clock, syms *calltrace.Symbols, periodNs uint64) *Profiler {
	if periodNs == 0 {
		periodNs = 10_000
	}
	p := &Profiler{cpu: cpu, clk: clk, syms: syms, period: periodNs, rng: 0x9E3779B97F4A7C15, byPC: map[uint32]uint64{}}
	p.timer = clk.NewTimer("guestprof", p.sample)
	return p
}

// Start arms the sampling timer.
func (p *Profiler) Start() { p.timer.SetAfter(p.period) }

// Stop disarms it.
func (p *Profiler) Stop() {
	p.timer.Stop()
	if p.started {
		p.lastNs = p.clk.Now()
	}
}

// maxIdleNs bounds how long the profiler sleeps through idle time when no
// device event is due (input from the host wakes the CPU without one).
const maxIdleNs = 1_000_000

func (p *Profiler) sample() {
	now := p.clk.Now()
	mode := p.cpu.Mode()
	if p.cpu.Halted() {
		wake := now + maxIdleNs
		if next, ok := p.clk.Next(); ok && next < wake {
			wake = max(next, now)
		}
		p.rng = p.rng*6364136223846793005 + 1442695040888963407
		p.timer.Set(wake + 1 + (p.rng>>33)%p.period)
		if p.started {
			p.lastNs = now
		}
		return
	}
	p.timer.SetAfter(p.period)
	if !p.started {
		if mode != modeUSR {
			return
		}
		p.started, p.startNs = true, now
	}
	p.lastNs = now
	p.total++
	switch mode {
	case modeUSR:
		p.user++
	default:
		if mode == modeIRQ || mode == modeFIQ {
			p.irq++
		}
		p.byPC[p.cpu.PC()]++
	}
}

// Samples is the number of busy samples taken (the CPU was not idle).
func (p *Profiler) Samples() uint64 { return p.total }

// IdleShare is the share of guest time since the first sample that the CPU
// spent idle: the time not covered by busy samples.
func (p *Profiler) IdleShare() float64 {
	elapsed := p.lastNs - p.startNs
	busy := p.total * p.period
	if elapsed == 0 || busy >= elapsed {
		return 0
	}
	return float64(elapsed-busy) / float64(elapsed)
}

// Entry is one line of the flat profile.
type Entry struct {
	Name    string
	Samples uint64
}

// Functions returns the kernel samples by function, most first (ties by
// name). Addresses without a symbol are grouped by 4 KiB page, as
// "[unknown 0xffff0000]" (the vector page, for example).
func (p *Profiler) Functions() []Entry {
	by := map[string]uint64{}
	for pc, n := range p.byPC {
		name := fmt.Sprintf("[unknown %#08x]", pc&^0xFFF)
		if p.syms != nil {
			if s, ok := p.syms.Lookup(pc); ok {
				name = s.Name
			}
		} else {
			name = fmt.Sprintf("%#08x", pc)
		}
		by[name] += n
	}
	out := make([]Entry, 0, len(by))
	for name, n := range by {
		out = append(out, Entry{name, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Samples != out[j].Samples {
			return out[i].Samples > out[j].Samples
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Write prints the profile: a summary, then the top kernel functions with
// their share of all samples and the running total.
func (p *Profiler) Write(w io.Writer, top int) error {
	pct := func(n uint64) float64 {
		if p.total == 0 {
			return 0
		}
		return 100 * float64(n) / float64(p.total)
	}
	kernel := p.total - p.user
	fmt.Fprintf(w, "# guest profile: %d samples of a busy CPU, one every %d ns of guest time, from the first user-mode instruction\n", p.total, p.period)
	fmt.Fprintf(w, "# busy: kernel %.1f%% (of which IRQ/FIQ mode %.1f%%), user %.1f%%; idle (WFI) %.1f%% of %.3f s of guest time\n",
		pct(kernel), pct(p.irq), pct(p.user), 100*p.IdleShare(), float64(p.lastNs-p.startNs)/1e9)
	fmt.Fprintf(w, "%8s %7s %7s  %s\n", "samples", "%", "cum%", "kernel function")
	var cum uint64
	for i, e := range p.Functions() {
		if top > 0 && i == top {
			break
		}
		cum += e.Samples
		fmt.Fprintf(w, "%8d %6.2f%% %6.2f%%  %s\n", e.Samples, pct(e.Samples), pct(cum), e.Name)
	}
	_, err := fmt.Fprintf(w, "%8d %6.2f%% %7s  [user]\n", p.user, pct(p.user), "")
	return err
}
