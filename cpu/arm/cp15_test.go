package arm

import (
	"crypto/sha256"
	"fmt"
	"testing"
)

// cp15Digest summarises what MRC and MCR do for every CP15 encoding with
// opc1 0 and 1, in SVC and User mode, on a fresh core: whether a read is
// defined and its reset value, whether a write is defined, and what reads
// back after writing 0xFFFFFFFF and 0x12345678.
func cp15Digest() string {
	h := sha256.New()
	for opc1 := uint32(0); opc1 < 2; opc1++ {
		for crn := uint32(0); crn < 16; crn++ {
			for crm := uint32(0); crm < 16; crm++ {
				for opc2 := uint32(0); opc2 < 8; opc2++ {
					for _, mode := range []uint32{ModeSVC, ModeUSR} {
						r := cpReg{opc1, crn, crm, opc2}
						c, _ := aisaNew()
						c.mode = mode
						v, rok := c.cp15Read(r)
						fmt.Fprintf(h, "%v %v %#x", r, rok, v)
						for _, w := range []uint32{0xFFFFFFFF, 0x12345678} {
							wok := c.cp15Write(r, w)
							v, rok := c.cp15Read(r)
							fmt.Fprintf(h, " %v %v %#x %v", wok, rok, v, c.halted)
						}
						fmt.Fprintln(h)
					}
				}
			}
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestCP15Map pins the CP15 register map: the digest was taken from the
// switch-based implementation the table replaced.
func TestCP15Map(t *testing.T) {
	if got, want := cp15Digest(), "17c428b3ce219d87c13692d50ed06f8a51430231e8ee214561b64cbe368e26d7"; got != want {
		t.Errorf("CP15 map digest %s, want %s", got, want)
	}
}
