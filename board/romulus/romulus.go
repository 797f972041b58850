// Package romulus is the IBM Romulus BMC board (OpenBMC's reference
// AST2500 machine; QEMU -M romulus-bmc): 512 MiB of DRAM, the romulus
// hardware strap, and NC-SI on MAC0 (arch/arm/boot/dts/
// aspeed-bmc-opp-romulus.dts: use-ncsi).
package romulus

import (
	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/i2cdev"
	"github.com/ast2500emu/ast2500emu/devices/scu"
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
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
	FMC:         spinor.N25Q256A,
	FMCChips:    2,
	SPI1:        spinor.MX66L1G45G,
	Attach:      attach,
}

// The flash is QEMU's romulus-bmc's: two 32 MiB Micron n25q256a on the FMC
// (BMC firmware on CS0, its golden copy on CS1) and a 128 MiB Macronix
// mx66l1g45g on SPI1 (the host's PNOR).

// attach adds the romulus I2C devices (aspeed-bmc-opp-romulus.dts): the
// Epson RX8900 RTC on i2c11 and the Nuvoton W83773G sensor on i2c12.
func attach(s *ast2500.SoC) {
	s.I2C.Attach(11, 0x32, i2cdev.NewRX8900(s.Clock(), s.BaseUnix()))
	s.I2C.Attach(12, 0x4c, i2cdev.NewW83773G())
}

func init() { boards.Register(Board) }
