package main

// End-to-end test of the deterministic peer (--nic peer): the bundled
// guest gets its address by DHCP, pings the gateway, echoes TCP through
// the peer's echo server and answers the peer's UDP probe, all under
// smoke --deterministic; a second run must produce the same console and
// the same capture, byte for byte.

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/ast2500emu/ast2500emu/network/peer"
)

func TestNetworkPeer(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Linux")
	}
	exe := buildCLI(t)
	dir := t.TempDir()
	run := func(n string) (console, capture []byte) {
		t.Helper()
		con, pcap := filepath.Join(dir, n+".console"), filepath.Join(dir, n+".pcap")
		code, out := runSmoke(t, exe, "--deterministic", "--nic", "peer", "--log", os.DevNull, "--timeout", "4m",
			"--pcap", pcap, "--console-log", con,
			"--expect", prompt, "--send", `ip link set eth0 up && udhcpc -i eth0 -n -q -t 5 -T 2\n`,
			"--expect", `eth0 bound to 10\.0\.2\.15 via 10\.0\.2\.2`, "--expect", prompt,
			"--send", `ping -c 1 10.0.2.2\n`, "--expect", `1 packets received`, "--expect", prompt,
			"--send", `netstudy client 10.0.2.2 7 20000\n`, "--expect", `sent 20000 received 20000 sum 0x[0-9a-f]+ ok`, "--expect", prompt,
			"--send", `netstudy udpecho 7 & sleep 1; netstudy source 10.0.2.2 40007 1; kill $!; echo probe done\n`,
			"--expect", `(?m)^probe done`, "--expect", prompt,
			"--send", `poweroff\n`, "--expect", `System halted`)
		if code != 0 {
			c, _ := os.ReadFile(con)
			t.Fatalf("smoke exit %d: %s\nconsole:\n%s", code, out, c)
		}
		console, _ = os.ReadFile(con)
		capture, err := os.ReadFile(pcap)
		if err != nil {
			t.Fatal(err)
		}
		return console, capture
	}
	con1, cap1 := run("one")

	rep := readPCAP(t, filepath.Join(dir, "one.pcap"))
	if len(rep.malformed) > 0 {
		t.Errorf("malformed frames: %v", rep.malformed)
	}
	if !rep.dhcp[1] || !rep.dhcp[2] || !rep.dhcp[3] || !rep.dhcp[5] { // DISCOVER, OFFER, REQUEST, ACK
		t.Errorf("DHCP exchange incomplete: %v", rep.dhcp)
	}
	checkFlow(t, rep, "10.0.2.15:", "10.0.2.2:7", 2*20000)
	checkFlow(t, rep, "10.0.2.15:", "10.0.2.2:40007", 1)
	probe := []byte("\x9c\x47\x00\x07") // UDP 40007 -> 7
	echo := []byte("\x00\x07\x9c\x47")  // and back
	if !bytes.Contains(cap1, append(probe, 0, 28)) || !bytes.Contains(cap1, append(echo, 0, 28)) || bytes.Count(cap1, peer.ProbePayload) < 2 {
		t.Errorf("the UDP probe and its echo are not in the capture")
	}
	if !regexp.MustCompile(`64 bytes from 10\.0\.2\.2: seq=0 ttl=64`).Match(con1) {
		t.Errorf("no ping reply in the console")
	}

	con2, cap2 := run("two")
	if !bytes.Equal(con1, con2) {
		t.Errorf("the consoles of two runs differ")
	}
	if !bytes.Equal(cap1, cap2) {
		t.Errorf("the captures of two runs differ (%d and %d bytes)", len(cap1), len(cap2))
	}
}
