// Package ast2500evb is ASPEED's AST2500 evaluation board (QEMU -M
// ast2500-evb): 512 MiB of DRAM, the evb hardware strap, and an RGMII PHY
// on MAC0 (arch/arm/boot/dts/aspeed-ast2500-evb.dts).
package ast2500evb

import (
	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/scu"
)

// Board is the ast2500-evb description.
var Board = boards.Board{
	Name:        "ast2500-evb",
	Aliases:     []string{"ast2500evb"},
	Description: "ASPEED AST2500 evaluation board (512 MiB, PHY on MAC0)",
	Strap:       scu.StrapEVB,
	RAMSize:     512 << 20,
	DTB:         "aspeed-ast2500-evb.dtb",
}

func init() { boards.Register(Board) }
