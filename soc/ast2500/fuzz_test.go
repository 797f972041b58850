package ast2500_test

// FuzzMMIO drives random register traffic at every mapped block of the SoC
// through its public bus (Read, Write, WritePhys), in the manner of QEMU's
// generic_fuzz: the input is a sequence of operations, each a register
// read or write at an offset in a block, a write into RAM (where DMA
// engines find descriptors and buffers), or an advance of virtual time so
// timers, watchdogs and DMA pollers fire. The property: no panic, every
// access inside a mapped block is accepted, and devices keep running.
//
// CI runs it for a bounded time (.ci/run):
//
//	go test ./soc/ast2500 -run '^$' -fuzz FuzzMMIO -fuzztime 30s

import (
	"encoding/binary"
	"io"
	"runtime/debug"
	"testing"

	"github.com/ast2500emu/ast2500emu/board/romulus"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// opSize is the encoded size of one operation: kind, block, offset (2),
// value (4).
const opSize = 8

// Operation kinds (the low 3 bits of the kind byte; bits 3-4 choose the
// access size 1, 2 or 4).
const (
	opRead = iota
	opWrite
	opWrite2 // writes are twice as likely as reads
	opRAM    // a word into the first 256 KiB of DRAM
	opRAMPtr // a RAM address (DRAMBase + value%256 KiB) into a register
	opTime   // advance virtual time by value ns (at most ~4.3 s)
	opRead2
	opWrite3
)

func op(kind byte, block int, off uint16, v uint32) []byte {
	b := make([]byte, opSize)
	b[0], b[1] = kind, byte(block)
	binary.LittleEndian.PutUint16(b[2:], off)
	binary.LittleEndian.PutUint32(b[4:], v)
	return b
}

func block(name string) int {
	for i, b := range ast2500.Blocks {
		if b.Name == name {
			return i
		}
	}
	panic(name)
}

func cat(ops ...[]byte) []byte {
	var b []byte
	for _, o := range ops {
		b = append(b, o...)
	}
	return b
}

func FuzzMMIO(f *testing.F) {
	size4 := byte(2 << 3)
	mac, fmc, i2c, wdt := block("mac0"), block("fmc"), block("i2c"), block("wdt1")
	// Seeds: a MAC with a TX descriptor in RAM and DMA enabled, FMC user
	// mode commands, an I2C master transfer, a watchdog expiring.
	f.Add(cat(
		op(opRAM|size4, 0, 0x0, 0xB0000040), // TXDES0: OWN FTS LTS, 64 bytes
		op(opRAM|size4, 0, 0x3, 0x80001000), // TXDES3: buffer
		op(opRAMPtr|size4, mac, 0x20, 0),    // TXR_BADR
		op(opWrite|size4, mac, 0x50, 0x3),   // MACCR: TXDMA TXMAC
		op(opWrite|size4, mac, 0x18, 1),     // TXPD
		op(opTime|size4, 0, 0, 1000000),
	))
	f.Add(cat(
		op(opWrite|size4, fmc, 0x10, 0x3),   // CE0 control: user mode
		op(opWrite|size4, fmc, 0x0, 0x9f),   // into the window: RDID
		op(opRead|size4, fmc, 0x10, 0),      // and back
		op(opWrite|size4, fmc, 0x10, 0x600), // normal read
	))
	f.Add(cat(
		op(opWrite|size4, i2c, 0x40+0x0, 1),     // bus 1 FUN_CTRL: master
		op(opWrite|size4, i2c, 0x40+0x20, 0xa0), // byte buffer
		op(opWrite|size4, i2c, 0x40+0x14, 0x3),  // START TX
		op(opTime|size4, 0, 0, 100000),
		op(opRead|size4, i2c, 0x40+0x10, 0),
	))
	f.Add(cat(
		op(opWrite|size4, wdt, 0x04, 10),
		op(opWrite|size4, wdt, 0x08, 0x4755),
		op(opWrite|size4, wdt, 0x0c, 0x3),
		op(opTime|size4, 0, 0, 0xffffffff),
	))

	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 512*opSize {
			data = data[:512*opSize]
		}
		var insns uint64
		clk := vclock.New(1000)
		clk.Attach(&insns)
		s, err := ast2500.New(ast2500.Config{
			RAMSize:      128 << 20,
			Clock:        clk,
			Log:          mmio.NewLog(io.Discard),
			Strap:        romulus.Board.Strap,
			ResetRequest: func(int) {},
			MACPHY:       [2]bool{true, true},
		})
		if err != nil {
			t.Fatal(err)
		}
		romulus.Board.Attach(s)
		none := mmio.LineFunc(func(bool) {})
		s.ConnectCPU(none, none)
		for ; len(data) >= opSize; data = data[opSize:] {
			kind, bi := data[0], int(data[1])%len(ast2500.Blocks)
			off := uint32(binary.LittleEndian.Uint16(data[2:]))
			v := binary.LittleEndian.Uint32(data[4:])
			size := []int{1, 2, 4, 4}[kind>>3&3]
			b := ast2500.Blocks[bi]
			pa := b.Base + off%b.Size&^uint32(size-1)
			switch kind & 7 {
			case opRead, opRead2:
				if _, ok := s.Read(pa, size); !ok {
					t.Fatalf("read%d at %#x (%s) refused", size, pa, b.Name)
				}
			case opWrite, opWrite2, opWrite3:
				if !s.Write(pa, size, uint64(v)) {
					t.Fatalf("write%d at %#x (%s) refused", size, pa, b.Name)
				}
			case opRAM:
				var w [4]byte
				binary.LittleEndian.PutUint32(w[:], v)
				if !s.WritePhys(ast2500.DRAMBase+(off*4)%(256<<10), w[:]) {
					t.Fatal("RAM write refused")
				}
			case opRAMPtr:
				s.Write(b.Base+off%b.Size&^3, 4, uint64(ast2500.DRAMBase+v%(256<<10)))
			case opTime:
				insns += uint64(v) // 1 ns per instruction
				clk.RunPosted()
				clk.RunDue()
			}
		}
		defer debug.FreeOSMemory() // RAM back to the OS: the next SoC's needs no clearing
		// Everything still answers.
		for _, b := range ast2500.Blocks {
			if _, ok := s.Read(b.Base, 4); !ok {
				t.Fatalf("%s does not answer after the sequence", b.Name)
			}
		}
	})
}
