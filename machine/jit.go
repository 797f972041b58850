package machine

// The CPU's execution tier: the JIT (cpu/arm's second tier, amd64 only)
// or the interpreter, and the lockstep mode that checks one against the
// other on a whole machine (lockstep.go).

import (
	"fmt"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
)

// JITMode says which tier runs guest code.
type JITMode int

const (
	// JITOn translates hot code where the platform has a JIT (amd64);
	// elsewhere the interpreter runs everything. The default.
	JITOn JITMode = iota
	// JITOff runs the interpreter only.
	JITOff
	// JITLockstep runs the JIT and, in step with it, a second copy of
	// the machine on the interpreter, comparing the CPU state after
	// every slice (lockstep.go). Deterministic runs only.
	JITLockstep
)

func (j JITMode) String() string {
	return [...]string{"on", "off", "lockstep"}[j]
}

// ParseJITMode parses --jit's value.
func ParseJITMode(s string) (JITMode, error) {
	switch s {
	case "on":
		return JITOn, nil
	case "off":
		return JITOff, nil
	case "lockstep":
		return JITLockstep, nil
	}
	return JITOn, fmt.Errorf("%q: want on, off or lockstep", s)
}

// setupJIT turns the CPU's JIT tier on or off as the configuration says.
// The tier holds no machine state (its translations hang off the decoded
// code cache), so snapshots taken with it restore without it and back.
func (m *Machine) setupJIT() {
	m.jitOn = m.CPU.EnableJIT(m.cfg.JIT != JITOff)
}

// Tier names the tier that runs guest code: "jit", "interpreter", or
// "jit, checked in lockstep against the interpreter". Hooks (a debugger,
// tracing) make the CPU interpret even with the JIT on.
func (m *Machine) Tier() string {
	switch {
	case !m.jitOn:
		return "interpreter"
	case m.ls != nil:
		return "jit, checked in lockstep against the interpreter"
	}
	return "jit"
}

// JITStats reports the JIT's translation cache (zero without a JIT).
func (m *Machine) JITStats() arm.JITStats { return m.CPU.JITStats() }

// FormatJITStats is the --stats line for s.
func FormatJITStats(s arm.JITStats) string {
	if !s.Enabled {
		return "jit: off (interpreter)"
	}
	return fmt.Sprintf("jit: %d blocks, %d instructions translated, code %.1f of %.0f MiB, %d entries, %d exits, %d flushes, %d pages invalidated",
		s.Blocks, s.Insns, float64(s.CodeBytes)/(1<<20), float64(s.CodeLimit)/(1<<20), s.Entries, s.Exits, s.Flushes, s.Invalidate)
}
