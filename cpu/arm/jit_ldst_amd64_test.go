//go:build amd64

package arm

import (
	"os"
	"strconv"
	"testing"

	"github.com/ast2500emu/ast2500emu/cpu/arm/difftest"
)

// jitClasses returns the difftest classes with the given names.
func jitClasses(t *testing.T, names ...string) []difftest.Class {
	t.Helper()
	var out []difftest.Class
	for _, n := range names {
		found := false
		for _, c := range difftest.ARMClasses {
			if c.Name == n {
				out = append(out, c)
				found = true
			}
		}
		if !found {
			t.Fatalf("no class %q", n)
		}
	}
	return out
}

// jitScale multiplies a test's default size by $JIT_DIFF_SCALE (for long
// runs: JIT_DIFF_SCALE=20 runs 20 times as many blocks).
func jitScale(n int) int {
	if s, err := strconv.Atoi(os.Getenv("JIT_DIFF_SCALE")); err == nil && s > 0 {
		return n * s
	}
	return n
}

func TestJITLdStDiff(t *testing.T) {
	classes := jitClasses(t, "ldr-str-imm", "ldr-str-reg", "ldrh-ldrd-imm", "ldrh-ldrd-reg", "dp-imm")
	jitDiffBlocks(t, classes, jitScale(4000), 8, 15)
}
