package vclock

import "testing"

func TestTimeFollowsInstructions(t *testing.T) {
	c := New(4000)
	var n uint64
	c.Attach(&n)
	n = 250
	if got := c.Now(); got != 1000 {
		t.Fatalf("Now after 250 insns = %d ns, want 1000", got)
	}
	c.SkipTo(5000)
	if got := c.Now(); got != 5000 {
		t.Fatalf("Now after skip = %d", got)
	}
	n += 2
	if got := c.Now(); got != 5008 {
		t.Fatalf("Now = %d, want 5008", got)
	}
	if got := c.InsnsUntil(5016); got != 2 {
		t.Fatalf("InsnsUntil = %d, want 2", got)
	}
}

func TestTimerOrder(t *testing.T) {
	c := New(1000)
	var n uint64
	c.Attach(&n)
	var order []string
	a := c.NewTimer("a", func() { order = append(order, "a") })
	b := c.NewTimer("b", func() { order = append(order, "b") })
	d := c.NewTimer("d", func() { order = append(order, "d") })
	a.Set(30)
	b.Set(10)
	d.Set(10)
	a.Set(5) // re-arm earlier
	if dl, ok := c.Next(); !ok || dl != 5 {
		t.Fatalf("Next = %d %v", dl, ok)
	}
	n = 10
	c.RunDue()
	if len(order) != 3 || order[0] != "a" || order[1] != "b" || order[2] != "d" {
		t.Fatalf("order = %v", order)
	}
	if a.Active() || b.Active() {
		t.Fatal("fired timers still active")
	}
	b.Set(100)
	b.Stop()
	if _, ok := c.Next(); ok {
		t.Fatal("stopped timer still queued")
	}
}

func TestPost(t *testing.T) {
	c := New(0)
	ran := 0
	go c.Post(func() { ran++ })
	<-c.WaitChan()
	c.RunPosted()
	if ran != 1 || c.Pending() {
		t.Fatalf("ran=%d pending=%v", ran, c.Pending())
	}
}

func TestSetNoAlloc(t *testing.T) {
	c := New(0)
	tm := c.NewTimer("x", func() {})
	allocs := testing.AllocsPerRun(100, func() {
		tm.Set(c.Now() + 10)
		tm.Stop()
	})
	if allocs != 0 {
		t.Fatalf("allocs = %v", allocs)
	}
}

func TestStall(t *testing.T) {
	c := New(1000)
	var n uint64
	c.Attach(&n)
	due := 0
	c.OnDue(func() { due++ })
	tm := c.NewTimer("x", func() {})
	tm.Set(500)
	c.Stall(200)
	if c.Now() != 200 || due != 0 {
		t.Fatalf("now=%d due=%d", c.Now(), due)
	}
	n = 100
	c.Stall(200)
	if c.Now() != 500 || due != 1 {
		t.Fatalf("now=%d due=%d", c.Now(), due)
	}
}

// TestArmShortensSlice checks the two ways a running CPU slice learns that
// it must end sooner than the deadline it was sized for: a device arming an
// earlier timer (OnArm) and a stall moving time closer to the deadline.
func TestArmShortensSlice(t *testing.T) {
	var insns uint64
	c := New(1000)
	c.Attach(&insns)
	var armed []uint64
	c.OnArm(func(ns uint64) { armed = append(armed, ns) })
	late := c.NewTimer("late", func() {})
	early := c.NewTimer("early", func() {})
	late.Set(10_000)
	early.Set(5_000)
	late.Set(20_000) // not the earliest: no call
	if len(armed) != 2 || armed[0] != 10_000 || armed[1] != 5_000 {
		t.Fatalf("OnArm calls %v, want [10000 5000]", armed)
	}
	c.Stall(1_000)
	if len(armed) != 3 || armed[2] != 5_000 {
		t.Fatalf("after a stall: OnArm calls %v, want a third for 5000", armed)
	}
}
