package machine

import (
	"os"
	"testing"

	_ "github.com/ast2500emu/ast2500emu/board/ast2500evb"
	"github.com/ast2500emu/ast2500emu/board/boards"
	_ "github.com/ast2500emu/ast2500emu/board/romulus"
	"github.com/ast2500emu/ast2500emu/snapshot"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// BenchmarkRestore restores the snapshot named by $AST2500EMU_SNAPSHOT
// (made with boot --save-snapshot; romulus board, 512 MiB) into a fresh
// machine: parse, memory and device state. testdata/bench-snapshot.sh
// measures the whole command, process start to guest output.
func BenchmarkRestore(b *testing.B) {
	path := os.Getenv("AST2500EMU_SNAPSHOT")
	if path == "" {
		b.Skip("set AST2500EMU_SNAPSHOT to a snapshot file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		snap, err := snapshot.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		bd, _ := boards.Lookup(snap.Header.Board)
		m, err := Restore(Config{
			SoC:    ast2500.Config{RAMSize: snap.Header.RAMSize, SCUUnlocked: true, Strap: bd.Strap},
			Boot:   func(*Machine) error { return nil },
			Net:    NetConfig{NCSI: snap.Header.Board == "romulus"},
			MACPHY: [2]bool{snap.Header.Board != "romulus", true},
			Attach: func(s *ast2500.SoC) error { bd.Attach(s); return nil },
		}, snap)
		if err != nil {
			b.Fatal(err)
		}
		m.closeNetwork()
	}
}

func TestStateLayoutStable(t *testing.T) {
	if a, b := StateLayout(), StateLayout(); a != b || len(a) != 16 {
		t.Fatalf("layout %q %q", a, b)
	}
}
