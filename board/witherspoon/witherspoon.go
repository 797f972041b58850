// Package witherspoon is the IBM Witherspoon BMC (OpenPOWER AC922; QEMU
// -M witherspoon-bmc): 512 MiB of DRAM, the romulus hardware strap (QEMU
// uses it; the board's own value is 0xF10AD216), NC-SI on MAC0
// (arch/arm/boot/dts/aspeed-bmc-opp-witherspoon.dts: use-ncsi).
//
// Flash, as QEMU 7.2 attaches it (hw/arm/aspeed.c,
// aspeed_machine_witherspoon_class_init): two 32 MiB Macronix mx25l25635f
// on the FMC (bmc and alt-bmc) and a 128 MiB mx66l1g45g on SPI1 (pnor).
package witherspoon

import (
	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/i2cdev"
	"github.com/ast2500emu/ast2500emu/devices/scu"
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// Board is the witherspoon description.
var Board = boards.Board{
	Name:        "witherspoon",
	Aliases:     []string{"witherspoon-bmc"},
	Description: "IBM Witherspoon BMC (AST2500, 512 MiB, NC-SI on MAC0)",
	Strap:       scu.StrapRomulus,
	RAMSize:     512 << 20,
	DTB:         "aspeed-bmc-opp-witherspoon.dtb",
	NCSI:        true,
	FMC:         spinor.MX25L25635F,
	FMCChips:    2,
	SPI1:        spinor.MX66L1G45G,
	Attach:      attach,
}

// attach adds the I2C devices QEMU's witherspoon_bmc_i2c_init adds and a
// model exists for (the dts agrees on each): the TMP275 on i2c9 at 0x4a
// (an LM75-family part: the LM75 model, as QEMU uses its TMP105), the
// Epson RX8900 RTC on i2c11 at 0x32 (QEMU makes do with a DS1338) and the
// 24C64 EEPROM on i2c11 at 0x51 (8 KiB, two address bytes). Not modelled:
// PCA9552s (i2c3 0x60, i2c11 0x60), DPS310 (i2c3 0x76), MAX31785 (i2c3
// 0x52), TMP423s (i2c4 and i2c5, 0x4c); see docs/devices.md.
func attach(s *ast2500.SoC) {
	s.I2C.Attach(9, 0x4a, i2cdev.NewLM75())
	s.I2C.Attach(11, 0x32, i2cdev.NewRX8900(s.Clock(), s.BaseUnix()))
	s.I2C.Attach(11, 0x51, i2cdev.NewEEPROM(8<<10, 2))
}

func init() { boards.Register(Board) }
