// Package ast2500 is the AST2500 SoC: its physical memory map and interrupt
// map as data tables (from Linux arch/arm/boot/dts/aspeed-g5.dtsi and the
// AST2500 datasheet's address map; QEMU hw/arm/aspeed_soc.c lists the same
// blocks), the device instances, and the wiring between them: the physical
// bus the CPU sees, the VIC inputs each device drives, and the clocks the
// SCU derives. Boards (board/romulus, board/ast2500evb) give only what
// differs between machines: straps, RAM size, attached I2C devices, PHY or
// NC-SI.
package ast2500

// Block is one memory-mapped block of the SoC.
type Block struct {
	Name string
	Base uint32
	Size uint32
	IRQ  []int // VIC sources, in the order the device's lines are numbered
}

// Physical memory regions.
const (
	DRAMBase    = 0x80000000
	DRAMMaxSize = 1 << 30
	SRAMBase    = 0x1E720000
	SRAMSize    = 36 << 10
	FMCWindow   = 0x20000000 // FMC flash window (256 MiB)
	SPI1Window  = 0x30000000 // SPI1 flash window (128 MiB)
	SPI2Window  = 0x38000000 // SPI2 flash window (128 MiB)
	// BootAliasSize is the part of the FMC window also visible at address
	// 0, where the ARM core fetches its reset vector (boot from SPI).
	BootAliasSize = 0x10000000
)

// Blocks is the memory map of register blocks. Blocks without a model are
// mapped to an "unimplemented" device: reads return zero, writes are
// ignored, and each register is logged once.
var Blocks = []Block{
	{"fmc", 0x1E620000, 0x1000, []int{19}},
	{"spi1", 0x1E630000, 0x1000, nil},
	{"spi2", 0x1E631000, 0x1000, nil},
	{"mac0", 0x1E660000, 0x1000, []int{2}},
	{"mac1", 0x1E680000, 0x1000, []int{3}},
	{"usb-vhub", 0x1E6A0000, 0x1000, []int{5}},
	{"ehci0", 0x1E6A1000, 0x1000, []int{5}},
	{"ehci1", 0x1E6A3000, 0x1000, []int{13}},
	{"uhci", 0x1E6B0000, 0x1000, []int{14}},
	{"vic", 0x1E6C0000, 0x1000, nil},
	{"cvic", 0x1E6C2000, 0x1000, nil},
	{"sdmc", 0x1E6E0000, 0x1000, []int{0}},
	{"scu", 0x1E6E2000, 0x1000, []int{21}},
	{"hace", 0x1E6E3000, 0x1000, []int{4}},
	{"gfx", 0x1E6E6000, 0x1000, []int{25}},
	{"xdma", 0x1E6E7000, 0x1000, []int{6}},
	{"mctp", 0x1E6E8000, 0x1000, nil},
	{"adc", 0x1E6E9000, 0x1000, []int{31}},
	{"video", 0x1E700000, 0x1000, []int{7}},
	{"sdhci", 0x1E740000, 0x1000, []int{26}},
	{"gpio", 0x1E780000, 0x200, []int{20}},
	{"sgpio", 0x1E780200, 0x100, []int{40}},
	{"rtc", 0x1E781000, 0x1000, []int{22}},
	{"timer", 0x1E782000, 0x1000, []int{16, 17, 18, 35, 36, 37, 38, 39}},
	{"uart1", 0x1E783000, 0x1000, []int{9}},
	{"uart5", 0x1E784000, 0x1000, []int{10}},
	{"wdt1", 0x1E785000, 0x20, nil},
	{"wdt2", 0x1E785020, 0x20, nil},
	{"wdt3", 0x1E785040, 0x20, nil},
	{"pwm-tacho", 0x1E786000, 0x1000, nil},
	{"vuart", 0x1E787000, 0x1000, []int{8}},
	{"lpc", 0x1E789000, 0x1000, []int{8}},
	{"i2c", 0x1E78A000, 0x1000, []int{12}},
	{"peci", 0x1E78B000, 0x1000, []int{15}},
	{"uart2", 0x1E78D000, 0x1000, []int{32}},
	{"uart3", 0x1E78E000, 0x1000, []int{33}},
	{"uart4", 0x1E78F000, 0x1000, []int{34}},
}

// BlockByName returns the named block of the memory map.
func BlockByName(name string) (Block, bool) {
	for _, b := range Blocks {
		if b.Name == name {
			return b, true
		}
	}
	return Block{}, false
}
