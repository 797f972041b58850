package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestNewBoardsBoot boots the bundled guest with each board QEMU 7.2 has
// beyond romulus and ast2500-evb (QEMU's names), to a shell, and checks
// the guest sees that board: its device tree, and one device the board
// attaches (a sensor, an EEPROM, MAC1).
func TestNewBoardsBoot(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	for _, c := range []struct{ board, compatible, check, want string }{
		{"witherspoon-bmc", "ibm,witherspoon-bmc", "cat /sys/bus/i2c/devices/9-004a/hwmon/hwmon*/temp1_input", "30000"},
		{"sonorapass-bmc", "ocp,sonorapass-bmc", "cat /sys/bus/i2c/devices/6-0049/hwmon/hwmon*/temp1_input", "30000"},
		{"g220a-bmc", "bytedance,g220a-bmc", "cat /sys/class/net/eth1/address >/dev/null && echo has-eth1", "has-eth1"},
		{"fp5280g2-bmc", "inspur,fp5280g2-bmc", "head -c 4 /sys/bus/i2c/devices/1-0050/eeprom | od -An -tx1", "ff ff ff ff"},
	} {
		t.Run(c.board, func(t *testing.T) {
			g := startGuest(t, exe, "board-"+c.board, "boot", "-M", c.board, "--nic", "none", "--pace", "off")
			const boot = 4 * time.Minute
			g.expect(`Booting Linux on physical CPU`, boot)
			g.expect(`ast2500emu-guest: init ok`, boot)
			g.expect(prompt, boot)
			if r := g.run("cat /proc/device-tree/compatible | tr '\\0' ' '", time.Minute); !strings.Contains(r, c.compatible) {
				t.Errorf("compatible: %q, want %q", r, c.compatible)
			}
			if r := g.run(c.check, time.Minute); !strings.Contains(r, c.want) {
				t.Errorf("%s: %q, want %q", c.check, r, c.want)
			}
			g.send("poweroff\n")
			if code := g.wait(boot); code != 0 {
				t.Errorf("exit status after poweroff: %d", code)
			}
			if bad := badLines.FindAllString(g.text(), -1); len(bad) > 0 {
				t.Errorf("bad console lines:\n%s", strings.Join(bad, "\n"))
			}
		})
	}
}

