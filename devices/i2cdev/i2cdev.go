// Package i2cdev holds the I2C target devices of the emulated boards. Each
// type implements i2c.Target (Start/Write/Read/Stop) and is attached to a
// bus of the AST2500 I2C controller by the board:
//
//	romulus (arch/arm/boot/dts/aspeed-bmc-opp-romulus.dts):
//	  bus 11 (Linux i2c-11, controller window 0x3c0): Epson RX8900 RTC at
//	         0x32 (NewRX8900)
//	  bus 12 (Linux i2c-12, window 0x400): Nuvoton W83773G temperature
//	         sensor at 0x4c (NewW83773G)
//	ast2500-evb (arch/arm/boot/dts/aspeed-ast2500-evb.dts):
//	  bus 3 (Linux i2c-3, window 0x100): Atmel 24C08 EEPROM (1 KiB, one
//	        address byte) answering at 0x50..0x53 (NewEEPROM(1024, 1),
//	        Block(0..3))
//	  bus 7 (Linux i2c-7, window 0x300): National LM75 at 0x4d (NewLM75)
//
// Linux numbers the adapters from the dtsi aliases i2c0..i2c13, which are
// the controller's buses 0..13 in order, so the Linux bus number and the
// controller's 0-based bus index are the same.
//
// The models answer the way the Linux drivers use them: a register
// pointer written as the first byte after START(write), data bytes after
// it, reads from the pointer after a repeated START.
package i2cdev

// bcd encodes 0..99 as packed BCD.
func bcd(v int) byte { return byte(v/10<<4 | v%10) }

// unbcd decodes packed BCD (invalid digits are taken at face value).
func unbcd(b byte) int { return int(b>>4)*10 + int(b&0xf) }
