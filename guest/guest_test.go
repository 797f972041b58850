package guest

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestEmbeddedMatchSums checks the embedded images against SHA256SUMS.
func TestEmbeddedMatchSums(t *testing.T) {
	sums, ok := File("SHA256SUMS")
	if !ok {
		t.Fatal("SHA256SUMS not embedded")
	}
	want := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 {
			want[f[1]] = f[0]
		}
	}
	for _, name := range []string{"zImage", "aspeed-bmc-opp-romulus.dtb", "aspeed-ast2500-evb.dtb", "initramfs.cpio.gz"} {
		b, ok := File(name)
		if !ok {
			t.Errorf("%s not embedded", name)
			continue
		}
		h := sha256.Sum256(b)
		if got := hex.EncodeToString(h[:]); got != want[name] {
			t.Errorf("%s: sha256 %s, SHA256SUMS says %s", name, got, want[name])
		}
	}
}
