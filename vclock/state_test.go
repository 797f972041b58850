package vclock

import (
	"reflect"
	"testing"
)

// A clock's armed timers come back by name (shared names by creation
// order) with their deadlines and tie order, on a clock built the same
// way; timers the snapshot does not arm are stopped, skipped ones kept.
func TestStateRestore(t *testing.T) {
	build := func(log *[]string) (*Clock, []*Timer) {
		c := New(1000)
		var ts []*Timer
		for _, n := range []string{"wdt", "wdt", "uart", "smoke"} {
			n := n
			i := len(ts)
			ts = append(ts, c.NewTimer(n, func() { *log = append(*log, n+string(rune('0'+i))) }))
		}
		return c, ts
	}
	var log1 []string
	c1, t1 := build(&log1)
	var n1 uint64
	c1.Attach(&n1)
	n1 = 500
	t1[1].Set(900) // second "wdt"
	t1[2].Set(900) // tie, armed later
	t1[0].Set(700)
	t1[3].Set(800) // a host timer
	skip := func(n string) bool { return n == "smoke" }
	st := c1.State(skip)

	var log2 []string
	c2, t2 := build(&log2)
	var n2 uint64
	c2.Attach(&n2)
	t2[2].Set(10) // armed in the fresh machine, not in the snapshot
	t2[3].Set(850)
	n2 = 500
	if err := c2.Restore(st, skip); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c2.State(skip), st) {
		t.Fatalf("state after restore %+v, want %+v", c2.State(skip), st)
	}
	n1, n2 = 1000, 1000
	c1.RunDue()
	c2.RunDue()
	if !reflect.DeepEqual(log1, []string{"wdt0", "smoke3", "wdt1", "uart2"}) ||
		!reflect.DeepEqual(log2, []string{"wdt0", "smoke3", "wdt1", "uart2"}) {
		t.Fatalf("fired %v and %v", log1, log2)
	}
	bad := st
	bad.Timers = append([]TimerState(nil), st.Timers...)
	bad.Timers[0].Name = "nosuch"
	if err := c2.Restore(bad, skip); err == nil {
		t.Fatal("a timer this clock lacks was accepted")
	}
}
