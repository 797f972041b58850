// Package fp5280g2 is the Inspur FP5280G2 BMC (QEMU -M fp5280g2-bmc): 512
// MiB of DRAM, QEMU's FP5280G2_BMC_HW_STRAP1 (the board's own value),
// NC-SI on MAC0 and an RGMII PHY on MAC1
// (arch/arm/boot/dts/aspeed-bmc-inspur-fp5280g2.dts).
//
// Flash, as QEMU 7.2 attaches it (hw/arm/aspeed.c,
// aspeed_machine_fp5280g2_class_init): two 64 MiB Micron n25q512a on the
// FMC and a 32 MiB Macronix mx25l25635e on SPI1.
package fp5280g2

import (
	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/i2cdev"
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// Strap is QEMU's FP5280G2_BMC_HW_STRAP1, 0xF100D286: SPI auto-fetch,
// GPIO strap, UART5 debug, DDR4, VGA class code, LPC reset pin, SPI
// master, AXI/AHB 2:1, MAC1 RGMII, 16 MiB VGA memory, bits 28 and 1.
const Strap = 0xF100D286

// Board is the fp5280g2 description.
var Board = boards.Board{
	Name:        "fp5280g2",
	Aliases:     []string{"fp5280g2-bmc"},
	Description: "Inspur FP5280G2 BMC (AST2500, 512 MiB, NC-SI on MAC0, PHY on MAC1)",
	Strap:       Strap,
	RAMSize:     512 << 20,
	DTB:         "aspeed-bmc-inspur-fp5280g2.dtb",
	NCSI:        true,
	FMC:         spinor.N25Q512A,
	FMCChips:    2,
	SPI1:        spinor.MX25L25635E,
	Attach:      attach,
}

// attach adds what QEMU's fp5280g2_bmc_i2c_init adds and a model exists
// for: the 24C256 EEPROM on i2c1 at 0x50 (32 KiB, two address bytes) and
// the TMP112s on i2c2 at 0x48 and 0x49 (the LM75 model, as QEMU uses its
// TMP105). Not modelled: the PCA9546 mux on i2c2 at 0x70 (and the TMP112
// behind it), the DS3232 RTC on i2c4 at 0x68, the PCA9555 on i2c8; see
// docs/devices.md.
func attach(s *ast2500.SoC) {
	s.I2C.Attach(1, 0x50, i2cdev.NewEEPROM(32<<10, 2))
	s.I2C.Attach(2, 0x48, i2cdev.NewLM75())
	s.I2C.Attach(2, 0x49, i2cdev.NewLM75())
}

func init() { boards.Register(Board) }
