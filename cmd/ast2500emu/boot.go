package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/guest"
	"github.com/ast2500emu/ast2500emu/loader"
	"github.com/ast2500emu/ast2500emu/machine"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// bootOptions are the flags shared by boot and (later) smoke.
type bootOptions struct {
	machine  string
	memory   string
	kernel   string
	dtb      string
	initrd   string
	appendS  string
	nic      []string
	noReboot bool
	pace     string
	seed     uint64
	logFile  string
}

func (o *bootOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.machine, "machine", "M", "romulus", "board: "+strings.Join(boards.Names(), ", "))
	f.StringVarP(&o.memory, "memory", "m", "", "RAM size (128M, 256M, 512M, 1G; default: the board's)")
	f.StringVar(&o.kernel, "kernel", "", "Linux zImage or uImage to boot directly (default: the bundled guest)")
	f.StringVar(&o.dtb, "dtb", "", "device tree blob (default: the board's bundled dtb)")
	f.StringVar(&o.initrd, "initrd", "", "initial ramdisk (default with the bundled kernel: the bundled initramfs)")
	f.StringVar(&o.appendS, "append", "", "kernel command line (replaces /chosen/bootargs)")
	f.StringArrayVar(&o.nic, "nic", nil, "network backend: none")
	f.BoolVar(&o.noReboot, "no-reboot", false, "exit instead of rebooting when the guest resets")
	f.StringVar(&o.pace, "pace", "auto", "pace guest time to wall time: on, off, auto (on when stdin is a terminal)")
	f.Uint64Var(&o.seed, "seed", 1, "seed for the guest's entropy sources")
	f.StringVar(&o.logFile, "log", "", "write device logs (unimplemented registers, guest errors) to this file instead of stderr")
}

func parseSize(s string) (uint64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := uint64(1 << 20)
	switch {
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, s[:len(s)-1]
	case strings.HasSuffix(s, "M"):
		s = s[:len(s)-1]
	}
	var n uint64
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n == 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// machineConfig turns the options into a machine configuration.
func (o *bootOptions) machineConfig(cmd *cobra.Command, console func(byte)) (machine.Config, error) {
	var cfg machine.Config
	b, ok := boards.Lookup(o.machine)
	if !ok {
		return cfg, usage("unknown machine %q (known: %s)", o.machine, strings.Join(boards.Names(), ", "))
	}
	ram := b.RAMSize
	if o.memory != "" {
		n, err := parseSize(o.memory)
		if err != nil {
			return cfg, usage("-m: %v", err)
		}
		ram = n
	}
	switch ram {
	case 128 << 20, 256 << 20, 512 << 20, 1 << 30:
	default:
		return cfg, usage("-m %s: the AST2500 supports 128M, 256M, 512M or 1G of RAM", o.memory)
	}
	for _, n := range o.nic {
		if n != "none" {
			return cfg, usage("--nic %s: unknown network backend (supported: none)", n)
		}
	}
	log := mmio.Default
	if o.logFile != "" {
		f, err := os.Create(o.logFile)
		if err != nil {
			return cfg, usage("--log: %v", err)
		}
		log = mmio.NewLog(f)
	}

	req, err := o.bootRequest(cmd, b)
	if err != nil {
		return cfg, err
	}
	layout, err := loader.Plan(req, ast2500.DRAMBase, uint32(ram))
	if err != nil {
		return cfg, usageError{err}
	}
	cfg = machine.Config{
		SoC: ast2500.Config{
			RAMSize:      ram,
			Strap:        b.Strap,
			Seed:         o.seed,
			BaseUnix:     1700000000 + int64(o.seed%1000000),
			SCUUnlocked:  true,
			UARTTxCharNs: 1000,
			Log:          log,
		},
		Attach:   b.Attach,
		Boot:     machine.DirectBoot(layout),
		NoReboot: o.noReboot,
		Console:  console,
	}
	return cfg, nil
}

// bootRequest reads the images named by the flags, falling back to the
// bundled guest.
func (o *bootOptions) bootRequest(cmd *cobra.Command, b boards.Board) (loader.Request, error) {
	var req loader.Request
	var err error
	if o.kernel != "" {
		if req.Kernel, err = loader.ReadImage("kernel", o.kernel); err != nil {
			return req, usageError{err}
		}
	} else {
		req.Kernel = loader.Image{Name: "bundled zImage", Data: guest.Kernel()}
	}
	if o.dtb != "" {
		if req.DTB, err = loader.ReadImage("dtb", o.dtb); err != nil {
			return req, usageError{err}
		}
	} else {
		d, ok := guest.DTB(b.DTB)
		if !ok {
			return req, usage("no bundled device tree for %s; give --dtb", b.Name)
		}
		req.DTB = loader.Image{Name: "bundled " + b.DTB, Data: d}
	}
	switch {
	case o.initrd != "":
		img, err := loader.ReadImage("initrd", o.initrd)
		if err != nil {
			return req, usageError{err}
		}
		req.Initrd = &img
	case o.kernel == "":
		req.Initrd = &loader.Image{Name: "bundled initramfs", Data: guest.Initramfs()}
	}
	if cmd.Flags().Changed("append") {
		a := o.appendS
		req.Append = &a
	}
	return req, nil
}

func bootCommand() *cobra.Command {
	o := &bootOptions{}
	cmd := &cobra.Command{
		Use:   "boot",
		Short: "Boot a board with the console on stdin/stdout (Ctrl-A x quits)",
		Long: `Boot an AST2500 board. Without --kernel, the bundled Linux guest boots.
The console (UART5) is on stdin/stdout: raw mode on a terminal, plain pipes
otherwise. Ctrl-A x quits, Ctrl-A h lists the console commands.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			con := newConsole(os.Stdin, os.Stdout)
			cfg, err := o.machineConfig(cmd, con.out)
			if err != nil {
				return err
			}
			switch o.pace {
			case "on":
				cfg.Paced = true
			case "off":
			case "auto":
				cfg.Paced = con.tty
			default:
				return usage("--pace %s: want on, off or auto", o.pace)
			}
			m, err := machine.New(cfg)
			if err != nil {
				var ie *loader.InputError
				if errors.As(err, &ie) {
					return usageError{err}
				}
				return err
			}
			restore := con.start(m)
			exit, err := m.Run()
			restore()
			if err != nil {
				return err
			}
			switch exit {
			case machine.ExitPowerOff, machine.ExitReset, machine.ExitStopped, machine.ExitHalted:
				return nil
			}
			return exitError{1}
		},
	}
	o.register(cmd)
	return cmd
}
