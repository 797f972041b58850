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
	anyBoard bool
	initrd   string
	appendS  string
	nic      []string
	hostfwd  []string
	pcap     string
	noReboot bool
	pace     string
	seed     uint64
	logFile  string
	logItems []string // -d: device log items shown on stderr
	cpuProf  string
	debug    debugOptions // --gdb, -S, --trace-insn (gdb.go, trace.go)
	stats    bool
	// guestDecompress runs a zImage's own decompressor (no host shortcut).
	guestDecompress bool

	mtd         string // --mtd: flash image for FMC CS0 (mtd.go)
	mtdWritable bool
	bootMode    string      // --boot: firmware or direct
	flash       *flashImage // set by machineConfig when --mtd is given

	outputs []*lateFile  // --pcap, --log: created by openOutputs (outputs.go)
	front   frontOptions // --serial, --monitor, --qmp (frontends.go)
}

func (o *bootOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.machine, "machine", "M", "romulus", "board: "+strings.Join(boards.Names(), ", "))
	f.StringVarP(&o.memory, "memory", "m", "", "RAM size (128M, 256M, 512M, 1G; default: the board's)")
	f.StringVar(&o.kernel, "kernel", "", "Linux zImage or uImage to boot directly (default: the bundled guest)")
	f.StringVar(&o.dtb, "dtb", "", "device tree blob (default: the board's bundled dtb)")
	f.BoolVar(&o.anyBoard, "dtb-any-board", false, "boot a device tree whose root compatible lacks \"aspeed,ast2500\" (refused otherwise)")
	f.StringVar(&o.initrd, "initrd", "", "initial ramdisk (default with the bundled kernel: the bundled initramfs)")
	f.StringVar(&o.appendS, "append", "", "kernel command line (replaces /chosen/bootargs)")
	f.StringArrayVar(&o.nic, "nic", nil, "network backend for MAC0: user (default; NAT, guest 10.0.2.15), tap:IFNAME, none")
	f.StringArrayVar(&o.hostfwd, "hostfwd", nil, "forward a host port to the guest (user network): tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT; repeatable")
	f.StringVar(&o.pcap, "pcap", "", "write every frame MAC0 sends or receives to this pcap file")
	f.BoolVar(&o.noReboot, "no-reboot", false, "exit instead of rebooting when the guest resets")
	f.StringVar(&o.pace, "pace", "auto", "pace guest time to wall time: on, off, auto (on for a terminal or a user/tap network)")
	f.Uint64Var(&o.seed, "seed", 1, "seed for the guest's entropy sources")
	f.StringVar(&o.logFile, "log", "", "write device logs (unimplemented registers, guest errors) to this file instead of stderr")
	f.StringSliceVarP(&o.logItems, "debug-log", "d", nil, "show these device log items on stderr: unimp (accesses to registers the models do not implement; off by default, always in a --log file)")
	f.StringVar(&o.cpuProf, "cpuprofile", "", "write a Go CPU profile of the emulator to this file (for developers)")
	f.MarkHidden("cpuprofile")
	o.debug.register(f)
	f.StringVar(&o.mtd, "mtd", "", "SPI flash image for the first FMC chip (e.g. an OpenBMC .static.mtd); guest writes stay in memory")
	f.BoolVar(&o.mtdWritable, "mtd-writable", false, "write the flash back to the --mtd file on exit (atomically, only if the guest changed it)")
	f.StringVar(&o.bootMode, "boot", "firmware", "with --mtd: firmware (the image's boot loader runs from the reset vector) or direct (kernel, dtb and initramfs from the image's FIT at 0x80000)")
	f.BoolVar(&o.guestDecompress, "guest-decompress", false, "run a zImage's own decompressor in the guest instead of inflating the kernel on the host (slower; for fidelity)")
	o.front.register(f)
	f.BoolVar(&o.stats, "stats", false, "print instructions executed, guest time, wall time and MIPS on exit (stderr)")
}

