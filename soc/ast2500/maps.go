// Package ast2500 is the AST2500 SoC: its physical memory map and interrupt
// map as data tables (from Linux arch/arm/boot/dts/aspeed-g5.dtsi and the
// AST2500 datasheet's address map; QEMU hw/arm/aspeed_soc.c lists the same
// blocks), the device instances, and the wiring between them: the physical
// bus the CPU sees, the VIC inputs each device drives, and the clocks the
// SCU derives. Boards (board/romulus, board/ast2500evb) give only what
// differs between machines: straps, RAM size, attached I2C devices, PHY or
// NC-SI.
package ast2500

// Block is one memory-mapped block of the SoC: where it is, what drives
// it and how the rest of the SoC reaches it. The SoC instantiates the
// devices from this table.
type Block struct {
	Name       string
	Base, Size uint32
	IRQ        []int // VIC sources, in the order the device's lines are numbered
	// Model is the device model serving the block; "" maps it to an
	// unimplemented device (reads zero, writes ignored, logged once).
	Model Model
	// ResetBit is the block's bit in a watchdog reset mask (WDT1C), as
	// U-Boot's asm/arch-aspeed/wdt.h numbers them; a masked reset that
	// leaves the ARM core out resets the blocks whose bits it sets. 0:
	// the block has no bit (bit 0 is the ARM core itself).
	ResetBit uint
	// Window and WindowSize are a flash controller's memory window.
	Window, WindowSize uint32
}

// Model names a device model.
type Model string

// The device models of the SoC.
const (
	ModelSMC      Model = "smc"
	ModelMAC      Model = "ftgmac100"
	ModelVIC      Model = "vic"
	ModelSDMC     Model = "sdmc"
	ModelSCU      Model = "scu"
	ModelGFX      Model = "gfx"
	ModelADC      Model = "adc"
	ModelGPIO     Model = "gpio"
	ModelRTC      Model = "rtc"
	ModelTimer    Model = "timer"
	ModelUART     Model = "uart"
	ModelWDT      Model = "wdt"
	ModelPWMTacho Model = "pwm-tacho"
	ModelVUART    Model = "vuart"
	ModelLPC      Model = "lpc"
	ModelI2C      Model = "i2c"
)

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
	// ConsoleUART is the UART whose output is the machine's console.
	ConsoleUART = "uart5"
)

// Blocks is the memory map of register blocks, with each block's
// interrupts, model, reset-mask bit and memory window.
var Blocks = []Block{
	{Name: "fmc", Base: 0x1E620000, Size: 0x1000, IRQ: []int{19}, Model: ModelSMC, Window: FMCWindow, WindowSize: 256 << 20},
	{Name: "spi1", Base: 0x1E630000, Size: 0x1000, Model: ModelSMC, Window: SPI1Window, WindowSize: 128 << 20},
	{Name: "spi2", Base: 0x1E631000, Size: 0x1000, Model: ModelSMC, Window: SPI2Window, WindowSize: 128 << 20},
	{Name: "mac0", Base: 0x1E660000, Size: 0x1000, IRQ: []int{2}, Model: ModelMAC, ResetBit: 5},
	{Name: "mac1", Base: 0x1E680000, Size: 0x1000, IRQ: []int{3}, Model: ModelMAC, ResetBit: 6},
	{Name: "usb-vhub", Base: 0x1E6A0000, Size: 0x1000, IRQ: []int{5}},
	{Name: "ehci0", Base: 0x1E6A1000, Size: 0x1000, IRQ: []int{5}},
	{Name: "ehci1", Base: 0x1E6A3000, Size: 0x1000, IRQ: []int{13}},
	{Name: "uhci", Base: 0x1E6B0000, Size: 0x1000, IRQ: []int{14}},
	{Name: "vic", Base: 0x1E6C0000, Size: 0x1000, Model: ModelVIC},
	{Name: "cvic", Base: 0x1E6C2000, Size: 0x1000},
	{Name: "sdmc", Base: 0x1E6E0000, Size: 0x1000, IRQ: []int{0}, Model: ModelSDMC, ResetBit: 2},
	{Name: "scu", Base: 0x1E6E2000, Size: 0x1000, IRQ: []int{21}, Model: ModelSCU},
	{Name: "hace", Base: 0x1E6E3000, Size: 0x1000, IRQ: []int{4}},
	{Name: "gfx", Base: 0x1E6E6000, Size: 0x1000, IRQ: []int{25}, Model: ModelGFX},
	{Name: "xdma", Base: 0x1E6E7000, Size: 0x1000, IRQ: []int{6}},
	{Name: "mctp", Base: 0x1E6E8000, Size: 0x1000},
	{Name: "adc", Base: 0x1E6E9000, Size: 0x1000, IRQ: []int{31}, Model: ModelADC, ResetBit: 20},
	{Name: "video", Base: 0x1E700000, Size: 0x1000, IRQ: []int{7}},
	{Name: "sdhci", Base: 0x1E740000, Size: 0x1000, IRQ: []int{26}},
	{Name: "gpio", Base: 0x1E780000, Size: 0x200, IRQ: []int{20}, Model: ModelGPIO, ResetBit: 21},
	{Name: "sgpio", Base: 0x1E780200, Size: 0x100, IRQ: []int{40}},
	{Name: "rtc", Base: 0x1E781000, Size: 0x1000, IRQ: []int{22}, Model: ModelRTC},
	{Name: "timer", Base: 0x1E782000, Size: 0x1000, IRQ: []int{16, 17, 18, 35, 36, 37, 38, 39}, Model: ModelTimer},
	{Name: "uart1", Base: 0x1E783000, Size: 0x1000, IRQ: []int{9}, Model: ModelUART},
	{Name: "uart5", Base: 0x1E784000, Size: 0x1000, IRQ: []int{10}, Model: ModelUART},
	{Name: "wdt1", Base: 0x1E785000, Size: 0x20, Model: ModelWDT},
	{Name: "wdt2", Base: 0x1E785020, Size: 0x20, Model: ModelWDT},
	{Name: "wdt3", Base: 0x1E785040, Size: 0x20, Model: ModelWDT},
	{Name: "pwm-tacho", Base: 0x1E786000, Size: 0x1000, Model: ModelPWMTacho, ResetBit: 17},
	{Name: "vuart", Base: 0x1E787000, Size: 0x1000, IRQ: []int{8}, Model: ModelVUART},
	{Name: "lpc", Base: 0x1E789000, Size: 0x1000, IRQ: []int{8}, Model: ModelLPC, ResetBit: 13},
	{Name: "i2c", Base: 0x1E78A000, Size: 0x1000, IRQ: []int{12}, Model: ModelI2C, ResetBit: 4},
	{Name: "peci", Base: 0x1E78B000, Size: 0x1000, IRQ: []int{15}},
	{Name: "uart2", Base: 0x1E78D000, Size: 0x1000, IRQ: []int{32}, Model: ModelUART},
	{Name: "uart3", Base: 0x1E78E000, Size: 0x1000, IRQ: []int{33}, Model: ModelUART},
	{Name: "uart4", Base: 0x1E78F000, Size: 0x1000, IRQ: []int{34}, Model: ModelUART},
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
