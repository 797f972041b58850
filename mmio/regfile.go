package mmio

// A RegFile is a block of 32-bit registers that are mostly storage,
// described by a table (QEMU's RegisterAccessInfo is the model): each
// register has a kind, a reset value and the bits that are read-only,
// write-one-to-clear or write-one-to-set. The values are a plain slice, so
// a device's state is data. A device with a few registers that have side
// effects implements Registers itself, handles those, and passes the rest
// to its RegFile.

// Kind says what a register offset of a RegFile is.
type Kind uint8

const (
	// Unimp is not a register the model implements (the zero value): reads
	// are zero, writes are dropped, the Port logs the access once.
	Unimp Kind = iota
	// RW is storage: written bits take the new value, except the bits
	// named in Reg.RO, Reg.W1C and Reg.W1S.
	RW
	// RO is read-only: a write is a guest error and changes nothing.
	RO
	// Reserved is a documented reserved word: reads zero, writes are
	// ignored without a message.
	Reserved
)

// Reg describes one register of a RegFile.
type Reg struct {
	Kind  Kind
	Reset uint32 // value at reset
	RO    uint32 // RW: bits writes leave alone
	W1C   uint32 // RW: bits cleared by writing 1 (0 leaves them)
	W1S   uint32 // RW: bits set by writing 1 (0 leaves them)
}

// RegFile holds the description and the values of a register block.
type RegFile struct {
	name string
	log  *Log
	info []Reg
	// Val are the current register values, indexed by offset/4.
	Val []uint32
}

// NewRegFile returns a register file of size bytes, every word Unimp
// until described with Set or Span.
func NewRegFile(name string, log *Log, size uint32) *RegFile {
	return &RegFile{name: name, log: log, info: make([]Reg, size/4), Val: make([]uint32, size/4)}
}

// Set describes the registers at the given offsets.
func (f *RegFile) Set(r Reg, offs ...uint32) {
	for _, o := range offs {
		f.info[o/4] = r
	}
}

// Span describes every register from offset from to offset to, inclusive.
func (f *RegFile) Span(r Reg, from, to uint32) {
	for o := from; o <= to; o += 4 {
		f.info[o/4] = r
	}
}

// Info returns the description of the register at off (Unimp past the end).
func (f *RegFile) Info(off uint32) Reg {
	if i := off / 4; i < uint32(len(f.info)) {
		return f.info[i]
	}
	return Reg{}
}

// SetReset changes the reset value of the register at off.
func (f *RegFile) SetReset(off, v uint32) { f.info[off/4].Reset = v }

// Reset loads every register's reset value.
func (f *RegFile) Reset() {
	for i, r := range f.info {
		f.Val[i] = r.Reset
	}
}

// Get returns the value of the register at off.
func (f *RegFile) Get(off uint32) uint32 { return f.Val[off/4] }

// Put stores v in the register at off, whatever its kind (the device's own
// updates: status bits, counters).
func (f *RegFile) Put(off, v uint32) { f.Val[off/4] = v }

// ReadReg implements Registers.
func (f *RegFile) ReadReg(off, mask uint32) (uint32, bool) {
	switch f.Info(off).Kind {
	case Unimp:
		return 0, false
	case Reserved:
		return 0, true
	}
	return f.Val[off/4], true
}

// WriteReg implements Registers.
func (f *RegFile) WriteReg(off, val, mask uint32) bool {
	r := f.Info(off)
	switch r.Kind {
	case Unimp:
		return false
	case Reserved:
		return true
	case RO:
		f.log.GuestError(f.name, "write 0x%x to read-only register 0x%03x", val, off)
		return true
	}
	p := &f.Val[off/4]
	val &= mask
	plain := mask &^ (r.RO | r.W1C | r.W1S)
	*p = *p&^plain | val&plain
	*p &^= val & r.W1C
	*p |= val & r.W1S
	return true
}