// ramSizes are the RAM sizes -m takes: what the AST2500's SDMC supports.
var ramSizes = map[string]uint64{
	"128M": 128 << 20, "256M": 256 << 20, "512M": 512 << 20, "1024M": 1 << 30, "1G": 1 << 30,
}

// parseSize parses -m: exactly one of the supported sizes (a case-free M
// or G suffix; a bare number is MiB), nothing else.
func parseSize(s string) (uint64, error) {
	t := strings.ToUpper(s)
	if n, ok := ramSizes[t]; ok {
		return n, nil
	}
	if n, ok := ramSizes[t+"M"]; ok {
		return n, nil
	}
	return 0, fmt.Errorf("%q: the AST2500 supports 128M, 256M, 512M or 1G of RAM", s)
}

// machineConfig turns the options into a machine configuration. Every
// flag and input is validated before anything is opened or created: the
// network backend (a tap device, host ports) and the GDB listener are
// opened last, and the output files (--pcap, --log) only by openOutputs,
// once the machine is built.
func (o *bootOptions) machineConfig(cmd *cobra.Command, console func(byte)) (machine.Config, error) {
	var cfg machine.Config
	o.flash, o.outputs = nil, nil
	b, ok := boards.Lookup(o.machine)
	if !ok {
		return cfg, usage("unknown machine %q (known: %s)", o.machine, strings.Join(boards.Names(), ", "))
	}
	ram := b.RAMSize
	if o.memory != "" {
		n, err := parseSize(o.memory)
		if err != nil {
			return cfg, usage("-m %v", err)
		}
		ram = n
	}
	ns, err := o.netSpec()
	if err != nil {
		return cfg, err
	}
	if err := o.debug.validate(); err != nil {
		return cfg, err
	}
	for _, item := range o.logItems {
		if item != "unimp" {
			return cfg, usage("-d %s: unknown log item (known: unimp)", item)
		}
	}
	var pcapOut, logOut *lateFile
	if o.pcap != "" {
		if pcapOut, err = o.newOutput("--pcap", o.pcap); err != nil {
			return cfg, err
		}
	}
	if o.logFile != "" {
		if logOut, err = o.newOutput("--log", o.logFile); err != nil {
			return cfg, err
		}
	}

	var req loader.Request
	var flash *flashImage
	switch {
	case o.bootMode != "firmware" && o.bootMode != "direct":
		err = usage("--boot %s: want firmware or direct", o.bootMode)
	case o.mtd == "" && o.mtdWritable:
		err = usage("--mtd-writable needs --mtd")
	case o.mtd == "" && cmd.Flags().Changed("boot"):
		err = usage("--boot needs --mtd (without it the kernel boots directly)")
	case o.mtd == "":
		req, err = o.bootRequest(cmd, b, ram)
	default:
		if flash, err = readFlashImage(o.mtd, o.mtdWritable); err != nil {
			break
		}
		if o.bootMode == "firmware" {
			err = o.firmwareCheck(cmd, flash)
			break
		}
		req, err = o.flashBootRequest(cmd, b, flash, ram)
	}
	if err != nil {
		flash.close()
		return cfg, err
	}
	// Firmware boot starts at the reset vector with the SCU locked, as the
	// hardware does; direct boot plays the boot loader's part.
	boot := machine.FirmwareBoot
	scuUnlocked := false
	if flash == nil || o.bootMode == "direct" {
		req.GuestDecompress = o.guestDecompress
		layout, err := loader.Plan(req, ast2500.DRAMBase, uint32(ram))
		if err != nil {
			flash.close()
			return cfg, usageError{err}
		}
		boot = machine.DirectBoot(layout)
		scuUnlocked = true
	}

	// Validated: open the network backend and the GDB listener.
	netCfg, err := o.network(b, ns)
	if err != nil {
		flash.close()
		return cfg, err
	}
	if err := o.debug.listen(); err != nil {
		netCfg.Backend.Close()
		flash.close()
		return cfg, err
	}
	if pcapOut != nil {
		// The pcap header goes to memory until openOutputs.
		w, err := pcap.NewWriterTo(pcapOut, o.pcap)
		if err != nil {
			netCfg.Backend.Close()
			flash.close()
			o.debug.closeListener()
			return cfg, usage("--pcap: %v", err)
		}
		netCfg.PCAP = w
	}
	log := mmio.Default
	if logOut != nil {
		log = mmio.NewLog(logOut)
	} else if len(o.logItems) > 0 {
		log = mmio.NewLog(nil) // -d unimp: unimplemented registers on stderr
		log.ShowUnimplemented()
	}
	o.flash = flash
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
		Attach:          attach,
		Boot:            boot,
		GuestDecompress: o.guestDecompress,
		NoReboot:        o.noReboot,
		Console:         console,
		Net:             netCfg,
		MACPHY:          phy,
	}
	return cfg, nil
}

