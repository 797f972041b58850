package lpc

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
)

type line struct {
	level bool
	sets  int
}

func (l *line) Set(v bool) { l.level = v; l.sets++ }

func setup(t *testing.T) (*LPC, *line, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	ln := &line{}
	return New(ln, mmio.NewLog(&buf)), ln, &buf
}

// regmap_update_bits as the Linux syscon regmap does it: 32-bit read,
// modify, 32-bit write.
func update(l *LPC, off, mask, val uint32) {
	v := l.Read(off, 4)
	l.Write(off, 4, v&^mask|val&mask)
}

// kcsProbe replays aspeed_kcs_probe for channel ch with the given data
// address (one "aspeed,lpc-io-reg" cell), then the client's IBF enable.
func kcsProbe(l *LPC, ch int, addr uint32) {
	switch ch {
	case 1, 2:
		as := uint32(0)
		if ch == 2 {
			as = HICR4LADR12AS
		}
		update(l, RegHICR4, HICR4LADR12AS, as)
		l.Write(RegLADR12H, 4, addr>>8)
		l.Write(RegLADR12L, 4, addr&0xff)
	case 3:
		l.Write(RegLADR3H, 4, addr>>8)
		l.Write(RegLADR3L, 4, addr&0xff)
	case 4:
		l.Write(RegLADR4, 4, (addr+1)<<16|addr)
	}
	ibfie := map[int][2]uint32{1: {RegHICR2, HICR2IBFIE1}, 2: {RegHICR2, HICR2IBFIE2},
		3: {RegHICR2, HICR2IBFIE3}, 4: {RegHICRB, HICRBIBFIE4}}[ch]
	update(l, ibfie[0], ibfie[1], 0) // irq_mask_update(IBF|OBE, 0)
	switch ch {
	case 1:
		update(l, RegHICR0, HICR0LPC1E, HICR0LPC1E)
	case 2:
		update(l, RegHICR0, HICR0LPC2E, HICR0LPC2E)
	case 3:
		update(l, RegHICR0, HICR0LPC3E, HICR0LPC3E)
		update(l, RegHICR4, HICR4KCSENBL, HICR4KCSENBL)
	case 4:
		update(l, RegHICRB, HICRBLPC4E, HICRBLPC4E)
	}
	update(l, ibfie[0], ibfie[1], ibfie[1]) // client enables IBF
}

var kcsRegs = [5][3]uint32{{}, {RegIDR1, RegODR1, RegSTR1}, {RegIDR2, RegODR2, RegSTR2},
	{RegIDR3, RegODR3, RegSTR3}, {RegIDR4, RegODR4, RegSTR4}}

func TestKCSProbeAndTransfer(t *testing.T) {
	addrs := map[int]uint32{1: 0xca0, 2: 0xca8, 3: 0xca2, 4: 0xca4}
	for ch := 1; ch <= NumKCS; ch++ {
		l, ln, buf := setup(t)
		kcsProbe(l, ch, addrs[ch])
		r := kcsRegs[ch]
		if l.Read(r[2], 4) != 0 || ln.level {
			t.Fatalf("ch%d: status/irq not idle after probe", ch)
		}
		d, s, _ := l.KCSPorts(ch)
		wantS := map[int]uint16{1: 0xca4, 2: 0xcac, 3: 0xca3, 4: 0xca5}[ch]
		if d != uint16(addrs[ch]) || s != wantS {
			t.Fatalf("ch%d: ports %#x/%#x", ch, d, s)
		}
		// Host: WRITE_START (0x61) to the command port.
		if !l.HostWrite(ch, true, 0x61) {
			t.Fatalf("ch%d: host write refused", ch)
		}
		if !ln.level {
			t.Fatalf("ch%d: no IBF interrupt", ch)
		}
		if st := l.Read(r[2], 4); st != STRIBF|STRCD {
			t.Fatalf("ch%d: STR = %#x", ch, st)
		}
		// The IPMI client sets the state bits (WRITE state = 2 << 6).
		l.Write(r[2], 4, 0x80|STROBF) // OBF is read-only: ignored
		if st := l.Read(r[2], 4); st != 0x80|STRIBF|STRCD {
			t.Fatalf("ch%d: STR after state write = %#x", ch, st)
		}
		if v := l.Read(r[0], 4); v != 0x61 {
			t.Fatalf("ch%d: IDR = %#x", ch, v)
		}
		if ln.level || l.Read(r[2], 4)&STRIBF != 0 {
			t.Fatalf("ch%d: IBF/irq not cleared by IDR read", ch)
		}
		l.Write(r[1], 4, 0x00) // dummy byte to the host
		if l.Read(r[2], 4)&STROBF == 0 {
			t.Fatalf("ch%d: ODR write did not set OBF", ch)
		}
		// Host: data byte via the port-level API.
		if !l.HostIOWrite(d, 0x18) {
			t.Fatalf("ch%d: data port not decoded", ch)
		}
		if st, _ := l.HostIORead(s); st&(STRIBF|STROBF|STRCD) != STRIBF|STROBF {
			t.Fatalf("ch%d: host status = %#x", ch, st)
		}
		if v, ok := l.HostIORead(d); !ok || v != 0 {
			t.Fatalf("ch%d: host data read = %#x %v", ch, v, ok)
		}
		if l.Read(r[2], 4)&STROBF != 0 {
			t.Fatalf("ch%d: host read did not clear OBF", ch)
		}
		if l.Read(r[0], 1) != 0x18 || ln.level {
			t.Fatalf("ch%d: byte IDR read", ch)
		}
		if buf.Len() != 0 {
			t.Fatalf("ch%d: unexpected log: %s", ch, buf)
		}
	}
}

