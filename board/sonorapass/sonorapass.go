// Package sonorapass is the OCP Sonora Pass BMC (QEMU -M sonorapass-bmc):
// 512 MiB of DRAM, QEMU's SONORAPASS_BMC_HW_STRAP1, NC-SI on MAC0.
//
// Flash, as QEMU 7.2 attaches it (hw/arm/aspeed.c,
// aspeed_machine_sonorapass_class_init): two 128 MiB Macronix mx66l1g45g
// on the FMC and another on SPI1.
//
// Linux has no device tree for this board: the bundled one is written for
// ast2500emu from QEMU's facts (testdata/dts/aspeed-bmc-ocp-sonorapass.dts).
package sonorapass

import (
	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/i2cdev"
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// Strap is QEMU's SONORAPASS_BMC_HW_STRAP1 (SPI auto-fetch, GPIO strap,
// UART5 debug, DDR4, VGA class code, LPC reset pin, SPI master, AXI/AHB
// 2:1, VGA BIOS ROM, 16 MiB VGA memory, the reserved bits 28 and 1).
const Strap = 0xF100D226

// Board is the sonorapass description.
var Board = boards.Board{
	Name:        "sonorapass",
	Aliases:     []string{"sonorapass-bmc"},
	Description: "OCP Sonora Pass BMC (AST2500, 512 MiB, NC-SI on MAC0)",
	Strap:       Strap,
	RAMSize:     512 << 20,
	DTB:         "aspeed-bmc-ocp-sonorapass.dtb",
	NCSI:        true,
	FMC:         spinor.MX66L1G45G,
	FMCChips:    2,
	SPI1:        spinor.MX66L1G45G,
	Attach:      attach,
}

// attach adds the I2C devices of QEMU's sonorapass_bmc_i2c_init that have
// a model: TMP105s at 0x48 and 0x49 on i2c2 and i2c6 (the LM75 model),
// and 256-byte SMBus EEPROMs on i2c4 at 0x54 and i2c8 at 0x56. Not
// modelled: the PCA9539/PCA9552 GPIO expanders (i2c4 0x76 0x77, i2c8 0x60
// 0x61); see docs/devices.md.
func attach(s *ast2500.SoC) {
	for _, bus := range []int{2, 6} {
		s.I2C.Attach(bus, 0x48, i2cdev.NewLM75())
		s.I2C.Attach(bus, 0x49, i2cdev.NewLM75())
	}
	s.I2C.Attach(4, 0x54, i2cdev.NewEEPROM(256, 1))
	s.I2C.Attach(8, 0x56, i2cdev.NewEEPROM(256, 1))
}

func init() { boards.Register(Board) }
