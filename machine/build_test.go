package machine

import (
	"testing"

	"github.com/ast2500emu/ast2500emu/board/boards"
)

// The builder applies the board's network policy: an NC-SI board's MAC0
// has no PHY and talks NC-SI; MAC1 never does.
func TestOptionsBoardPolicy(t *testing.T) {
	for _, ncsi := range []bool{false, true} {
		b := boards.Board{Name: "test", RAMSize: 128 << 20, Strap: 1, NCSI: ncsi}
		cfg := Options{Board: b, Seed: 0x123456}.Config()
		if cfg.MACPHY != [2]bool{!ncsi, true} || cfg.Net.NCSI != ncsi || cfg.Net1.NCSI {
			t.Errorf("NCSI %v: PHY %v, NC-SI on MAC0 %v MAC1 %v", ncsi, cfg.MACPHY, cfg.Net.NCSI, cfg.Net1.NCSI)
		}
		if cfg.SoC.RAMSize != b.RAMSize || cfg.SoC.Strap != 1 || cfg.SoC.UARTTxCharNs != boards.ConsoleTxCharNs {
			t.Errorf("SoC config %+v", cfg.SoC)
		}
		if cfg.Net.NICMAC != [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56} {
			t.Errorf("NIC MAC %x", cfg.Net.NICMAC)
		}
	}
}
