package machine

// The machine builder: Options say what to build (a board, its inputs,
// backends and run policy, decided by the caller; the CLI only turns
// flags into them), Build applies the board's policy (NC-SI or PHY per
// MAC, UART character time, the NIC's address) and makes the machine, or
// restores it from a snapshot.

import (
	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/snapshot"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// Options describe a machine to build.
type Options struct {
	Board    boards.Board
	RAMSize  uint64 // 0: the board's
	Strap    uint32 // SCU70 hardware strap (0: the board's)
	Seed     uint64 // the guest's entropy sources and the NIC's address
	BaseUnix int64  // RTC time at power-on
	Log      *mmio.Log
	// Boot is DirectBoot (with Direct set: the boot loader's part is
	// played, the SCU left unlocked) or FirmwareBoot.
	Boot   func(m *Machine) error
	Direct bool
	// Attach adds the board's devices, its flash chips (with their
	// images) and the user's devices; nil: the board's devices only.
	Attach func(s *ast2500.SoC) error
	// Net are the MACs' backends and captures; NCSI and NICMAC are the
	// board's.
	Net     [2]NetConfig
	Console func(b byte)
	Serial  map[string]func(b byte)

	GuestDecompress bool
	NoReboot        bool
	Paced           bool
	MaxInsns        uint64
	IdleWallAfter   uint64
	MaxBootLoop     int
	// JIT selects the CPU's execution tier (JITOn, the zero value, where
	// the platform has a JIT; JITOff; JITLockstep for deterministic runs).
	JIT JITMode
	// Snapshot, when set, is restored instead of booting.
	Snapshot *snapshot.Snapshot
}

// Config returns the machine configuration o describes.
func (o Options) Config() Config {
	b := o.Board
	ram, strap := o.RAMSize, o.Strap
	if ram == 0 {
		ram = b.RAMSize
	}
	if strap == 0 {
		strap = b.Strap
	}
	attach := o.Attach
	if attach == nil {
		attach = func(s *ast2500.SoC) error {
			if b.Attach != nil {
				b.Attach(s)
			}
			return nil
		}
	}
	nets := o.Net
	nets[0].NCSI = b.NCSI
	nets[0].NICMAC = b.NICMAC(o.Seed)
	return Config{
		SoC: ast2500.Config{
			RAMSize:      ram,
			Strap:        strap,
			Seed:         o.Seed,
			BaseUnix:     o.BaseUnix,
			SCUUnlocked:  o.Direct,
			UARTTxCharNs: b.UARTTxCharNs(),
			Log:          o.Log,
		},
		Attach:          attach,
		Boot:            o.Boot,
		GuestDecompress: o.GuestDecompress,
		NoReboot:        o.NoReboot,
		Paced:           o.Paced,
		Console:         o.Console,
		Serial:          o.Serial,
		Net:             nets[0],
		Net1:            nets[1],
		MACPHY:          b.MACPHY(),
		MaxInsns:        o.MaxInsns,
		IdleWallAfter:   o.IdleWallAfter,
		MaxBootLoop:     o.MaxBootLoop,
		JIT:             o.JIT,
	}
}

// Build makes the machine o describes, restored from o.Snapshot if set.
func Build(o Options) (*Machine, error) {
	cfg := o.Config()
	build := New
	if o.Snapshot != nil {
		build = func(c Config) (*Machine, error) { return Restore(c, o.Snapshot) }
	}
	return buildMode(cfg, build)
}

// buildMode builds the machine with build, and in lockstep mode its
// interpreter-only copy first (lockstep.go).
func buildMode(cfg Config, build func(Config) (*Machine, error)) (*Machine, error) {
	if cfg.JIT != JITLockstep {
		return build(cfg)
	}
	ls, err := newLockstep(cfg, build)
	if err != nil {
		return nil, err
	}
	m, err := build(cfg)
	if err != nil {
		ls.shadow.closeNetwork()
		return nil, err
	}
	m.ls = ls
	return m, nil
}
