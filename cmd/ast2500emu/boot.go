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
	"github.com/ast2500emu/ast2500emu/network"
	"github.com/ast2500emu/ast2500emu/network/pcap"
	"github.com/ast2500emu/ast2500emu/network/peer"
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
	pcap     []string
	noReboot bool
	pace     string
	seed     uint64
	logFile  string
	logItems []string // -d: device log items shown on stderr
	cpuProf  string
	debug    debugOptions // --gdb, -S, --trace-insn (gdb.go, trace.go)
	stats    bool
	jit      string // --jit (jit.go)
	det      bool   // a deterministic run (smoke --deterministic)
	// guestDecompress runs a zImage's own decompressor (no host shortcut).
	guestDecompress bool

	mtds        []string // --mtd, in QEMU's if=mtd order (machineopts.go)
	mtd         string   // the FMC CS0 image among them (mtd.go)
	mtdWritable bool
	bootMode    string        // --boot: firmware or direct
	flash       *flashImage   // set by machineOptions when CS0 has an image
	extraFlash  []*flashImage // images for FMC CS1.. and SPI1
	devices     []string      // --device MODEL,bus=N,addr=0xNN
	rtc         string        // --rtc base=...

	outputs   []*lateFile  // --pcap, --log: created by openOutputs (outputs.go)
	restoring bool         // --snapshot: the machine starts from a saved state
	front     frontOptions // --serial, --monitor, --qmp (frontends.go)
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
	f.StringArrayVar(&o.nic, "nic", nil, "network backend, repeatable in MAC order (MAC0, then MAC1): user (MAC0's default; NAT, guest 10.0.2.15), tap:IFNAME, peer (deterministic peer on the virtual clock), none (MAC1's default)")
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
	f.BoolVar(&o.guestDecompress, "guest-decompress", false, "run a zImage's own decompressor in the guest instead of inflating the kernel on the host (slower; for fidelity)")
	o.front.register(f)
	f.BoolVar(&o.stats, "stats", false, "print instructions executed, guest time, wall time, MIPS and the CPU tier's figures on exit (stderr)")
	registerJIT(f, &o.jit)
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

// buildMachine builds the machine the flags describe, for boot and
// smoke: machineOptions, then the command's run policy (tune), then
// machine.Build (through snap, for --snapshot). On failure what was
// opened is released; a failure of the machine itself (not of the user's
// input) comes as a machineError.
func (o *bootOptions) buildMachine(cmd *cobra.Command, snap *snapOptions, console func(byte), tune func(*machine.Options) error) (*machine.Machine, error) {
	opts, err := o.machineOptions(cmd, console)
	if err != nil {
		return nil, err
	}
	if tune != nil {
		if err := tune(&opts); err != nil {
			o.release()
			return nil, err
		}
	}
	m, err := snap.newMachine(cmd, o, opts)
	if err != nil {
		o.release()
		var ie *loader.InputError
		var ue usageError
		if errors.As(err, &ie) || errors.As(err, &ue) {
			return nil, usageError{err}
		}
		return nil, machineError{err}
	}
	return m, nil
}

// machineError is a failure to build the machine that is not the user's
// input.
type machineError struct{ err error }

func (e machineError) Error() string { return e.err.Error() }
func (e machineError) Unwrap() error { return e.err }

