// Package g220a is the Bytedance G220A BMC (QEMU -M g220a-bmc): 1 GiB of
// DRAM, QEMU's G220A_BMC_HW_STRAP1, NC-SI on MAC0 and an RGMII PHY on MAC1
// (arch/arm/boot/dts/aspeed-bmc-bytedance-g220a.dts).
//
// Flash, as QEMU 7.2 attaches it (hw/arm/aspeed.c,
// aspeed_machine_g220a_class_init): two 64 MiB Micron n25q512a on the FMC
// and a 32 MiB Macronix mx25l25635e on SPI1.
package g220a

import (
	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/i2cdev"
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// Strap is QEMU's G220A_BMC_HW_STRAP1 (SPI auto-fetch, GPIO strap, UART5
// debug, DDR4, 2nd boot watchdog, VGA class code, LPC reset pin, SPI
// master, AXI/AHB 2:1, 64 MiB VGA memory, the reserved bits 28 and 1).
const Strap = 0xF102D20E

// Board is the g220a description.
var Board = boards.Board{
	Name:        "g220a",
	Aliases:     []string{"g220a-bmc"},
	Description: "Bytedance G220A BMC (AST2500, 1 GiB, NC-SI on MAC0, PHY on MAC1)",
	Strap:       Strap,
	RAMSize:     1 << 30,
	DTB:         "aspeed-bmc-bytedance-g220a.dtb",
	NCSI:        true,
	FMC:         spinor.N25Q512A,
	FMCChips:    2,
	SPI1:        spinor.MX25L25635E,
	Attach:      attach,
}

// attach adds what QEMU's g220a_bmc_i2c_init adds and a model exists for:
// the 256-byte SMBus FRU EEPROM on i2c4 at 0x57 (erased here; QEMU fills
// it with a FRU record). Not modelled: the three EMC1413 sensors (i2c3,
// i2c12, i2c13 at 0x4c); see docs/devices.md.
func attach(s *ast2500.SoC) {
	s.I2C.Attach(4, 0x57, i2cdev.NewEEPROM(256, 1))
}

func init() { boards.Register(Board) }
