// Package romulus is the IBM Romulus BMC board (OpenBMC's reference
// AST2500 machine; QEMU -M romulus-bmc): 512 MiB of DRAM, the romulus
// hardware strap, and NC-SI on MAC0 (arch/arm/boot/dts/
// aspeed-bmc-opp-romulus.dts: use-ncsi).
package romulus

import (
	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/scu"
)

// Board is the romulus description.
var Board = boards.Board{
	Name:        "romulus",
	Aliases:     []string{"romulus-bmc"},
	Description: "IBM Romulus BMC (AST2500, 512 MiB, NC-SI on MAC0)",
	Strap:       scu.StrapRomulus,
	RAMSize:     512 << 20,
	DTB:         "aspeed-bmc-opp-romulus.dtb",
	NCSI:        true,
}

func init() { boards.Register(Board) }
