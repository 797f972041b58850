package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/guest"
	"github.com/ast2500emu/ast2500emu/loader"
	"github.com/ast2500emu/ast2500emu/machine"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/network"
	"github.com/ast2500emu/ast2500emu/network/pcap"
	"github.com/ast2500emu/ast2500emu/network/tap"
	"github.com/ast2500emu/ast2500emu/network/usernet"
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
	hostfwd  []string
	pcap     string
	noReboot bool
	pace     string
	seed     uint64
	logFile  string
	cpuProf  string
	debug    debugOptions // --gdb, -S, --trace-insn (gdb.go, trace.go)
	stats    bool

	mtd         string // --mtd: flash image for FMC CS0 (mtd.go)
	mtdWritable bool
	bootMode    string      // --boot: firmware or direct
	flash       *flashImage // set by machineConfig when --mtd is given
}

func (o *bootOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.machine, "machine", "M", "romulus", "board: "+strings.Join(boards.Names(), ", "))
	f.StringVarP(&o.memory, "memory", "m", "", "RAM size (128M, 256M, 512M, 1G; default: the board's)")
	f.StringVar(&o.kernel, "kernel", "", "Linux zImage or uImage to boot directly (default: the bundled guest)")
	f.StringVar(&o.dtb, "dtb", "", "device tree blob (default: the board's bundled dtb)")
	f.StringVar(&o.initrd, "initrd", "", "initial ramdisk (default with the bundled kernel: the bundled initramfs)")
	f.StringVar(&o.appendS, "append", "", "kernel command line (replaces /chosen/bootargs)")
	f.StringArrayVar(&o.nic, "nic", nil, "network backend for MAC0: user (default; NAT, guest 10.0.2.15), tap:IFNAME, none")
	f.StringArrayVar(&o.hostfwd, "hostfwd", nil, "forward a host port to the guest (user network): tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT; repeatable")
	f.StringVar(&o.pcap, "pcap", "", "write every frame MAC0 sends or receives to this pcap file")
	f.BoolVar(&o.noReboot, "no-reboot", false, "exit instead of rebooting when the guest resets")
	f.StringVar(&o.pace, "pace", "auto", "pace guest time to wall time: on, off, auto (on for a terminal or a user/tap network)")
	f.Uint64Var(&o.seed, "seed", 1, "seed for the guest's entropy sources")
	f.StringVar(&o.logFile, "log", "", "write device logs (unimplemented registers, guest errors) to this file instead of stderr")
	f.StringVar(&o.cpuProf, "cpuprofile", "", "write a Go CPU profile of the emulator to this file (for developers)")
	f.MarkHidden("cpuprofile")
	o.debug.register(f)
	f.StringVar(&o.mtd, "mtd", "", "SPI flash image for the first FMC chip (e.g. an OpenBMC .static.mtd); guest writes stay in memory")
	f.BoolVar(&o.mtdWritable, "mtd-writable", false, "write the flash back to the --mtd file on exit (atomically, only if the guest changed it)")
	f.StringVar(&o.bootMode, "boot", "firmware", "with --mtd: firmware (the image's boot loader runs from the reset vector) or direct (kernel, dtb and initramfs from the image's FIT at 0x80000)")
	f.BoolVar(&o.stats, "stats", false, "print instructions executed, guest time, wall time and MIPS on exit (stderr)")
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
	netCfg, err := o.network(b)
	if err != nil {
		return cfg, err
	}
	log := mmio.Default
	if o.logFile != "" {
		f, err := os.Create(o.logFile)
		if err != nil {
			return cfg, usage("--log: %v", err)
		}
		log = mmio.NewLog(f)
	}

	closeNet := func() {
		if netCfg.Backend != nil {
			netCfg.Backend.Close()
		}
		if netCfg.PCAP != nil {
			netCfg.PCAP.Close()
		}
	}
	var req loader.Request
	o.flash = nil
	switch {
	case o.bootMode != "firmware" && o.bootMode != "direct":
		err = usage("--boot %s: want firmware or direct", o.bootMode)
	case o.mtd == "" && o.mtdWritable:
		err = usage("--mtd-writable needs --mtd")
	case o.mtd == "" && cmd.Flags().Changed("boot"):
		err = usage("--boot needs --mtd (without it the kernel boots directly)")
	case o.mtd == "":
		req, err = o.bootRequest(cmd, b)
	default:
		var f *flashImage
		if f, err = readFlashImage(o.mtd, o.mtdWritable); err != nil {
			break
		}
		if o.bootMode == "firmware" {
			if err = o.firmwareCheck(cmd, f); err == nil {
				o.flash = f
			}
			break
		}
		if req, err = o.flashBootRequest(cmd, b, f); err == nil {
			o.flash = f
		}
	}
	if err != nil {
		closeNet()
		return cfg, err
	}
	// Firmware boot starts at the reset vector with the SCU locked, as the
	// hardware does; direct boot plays the boot loader's part.
	boot := machine.FirmwareBoot
	scuUnlocked := false
	if o.flash == nil || o.bootMode == "direct" {
		layout, err := loader.Plan(req, ast2500.DRAMBase, uint32(ram))
		if err != nil {
			closeNet()
			return cfg, usageError{err}
		}
		boot = machine.DirectBoot(layout)
		scuUnlocked = true
	}
	phy := [2]bool{true, true}
	if b.NCSI {
		phy[0] = false
	}
	attach := b.Attach
	if f := o.flash; f != nil {
		attach = func(s *ast2500.SoC) {
			if b.Attach != nil {
				b.Attach(s)
			}
			f.attach(s)
		}
	}
	cfg = machine.Config{
		SoC: ast2500.Config{
			RAMSize:      ram,
			Strap:        b.Strap,
			Seed:         o.seed,
			BaseUnix:     1700000000 + int64(o.seed%1000000),
			SCUUnlocked:  scuUnlocked,
			UARTTxCharNs: 1000,
			Log:          log,
		},
		Attach:   attach,
		Boot:     boot,
		NoReboot: o.noReboot,
		Console:  console,
		Net:      netCfg,
		MACPHY:   phy,
	}
	cfg.MaxBootLoop = bootLoopLimit
	return cfg, nil
}

