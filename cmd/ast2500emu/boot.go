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
	"github.com/ast2500emu/ast2500emu/devices/i2cdev"
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
	anyBoard bool
	initrd   string
	appendS  string
	nic      []string
	hostfwd  []string
	pcap     []string
	noReboot bool
	pace     string
	seed     uint64
	logFile  string
	logItems []string // -d: device log items shown on stderr
	cpuProf  string
	debug    debugOptions // --gdb, -S, --trace-insn (gdb.go, trace.go)
	stats    bool

	mtds        []string // --mtd, in QEMU's if=mtd order (machineopts.go)
	mtd         string   // the FMC CS0 image among them (mtd.go)
	mtdWritable bool
	bootMode    string        // --boot: firmware or direct
	flash       *flashImage   // set by machineConfig when CS0 has an image
	extraFlash  []*flashImage // images for FMC CS1.. and SPI1
	devices     []string      // --device MODEL,bus=N,addr=0xNN
	rtc         string        // --rtc base=...
	devErr      error         // from attaching --device
}

func (o *bootOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.machine, "machine", "M", "romulus", "board: "+strings.Join(boards.Names(), ", ")+" (or QEMU's NAME-bmc); then ,hw-strap1=V ,fmc-model=M ,spi-model=M")
	f.StringVarP(&o.memory, "memory", "m", "", "RAM size (128M, 256M, 512M, 1G; default: the board's)")
	f.StringVar(&o.kernel, "kernel", "", "Linux zImage or uImage to boot directly (default: the bundled guest)")
	f.StringVar(&o.dtb, "dtb", "", "device tree blob (default: the board's bundled dtb)")
	f.BoolVar(&o.anyBoard, "dtb-any-board", false, "boot a device tree whose root compatible lacks \"aspeed,ast2500\" (refused otherwise)")
	f.StringVar(&o.initrd, "initrd", "", "initial ramdisk (default with the bundled kernel: the bundled initramfs)")
	f.StringVar(&o.appendS, "append", "", "kernel command line (replaces /chosen/bootargs)")
	f.StringArrayVar(&o.nic, "nic", nil, "network backend, repeatable in MAC order (MAC0, then MAC1): user (MAC0's default; NAT, guest 10.0.2.15), tap:IFNAME, none (MAC1's default)")
	f.StringArrayVar(&o.hostfwd, "hostfwd", nil, "forward a host port to the guest (user network): tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT; repeatable")
	f.StringArrayVar(&o.pcap, "pcap", nil, "write every frame a MAC sends or receives to this pcap file; repeatable in MAC order, or mac0=FILE, mac1=FILE")
	f.BoolVar(&o.noReboot, "no-reboot", false, "exit instead of rebooting when the guest resets")
	f.StringVar(&o.pace, "pace", "auto", "pace guest time to wall time: on, off, auto (on for a terminal or a user/tap network)")
	f.Uint64Var(&o.seed, "seed", 1, "seed for the guest's entropy sources")
	f.StringVar(&o.logFile, "log", "", "write device logs (unimplemented registers, guest errors) to this file instead of stderr")
	f.StringSliceVarP(&o.logItems, "debug-log", "d", nil, "show these device log items on stderr: unimp (accesses to registers the models do not implement; off by default, always in a --log file)")
	f.StringVar(&o.cpuProf, "cpuprofile", "", "write a Go CPU profile of the emulator to this file (for developers)")
	f.MarkHidden("cpuprofile")
	o.debug.register(f)
	f.StringArrayVar(&o.mtds, "mtd", nil, "SPI flash image (e.g. an OpenBMC .static.mtd); repeatable in QEMU's if=mtd order (FMC CS0, CS1.., then SPI1), or fmc0=FILE, fmc1=FILE, spi1=FILE; guest writes stay in memory")
	f.StringArrayVar(&o.devices, "device", nil, "add an I2C device: MODEL,bus=N,addr=0xNN (models: "+strings.Join(i2cdev.Models(), ", ")+"); repeatable")
	f.StringVar(&o.rtc, "rtc", "", "RTC time at power-on: base=utc, base=localtime or base=YYYY-MM-DD[THH:MM:SS] (default: a fixed time from --seed)")
	f.BoolVar(&o.mtdWritable, "mtd-writable", false, "write the flash back to the --mtd files on exit (atomically, only if the guest changed them)")
	f.StringVar(&o.bootMode, "boot", "firmware", "with --mtd: firmware (the image's boot loader runs from the reset vector) or direct (kernel, dtb and initramfs from the image's FIT at 0x80000)")
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

