package mmio

// Registers is the device side of the bus contract for blocks of 32-bit
// registers: the bus (a Port) turns byte, halfword and word accesses into
// register accesses, so a device implements 32-bit register access only.
//
// off is word aligned. mask selects the byte lanes the access covers
// (0xffffffff for a word access, 0x0000ff00 for a byte at off+1). A read
// returns the whole register; the Port extracts the lanes. A device with
// read side effects (a FIFO pop, a status that clears on read) applies
// them only when mask covers the lanes concerned. A write passes the
// written bytes in their lanes and zeros elsewhere: a plain register
// merges with Merge(old, val, mask), a write-one-to-clear register clears
// val's bits. ok false means the offset is not a register the model
// implements: the Port logs it once, reads return zero, writes are
// dropped.
type Registers interface {
	ReadReg(off, mask uint32) (val uint32, ok bool)
	WriteReg(off, val, mask uint32) (ok bool)
}

// Access is a mapping's access policy, as QEMU's MemoryRegionOps.valid:
// the access sizes the block accepts. An access of another size is a
// guest error: it reads as zero and writes are dropped. Accepted accesses
// narrower than a word reach the device as lane masks (see Registers);
// the bus never merges them by reading the register back, so reads keep
// their side effects under the device's control.
type Access struct {
	MinSize, MaxSize int // in bytes; zero values mean 1 and 4
}

func (a Access) allows(size int) bool {
	lo, hi := a.MinSize, a.MaxSize
	if lo == 0 {
		lo = 1
	}
	if hi == 0 {
		hi = 4
	}
	return size >= lo && size <= hi
}

// Port adapts a Registers device to the bus's Device interface under an
// access policy. Devices embed a Port, so their Read and Write methods are
// the one implementation here.
type Port struct {
	name   string
	log    *Log
	access Access
	regs   Registers
}

// NewPort returns the bus side of a register block: name is the device
// name in logs, log receives unimplemented registers and access errors.
func NewPort(name string, log *Log, access Access, regs Registers) Port {
	return Port{name: name, log: log, access: access, regs: regs}
}

// Lanes returns the byte-lane mask of a size-byte access at off.
func Lanes(off uint32, size int) uint32 {
	switch size {
	case 1:
		return 0xff << ((off & 3) * 8)
	case 2:
		return 0xffff << ((off & 3) * 8)
	}
	return 0xffffffff
}

// Merge returns old with the lanes in mask replaced by val's.
func Merge(old, val, mask uint32) uint32 { return old&^mask | val&mask }

// Read implements Device.
func (p *Port) Read(off uint32, size int) uint32 {
	if !p.access.allows(size) {
		p.log.GuestError(p.name, "%d-byte read at 0x%03x", size, off)
		return 0
	}
	v, ok := p.regs.ReadReg(off&^3, Lanes(off, size))
	if !ok {
		p.log.Unimplemented(p.name, off, false, 0)
		return 0
	}
	return ReadSub(v, off, size)
}

// Write implements Device.
func (p *Port) Write(off uint32, size int, val uint32) {
	if !p.access.allows(size) {
		p.log.GuestError(p.name, "%d-byte write of 0x%x at 0x%03x", size, val, off)
		return
	}
	if !p.regs.WriteReg(off&^3, WriteSub(0, off, size, val), Lanes(off, size)) {
		p.log.Unimplemented(p.name, off, true, val)
	}
}
