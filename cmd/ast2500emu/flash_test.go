package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBootFlash boots the bundled guest on each board and checks that
// Linux 6.1's spi-aspeed-smc and spi-nor drivers find the flash chips the
// board has (devices/smc, devices/spinor), create the MTD partitions of
// the OpenBMC layout, and can write and read them back (erase and program
// through user mode, reads through the memory-mapped window). On romulus
// the data must also survive a watchdog reboot (the chip keeps its
// contents across a SoC reset).
func TestBootFlash(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	boards := []struct {
		name   string
		chips  []string
		reboot bool
	}{
		{"romulus", []string{`spi-nor spi0.0: n25q256a \(32768 Kbytes\)`, `spi-nor spi1.0: mx66l1g45g \(131072 Kbytes\)`}, true},
		{"ast2500-evb", []string{`spi-nor spi0.0: mx25l25635e \(32768 Kbytes\)`, `spi-nor spi1.0: mx25l25635e \(32768 Kbytes\)`}, false},
	}
	for _, b := range boards {
		b := b
		t.Run(b.name, func(t *testing.T) {
			g := startGuest(t, exe, "flash-"+b.name, "boot", "-M", b.name, "--nic", "none", "--pace", "off")
			const boot = 4 * time.Minute
			g.expect(b.chips[0], boot)
			g.expect(`Creating 5 MTD partitions on "bmc"`, boot)
			g.expect(`0x000001c00000-0x000002000000 : "rwfs"`, boot)
			g.expect(b.chips[1], boot)
			g.expect(prompt, boot)

			mtd := g.run("cat /proc/mtd", time.Minute)
			for _, p := range []string{`"u-boot"`, `"rofs"`, `"rwfs"`, `"pnor"`} {
				if !strings.Contains(mtd, p) {
					t.Errorf("/proc/mtd lacks %s:\n%s", p, mtd)
				}
			}
			g.run("echo flash-ok-"+b.name+" > /dev/mtdblock4; sync", time.Minute)
			want := "flash-ok-" + b.name
			if r := g.run("head -c 32 /dev/mtd4", time.Minute); !strings.Contains(r, want) {
				t.Errorf("read back from /dev/mtd4: %q", r)
			}
			if b.reboot {
				g.send("reboot\n")
				g.expect(`Booting Linux on physical CPU`, boot)
				g.expect(prompt, boot)
				if r := g.run("head -c 32 /dev/mtd4", time.Minute); !strings.Contains(r, want) {
					t.Errorf("after reboot, /dev/mtd4: %q", r)
				}
			}
			g.send("poweroff\n")
			if code := g.wait(boot); code != 0 {
				t.Errorf("exit status after poweroff: %d", code)
			}
			log := g.text()
			if bad := regexp.MustCompile(`(?m)^.*(window invalid|Failed to create SPI device|spi-nor.*(unrecognized|error)|aspeed-smc.*(invalid|error)).*$`).FindAllString(log, -1); len(bad) > 0 {
				t.Errorf("flash errors on the console:\n%s", strings.Join(bad, "\n"))
			}
			if bad := badLines.FindAllString(log, -1); len(bad) > 0 {
				t.Errorf("bad console lines:\n%s", strings.Join(bad, "\n"))
			}
		})
	}
}