// machineOptions turns the flags into machine options. Every flag and
// input is validated before anything is opened or created: the network
// backend (a tap device, host ports) and the GDB listener are opened
// last, and the output files (--pcap, --log) only by openOutputs, once
// the machine is built.
func (o *bootOptions) machineOptions(cmd *cobra.Command, console func(byte)) (machine.Options, error) {
	var cfg machine.Options
	o.flash, o.extraFlash, o.outputs = nil, nil, nil
	b, props, err := o.board()
	if err != nil {
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
	extraMTD, err := o.resolveMTD(b)
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
	ns, err := o.netSpec()
	if err != nil {
		return cfg, err
	}
	if err := o.debug.validate(); err != nil {
		return cfg, err
	}
	jit, err := o.jitMode(o.det)
	if err != nil {
		return cfg, err
	}
	for _, item := range o.logItems {
		if item != "unimp" {
			return cfg, usage("-d %s: unknown log item (known: unimp)", item)
		}
	}
	var pcapOut [2]*lateFile
	var logOut *lateFile
	for i, path := range ns.pcaps {
		if path == "" {
			continue
		}
		if pcapOut[i], err = o.newOutput("--pcap", path); err != nil {
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
	case len(o.mtds) == 0 && o.mtdWritable:
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
	o.flash = flash
	if err == nil {
		err = o.readExtraMTD(b, extraMTD)
	}
	if err != nil {
		o.release()
		return cfg, err
	}
	// Firmware boot starts at the reset vector with the SCU locked, as the
	// hardware does; direct boot plays the boot loader's part.
	boot := machine.FirmwareBoot
	direct := false
	if flash == nil || o.bootMode == "direct" {
		req.GuestDecompress = o.guestDecompress
		if o.restoring {
			// A machine restored from a snapshot needs the images in
			// RAM only if the guest resets: plan them then (the
			// snapshot's header already matched their hashes).
			boot = lazyDirectBoot(req, uint32(ram))
		} else {
			layout, err := loader.Plan(req, ast2500.DRAMBase, uint32(ram))
			if err != nil {
				o.release()
				return cfg, usageError{err}
			}
			boot = machine.DirectBoot(layout)
		}
		direct = true
	}

	// Validated: open the network backends and the GDB listener.
	nets, err := o.network(ns)
	if err != nil {
		o.release()
		return cfg, err
	}
	closeNets := func() {
		for _, n := range nets {
			n.Backend.Close()
		}
	}
	if err := o.debug.listen(); err != nil {
		closeNets()
		o.release()
		return cfg, err
	}
	for i, out := range pcapOut {
		if out == nil {
			continue
		}
		// The pcap header goes to memory until openOutputs.
		w, err := pcap.NewWriterTo(out, ns.pcaps[i])
		if err != nil {
			closeNets()
			o.release()
			return cfg, usage("--pcap %s: %v", ns.pcaps[i], err)
		}
		nets[i].PCAP = w
	}
	log := mmio.Default
	if logOut != nil {
		log = mmio.NewLog(logOut)
	} else if len(o.logItems) > 0 {
		log = mmio.NewLog(nil) // -d unimp: unimplemented registers on stderr
		log.ShowUnimplemented()
	}
	cfg = machine.Options{
		Board:           b,
		RAMSize:         ram,
		Strap:           props.strapFor(b),
		Seed:            o.seed,
		BaseUnix:        baseUnix,
		Log:             log,
		Boot:            boot,
		Direct:          direct,
		Attach:          o.attachFor(b, props, devs),
		Net:             nets,
		Console:         console,
		GuestDecompress: o.guestDecompress,
		NoReboot:        o.noReboot,
		MaxBootLoop:     bootLoopLimit,
		JIT:             jit,
	}
	return cfg, nil
}

// lazyDirectBoot is machine.DirectBoot with the images planned on first
// use.
func lazyDirectBoot(req loader.Request, ram uint32) func(*machine.Machine) error {
	var boot func(*machine.Machine) error
	return func(m *machine.Machine) error {
		if boot == nil {
			layout, err := loader.Plan(req, ast2500.DRAMBase, ram)
			if err != nil {
				return err
			}
			boot = machine.DirectBoot(layout)
		}
		return boot(m)
	}
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

// release closes what machineOptions opened when the run does not happen.
func (o *bootOptions) release() {
	o.flash.close()
	for _, f := range o.extraFlash {
		f.close()
	}
	o.debug.closeListener()
}

// realPeers reports whether a MAC talks to peers outside the emulator
// (the deterministic peer is inside: it runs on the virtual clock).
func (o *bootOptions) realPeers() bool {
	ns, err := o.netSpec()
	if err != nil {
		return false
	}
	for _, m := range ns.macs {
		if m.kind != network.KindNone && m.kind != network.KindPeer {
			return true
		}
	}
	return false
}

// nicSpec is one MAC's validated --nic (and, for MAC0, --hostfwd).
type nicSpec struct {
	kind, arg string
	fwds      []usernet.HostFwd
}

// netSpec is the validated --nic, --hostfwd and --pcap flags, in MAC
// order.
type netSpec struct {
	macs  [2]nicSpec
	pcaps [2]string
}

// netSpec parses --nic (repeatable in MAC order: MAC0 defaults to user,
// MAC1 to none), --hostfwd (MAC0) and --pcap (in MAC order, or
// mac0=FILE, mac1=FILE) without opening anything.
func (o *bootOptions) netSpec() (netSpec, error) {
	var ns netSpec
	specs := [2]string{network.KindUser, network.KindNone}
	if len(o.nic) > 2 {
		return ns, usage("--nic: the AST2500 has two MACs; got %d --nic", len(o.nic))
	}
	copy(specs[:], o.nic)
	for i, spec := range specs {
		var err error
		if ns.macs[i].kind, ns.macs[i].arg, err = network.ParseNIC(spec); err != nil {
			return ns, usageError{err} // names --nic and the value
		}
	}
	if len(o.hostfwd) > 0 && ns.macs[0].kind != network.KindUser {
		return ns, usage("--hostfwd needs --nic user (for MAC0)")
	}
	for _, r := range o.hostfwd {
		f, err := usernet.ParseHostFwd(r)
		if err != nil {
			return ns, usage("--%v", err) // "hostfwd RULE: ..."
		}
		ns.macs[0].fwds = append(ns.macs[0].fwds, f)
	}
	for i, spec := range o.pcap {
		k, v, ok := strings.Cut(spec, "=")
		switch {
		case ok && (k == "mac0" || k == "mac1"):
			ns.pcaps[k[3]-'0'] = v
		case i < 2:
			ns.pcaps[i] = spec
		default:
			return ns, usage("--pcap %s: the AST2500 has two MACs (use mac0=FILE or mac1=FILE)", spec)
		}
	}
	return ns, nil
}

// network opens the backends the flags ask for, one per MAC (NC-SI is
// the board's, applied by machine.Build).
func (o *bootOptions) network(ns netSpec) ([2]machine.NetConfig, error) {
	var nets [2]machine.NetConfig
	for i, spec := range ns.macs {
		be, err := openBackend(spec)
		if err != nil {
			for _, n := range nets[:i] {
				n.Backend.Close()
			}
			return nets, err
		}
		nets[i].Backend = be
	}
	return nets, nil
}

// openBackend opens one MAC's backend.
func openBackend(spec nicSpec) (network.Backend, error) {
	switch spec.kind {
	case network.KindTap:
		t, err := tap.NewTap(spec.arg)
		if err != nil {
			return nil, usage("--nic %v", err) // "tap NAME: ..."
		}
		return t, nil
	case network.KindUser:
		u, err := usernet.NewUser(usernet.UserConfig{HostFwds: spec.fwds})
		if err != nil {
			if strings.HasPrefix(err.Error(), "hostfwd ") {
				return nil, usage("--%v", err)
			}
			return nil, usage("--nic user: %v", err)
		}
		return u, nil
	case network.KindPeer:
		p, err := peer.New(peer.Config{})
		if err != nil {
			return nil, usage("--nic peer: %v", err)
		}
		return p, nil
	}
	return network.NewNone(), nil
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
			// From here on SIGINT, SIGTERM and SIGHUP (terminal closed)
			// stop the run; the flash image is saved and the capture
			// flushed before the process exits, and the signals stay
			// caught until then, so a second one cannot cut the save.
			sig := make(chan os.Signal, 4)
			signal.Notify(sig, stopSignals...)
			defer signal.Stop(sig)
			var fe *frontends
			m, err := o.buildMachine(cmd, snap, con.out, func(opts *machine.Options) (err error) {
				opts.Paced = paced
				// A run left unpaced by --pace auto waits in wall time
				// once it has been idle for long (a person at the
				// prompt). An explicit --pace off skips idle time freely,
				// and so does a run to an instruction count
				// (--snapshot-after).
				if !paced && o.pace == "auto" && snap.after == 0 {
					opts.IdleWallAfter = machine.DefaultIdleWallAfter
				}
				fe, err = o.front.configure(opts, con)
				return err
			})
			if err != nil {
				return err
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
			restore := con.start(m, o.machine, o.statusWhat())
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
				printJITStats("ast2500emu", m)
			}
			restore()
			if serr := o.saveFlash(); serr != nil && err == nil {
				err = hostError{serr}
			}
			if serr := saveFailed(); serr != nil && err == nil {
				err = hostError{serr}
			}
			if err != nil {
				return err
			}
			return bootExit(m, exit)
		},
	}
	o.register(cmd)
	snap.registerLoad(cmd.Flags())
	snap.registerSave(cmd.Flags())
	return cmd
}