// realPeers reports whether MAC0 talks to peers outside the emulator.
func (o *bootOptions) realPeers() bool {
	spec := "user"
	if len(o.nic) > 0 {
		spec = o.nic[0]
	}
	return spec != "none"
}

// network opens the backend and capture file the flags ask for.
func (o *bootOptions) network(b boards.Board) (machine.NetConfig, error) {
	var nc machine.NetConfig
	nc.NCSI = b.NCSI
	// The emulated NIC's MAC (NC-SI Get MAC Address), from the seed.
	nc.NICMAC = [6]byte{0x52, 0x54, 0x00, byte(o.seed >> 16), byte(o.seed >> 8), byte(o.seed)}
	spec := "user"
	switch len(o.nic) {
	case 0:
	case 1:
		spec = o.nic[0]
	default:
		return nc, usage("--nic: only one network backend is supported for now (MAC0)")
	}
	kind, arg, err := network.ParseNIC(spec)
	if err != nil {
		return nc, usage("--nic %s: %v", spec, err)
	}
	if len(o.hostfwd) > 0 && kind != "user" {
		return nc, usage("--hostfwd needs --nic user")
	}
	switch kind {
	case "none":
		nc.Backend = network.NewNone()
	case "tap":
		t, err := tap.NewTap(arg)
		if err != nil {
			return nc, usage("--nic %s: %v", spec, err)
		}
		nc.Backend = t
	case "user":
		var fwds []usernet.HostFwd
		for _, r := range o.hostfwd {
			f, err := usernet.ParseHostFwd(r)
			if err != nil {
				return nc, usage("--hostfwd %s: %v", r, err)
			}
			fwds = append(fwds, f)
		}
		u, err := usernet.NewUser(usernet.UserConfig{HostFwds: fwds})
		if err != nil {
			return nc, usage("--nic user: %v", err)
		}
		nc.Backend = u
	}
	if o.pcap != "" {
		w, err := pcap.NewWriter(o.pcap)
		if err != nil {
			nc.Backend.Close()
			return nc, usage("--pcap: %v", err)
		}
		nc.PCAP = w
	}
	return nc, nil
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
				// Pace for a person at a terminal and for real network
				// peers (user/tap: TCP timers must see wall time).
				cfg.Paced = con.tty || o.realPeers()
			default:
				return usage("--pace %s: want on, off or auto", o.pace)
			}
			if !cfg.Paced {
				cfg.IdleWallAfter = machine.DefaultIdleWallAfter
			}
			m, err := machine.New(cfg)
			if err != nil {
				var ie *loader.InputError
				if errors.As(err, &ie) {
					return usageError{err}
				}
				return err
			}
			if o.flash != nil && o.flash.err != nil {
				return o.flash.err
			}
			endDebug, err := o.debug.attach(m)
			if err != nil {
				return err
			}
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			go func() {
				if _, ok := <-sig; ok {
					m.Stop()
				}
			}()
			if o.cpuProf != "" {
				pf, err := os.Create(o.cpuProf)
				if err != nil {
					return usage("--cpuprofile: %v", err)
				}
				pprof.StartCPUProfile(pf)
				defer pprof.StopCPUProfile()
			}
			restore := con.start(m, o.machine, o.statusWhat())
			start := time.Now()
			exit, err := m.Run()
			endDebug(int(exit))
			if o.stats {
				wall := time.Since(start)
				fmt.Fprintf(os.Stderr, "ast2500emu: %s after %d instructions, guest time %.3f s, wall time %.3f s, %.1f MIPS\n",
					exit, m.CPU.Insns, float64(m.Clock.Now())/1e9, wall.Seconds(), float64(m.CPU.Insns)/wall.Seconds()/1e6)
			}
			signal.Stop(sig)
			close(sig)
			restore()
			if serr := o.flash.save(); serr != nil && err == nil {
				err = hostError{serr}
			}
			if err != nil {
				return err
			}
			return bootExit(m, exit)
		},
	}
	o.register(cmd)
	return cmd
}