// mtdByName finds /dev/mtdN for the partition or chip named name in
// /proc/mtd.
func mtdByName(t *testing.T, procMTD, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^(mtd\d+): \S+ \S+ "` + regexp.QuoteMeta(name) + `"`).FindStringSubmatch(procMTD)
	if m == nil {
		t.Fatalf("no %q in /proc/mtd:\n%s", name, procMTD)
	}
	return "/dev/" + m[1]
}

// TestMachineOptions runs one g220a with every machine option: QEMU's
// machine properties (hw-strap1, spi-model), flash images for FMC CS1 and
// SPI1, I2C devices added on the command line and bound by the guest's
// drivers, MAC1 on its own user network with its own capture, and the RTC
// base.
func TestMachineOptions(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	dir := t.TempDir()
	image := func(name, marker string, size int) string {
		b := make([]byte, size)
		for i := range b {
			b[i] = 0xFF
		}
		copy(b, marker)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cs1 := image("cs1.mtd", "AST2500EMU-CS1", 64<<20)
	spi1 := image("spi1.mtd", "AST2500EMU-SPI1", 1<<20) // short: padded
	pcap1 := filepath.Join(dir, "mac1.pcap")
	const strap = "0xF103D20E" // g220a's with bit 16 (SuperIO address) set
	g := startGuest(t, exe, "machine-options", "boot",
		"-M", "g220a-bmc,hw-strap1="+strap+",spi-model=mx66l1g45g",
		"--mtd", "fmc1="+cs1, "--mtd", "spi1="+spi1,
		"--device", "tmp105,bus=5,addr=0x4c", "--device", "rx8900,bus=5,addr=0x32",
		"--nic", "none", "--nic", "user", "--pcap", "mac1="+pcap1,
		"--rtc", "base=2021-03-04T05:06:07")
	const boot = 4 * time.Minute
	g.expect(`spi-nor spi1.0: mx66l1g45g \(131072 Kbytes\)`, boot)
	g.expect(`ast2500emu-guest: init ok`, boot)
	g.expect(prompt, boot)

	if r := g.run("devmem 0x1e6e2070", time.Minute); !strings.Contains(strings.ToUpper(r), strings.ToUpper(strap)) {
		t.Errorf("SCU70: %q, want %s", r, strap)
	}
	mtd := g.run("cat /proc/mtd", time.Minute)
	if r := g.run("head -c 14 "+mtdByName(t, mtd, "alt-u-boot"), time.Minute); !strings.Contains(r, "AST2500EMU-CS1") {
		t.Errorf("FMC CS1 (alt-u-boot): %q", r)
	}
	if r := g.run("head -c 15 "+mtdByName(t, mtd, "bios"), time.Minute); !strings.Contains(r, "AST2500EMU-SPI1") {
		t.Errorf("SPI1 (bios): %q", r)
	}

	// The added sensor, bound by the lm75 driver, read through hwmon.
	g.run("echo tmp105 0x4c > /sys/bus/i2c/devices/i2c-5/new_device", time.Minute)
	// (The last line: a long command line's echo can wrap into the output.)
	r := strings.Split(strings.TrimSpace(g.run("cat /sys/bus/i2c/devices/5-004c/hwmon/hwmon*/temp1_input", time.Minute)), "\n")
	if r[len(r)-1] != "30000" {
		t.Errorf("tmp105 temp1_input: %q, want 30000", r)
	}
	// The added RTC holds --rtc base.
	g.run("echo rx8900 0x32 > /sys/bus/i2c/devices/i2c-5/new_device", time.Minute)
	if r := g.run("cat /sys/bus/i2c/devices/5-0032/rtc/rtc*/date", time.Minute); !strings.Contains(r, "2021-03-04") {
		t.Errorf("rx8900 date: %q, want 2021-03-04", r)
	}

	// MAC1 on its own user network: a DHCP lease through eth1.
	g.run("ip link set eth1 up", time.Minute)
	if r := g.run("udhcpc -i eth1 -n -q -t 5 -T 2", 2*time.Minute); !strings.Contains(r, "lease of 10.0.2.15 obtained") {
		t.Errorf("udhcpc on eth1: %q", r)
	}
	g.send("poweroff\n")
	if code := g.wait(boot); code != 0 {
		t.Errorf("exit status after poweroff: %d", code)
	}
	rep := readPCAP(t, pcap1)
	if rep.frames == 0 {
		t.Errorf("mac1.pcap: no frames")
	}
	if bad := badLines.FindAllString(g.text(), -1); len(bad) > 0 {
		t.Errorf("bad console lines:\n%s", strings.Join(bad, "\n"))
	}
}

// TestMachineOptionsBadInput: each wrong machine option is one line on
// stderr and exit status 2.
func TestMachineOptionsBadInput(t *testing.T) {
	exe := buildCLI(t)
	dir := t.TempDir()
	img := filepath.Join(dir, "x.mtd")
	os.WriteFile(img, []byte{0xFF, 0xFF, 0xFF, 0xFF}, 0o644)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown device model", []string{"--device", "tmp999,bus=3,addr=0x4c"}, `unknown I2C device model "tmp999"`},
		{"device without addr", []string{"--device", "tmp105,bus=3"}, "want MODEL,bus=N,addr=0xNN"},
		{"device bad bus", []string{"--device", "tmp105,bus=14,addr=0x4c"}, "bus=14: want an I2C bus 0..13"},
		{"device bad addr", []string{"--device", "tmp105,bus=3,addr=0x80"}, "addr=0x80: want a 7-bit address"},
		{"device twice", []string{"--device", "tmp105,bus=3,addr=0x4c", "--device", "lm75,bus=3,addr=0x4c"}, "already taken by --device tmp105"},
		{"device on board's address", []string{"-M", "romulus-bmc", "--device", "lm75,bus=12,addr=0x4c"}, "already taken by a device of the romulus board"},
		{"unknown machine property", []string{"-M", "romulus-bmc,execute-in-place=on"}, `unknown machine property "execute-in-place"`},
		{"bad strap", []string{"-M", "romulus-bmc,hw-strap1=0x1FFFFFFFF"}, "hw-strap1=0x1FFFFFFFF: want a 32-bit number"},
		{"bad fmc model", []string{"-M", "romulus-bmc,fmc-model=w25q80"}, "fmc-model=w25q80: unknown flash model"},
		{"third nic", []string{"--nic", "none", "--nic", "none", "--nic", "none"}, "the AST2500 has two MACs"},
		{"third pcap", []string{"--pcap", "a", "--pcap", "b", "--pcap", "c"}, "--pcap c: the AST2500 has two MACs"},
		{"bad rtc", []string{"--rtc", "base=yesterday"}, `"yesterday" is not utc, localtime or a date`},
		{"rtc without base", []string{"--rtc", "utc"}, "--rtc utc: want base="},
		{"fourth mtd", []string{"--mtd", img, "--mtd", img, "--mtd", img, "--mtd", img}, "romulus has only 3 flash chips"},
		{"second image for a chip", []string{"--mtd", "spi1=" + img, "--mtd", "spi1=" + img}, "SPI1 CS0 already has the image"},
		{"no fmc1 on the evb", []string{"-M", "ast2500-evb", "--mtd", "fmc1=" + img}, "ast2500-evb has 1 FMC flash chip(s)"},
		{"missing cs1 image", []string{"--mtd", "fmc1=" + filepath.Join(dir, "nope")}, "nope: expected a flash image file, found nothing"},
		{"oversize spi1 image", []string{"-M", "romulus,spi-model=mx25l25635e", "--mtd", "spi1=" + bigFile(t, dir, 33<<20)}, "larger than the mx25l25635e flash chip"},
	} {
		code, msg := runExit(t, exe, append([]string{"boot", "--pace", "off"}, c.args...)...)
		if code != 2 || strings.Count(msg, "\n") != 0 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one line containing %q", c.name, code, msg, c.want)
		}
	}
}

// bigFile makes a sparse file of n bytes.
func bigFile(t *testing.T, dir string, n int64) string {
	p := filepath.Join(dir, "big.mtd")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(n)
	f.Close()
	return p
}
