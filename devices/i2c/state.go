package i2c

import (
	"encoding/json"
	"fmt"
	"sort"
)

// StatefulTarget is a Target whose own state (registers, pointers) goes
// into snapshots. Targets without it are assumed stateless.
type StatefulTarget interface {
	Target
	SaveState() (json.RawMessage, error)
	LoadState(json.RawMessage) error
}

// BusState is one bus's registers and transfer in progress.
type BusState struct {
	Fun, AC1, AC2, ICtl, ISts uint32
	Cmd                       uint32
	DevAddr, PoolCtrl         uint32
	DMAAddr, DMALen           uint32
	TX, RX                    byte
	Cur                       int // 7-bit address of the addressed target, -1: none
	Busy                      bool
	State                     uint32
	Flight                    int
}

// TargetState is an attached target's own state.
type TargetState struct {
	Bus   int
	Addr  uint8
	State json.RawMessage
}

// State is the controller's registers, buffer pool, every bus, and the
// state of the targets attached to them (snapshots). Bus timers are saved
// with the clock.
type State struct {
	APBHz          uint64
	Assign, Global uint32
	Pool           []byte
	Buses          [NumBuses]BusState
	Targets        []TargetState
	Level          bool
}

// State returns the controller's state.
func (c *Controller) State() (State, error) {
	s := State{APBHz: c.apbHz, Assign: c.assign, Global: c.global, Pool: append([]byte(nil), c.pool[:]...), Level: c.level}
	for i, b := range c.buses {
		cur := -1
		for _, a := range sortedAddrs(b.targets) {
			t := b.targets[a]
			if b.cur != nil && t == b.cur {
				cur = int(a)
			}
			if st, ok := t.(StatefulTarget); ok {
				js, err := st.SaveState()
				if err != nil {
					return s, err
				}
				s.Targets = append(s.Targets, TargetState{i, a, js})
			}
		}
		s.Buses[i] = BusState{b.fun, b.ac1, b.ac2, b.ictl, b.ists, b.cmd, b.devAddr, b.poolCtrl,
			b.dmaAddr, b.dmaLen, b.tx, b.rx, cur, b.busy, b.state, int(b.flight)}
	}
	return s, nil
}

func sortedAddrs(m map[uint8]Target) []uint8 {
	a := make([]uint8, 0, len(m))
	for k := range m {
		a = append(a, k)
	}
	sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	return a
}

// Restore sets the controller's state, restores the targets' and drives
// the interrupt line.
func (c *Controller) Restore(s State) error {
	if len(s.Pool) != PoolSize {
		return fmt.Errorf("i2c: pool of %d bytes in the snapshot, want %d", len(s.Pool), PoolSize)
	}
	for i, bs := range s.Buses {
		if bs.Cur >= 0 && c.buses[i].targets[uint8(bs.Cur)] == nil || bs.Cur > 0x7f {
			return fmt.Errorf("i2c%d: the snapshot's addressed device %#x is not attached here", i, bs.Cur)
		}
		if bs.Flight < int(phNone) || bs.Flight > int(phRecover) {
			return fmt.Errorf("i2c%d: bad transfer phase %d", i, bs.Flight)
		}
	}
	for _, ts := range s.Targets {
		if ts.Bus < 0 || ts.Bus >= NumBuses {
			return fmt.Errorf("i2c: target on bus %d", ts.Bus)
		}
		st, ok := c.buses[ts.Bus].targets[ts.Addr].(StatefulTarget)
		if !ok {
			return fmt.Errorf("i2c%d: the snapshot has a device at %#x, this board has none with state there", ts.Bus, ts.Addr)
		}
		if err := st.LoadState(ts.State); err != nil {
			return fmt.Errorf("i2c%d device %#x: %v", ts.Bus, ts.Addr, err)
		}
	}
	c.apbHz, c.assign, c.global = s.APBHz, s.Assign, s.Global
	copy(c.pool[:], s.Pool)
	for i, bs := range s.Buses {
		b := c.buses[i]
		b.fun, b.ac1, b.ac2, b.ictl, b.ists, b.cmd = bs.Fun, bs.AC1, bs.AC2, bs.ICtl, bs.ISts, bs.Cmd
		b.devAddr, b.poolCtrl, b.dmaAddr, b.dmaLen, b.tx, b.rx = bs.DevAddr, bs.PoolCtrl, bs.DMAAddr, bs.DMALen, bs.TX, bs.RX
		b.cur = nil
		if bs.Cur >= 0 {
			b.cur = b.targets[uint8(bs.Cur)]
		}
		b.busy, b.state, b.flight = bs.Busy, bs.State, phase(bs.Flight)
	}
	c.level = s.Level
	c.irq.Set(c.level)
	return nil
}
