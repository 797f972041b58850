package i2cdev

// Generic 24Cxx serial EEPROM (ast2500-evb: Atmel 24C08 on bus 3 at
// 0x50-0x53).
//
// A write transfer starts with the memory address: one byte for the small
// parts (24C01..24C16), two bytes (MSB first) for 24C32 and up. Parts
// larger than one address byte can reach (24C04/08/16: 512 B-2 KiB) take
// the upper address bits from the low bits of the device address, so they
// answer at 2, 4 or 8 consecutive bus addresses: Block(i) is the target
// for base address + i. Data bytes after the address are stored, the
// address advancing within the current write page (it wraps at the page
// boundary as on the real parts). Reads return bytes from the address
// counter, which advances and wraps at the end of the array; a read with
// no address phase continues from where the last access left off.
// Writes take effect at once: the write cycle during which a real part
// NAKs its address (tWR, ~5 ms) is not modelled.
//
// Sources: Linux drivers/misc/eeprom/at24.c (one-byte test read at probe,
// address translation across the extra device addresses, page-size
// writes); Atmel AT24C08 datasheet (device address bits P0/P1, page write
// roll-over, sequential read roll-over).

// EEPROM is the memory array and its address counter.
type EEPROM struct {
	data      []byte
	addrBytes int
	pageSize  int
	ptr       int
	stage     int // address bytes still expected in this write
	acc       int
	// ReadOnly makes writes ACK but not change the array (WP pin).
	ReadOnly bool
}

// NewEEPROM returns an erased (0xff) EEPROM of size bytes addressed with
// addrBytes (1 or 2) address bytes.
func NewEEPROM(size int, addrBytes int) *EEPROM {
	if size <= 0 {
		size = 256
	}
	if addrBytes != 2 {
		addrBytes = 1
	}
	e := &EEPROM{data: make([]byte, size), addrBytes: addrBytes}
	for i := range e.data {
		e.data[i] = 0xff
	}
	switch {
	case size <= 256:
		e.pageSize = 8
	case size <= 2048:
		e.pageSize = 16
	case size <= 8192:
		e.pageSize = 32
	case size <= 32768:
		e.pageSize = 64
	case size <= 65536:
		e.pageSize = 128
	default:
		e.pageSize = 256
	}
	return e
}

// SetPageSize overrides the write page size (the dts "pagesize").
func (e *EEPROM) SetPageSize(n int) {
	if n > 0 {
		e.pageSize = n
	}
}

// Data returns the memory array (callers may preload it).
func (e *EEPROM) Data() []byte { return e.data }

// Blocks is the number of consecutive bus addresses the part answers at.
func (e *EEPROM) Blocks() int {
	span := 1 << (8 * e.addrBytes)
	n := (len(e.data) + span - 1) / span
	if n < 1 {
		n = 1
	}
	return n
}

// Block returns the target answering at base address + i.
func (e *EEPROM) Block(i int) *EEPROMBlock { return &EEPROMBlock{e: e, block: i} }

// Start, Write, Read and Stop make the EEPROM itself the block-0 target.
func (e *EEPROM) Start(read bool) bool { return e.start(0, read) }

// Write implements i2c.Target for block 0.
func (e *EEPROM) Write(b byte) bool { return e.write(0, b) }

// Read implements i2c.Target.
func (e *EEPROM) Read() byte { return e.read() }

// Stop implements i2c.Target.
func (e *EEPROM) Stop() { e.stage = 0 }

// EEPROMBlock is one of the bus addresses of a multi-address EEPROM.
type EEPROMBlock struct {
	e     *EEPROM
	block int
}

// Start implements i2c.Target.
func (k *EEPROMBlock) Start(read bool) bool { return k.e.start(k.block, read) }

// Write implements i2c.Target.
func (k *EEPROMBlock) Write(b byte) bool { return k.e.write(k.block, b) }

// Read implements i2c.Target.
func (k *EEPROMBlock) Read() byte { return k.e.read() }

// Stop implements i2c.Target.
func (k *EEPROMBlock) Stop() { k.e.Stop() }

func (e *EEPROM) start(block int, read bool) bool {
	if read {
		e.stage = 0
		return true
	}
	e.stage, e.acc = e.addrBytes, 0
	return true
}

func (e *EEPROM) write(block int, b byte) bool {
	if e.stage > 0 {
		e.acc = e.acc<<8 | int(b)
		e.stage--
		if e.stage == 0 {
			e.ptr = (block<<(8*e.addrBytes) | e.acc) % len(e.data)
		}
		return true
	}
	if !e.ReadOnly {
		e.data[e.ptr] = b
	}
	page := e.ptr - e.ptr%e.pageSize
	e.ptr = page + (e.ptr+1-page)%e.pageSize
	if e.ptr >= len(e.data) {
		e.ptr = page
	}
	return true
}

func (e *EEPROM) read() byte {
	b := e.data[e.ptr]
	e.ptr = (e.ptr + 1) % len(e.data)
	return b
}
