package ast2500

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ast2500emu/ast2500emu/mmio"
)

// TestEveryDeviceHasState fails when a block the SoC maps to a model has
// no State/Restore, or is left out of the SoC's State: the next device
// added to the map cannot be forgotten by snapshots.
func TestEveryDeviceHasState(t *testing.T) {
	s, err := New(Config{RAMSize: 128 << 20})
	if err != nil {
		t.Fatal(err)
	}
	covered := s.stateDevices()
	for _, b := range Blocks {
		d, _, _ := s.lookup(b.Base)
		if d == nil {
			continue
		}
		if _, ok := d.(*mmio.Unimplemented); ok {
			continue
		}
		ty := reflect.TypeOf(d)
		for _, m := range []string{"State", "Restore"} {
			if _, ok := ty.MethodByName(m); !ok {
				t.Errorf("block %s (%v) has no %s method", b.Name, ty, m)
			}
		}
		if c, ok := covered[b.Name]; !ok || c != d {
			t.Errorf("block %s (%v) is not in the SoC's snapshot state", b.Name, ty)
		}
	}
	// The state is a plain value: it survives JSON and restores.
	st, err := s.State()
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	s2, _ := New(Config{RAMSize: 128 << 20})
	s2.VIC.ConnectCPU(nil, nil)
	if err := s2.Restore(back); err != nil {
		t.Fatal(err)
	}
	st2, _ := s2.State()
	js2, _ := json.Marshal(st2)
	if string(js) != string(js2) {
		t.Fatal("restored state differs")
	}
}
