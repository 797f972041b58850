package gdbstub

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHandshakeAndTargetXML(t *testing.T) {
	_, c := newDriver(t, true)
	got := c.do("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=arm")
	for _, f := range []string{"PacketSize=4000", "qXfer:features:read+", "swbreak+", "hwbreak+"} {
		if !strings.Contains(got, f) {
			t.Errorf("qSupported reply %q lacks %s", got, f)
		}
	}
	c.expect("vMustReplyEmpty", "")
	c.expect("Hg0", "OK")
	c.expect("qAttached", "1")
	c.expectPrefix("?", "T")
	// Read target.xml in small chunks and follow the includes.
	var doc strings.Builder
	for off := 0; ; off += 0x40 {
		r := c.do("qXfer:features:read:target.xml:" + hexNum(off) + ",40")
		doc.WriteString(r[1:])
		if r[0] == 'l' {
			break
		}
		if r[0] != 'm' {
			t.Fatalf("bad xfer reply %q", r)
		}
	}
	if doc.String() != targetXML {
		t.Fatalf("target.xml reassembled wrong:\n%s", doc.String())
	}
	core := c.do("qXfer:features:read:arm-core.xml:0,1000")
	if !strings.HasPrefix(core, "l") || !strings.Contains(core, "org.gnu.gdb.arm.core") || !strings.Contains(core, `"cpsr" bitsize="32" regnum="25"`) {
		t.Errorf("arm-core.xml: %q", core)
	}
	vfp := c.do("qXfer:features:read:arm-vfp.xml:0,1000")
	if !strings.Contains(vfp, "org.gnu.gdb.arm.vfp") || !strings.Contains(vfp, `"d15"`) || !strings.Contains(vfp, `"fpscr"`) {
		t.Errorf("arm-vfp.xml: %q", vfp)
	}
	c.expect("qXfer:features:read:nosuch.xml:0,100", "E00")
	c.expect("qXfer:features:read:target.xml:fff,100", "l")
	c.expect("vCont?", "vCont;c;C;s;S")
	c.expect("qUnknownThing", "")
	c.expect("QStartNoAckMode", "OK")
	c.expect("qC", "QC1")
}

func hexNum(v int) string { return strconv.FormatInt(int64(v), 16) }

func TestRegistersStepAndMemory(t *testing.T) {
	d, c := newDriver(t, true)
	c.expectPrefix("?", "T")
	g := c.do("g")
	if len(g) != 2*(17*4+16*8+4) {
		t.Fatalf("g reply has %d hex digits", len(g))
	}
	if g[15*8:16*8] != hexLE(0) {
		t.Errorf("pc = %s, want 0", g[15*8:16*8])
	}
	if cpsr := g[16*8 : 17*8]; cpsr != hexLE(0x1d3) {
		t.Errorf("cpsr = %s, want reset 0x1d3", cpsr)
	}
	// Three steps: mov, mov, add.
	for i, want := range []uint32{4, 8, 0xc} {
		c.expect("s", "T05")
		if got := c.do("pf"); got != hexLE(want) {
			t.Fatalf("step %d: pc %s, want %x", i, got, want)
		}
	}
	c.expect("p0", hexLE(1))
	c.expect("p1", hexLE(0x1000))
	c.expect("vCont;s:1", "T05")
	c.expect("pf", hexLE(0x10))
	c.expect("p10", "E16") // register numbers are hex: 16 does not exist
	// Register writes.
	c.expect("P3=78563412", "OK")
	c.expect("p3", "78563412")
	if d.cpu.Reg(3) != 0x12345678 {
		t.Errorf("r3 = %#x", d.cpu.Reg(3))
	}
	c.expect("P1a="+hexLE(0x3ff00000)+hexLE(0), "OK") // d0 = 1.0 (low word first)
	if v := d.cpu.VFPReg64(0); v != 0x3ff00000 {
		t.Errorf("d0 = %#x", v)
	}
	c.expect("p2a", hexLE(0)) // fpscr
	c.expect("p99", "E16")
	// Memory: the program, then a write through M and X.
	c.expect("m0,8", hexLE(testProg[0])+hexLE(testProg[1]))
	c.expect("M2000,4:deadbeef", "OK")
	c.expect("m2000,4", "deadbeef")
	c.expect("X2004,3:a}c", "OK") // Encode escapes the brace on the wire
	c.expect("m2004,3", "617d63")
	c.expect("m200000,4", "E0e")
	c.expect("mfffff,4", "00") // partial read up to the first fault
	c.expect("mzz,4", "E16")
	// G round trip.
	g = c.do("g")
	c.expect("G"+g, "OK")
	c.expect("g", g)
}

