package spinor

import "fmt"

// State is a chip's registers and the transaction in progress
// (snapshots). The array is saved separately, page by page (Contents).
type State struct {
	Model   string
	SR, SR2 byte
	Four    bool
	EAR     byte
	NVCR    uint16
	VCR     byte
	EVCR    byte
	RstEn   bool
	LastCmd byte

	Sel      bool
	N        int
	Cmd      byte
	NAddr    int
	Addr     uint32
	GotAddr  int
	NDummy   int
	Data     int
	Prog     []byte
	ProgUsed bool
	WData    []byte
}

// State returns the chip's register and transaction state.
func (c *Chip) State() State {
	return State{c.m.Name, c.sr, c.sr2, c.four, c.ear, c.nvcr, c.vcr, c.evcr, c.rstEn, c.lastCmd,
		c.sel, c.n, c.cmd, c.nAddr, c.addr, c.gotAddr, c.nDummy, c.data,
		append([]byte(nil), c.prog[:]...), c.progUsed, append([]byte(nil), c.wdata...)}
}

// Restore sets the chip's register and transaction state.
func (c *Chip) Restore(s State) error {
	if s.Model != c.m.Name {
		return fmt.Errorf("flash chip: the snapshot has a %s, this board a %s", s.Model, c.m.Name)
	}
	if len(s.Prog) != len(c.prog) || len(s.WData) > 64 {
		return fmt.Errorf("flash chip %s: bad buffers in the snapshot", c.m.Name)
	}
	c.sr, c.sr2, c.four, c.ear, c.nvcr, c.vcr, c.evcr, c.rstEn, c.lastCmd = s.SR, s.SR2, s.Four, s.EAR, s.NVCR, s.VCR, s.EVCR, s.RstEn, s.LastCmd
	c.sel, c.n, c.cmd, c.nAddr, c.addr, c.gotAddr, c.nDummy, c.data = s.Sel, s.N, s.Cmd, s.NAddr, s.Addr, s.GotAddr, s.NDummy, s.Data
	copy(c.prog[:], s.Prog)
	c.progUsed = s.ProgUsed
	c.wdata = append(c.wdata[:0], s.WData...)
	return nil
}

// Contents is the chip's array as a snapshot memory region (it
// implements snapshot.Region): erased pages are not stored.
type Contents struct{ c *Chip }

// Contents returns the chip's array for a snapshot.
func (c *Chip) Contents() Contents { return Contents{c} }

// Size returns the array size.
func (r Contents) Size() uint64 { return uint64(r.c.m.Size) }

// Fill is the erased value.
func (r Contents) Fill() byte { return 0xFF }

// Page returns stored page i, nil if never written.
func (r Contents) Page(i int) []byte { return r.c.pages[i] }

// Store returns writable storage for page i.
func (r Contents) Store(i int) []byte {
	if r.c.pages[i] == nil {
		r.c.pages[i] = make([]byte, PageSize)
	}
	return r.c.pages[i]
}

// SetFill erases page i.
func (r Contents) SetFill(i int) { r.c.pages[i] = nil }

// Restored is called after the array was restored: it forgets the dirty
// pages, so a write-back covers only what changes from now on.
func (c *Chip) Restored() { c.ClearDirty() }