func TestKCSDisabledAndMasked(t *testing.T) {
	l, ln, _ := setup(t)
	if l.HostWrite(1, false, 1) {
		t.Fatal("disabled channel accepted a host write")
	}
	l.Write(RegHICR0, 4, HICR0LPC3E) // channel 3 also needs KCSENBL
	if l.HostWrite(3, false, 1) {
		t.Fatal("channel 3 enabled without KCSENBL")
	}
	l.Write(RegHICR4, 4, HICR4KCSENBL)
	if !l.HostWrite(3, false, 1) || ln.level {
		t.Fatal("IBF without IBFIE must not interrupt")
	}
	l.Write(RegHICR2, 4, HICR2IBFIE3)
	if !ln.level {
		t.Fatal("enabling IBFIE with IBF pending must interrupt")
	}
	l.Write(RegHICR2, 4, 0)
	if ln.level {
		t.Fatal("disabling IBFIE must lower the line")
	}
	l.Write(RegHICR2, 4, HICR2IBFIE3)
	n := ln.sets
	l.Reset()
	if ln.level || ln.sets != n+1 || l.IRQ() {
		t.Fatal("reset must lower a raised line once")
	}
	l.Reset()
	if ln.sets != n+1 {
		t.Fatal("reset drove an idle (shared) line")
	}
}

func TestLADR12Banking(t *testing.T) {
	l, _, _ := setup(t)
	kcsProbe(l, 1, 0xca0)
	kcsProbe(l, 2, 0xca8)
	if d, _, _ := l.KCSPorts(1); d != 0xca0 {
		t.Fatalf("ch1 data port %#x", d)
	}
	if l.Read(RegLADR12L, 4) != 0xa8 {
		t.Fatal("LADR12 should show the channel 2 bank")
	}
	update(l, RegHICR4, HICR4LADR12AS, 0)
	if l.Read(RegLADR12H, 4) != 0x0c || l.Read(RegLADR12L, 4) != 0xa0 {
		t.Fatal("LADR12 channel 1 bank")
	}
	// Two-address form for channel 1: status at LSADR12[15:0].
	update(l, RegLSADR12, 0xffff, 0xca1)
	update(l, RegHICRB, HICRBEN16LADR1, HICRBEN16LADR1)
	if _, s, _ := l.KCSPorts(1); s != 0xca1 {
		t.Fatalf("ch1 status port %#x", s)
	}
}

