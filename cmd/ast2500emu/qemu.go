package main

// QEMU spellings. Scripts and fingers used to qemu-system-arm -M
// romulus-bmc write single-dash long options (-machine, -kernel, -serial,
// -nographic...), which pflag would read as clusters of one-letter flags.
// qemuArgs rewrites the ones with an exact ast2500emu equivalent before
// cobra sees them, and answers the ones without one with a one-line error
// naming what to use instead. docs/qemu.md maps them option by option.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/smoke"
)

// qemuValueOpts are QEMU options that take a value and are ours with "--".
var qemuValueOpts = map[string]string{
	"-machine": "--machine", "-kernel": "--kernel", "-dtb": "--dtb", "-initrd": "--initrd",
	"-append": "--append", "-serial": "--serial", "-monitor": "--monitor", "-qmp": "--qmp",
	"-gdb": "--gdb", "-seed": "--seed", "-pidfile": "",
}

// qemuFlagOpts are QEMU options without a value.
var qemuFlagOpts = map[string][]string{
	"-nographic":   nil, // the console is always on stdio, no display
	"-no-reboot":   {"--no-reboot"},
	"-s":           {"--gdb", "tcp::1234"},
	"-no-shutdown": nil,
}

// qemuRefused are QEMU options with no equivalent: the error says what to
// use instead.
var qemuRefused = map[string]string{
	"-net":         "use --nic user|tap:IFNAME|none (and --hostfwd), or QEMU's -nic form",
	"-netdev":      "use --nic user|tap:IFNAME|none (and --hostfwd), or QEMU's -nic form",
	"-chardev":     "use --serial PORT=BACKEND (e.g. --serial vuart=unix:/tmp/vuart.sock)",
	"-device":      "the SoC's devices are built in; see docs/qemu.md",
	"-smp":         "the AST2500 has one ARM1176 core",
	"-cpu":         "the AST2500's core is an ARM1176JZF-S, always",
	"-accel":       "ast2500emu is an interpreter; there is no accelerator to choose",
	"-enable-kvm":  "ast2500emu is an interpreter; there is no accelerator to choose",
	"-bios":        "use --mtd FILE for a flash image holding the boot loader",
	"-pflash":      "use --mtd FILE",
	"-display":     "there is no display: the console is on stdio",
	"-vga":         "there is no display: the console is on stdio",
	"-loadvm":      "snapshots are files here: use --snapshot FILE",
	"-icount":      "guest time always comes from the instruction count (see --pace)",
	"-rtc":         "the RTC starts from --seed's base time",
	"-mon":         "use --monitor unix:PATH (Ctrl-A c on the console)",
	"-global":      "see docs/qemu.md for the machine's options",
	"-object":      "not supported",
	"-global-help": "not supported",
	"-daemonize":   "the emulator runs in the foreground (run it under nohup or a service manager)",
}

// qemuArgs rewrites QEMU-style arguments (everything after the program
// name). When any was rewritten and no subcommand is given, boot is
// implied, so "ast2500emu -M romulus-bmc -nographic" boots. It returns
// help=true for -M help (the caller lists the boards).
func qemuArgs(args []string) (out []string, help bool, err error) {
	qemu := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "--") {
			out = append(out, a)
			continue
		}
		name, val, hasVal := strings.Cut(a, "=")
		if hasVal && qemuValueOpts[name] == "" && qemuFlagOpts[name] == nil {
			name, val, hasVal = a, "", false // "-d=x" style: not ours to touch
		}
		next := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", name)
			}
			i++
			return args[i], nil
		}
		switch {
		case name == "-M" || name == "-machine" || name == "--machine":
			v, err := next()
			if err != nil {
				return nil, false, err
			}
			if v == "help" || v == "?" {
				return nil, true, nil
			}
			if name == "-machine" {
				qemu = true
			}
			if strings.HasPrefix(v, "type=") {
				v = strings.TrimPrefix(v, "type=")
			}
			out = append(out, "--machine", v)
		case name == "-nic":
			v, err := next()
			if err != nil {
				return nil, false, err
			}
			flags, err := qemuNIC(v)
			if err != nil {
				return nil, false, fmt.Errorf("-nic %s: %v", v, err)
			}
			qemu = true
			out = append(out, flags...)
		case name == "-drive":
			v, err := next()
			if err != nil {
				return nil, false, err
			}
			file, err := qemuDrive(v)
			if err != nil {
				return nil, false, fmt.Errorf("-drive %s: %v", v, err)
			}
			qemu = true
			out = append(out, "--mtd", file)
		case qemuValueOpts[name] != "" || name == "-pidfile":
			v, err := next()
			if err != nil {
				return nil, false, err
			}
			qemu = true
			if name == "-pidfile" {
				return nil, false, fmt.Errorf("-pidfile %s: not supported (the emulator runs in the foreground)", v)
			}
			if name == "-monitor" && (v == "stdio" || v == "mon:stdio") {
				continue // the console already is the monitor (Ctrl-A c)
			}
			out = append(out, qemuValueOpts[name], v)
		case isQEMUFlag(name):
			qemu = true
			out = append(out, qemuFlagOpts[name]...)
		case qemuRefused[name] != "":
			return nil, false, fmt.Errorf("%s: %s", name, qemuRefused[name])
		default:
			out = append(out, a)
		}
	}
	if qemu && (len(out) == 0 || strings.HasPrefix(out[0], "-")) {
		out = append([]string{"boot"}, out...)
	}
	return out, false, nil
}

