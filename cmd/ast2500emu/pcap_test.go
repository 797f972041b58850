package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestPcapCompleteAtPowerOff: every frame the guest transmits before it
// halts is in the capture. The kernel's netconsole sends each kernel
// message as a UDP datagram right after writing it to the serial console,
// so the last message of a power-off ("reboot: System halted", printed
// just before the CPU enters its halt loop) is the guest's very last
// frame: a run that ends on the console line instead of on the halted CPU
// loses it (the audit of issue 19 counted 41 frames for 42 messages).
func TestPcapCompleteAtPowerOff(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	const long = 4 * time.Minute
	pcapPath := filepath.Join(t.TempDir(), "evb.pcap")
	g := startGuest(t, exe, "pcap-poweroff", "boot", "-M", "ast2500-evb", "--nic", "user", "--pace", "off",
		"--append", "console=ttyS4,115200n8 netconsole=6665@10.0.2.15/eth0,6666@10.0.2.2/52:55:0a:00:02:02",
		"--pcap", pcapPath)
	g.expect(`netconsole: network logging started`, long)
	g.expect(prompt, long)
	g.send("poweroff\n")
	if code := g.wait(long); code != 0 {
		t.Fatalf("exit status after poweroff: %d", code)
	}

	// Kernel messages on the console from netconsole's start on.
	console := g.text()
	console = console[strings.Index(console, "netconsole: network logging started"):]
	var want []string
	for _, m := range regexp.MustCompile(`(?m)^\[ *\d+\.\d+\] [^\r\n]*`).FindAllString(console, -1) {
		want = append(want, m)
	}
	// Netconsole datagrams in the capture.
	f, err := os.Open(pcapPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		if u, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP); ok && u.DstPort == 6666 {
			got = append(got, strings.TrimRight(string(u.Payload), "\n"))
		}
	}
	sent := map[string]bool{}
	for _, m := range got {
		sent[m] = true
	}
	var missing []string
	for _, m := range want {
		if !sent[m] {
			missing = append(missing, m)
		}
	}
	t.Logf("%d kernel messages after netconsole started, %d netconsole frames captured", len(want), len(got))
	if len(want) == 0 || !strings.Contains(want[len(want)-1], "reboot: ") {
		t.Fatalf("the console does not end with the kernel's reboot message: %q", want)
	}
	if len(missing) > 0 {
		t.Errorf("%d kernel messages missing from the capture (the guest sent them before halting): %s",
			len(missing), strings.Join(missing, " | "))
	}
}