// machineConfig turns the options into a machine configuration.
func (o *bootOptions) machineConfig(cmd *cobra.Command, console func(byte)) (machine.Config, error) {
	var cfg machine.Config
	b, props, err := o.board()
	if err != nil {
		return cfg, err
	}
	extraMTD, err := o.resolveMTD(b)
	if err != nil {
		return cfg, err
	}
	if err := o.readExtraMTD(b, extraMTD); err != nil {
		return cfg, err
	}
	devs, err := o.parseDevices()
	if err != nil {
		return cfg, err
	}
	baseUnix, err := o.rtcBase()
	if err != nil {
		return cfg, err
	}
	ram := b.RAMSize
	if o.memory != "" {
		n, err := parseSize(o.memory)
		if err != nil {
			return cfg, usage("-m %v", err)
		}
		ram = n
	}
	netCfg, net1Cfg, err := o.network(b)
	if err != nil {
		return cfg, err
	}
	log := mmio.Default
	for _, item := range o.logItems {
		if item != "unimp" {
			return cfg, usage("-d %s: unknown log item (known: unimp)", item)
		}
		log = mmio.NewLog(nil)
		log.ShowUnimplemented()
	}
	if o.logFile != "" {
		f, err := os.Create(o.logFile)
		if err != nil {
			return cfg, usage("--log: %v", err)
		}
		log = mmio.NewLog(f)
	}

	closeNet := func() {
		for _, n := range []machine.NetConfig{netCfg, net1Cfg} {
			if n.Backend != nil {
				n.Backend.Close()
			}
			if n.PCAP != nil {
				n.PCAP.Close()
			}
		}
	}
	var req loader.Request
	o.flash = nil
	switch {
	case o.bootMode != "firmware" && o.bootMode != "direct":
		err = usage("--boot %s: want firmware or direct", o.bootMode)
	case len(o.mtds) == 0 && o.mtdWritable:
		err = usage("--mtd-writable needs --mtd")
	case o.mtd == "" && cmd.Flags().Changed("boot"):
		err = usage("--boot needs --mtd (without it the kernel boots directly)")
	case o.mtd == "":
		req, err = o.bootRequest(cmd, b, ram)
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
		if req, err = o.flashBootRequest(cmd, b, f, ram); err == nil {
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
	attach := o.attachFor(b, props, devs)
	cfg = machine.Config{
		SoC: ast2500.Config{
			RAMSize:      ram,
			Strap:        props.strapFor(b),
			Seed:         o.seed,
			BaseUnix:     baseUnix,
			SCUUnlocked:  scuUnlocked,
			UARTTxCharNs: 1000,
			Log:          log,
		},
		Attach:   attach,
		Boot:     boot,
		NoReboot: o.noReboot,
		Console:  console,
		Net:      netCfg,
		Net1:     net1Cfg,
		MACPHY:   phy,
	}
	return cfg, nil
}

// realPeers reports whether a MAC talks to peers outside the emulator.
func (o *bootOptions) realPeers() bool {
	specs, _ := o.nicSpecs()
	return specs[0] != "none" || specs[1] != "none"
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
			m, err := machine.New(cfg)
			if err != nil {
				var ie *loader.InputError
				if errors.As(err, &ie) {
					return usageError{err}
				}
				return err
			}
			if err := o.attachError(); err != nil {
				return err
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
			restore := con.start(m)
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
			if serr := o.saveFlash(); serr != nil && err == nil {
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
	return cmd
}