func isQEMUFlag(name string) bool {
	_, ok := qemuFlagOpts[name]
	return ok
}

// qemuNIC turns QEMU's -nic into --nic and --hostfwd.
func qemuNIC(v string) ([]string, error) {
	parts := strings.Split(v, ",")
	var out []string
	switch parts[0] {
	case "user":
		out = []string{"--nic", "user"}
	case "tap":
		out = []string{"--nic", "tap"}
	case "none":
		if len(parts) > 1 {
			return nil, fmt.Errorf("none takes no options")
		}
		return []string{"--nic", "none"}, nil
	default:
		return nil, fmt.Errorf("backend %q: want user, tap or none", parts[0])
	}
	for _, p := range parts[1:] {
		k, val, _ := strings.Cut(p, "=")
		switch {
		case k == "hostfwd" && parts[0] == "user":
			out = append(out, "--hostfwd", val)
		case k == "ifname" && parts[0] == "tap":
			out[1] = "tap:" + val
		case k == "model" || k == "mac" || k == "id":
			// The MAC model is the SoC's FTGMAC100; its address comes
			// from the device tree or the firmware.
		default:
			return nil, fmt.Errorf("option %q: not supported (user: hostfwd=; tap: ifname=)", p)
		}
	}
	if out[1] == "tap" {
		return nil, fmt.Errorf("tap needs ifname=IFNAME (--nic tap:IFNAME)")
	}
	return out, nil
}

// qemuDrive accepts -drive file=X,if=mtd[,format=raw].
func qemuDrive(v string) (string, error) {
	var file, iface string
	for _, p := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(p, "=")
		switch k {
		case "file":
			file = val
		case "if":
			iface = val
		case "format":
			if val != "raw" {
				return "", fmt.Errorf("format %q: flash images are raw", val)
			}
		case "index", "unit":
		default:
			return "", fmt.Errorf("option %q: not supported (want file=X,if=mtd,format=raw)", p)
		}
	}
	if iface != "mtd" {
		return "", fmt.Errorf("only if=mtd (SPI flash) exists on the AST2500 boards: use --mtd FILE")
	}
	if file == "" {
		return "", fmt.Errorf("needs file=")
	}
	return file, nil
}

// machineHelp lists the boards for -M help.
func machineHelp() string {
	var b strings.Builder
	b.WriteString("Supported machines are:\n")
	for _, n := range boards.Names() {
		bd, _ := boards.Lookup(n)
		names := append([]string{n}, bd.Aliases...)
		fmt.Fprintf(&b, "%-28s %s\n", strings.Join(names, ", "), bd.Description)
	}
	return b.String()
}

// registerCompletions completes flag values in shell completion.
func registerCompletions(cmd *cobra.Command) {
	fixed := func(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return vals, cobra.ShellCompDirectiveNoFileComp
		}
	}
	var serial []string
	for _, p := range serialPorts {
		for _, b := range []string{"stdio", "pty", "null", "file:", "unix:", "tcp:"} {
			serial = append(serial, p.name+"="+b)
		}
	}
	var classes []string
	for _, c := range smoke.Classes {
		classes = append(classes, string(c))
	}
	sort.Strings(classes)
	comps := map[string]func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective){
		"machine":      fixed(boards.Names()...),
		"memory":       fixed("128M", "256M", "512M", "1G"),
		"nic":          fixed("user", "tap:", "none"),
		"pace":         fixed("on", "off", "auto"),
		"boot":         fixed("firmware", "direct"),
		"trace-format": fixed("tree", "boxes", "dot", "json"),
		"debug-log":    fixed("unimp"),
		"serial":       fixed(serial...),
		"monitor":      fixed("unix:", "tcp:127.0.0.1:"),
		"qmp":          fixed("unix:", "tcp:127.0.0.1:"),
		"allow":        fixed(classes...),
	}
	for name, fn := range comps {
		if cmd.Flags().Lookup(name) != nil {
			cmd.RegisterFlagCompletionFunc(name, fn)
		}
	}
}