// stopSignals end a run cleanly (flash saved, capture flushed).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// stopOnSignal stops m at the first signal and notes later ones (which
// are ignored: the caller keeps them caught until its cleanup is done).
func stopOnSignal(sig <-chan os.Signal, m *machine.Machine) {
	s := <-sig
	m.Stop()
	for range sig {
		fmt.Fprintf(os.Stderr, "ast2500emu: %v: already stopping (saving the flash image and closing files first)\n", s)
	}
}

// release closes what machineConfig opened when the run does not happen.
func (o *bootOptions) release() {
	o.flash.close()
	o.debug.closeListener()
}

// realPeers reports whether MAC0 talks to peers outside the emulator.
func (o *bootOptions) realPeers() bool {
	spec := "user"
	if len(o.nic) > 0 {
		spec = o.nic[0]
	}
	return spec != "none"
}

// netSpec is the validated --nic and --hostfwd flags.
type netSpec struct {
	kind, arg string
	fwds      []usernet.HostFwd
}

// netSpec parses --nic and --hostfwd without opening anything.
func (o *bootOptions) netSpec() (netSpec, error) {
	var ns netSpec
	spec := "user"
	switch len(o.nic) {
	case 0:
	case 1:
		spec = o.nic[0]
	default:
		return ns, usage("--nic: only one network backend is supported for now (MAC0)")
	}
	var err error
	if ns.kind, ns.arg, err = network.ParseNIC(spec); err != nil {
		return ns, usageError{err} // names --nic and the value
	}
	if len(o.hostfwd) > 0 && ns.kind != "user" {
		return ns, usage("--hostfwd needs --nic user")
	}
	for _, r := range o.hostfwd {
		f, err := usernet.ParseHostFwd(r)
		if err != nil {
			return ns, usage("--%v", err) // "hostfwd RULE: ..."
		}
		ns.fwds = append(ns.fwds, f)
	}
	return ns, nil
}

// network opens the backend the flags ask for.
func (o *bootOptions) network(b boards.Board, ns netSpec) (machine.NetConfig, error) {
	var nc machine.NetConfig
	nc.NCSI = b.NCSI
	// The emulated NIC's MAC (NC-SI Get MAC Address), from the seed.
	nc.NICMAC = [6]byte{0x52, 0x54, 0x00, byte(o.seed >> 16), byte(o.seed >> 8), byte(o.seed)}
	switch ns.kind {
	case "none":
		nc.Backend = network.NewNone()
	case "tap":
		t, err := tap.NewTap(ns.arg)
		if err != nil {
			return nc, usage("--nic %v", err) // "tap NAME: ..."
		}
		nc.Backend = t
	case "user":
		u, err := usernet.NewUser(usernet.UserConfig{HostFwds: ns.fwds})
		if err != nil {
			if strings.HasPrefix(err.Error(), "hostfwd ") {
				return nc, usage("--%v", err)
			}
			return nc, usage("--nic user: %v", err)
		}
		nc.Backend = u
	}
	return nc, nil
}

