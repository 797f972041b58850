package machine

import (
	"encoding/binary"
	"testing"

	"github.com/ast2500emu/ast2500emu/devices/ncsi"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// recorder is a Backend that keeps what the machine sends it.
type recorder struct{ sent [][]byte }

func (r *recorder) Send(f []byte)            { r.sent = append(r.sent, append([]byte(nil), f...)) }
func (r *recorder) Start(func([]byte)) error { return nil }
func (r *recorder) LinkUp() bool             { return true }
func (r *recorder) Close() error             { return nil }

func netMachine(t *testing.T, useNCSI bool) (*Machine, *recorder) {
	t.Helper()
	rec := &recorder{}
	m, err := New(Config{
		SoC:  ast2500.Config{RAMSize: 128 << 20},
		Boot: func(*Machine) error { return nil },
		Net:  NetConfig{Backend: rec, NCSI: useNCSI},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, rec
}

// ncsiCommand builds an NC-SI Clear Initial State for package 0 channel 0.
func ncsiCommand() []byte {
	f := make([]byte, 14+16+4)
	for i := 0; i < 6; i++ {
		f[i] = 0xff
		f[6+i] = 0x02
	}
	binary.BigEndian.PutUint16(f[12:], ncsi.EtherType)
	h := f[14:]
	h[1] = 1 // revision
	h[3] = 1 // instance ID
	h[4] = 0 // Clear Initial State
	h[5] = 0 // package 0, channel 0
	return f
}

func ipv4Frame() []byte {
	f := make([]byte, 60)
	copy(f, []byte{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00})
	return f
}

// On an NC-SI board, MAC0's NC-SI commands are answered by the emulated
// NIC and never reach the network backend; other frames pass through.
func TestNCSIFramesNeverReachBackend(t *testing.T) {
	m, rec := netMachine(t, true)
	for i := 0; i < 3; i++ {
		m.ports[0].Send(ncsiCommand())
	}
	if len(rec.sent) != 0 {
		t.Fatalf("backend got %d frames from NC-SI commands", len(rec.sent))
	}
	if !m.ncsi.Waiting() {
		t.Fatal("NC-SI command not answered")
	}
	m.ports[0].Send(ipv4Frame())
	m.ports[1].Send(ipv4Frame()) // MAC1 is not connected
	if len(rec.sent) != 1 || ncsi.IsNCSI(rec.sent[0]) {
		t.Fatalf("backend got %d frames, want the one IPv4 frame", len(rec.sent))
	}
	for _, f := range rec.sent {
		if binary.BigEndian.Uint16(f[12:]) == ncsi.EtherType {
			t.Error("NC-SI ethertype reached the backend")
		}
	}
}

// Without NC-SI (PHY boards) every MAC0 frame goes to the backend.
func TestPHYBoardSendsEverything(t *testing.T) {
	m, rec := netMachine(t, false)
	m.ports[0].Send(ipv4Frame())
	m.ports[0].Send(ncsiCommand())
	if len(rec.sent) != 2 {
		t.Fatalf("backend got %d frames, want 2", len(rec.sent))
	}
}