func TestBTProbeAndMessage(t *testing.T) {
	l, ln, buf := setup(t)
	const base = 0x140
	// bt_bmc_config_irq.
	l.Write(base+btCR1, 4, l.Read(base+btCR1, 4)|BTIrqH2B|BTIrqHBusy)
	// Probe: CR0 = io base 0xe4, SerIRQ 10, clear-pointer enables, enable.
	cr0 := uint32(0xe4<<16 | 10<<12 | 0x8 | 0x4 | 0x1)
	l.Write(base+btCR0, 4, cr0)
	if l.Read(base+btCR0, 4) != cr0 {
		t.Fatal("CR0 readback")
	}
	// clr_b_busy: only toggles when set.
	if l.Read(base+btCTRL, 1)&BTBBusy != 0 {
		l.Write(base+btCTRL, 1, BTBBusy)
	}
	if ln.level {
		t.Fatal("irq after probe")
	}

	// Host sends a 3-byte message: len 2, netfn, cmd.
	msg := []byte{2, 0x18, 0x01}
	l.BTHostWriteCtrl(BTClrWrPtr)
	for _, b := range msg {
		l.BTHostWrite(b)
	}
	l.BTHostWriteCtrl(BTH2BAtn)
	if !ln.level {
		t.Fatal("no H2B interrupt")
	}
	// IRQ handler: read CR2, ack.
	st := l.Read(base+btCR2, 4) & (BTIrqH2B | BTIrqHBusy)
	if st != BTIrqH2B {
		t.Fatalf("CR2 = %#x", st)
	}
	l.Write(base+btCR2, 4, st)
	if ln.level {
		t.Fatal("ack did not lower the line")
	}
	// bt_bmc_read.
	if l.Read(base+btCTRL, 1)&BTH2BAtn == 0 {
		t.Fatal("H2B_ATN not visible")
	}
	l.Write(base+btCTRL, 1, BTBBusy)  // set_b_busy
	l.Write(base+btCTRL, 1, BTH2BAtn) // clr_h2b_atn
	l.Write(base+btCTRL, 1, BTClrRdPtr)
	if c := l.Read(base+btCTRL, 1); c != BTBBusy {
		t.Fatalf("CTRL = %#x", c)
	}
	var got []byte
	n := l.Read(base+btBMC2HOST, 1)
	got = append(got, byte(n))
	for i := uint32(0); i < n; i++ {
		got = append(got, byte(l.Read(base+btBMC2HOST, 1)))
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("BMC read %x, want %x", got, msg)
	}
	l.Write(base+btCTRL, 1, BTBBusy) // clr_b_busy
	// bt_bmc_write: response len 3: netfn, cmd, cc.
	if l.Read(base+btCTRL, 1)&(BTHBusy|BTB2HAtn) != 0 {
		t.Fatal("host busy / B2H pending")
	}
	resp := []byte{3, 0x1c, 0x01, 0x00}
	l.Write(base+btCTRL, 1, BTClrWrPtr)
	for _, b := range resp {
		l.Write(base+btBMC2HOST, 1, uint32(b))
	}
	l.Write(base+btCTRL, 1, BTB2HAtn)
	if l.BTHostCtrl()&BTB2HAtn == 0 {
		t.Fatal("B2H_ATN not set")
	}
	// Host reads it: set H_BUSY, clear B2H_ATN, clear read pointer, read.
	l.BTHostWriteCtrl(BTHBusy)
	l.BTHostWriteCtrl(BTB2HAtn | BTClrRdPtr)
	var hb []byte
	for range resp {
		b, _ := l.BTHostRead()
		hb = append(hb, b)
	}
	if !bytes.Equal(hb, resp) {
		t.Fatalf("host read %x, want %x", hb, resp)
	}
	if ln.level {
		t.Fatal("irq while host busy")
	}
	l.BTHostWriteCtrl(BTHBusy) // clear H_BUSY: HBUSY interrupt
	if !ln.level || l.Read(base+btCR2, 4) != BTIrqHBusy {
		t.Fatal("no HBUSY interrupt")
	}
	l.Write(base+btCR2, 4, BTIrqHBusy)
	// SMS_ATN.
	l.Write(base+btCTRL, 1, BTSMSAtn)
	if l.BTHostCtrl()&BTSMSAtn == 0 {
		t.Fatal("SMS_ATN")
	}
	if ln.level || buf.Len() != 0 {
		t.Fatalf("level %v log %q", ln.level, buf)
	}
}

func TestBTDisabledHost(t *testing.T) {
	l, _, _ := setup(t)
	if l.BTHostWrite(1) || l.BTHostWriteCtrl(BTH2BAtn) {
		t.Fatal("host cycles accepted with iBT disabled")
	}
}