// bootRequest reads the images named by the flags, falling back to the
// bundled guest.
func (o *bootOptions) bootRequest(cmd *cobra.Command, b boards.Board, ram uint64) (loader.Request, error) {
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
		img, err := loader.ReadImageMax("initrd", o.initrd, int64(ram))
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
	req.AnyBoard = o.anyBoard
	return req, nil
}

func bootCommand() *cobra.Command {
	o := &bootOptions{}
	snap := &snapOptions{}
	cmd := &cobra.Command{
		Use:   "boot",
		Short: "Boot a board with the console on stdin/stdout (Ctrl-A x quits)",
		Long: `Boot an AST2500 board. Without --kernel, the bundled Linux guest boots.
The console (UART5) is on stdin/stdout: raw mode on a terminal, plain pipes
otherwise. Ctrl-A x quits, Ctrl-A h lists the console commands.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := snap.prepare(cmd, o); err != nil {
				return err
			}
			con := newConsole(os.Stdin, os.Stdout)
			var paced bool
			switch o.pace {
			case "on":
				paced = true
			case "off":
			case "auto":
				// Pace for a person at a terminal and for real network
				// peers (user/tap: TCP timers must see wall time).
				paced = con.tty || o.realPeers()
			default:
				return usage("--pace %s: want on, off or auto", o.pace)
			}
			cfg, err := o.machineConfig(cmd, con.out)
			if err != nil {
				return err
			}
			cfg.Paced = paced
			fe, err := o.front.configure(&cfg, con)
			if err != nil {
				o.release()
				return err
			}
			// From here on SIGINT, SIGTERM and SIGHUP (terminal closed)
			// stop the run; the flash image is saved and the capture
			// flushed before the process exits, and the signals stay
			// caught until then, so a second one cannot cut the save.
			sig := make(chan os.Signal, 4)
			signal.Notify(sig, stopSignals...)
			defer signal.Stop(sig)
			m, err := snap.newMachine(cmd, o, cfg)
			if err != nil {
				o.release()
				var ie *loader.InputError
				if errors.As(err, &ie) {
					return usageError{err}
				}
				return err
			}
			if o.flash != nil && o.flash.err != nil {
				o.release()
				return o.flash.err
			}
			fe.start(m)
			o.debug.monitor = fe.mon.execHere
			endDebug, err := o.debug.attach(m)
			if err != nil {
				o.release()
				return err
			}
			if err := o.openOutputs(); err != nil {
				endDebug(0)
				o.release()
				return err
			}
			go stopOnSignal(sig, m)
			if o.cpuProf != "" {
				pf, err := os.Create(o.cpuProf)
				if err != nil {
					return usage("--cpuprofile: %v", err)
				}
				pprof.StartCPUProfile(pf)
				defer pprof.StopCPUProfile()
			}
			var saveFailed func() error
			con.snapshot, saveFailed = snap.arm(m)
			restore := con.start(m)
			start := time.Now()
			exit, err := m.Run()
			fe.finish(exit)
			endDebug(int(exit))
			if o.stats {
				wall := time.Since(start)
				fmt.Fprintf(os.Stderr, "ast2500emu: %s after %d instructions, guest time %.3f s, wall time %.3f s, %.1f MIPS\n",
					exit, m.CPU.Insns, float64(m.Clock.Now())/1e9, wall.Seconds(), float64(m.CPU.Insns)/wall.Seconds()/1e6)
				if m.Decompress != "" {
					cached := ""
					if m.DecompressCached {
						cached = ", from the cache"
					}
					fmt.Fprintf(os.Stderr, "ast2500emu: kernel decompression: %s%s\n", m.Decompress, cached)
				}
			}
			restore()
			if serr := o.flash.save(); serr != nil && err == nil {
				err = serr
			}
			if serr := saveFailed(); serr != nil && err == nil {
				err = serr
			}
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
	snap.registerLoad(cmd.Flags())
	snap.registerSave(cmd.Flags())
	return cmd
}
