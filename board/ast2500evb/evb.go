// Package ast2500evb is ASPEED's AST2500 evaluation board (QEMU -M
// ast2500-evb): 512 MiB of DRAM, the evb hardware strap, and an RGMII PHY
// on MAC0 (arch/arm/boot/dts/aspeed-ast2500-evb.dts).
package ast2500evb

import (
	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/i2cdev"
	"github.com/ast2500emu/ast2500emu/devices/scu"
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// Board is the ast2500-evb description.
var Board = boards.Board{
	Name:        "ast2500-evb",
	Aliases:     []string{"ast2500evb"},
	Description: "ASPEED AST2500 evaluation board (512 MiB, PHY on MAC0)",
	Strap:       scu.StrapEVB,
	RAMSize:     512 << 20,
	DTB:         "aspeed-ast2500-evb.dtb",
	FMC:         spinor.MX25L25635E,
	FMCChips:    1,
	SPI1:        spinor.MX25L25635F,
	Attach:      attach,
}

// The flash is QEMU's ast2500-evb's: a 32 MiB Macronix mx25l25635e on FMC
// CS0 and an mx25l25635f on SPI1 CS0.

// attach adds the evb's I2C devices (aspeed-ast2500-evb.dts): a 24C08
// EEPROM on i2c3 (four 256-byte blocks at 0x50-0x53) and an LM75 on i2c7.
func attach(s *ast2500.SoC) {
	e := i2cdev.NewEEPROM(1024, 1)
	e.SetPageSize(16)
	for i := 0; i < 4; i++ {
		s.I2C.Attach(3, uint8(0x50+i), e.Block(i))
	}
	s.I2C.Attach(7, 0x4d, i2cdev.NewLM75())
}

func init() { boards.Register(Board) }