func TestSnoop(t *testing.T) {
	l, ln, buf := setup(t)
	// aspeed_lpc_enable_snoop(channel 0, port 0x80) and (1, 0x81).
	update(l, RegHICR5, HICR5EnSnp0W|HICR5EnIntSnp0W, HICR5EnSnp0W|HICR5EnIntSnp0W)
	update(l, RegSNPWADR, 0xffff, 0x80)
	update(l, RegHICRB, 1<<14, 1<<14)
	update(l, RegHICR5, HICR5EnSnp1W|HICR5EnIntSnp1W, HICR5EnSnp1W|HICR5EnIntSnp1W)
	update(l, RegSNPWADR, 0xffff0000, 0x81<<16)
	if l.Read(RegSNPWADR, 4) != 0x00810080 {
		t.Fatal("SNPWADR readback")
	}
	if l.HostIOWrite(0x82, 1) || ln.level {
		t.Fatal("unmatched port captured")
	}
	l.HostIOWrite(0x80, 0xa5)
	l.HostIOWrite(0x81, 0x5a)
	if !ln.level {
		t.Fatal("no snoop interrupt")
	}
	// aspeed_lpc_snoop_irq.
	st := l.Read(RegHICR6, 4) & (HICR6StrSnp0W | HICR6StrSnp1W)
	if st != 3 {
		t.Fatalf("HICR6 = %#x", st)
	}
	l.Write(RegHICR6, 4, st)
	if d := l.Read(RegSNPWDR, 4); d != 0x5aa5 {
		t.Fatalf("SNPWDR = %#x", d)
	}
	if ln.level || l.Read(RegHICR6, 4) != 0 {
		t.Fatal("ack did not clear")
	}
	// Disabling the interrupt enable masks a new capture.
	update(l, RegHICR5, HICR5EnIntSnp0W|HICR5EnIntSnp1W, 0)
	l.HostIOWrite(0x80, 1)
	if ln.level || l.Read(RegHICR6, 4) != 1 {
		t.Fatal("masked snoop")
	}
	if buf.Len() != 0 {
		t.Fatalf("log: %s", buf)
	}
}

func TestStoredRegisters(t *testing.T) {
	l, _, buf := setup(t)
	// LPC ctrl ioctl MAP: HICR7, HICR8, then HICR5 ENFWH|ENL2H.
	l.Write(RegHICR7, 4, 0x98000000|0x0e00)
	l.Write(RegHICR8, 4, 0xfe000000|0x01ff)
	update(l, RegHICR5, 1<<10|1<<8, 1<<10|1<<8)
	// Reset controller (uart2 reset = bit 5), UART routing, LHC.
	update(l, RegHICR9, 1<<5, 1<<5)
	update(l, RegHICR9, 1<<5, 0)
	update(l, RegHICRA, 7<<22, 2<<22)
	l.Write(RegLHCR0, 4, 1)
	l.Write(0xcc, 4, 0x1234)
	l.Write(RegSIRQCR0, 4, 2)
	l.Write(RegHICRC, 4, 0xf1)
	want := map[uint32]uint32{RegHICR7: 0x98000e00, RegHICR8: 0xfe0001ff, RegHICR5: 0x500,
		RegHICR9: 0, RegHICRA: 2 << 22, RegLHCR0: 1, 0xcc: 0x1234, RegSIRQCR0: 2, RegHICRC: 0xf1}
	for off, w := range want {
		if g := l.Read(off, 4); g != w {
			t.Errorf("reg %#x = %#x want %#x", off, g, w)
		}
	}
	if l.Read(RegLHCR0, 1) != 1 || l.Read(RegHICRA+2, 2) != 0x80 {
		t.Error("sub-word reads")
	}
	l.Write(RegHICRA+3, 1, 0xff)
	if l.Read(RegHICRA, 4) != 0xff800000 {
		t.Errorf("byte write: %#x", l.Read(RegHICRA, 4))
	}
	if buf.Len() != 0 {
		t.Fatalf("log: %s", buf)
	}
	// The hole at 0xc4 and unknown registers are logged and read zero.
	l.Write(0xc4, 4, 5)
	if l.Read(0xc4, 4) != 0 || l.Read(0x200, 4) != 0 {
		t.Fatal("unknown registers")
	}
	if !l.log.Seen(name, 0xc4, true) || !l.log.Seen(name, 0x200, false) {
		t.Fatal("unknown registers not logged")
	}
	l.Reset()
	if l.Read(RegHICR7, 4) != 0 || l.Read(RegLHCR0, 4) != 0 {
		t.Fatal("reset")
	}
}

func TestRandomAccessNoPanic(t *testing.T) {
	l, _, _ := setup(t)
	l.log.Quiet = true
	devtest.Fuzz{
		Seed: 1, Steps: 50000, Hot: 0x160, Sizes: []int{1, 2, 4, 3, 8},
		Actions: []func(*rand.Rand){
			func(rng *rand.Rand) {
				l.HostIOWrite(uint16(rng.Intn(0x100)+0xc00), byte(rng.Intn(256)))
				l.HostIORead(uint16(rng.Intn(0x100) + 0xc00))
			},
			func(rng *rand.Rand) {
				ch := rng.Intn(7) - 1
				l.HostWrite(ch, rng.Intn(2) == 0, byte(rng.Intn(256)))
				l.HostRead(ch)
				l.KCSPorts(ch)
				l.BTHostWriteCtrl(byte(rng.Intn(256)))
				l.BTHostWrite(byte(rng.Intn(256)))
				l.BTHostRead()
			},
		},
	}.Run(t, l)
}
