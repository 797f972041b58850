// Package boards describes the machines ast2500emu can be: everything that
// differs between two AST2500 boards (straps, RAM, network attachment,
// device tree, I2C devices) and nothing else.
package boards

import "github.com/ast2500emu/ast2500emu/soc/ast2500"

// Board is one machine type (-M).
type Board struct {
	Name        string   // -M value
	Aliases     []string // other accepted names (QEMU's)
	Description string
	Strap       uint32 // SCU70 hardware strapping
	RAMSize     uint64 // default RAM size
	DTB         string // file name of the board's device tree in the bundled guest
	NCSI        bool   // MAC0 talks NC-SI (romulus) instead of an MDIO PHY
	// Attach adds the board's own devices (I2C targets...) to a new SoC.
	Attach func(s *ast2500.SoC)
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
