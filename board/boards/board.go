// Package boards describes the machines ast2500emu can be: everything that
// differs between two AST2500 boards (straps, RAM, network attachment,
// device tree, I2C devices) and nothing else.
package boards

import (
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// Board is one machine type (-M).
type Board struct {
	Name        string   // -M value
	Aliases     []string // other accepted names (QEMU's)
	Description string
	Strap       uint32 // SCU70 hardware strapping
	RAMSize     uint64 // default RAM size
	DTB         string // file name of the board's device tree in the bundled guest
	NCSI        bool   // MAC0 talks NC-SI (romulus) instead of an MDIO PHY
	// The flash chips, as QEMU's machine attaches them: FMCChips chips
	// of model FMC on the FMC (CS0 up), one SPI1 chip on SPI1 CS0.
	// QEMU's fmc-model and spi-model machine properties replace the
	// models (AttachFlash).
	FMC, SPI1 spinor.Model
	FMCChips  int
	// Attach adds the board's own devices (I2C targets...) to a new SoC.
	Attach func(s *ast2500.SoC)
}

// ConsoleTxCharNs is the transmit time of one character on every
// board's UARTs: 1 µs instead of the line rate (87 µs at 115200 baud), so
// a chatty boot does not wait for the serial line. Guest-visible: changing
// it changes every deterministic run.
const ConsoleTxCharNs = 1000

// UARTTxCharNs is the board's UART character time (ast2500.Config).
func (b Board) UARTTxCharNs() uint64 { return ConsoleTxCharNs }

// MACPHY says which MACs have an MDIO PHY: both, except MAC0 on an NC-SI
// board, which talks to the host NIC's management controller instead.
func (b Board) MACPHY() [2]bool { return [2]bool{!b.NCSI, true} }

// NICMAC is the address of an NC-SI board's emulated host NIC (NC-SI OEM
// Get MAC Address): a locally administered QEMU-style address from seed.
func (b Board) NICMAC(seed uint64) [6]byte {
	return [6]byte{0x52, 0x54, 0x00, byte(seed >> 16), byte(seed >> 8), byte(seed)}
}

// AttachFlash attaches the board's flash chips, of models fmc and spi
// (the board's own, or the user's fmc-model and spi-model), all erased.
// It returns them in QEMU's if=mtd index order: FMC CS0.., then SPI1.
func (b Board) AttachFlash(s *ast2500.SoC, fmc, spi spinor.Model) []*spinor.Chip {
	var chips []*spinor.Chip
	for cs := 0; cs < b.FMCChips; cs++ {
		c := spinor.New(fmc)
		s.FMC.Attach(cs, c)
		chips = append(chips, c)
	}
	if spi.Size != 0 {
		c := spinor.New(spi)
		s.SPI1.Attach(0, c)
		chips = append(chips, c)
	}
	return chips
}

var registry []Board

// Register adds a board (called from the board packages' init).
func Register(b Board) { registry = append(registry, b) }

// Lookup finds a board by name or alias.
func Lookup(name string) (Board, bool) {
	for _, b := range registry {
		if b.Name == name {
			return b, true
		}
		for _, a := range b.Aliases {
			if a == name {
				return b, true
			}
		}
	}
	return Board{}, false
}

// Names lists the registered boards' names.
func Names() []string {
	var n []string
	for _, b := range registry {
		n = append(n, b.Name)
	}
	return n
}
