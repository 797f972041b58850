package arm

import "testing"

func TestCondTable(t *testing.T) {
	for cond := uint32(0); cond < 16; cond++ {
		for i := uint32(0); i < 16; i++ {
			c := &CPU{N: i&8 != 0, Z: i&4 != 0, C: i&2 != 0, V: i&1 != 0, Q: true}
			if c.condPass(cond) != c.condPassSlow(cond) {
				t.Errorf("cond %x flags %04b: fast %v slow %v", cond, i, c.condPass(cond), c.condPassSlow(cond))
			}
		}
	}
}
