package i2cdev

// Snapshot support: each device's registers and transfer pointers as a
// plain value, marshalled to JSON for the I2C controller's state
// (i2c.StatefulTarget).

import (
	"encoding/json"
	"fmt"
)

func load(js json.RawMessage, v any) error {
	if err := json.Unmarshal(js, v); err != nil {
		return fmt.Errorf("bad state: %v", err)
	}
	return nil
}

// LM75State is the LM75's registers and pointer.
type LM75State struct {
	Temp     int
	Conf     byte
	Hyst, OS uint16
	Ptr      byte
	WantPtr  bool
	Idx      int
	Latched  uint16
}

// SaveState implements i2c.StatefulTarget.
func (d *LM75) SaveState() (json.RawMessage, error) {
	return json.Marshal(LM75State{d.temp, d.conf, d.hyst, d.os, d.ptr, d.wantPtr, d.idx, d.latched})
}

// LoadState implements i2c.StatefulTarget.
func (d *LM75) LoadState(js json.RawMessage) error {
	var s LM75State
	if err := load(js, &s); err != nil {
		return err
	}
	if s.Idx < 0 || s.Idx > 1 {
		return fmt.Errorf("lm75: byte index %d", s.Idx)
	}
	d.temp, d.conf, d.hyst, d.os, d.ptr, d.wantPtr, d.idx, d.latched = s.Temp, s.Conf, s.Hyst, s.OS, s.Ptr, s.WantPtr, s.Idx, s.Latched
	return nil
}

// RX8900State is the RTC's registers, time base and transfer latch.
type RX8900State struct {
	Regs     []byte
	EpochNs  int64
	Stopped  bool
	FrozenNs int64
	Latch    [7]byte
	Dirty    bool
	Ptr      byte
	WantPtr  bool
}

// SaveState implements i2c.StatefulTarget.
func (d *RX8900) SaveState() (json.RawMessage, error) {
	return json.Marshal(RX8900State{d.regs[:], d.epochNs, d.stopped, d.frozenNs, d.latch, d.dirty, d.ptr, d.wantPtr})
}

// LoadState implements i2c.StatefulTarget.
func (d *RX8900) LoadState(js json.RawMessage) error {
	var s RX8900State
	if err := load(js, &s); err != nil {
		return err
	}
	if len(s.Regs) != len(d.regs) {
		return fmt.Errorf("rx8900: %d registers", len(s.Regs))
	}
	copy(d.regs[:], s.Regs)
	d.epochNs, d.stopped, d.frozenNs, d.latch, d.dirty, d.ptr, d.wantPtr = s.EpochNs, s.Stopped, s.FrozenNs, s.Latch, s.Dirty, s.Ptr&0x1f, s.WantPtr
	return nil
}

// W83773GState is the sensor's registers, temperatures and pointer.
type W83773GState struct {
	Regs    []byte
	Temp    [3]int
	Ptr     byte
	WantPtr bool
}

// SaveState implements i2c.StatefulTarget.
func (d *W83773G) SaveState() (json.RawMessage, error) {
	return json.Marshal(W83773GState{d.regs[:], d.temp, d.ptr, d.wantPtr})
}

// LoadState implements i2c.StatefulTarget.
func (d *W83773G) LoadState(js json.RawMessage) error {
	var s W83773GState
	if err := load(js, &s); err != nil {
		return err
	}
	if len(s.Regs) != len(d.regs) {
		return fmt.Errorf("w83773g: %d registers", len(s.Regs))
	}
	copy(d.regs[:], s.Regs)
	d.temp, d.ptr, d.wantPtr = s.Temp, s.Ptr, s.WantPtr
	return nil
}

// EEPROMState is the EEPROM's array and transfer state.
type EEPROMState struct {
	Data     []byte
	Ptr      int
	Stage    int
	Acc      int
	ReadOnly bool
}

// SaveState implements i2c.StatefulTarget.
func (e *EEPROM) SaveState() (json.RawMessage, error) {
	return json.Marshal(EEPROMState{e.data, e.ptr, e.stage, e.acc, e.ReadOnly})
}

// LoadState implements i2c.StatefulTarget.
func (e *EEPROM) LoadState(js json.RawMessage) error {
	var s EEPROMState
	if err := load(js, &s); err != nil {
		return err
	}
	if len(s.Data) != len(e.data) || s.Ptr < 0 || s.Ptr >= len(e.data) || s.Stage < 0 || s.Stage > e.addrBytes {
		return fmt.Errorf("eeprom: bad state (%d bytes, pointer %d)", len(s.Data), s.Ptr)
	}
	copy(e.data, s.Data)
	e.ptr, e.stage, e.acc, e.ReadOnly = s.Ptr, s.Stage, s.Acc, s.ReadOnly
	return nil
}

// SaveState implements i2c.StatefulTarget (the shared EEPROM's state).
func (b *EEPROMBlock) SaveState() (json.RawMessage, error) { return b.e.SaveState() }

// LoadState implements i2c.StatefulTarget.
func (b *EEPROMBlock) LoadState(js json.RawMessage) error { return b.e.LoadState(js) }