func TestBreakpointContinueAndWatch(t *testing.T) {
	d, c := newDriver(t, true)
	c.expect("Z0,10,4", "OK")
	c.expect("c", "T05swbreak:;")
	c.expect("pf", hexLE(0x10))
	// Continuing steps over the breakpoint and comes back to it.
	c.expect("c", "T05swbreak:;")
	c.expect("p0", hexLE(2))
	c.expect("z0,10,4", "OK")
	c.expect("Z1,8,4", "OK") // hardware breakpoint
	c.expect("c", "T05swbreak:;")
	c.expect("pf", hexLE(0x8))
	c.expect("z1,8,4", "OK")

	// Write watchpoint on 0x1000: stops after the str at 0x0c.
	c.expect("Z2,1000,4", "OK")
	c.expect("c", "T05watch:1000;")
	c.expect("pf", hexLE(0x10))
	c.expect("m1000,4", c.do("p0"))
	c.expect("z2,1000,4", "OK")
	// Read watchpoint: stops after the ldr.
	c.expect("Z3,1002,1", "OK")
	c.expect("c", "T05rwatch:1002;")
	c.expect("pf", hexLE(0x14))
	c.expect("z3,1002,1", "OK")
	// Access watchpoint fires on the store.
	c.expect("Z4,1000,4", "OK")
	c.expect("c", "T05awatch:1000;")
	c.expect("pf", hexLE(0x10))
	c.expect("z4,1000,4", "OK")
	// No watchpoints left: the fast path is back.
	if d.stub.cpu == nil {
		t.Fatal("no cpu")
	}
	c.expect("Z9,0,0", "")
	c.expect("Z0,zz,4", "E16")
}

func TestInterruptWhileRunning(t *testing.T) {
	_, c := newDriver(t, true)
	c.send("c")
	time.Sleep(20 * time.Millisecond)
	c.conn.Write([]byte{0x03})
	if got := c.recv(); got != "T02" {
		t.Fatalf("after Ctrl-C: %q", got)
	}
	pc := c.do("pf")
	if pc != hexLE(8) && pc != hexLE(0xc) && pc != hexLE(0x10) && pc != hexLE(0x14) {
		t.Errorf("interrupted at %s, want inside the loop", pc)
	}
	c.expect("p1", hexLE(0x1000))
}

func TestAttachWhileRunningAndDetach(t *testing.T) {
	d, c := newDriver(t, false)
	c.expectPrefix("?", "T02")
	c.expect("Z0,8,4", "OK")
	c.expect("D", "OK")
	// After detach the breakpoint is gone and the guest runs freely.
	time.Sleep(10 * time.Millisecond)
	if d.stub.Connected() {
		// the stub may not have observed the close yet; it must not block
	}
	n := d.cpu.Insns
	time.Sleep(20 * time.Millisecond)
	if d.cpu.Insns == n {
		t.Error("guest does not run after detach")
	}
}

func TestKill(t *testing.T) {
	d, c := newDriver(t, true)
	c.send("k")
	select {
	case <-d.done:
	case <-time.After(5 * time.Second):
		t.Fatal("kill did not end the run")
	}
	if !d.killed.Load() {
		t.Error("not killed")
	}
}

func TestMalformedPacketsGetNack(t *testing.T) {
	_, c := newDriver(t, true)
	c.conn.Write([]byte("$g#00"))
	if ev := c.next(); ev.Kind != EvNack {
		t.Fatalf("bad checksum: got %+v, want '-'", ev)
	}
	c.expectPrefix("?", "T")
}

// "monitor CMD" (qRcmd) reaches Config.Monitor with the decoded command;
// its output comes back as O packets before OK.
func TestMonitorCommand(t *testing.T) {
	d, c := newDriver(t, true)
	var got string
	d.stub.SetMonitor(func(cmd string) string { got = cmd; return "pc 0x0\n" })
	c.expectPrefix("?", "T")
	// "info registers" in hex.
	c.expect("qRcmd,696e666f207265676973746572730a", "O"+"706320307830"+"0a")
	if r := c.recv(); r != "OK" {
		t.Fatalf("after the output: %q, want OK", r)
	}
	if got != "info registers\n" {
		t.Fatalf("monitor got %q", got)
	}
	c.expect("qRcmd,zz", "E01")
}
