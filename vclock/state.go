package vclock

import "fmt"

// Snapshot support: the clock's time base and its pending events. Events
// are keyed by timer name (a name several timers share gets "#n", n
// counting from 0 in creation order), so a machine built the same way
// finds the same timers; their callbacks are wiring and are not saved.

// TimerState is one armed timer.
type TimerState struct {
	Name     string
	Deadline uint64 // guest ns
	Seq      uint64 // arming order, which breaks ties between equal deadlines
}

// State is the clock's time base and its armed timers.
type State struct {
	BaseNs, BaseInsns, BasePs uint64
	Seq                       uint64
	Timers                    []TimerState
}

// keys names every timer uniquely.
func (c *Clock) keys() map[*Timer]string {
	seen := map[string]int{}
	k := make(map[*Timer]string, len(c.timers))
	for _, t := range c.timers {
		n := seen[t.Name]
		seen[t.Name] = n + 1
		if n == 0 {
			k[t] = t.Name
		} else {
			k[t] = fmt.Sprintf("%s#%d", t.Name, n)
		}
	}
	return k
}

// State returns the time base and the armed timers, leaving out those for
// which skip returns true (timers of host-side tools: a test script's
// deadlines, a profiler's sampling timer).
func (c *Clock) State(skip func(name string) bool) State {
	s := State{BaseNs: c.baseNs, BaseInsns: c.baseInsns, BasePs: c.basePs, Seq: c.seq}
	keys := c.keys()
	for _, t := range c.heap {
		if skip != nil && skip(t.Name) {
			continue
		}
		s.Timers = append(s.Timers, TimerState{Name: keys[t], Deadline: t.deadline, Seq: t.seq})
	}
	// Heap order depends on history; sort by (deadline, seq) for a
	// canonical state.
	sortTimers(s.Timers)
	return s
}

func sortTimers(ts []TimerState) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && (ts[j].Deadline < ts[j-1].Deadline ||
			ts[j].Deadline == ts[j-1].Deadline && ts[j].Seq < ts[j-1].Seq); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// Restore sets the time base (the attached counter must already hold the
// saved instruction count) and re-arms exactly the saved timers: every
// other timer not skipped is stopped. It fails, changing nothing, if a
// saved timer does not exist here.
func (c *Clock) Restore(s State, skip func(name string) bool) error {
	byKey := map[string]*Timer{}
	for t, k := range c.keys() {
		byKey[k] = t
	}
	for _, ts := range s.Timers {
		if byKey[ts.Name] == nil {
			return fmt.Errorf("the snapshot has an event for timer %q, which this machine does not have", ts.Name)
		}
	}
	for _, t := range c.timers {
		if t.index >= 0 && (skip == nil || !skip(t.Name)) {
			c.heap.remove(t.index)
		}
	}
	c.baseNs, c.baseInsns, c.basePs = s.BaseNs, s.BaseInsns, s.BasePs
	for _, ts := range s.Timers {
		t := byKey[ts.Name]
		if t.index >= 0 {
			c.heap.remove(t.index)
		}
		t.deadline, t.seq = ts.Deadline, ts.Seq
		c.heap.push(t)
	}
	c.seq = s.Seq
	return nil
}
