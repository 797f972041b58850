package uart

import (
	"bytes"
	"io"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// Register offsets (reg-shift 2).
const (
	oRBR = 0x00
	oIER = 0x04
	oIIR = 0x08
	oLCR = 0x0c
	oMCR = 0x10
	oLSR = 0x14
	oMSR = 0x18
	oSCR = 0x1c
)

type rig struct {
	t   *testing.T
	clk *devtest.Clock
	u   *UART
	out []byte
	irq bool
	log *mmio.Log
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t}
	r.clk = devtest.NewClock()
	r.log = mmio.NewLog(io.Discard)
	r.u = New(Config{
		Name:  "uart5",
		Clock: r.clk.Clock,
		IRQ:   mmio.LineFunc(func(l bool) { r.irq = l }),
		Out:   func(b byte) { r.out = append(r.out, b) },
		Log:   r.log,
	})
	return r
}

func (r *rig) rd(off uint32) uint8    { return uint8(r.u.Read(off, 1)) }
func (r *rig) wr(off uint32, v uint8) { r.u.Write(off, 1, uint32(v)) }
func (r *rig) expect(off uint32, want uint8, what string) {
	r.t.Helper()
	if got := r.rd(off); got != want {
		r.t.Fatalf("%s: read 0x%02x = 0x%02x, want 0x%02x", what, off, got, want)
	}
}

// advance moves guest time forward by d ns, firing each timer at its own
// deadline as the machine loop does.
func (r *rig) advance(d uint64) { r.clk.Advance(d) }

// setup programs 115200 8N1 at 24 MHz (divisor 13) and the given FCR.
func (r *rig) setup(fcr uint8) {
	r.wr(oLCR, 0x83)
	r.wr(oRBR, 13)
	r.wr(oIER, 0)
	r.wr(oLCR, 0x03)
	r.wr(oIIR, fcr)
}

// The probe Linux runs on a ns16550a port (8250_port.c autoconfig and
// autoconfig_16550a with the 16550A variants probed, then the startup
// tests) must identify a plain 16550A with working THRE re-assertion.
func TestAutoconfigIdentifies16550A(t *testing.T) {
	r := newRig(t)
	// IER scratch test.
	save := r.rd(oIER)
	r.wr(oIER, 0)
	s2 := r.rd(oIER) & 0x0f
	r.wr(oIER, 0x0f)
	s3 := r.rd(oIER) & 0x0f
	r.wr(oIER, save)
	if s2 != 0 || s3 != 0x0f {
		t.Fatalf("IER test failed (%02x, %02x)", s2, s3)
	}
	// Loopback test.
	saveMCR := r.rd(oMCR)
	saveLCR := r.rd(oLCR)
	r.wr(oMCR, 0x10|0x0a)
	if st := r.rd(oMSR) & 0xf0; st != 0x90 {
		t.Fatalf("loopback MSR = %02x, want 90", st)
	}
	r.wr(oMCR, saveMCR)
	// EFR clear, FIFO enable, IIR top bits.
	r.wr(oLCR, 0xbf)
	r.wr(oIIR, 0)
	r.wr(oLCR, 0)
	r.wr(oIIR, 0x01)
	if iir := r.rd(oIIR); iir>>6 != 3 {
		t.Fatalf("IIR after FIFO enable = %02x, want top bits 3", iir)
	}
	// autoconfig_16550a: no EFR under DLAB or 0xbf (EFR reads as IIR != 0).
	r.wr(oLCR, 0x80)
	if r.rd(oIIR) == 0 {
		t.Fatal("EFR under LCR=0x80 reads 0: would be an ST16C650V1")
	}
	r.wr(oLCR, 0xbf)
	if r.rd(oIIR) == 0 {
		t.Fatal("EFR under LCR=0xbf reads 0: would be an EFRv2 part")
	}
	// NatSemi probe: EXCR1 (offset 2 under LCR=0xe0) must not track MCR LOOP.
	r.wr(oLCR, 0)
	st1 := r.rd(oMCR)
	r.wr(oLCR, 0xe0)
	st2 := r.rd(oIIR)
	if (st1^st2)&0x10 == 0 {
		r.wr(oLCR, 0)
		r.wr(oMCR, st1^0x10)
		r.wr(oLCR, 0xe0)
		st2 = r.rd(oIIR)
		r.wr(oLCR, 0)
		r.wr(oMCR, st1)
		if (st1^st2)&0x10 != 0 {
			t.Fatal("detected as NatSemi SuperIO")
		}
	}
	// TI16750 probe.
	r.wr(oLCR, 0)
	r.wr(oIIR, 0x21)
	a := r.rd(oIIR) >> 5
	r.wr(oIIR, 0x01)
	r.wr(oLCR, 0x80)
	r.wr(oIIR, 0x21)
	b := r.rd(oIIR) >> 5
	r.wr(oIIR, 0x01)
	r.wr(oLCR, 0)
	if a == 6 && b == 7 {
		t.Fatal("detected as 16750")
	}
	// XScale probe: IER bit 6 must not stick.
	ier := r.rd(oIER)
	r.wr(oIER, ier|0x40)
	if r.rd(oIER)&0x40 != 0 {
		t.Fatal("IER UUE bit writable: detected as XScale")
	}
	r.wr(oIER, ier)
	// size_fifo: loopback at divisor 1, write 256 bytes, count received.
	r.wr(oMCR, 0x10)
	r.wr(oIIR, 0x07)
	r.wr(oIER, 0)
	r.wr(oLCR, 0x80)
	r.wr(oRBR, 1)
	r.wr(oIER, 0)
	r.wr(oLCR, 0x03)
	for i := 0; i < 256; i++ {
		r.wr(oRBR, uint8(i))
	}
	r.advance(20000000) // mdelay(20)
	n := 0
	for r.rd(oLSR)&0x01 != 0 && n < 256 {
		r.rd(oRBR)
		n++
	}
	if n != 16 {
		t.Fatalf("size_fifo counted %d bytes, want 16", n)
	}
	r.wr(oMCR, 0)
	r.wr(oLCR, saveLCR)
	// Reset as autoconfig does.
	r.wr(oIIR, 0x01)
	r.wr(oIIR, 0x07)
	r.wr(oIIR, 0)
	r.rd(oRBR)
	r.wr(oIER, 0)

	// serial8250_do_startup.
	r.wr(oIIR, 0x01)
	r.wr(oIIR, 0x07)
	r.wr(oIIR, 0)
	r.rd(oLSR)
	r.rd(oRBR)
	r.rd(oIIR)
	r.rd(oMSR)
	if r.rd(oLSR) == 0xff {
		t.Fatal("LSR safety check")
	}
	// THRE re-assertion test (UART_BUG_THRE).
	if r.rd(oLSR)&0x20 == 0 {
		t.Fatal("THRE clear on idle UART")
	}
	r.wr(oIER, 0x02)
	iir1 := r.rd(oIIR)
	r.wr(oIER, 0)
	r.wr(oIER, 0x02)
	iir := r.rd(oIIR)
	r.wr(oIER, 0)
	if iir1&1 != 0 || iir&1 != 0 {
		t.Fatalf("THRE not (re)asserted: iir1=%02x iir=%02x", iir1, iir)
	}
	// TX enable test (UART_BUG_TXEN).
	r.wr(oIER, 0x02)
	lsr := r.rd(oLSR)
	iir = r.rd(oIIR)
	r.wr(oIER, 0)
	if lsr&0x40 != 0 && iir&1 != 0 {
		t.Fatal("no THRE interrupt on enabling THRI: UART_BUG_TXEN")
	}
	if r.irq {
		t.Fatal("IRQ left asserted with IER=0")
	}
}

func TestTransmitPacingAndTHRE(t *testing.T) {
	r := newRig(t)
	r.setup(0x07)
	ct := r.u.CharTime()
	if ct != 86666 { // 10 bits * 16 * 13 / 24 MHz
		t.Fatalf("CharTime = %d ns, want 86666", ct)
	}
	r.wr(oIER, 0x02)
	if !r.irq || r.rd(oIIR) != 0xc2 {
		t.Fatal("THRE interrupt not raised on enabling THRI")
	}
	if r.irq {
		t.Fatal("reading IIR did not clear THRE interrupt")
	}
	for _, b := range []byte("hello") {
		r.wr(oRBR, b)
	}
	if r.irq {
		t.Fatal("IRQ with data in TX FIFO")
	}
	if lsr := r.rd(oLSR); lsr&0x60 != 0 {
		t.Fatalf("LSR = %02x with data queued", lsr)
	}
	r.advance(ct - 1)
	if len(r.out) != 0 {
		t.Fatalf("output before one character time: %q", r.out)
	}
	r.advance(1)
	if string(r.out) != "h" {
		t.Fatalf("after one char time out = %q", r.out)
	}
	r.advance(3 * ct)
	// 'o' has moved into the shift register: THR empty, transmitter busy.
	if string(r.out) != "hell" {
		t.Fatalf("out = %q", r.out)
	}
	if lsr := r.rd(oLSR); lsr&0x60 != 0x20 {
		t.Fatalf("LSR = %02x, want THRE without TEMT", lsr)
	}
	if !r.irq || r.rd(oIIR) != 0xc2 {
		t.Fatal("no THRE interrupt when FIFO drained")
	}
	r.advance(ct)
	if string(r.out) != "hello" {
		t.Fatalf("out = %q", r.out)
	}
	if lsr := r.rd(oLSR); lsr&0x60 != 0x60 {
		t.Fatalf("LSR = %02x, want THRE|TEMT", lsr)
	}
	if r.irq {
		t.Fatal("IRQ after THRE was acknowledged")
	}
	// Writing THR clears a pending THRE identification.
	r.wr(oIER, 0)
	r.wr(oIER, 0x02)
	if !r.irq {
		t.Fatal("THRE not re-armed by IER write")
	}
	r.wr(oRBR, 'x')
	r.wr(oRBR, 'y')
	if r.irq {
		t.Fatal("THR write did not clear THRE interrupt")
	}
	r.advance(2 * ct)
	if string(r.out) != "helloxy" {
		t.Fatalf("out = %q", r.out)
	}
	// TX FIFO overflow drops the extra byte without panicking.
	for i := 0; i < 20; i++ {
		r.wr(oRBR, 'a'+uint8(i))
	}
	r.advance(30 * ct)
	if got := string(r.out[7:]); got != "abcdefghijklmnopq" {
		t.Fatalf("after overflow out = %q", got)
	}
}

func TestReceiveTriggerAndTimeout(t *testing.T) {
	r := newRig(t)
	r.setup(0x87) // FIFO on, trigger 8
	ct := r.u.CharTime()
	r.wr(oIER, 0x01)
	r.u.Receive([]byte("0123456789"))
	r.advance(7 * ct)
	if r.irq {
		t.Fatal("RX interrupt below trigger level")
	}
	if r.rd(oLSR)&0x01 == 0 {
		t.Fatal("DR clear with 7 bytes received")
	}
	r.advance(ct)
	if !r.irq {
		t.Fatal("no RX interrupt at trigger level 8")
	}
	r.expect(oIIR, 0xc4, "IIR at trigger")
	var got []byte
	for i := 0; i < 8; i++ {
		got = append(got, r.rd(oRBR))
	}
	if r.irq {
		t.Fatal("RX interrupt after draining below trigger")
	}
	r.advance(2 * ct)
	if r.irq {
		t.Fatal("interrupt before timeout")
	}
	// Two bytes below the trigger; nothing moves for 4 character times.
	r.advance(4*ct - 1)
	if r.irq {
		t.Fatal("timeout interrupt early")
	}
	r.advance(1)
	if !r.irq {
		t.Fatal("no character timeout interrupt")
	}
	r.expect(oIIR, 0xcc, "IIR timeout")
	got = append(got, r.rd(oRBR))
	if r.irq {
		t.Fatal("reading RBR did not clear the timeout")
	}
	r.advance(4 * ct)
	r.expect(oIIR, 0xcc, "IIR second timeout")
	got = append(got, r.rd(oRBR))
	if r.irq || r.rd(oLSR)&0x01 != 0 {
		t.Fatal("interrupt or DR with empty FIFO")
	}
	if string(got) != "0123456789" {
		t.Fatalf("received %q", got)
	}
	r.advance(10 * ct)
	if r.irq {
		t.Fatal("timeout with empty FIFO")
	}
}

func TestNonFIFOMode(t *testing.T) {
	r := newRig(t)
	r.setup(0x00)
	ct := r.u.CharTime()
	r.wr(oIER, 0x01)
	r.u.Receive([]byte("ab"))
	r.advance(ct)
	if !r.irq {
		t.Fatal("no RX interrupt for one byte in 16450 mode")
	}
	r.expect(oIIR, 0x04, "IIR without FIFOs")
	r.advance(5 * ct) // host waits: RBR full, no overrun
	if r.rd(oLSR)&0x02 != 0 {
		t.Fatal("overrun from host input")
	}
	r.expect(oRBR, 'a', "RBR")
	if r.irq {
		t.Fatal("IRQ after read")
	}
	r.advance(ct)
	r.expect(oRBR, 'b', "RBR")
	if r.u.Pending() != 0 {
		t.Fatal("host queue not drained")
	}
}

func TestOverrunOnlyInLoopback(t *testing.T) {
	r := newRig(t)
	r.setup(0x07)
	ct := r.u.CharTime()
	r.wr(oIER, 0x05)
	// Host input never overruns: it waits in the host queue.
	data := make([]byte, 100)
	for i := range data {
		data[i] = byte(i)
	}
	r.u.Receive(data)
	r.advance(200 * ct)
	if lsr := r.rd(oLSR); lsr&0x02 != 0 {
		t.Fatalf("overrun from host input, LSR %02x", lsr)
	}
	if r.u.Pending() != 84 {
		t.Fatalf("host queue holds %d, want 84", r.u.Pending())
	}
	for i := 0; i < 16; i++ {
		r.rd(oRBR)
	}
	r.advance(300 * ct)
	for i := 0; i < 16; i++ {
		r.expect(oRBR, byte(16+i), "second batch")
	}
	// Loopback: 17 characters into a 16-byte RX FIFO overrun.
	r2 := newRig(t)
	r2.setup(0x07)
	r2.wr(oIER, 0x05)
	r2.wr(oMCR, 0x10)
	for i := 0; i < 17; i++ {
		r2.wr(oRBR, byte('A'+i))
	}
	r2.advance(16 * ct)
	if r2.rd(oLSR)&0x02 != 0 {
		t.Fatal("overrun too early")
	}
	r2.advance(ct)
	if len(r2.out) != 0 {
		t.Fatal("loopback data reached the host")
	}
	r2.expect(oIIR, 0xc6, "IIR line status")
	r2.expect(oLSR, 0x63, "LSR with overrun")
	r2.expect(oLSR, 0x61, "LSR after OE cleared")
	r2.expect(oIIR, 0xc4, "IIR after LSR read")
	for i := 0; i < 16; i++ {
		r2.expect(oRBR, byte('A'+i), "loopback data")
	}
	if r2.irq {
		t.Fatal("IRQ after draining")
	}
}

func TestLoopbackAndModemStatus(t *testing.T) {
	r := newRig(t)
	r.setup(0x07)
	ct := r.u.CharTime()
	r.expect(oMSR, 0xb0, "MSR power-on inputs")
	r.wr(oIER, 0x08)
	r.wr(oMCR, 0x10|0x0a) // loop, RTS, OUT2 -> CTS, DCD; DSR drops
	if !r.irq {
		t.Fatal("no modem status interrupt")
	}
	r.expect(oIIR, 0xc0, "IIR MSI")
	r.expect(oMSR, 0x92, "MSR in loopback")
	r.expect(oMSR, 0x90, "MSR deltas clear on read")
	if r.irq {
		t.Fatal("MSI still asserted after MSR read")
	}
	r.wr(oMCR, 0x10|0x0a|0x01|0x04) // DTR -> DSR, OUT1 -> RI rising
	r.expect(oMSR, 0xf2, "MSR DSR rise, RI rise (no TERI)")
	r.wr(oMCR, 0x10|0x0a|0x01) // RI falls: TERI
	r.expect(oMSR, 0xb4, "MSR TERI")
	r.wr(oMCR, 0x10) // all drop
	r.expect(oMSR, 0x0b, "MSR CTS/DSR/DCD deltas")
	// Host input waits during loopback; looped data arrives.
	r.u.Receive([]byte("H"))
	r.wr(oRBR, 'L')
	r.advance(3 * ct)
	r.expect(oRBR, 'L', "looped byte")
	if r.rd(oLSR)&0x01 != 0 {
		t.Fatal("host byte entered receiver in loopback")
	}
	r.wr(oMCR, 0x00)
	r.rd(oMSR)
	r.advance(ct)
	r.expect(oRBR, 'H', "host byte after loopback")
	// External inputs.
	r.u.SetModemInputs(false, true, false, true)
	if !r.irq {
		t.Fatal("no MSI for external CTS change")
	}
	r.expect(oMSR, 0xa1, "MSR external")
	r.u.SetModemInputs(false, true, true, true)
	r.u.SetModemInputs(false, true, false, true)
	r.expect(oMSR, 0xa4, "MSR TERI external")
	r.wr(oIER, 0)
	r.u.SetModemInputs(true, true, false, true)
	if r.irq {
		t.Fatal("MSI with IER.MSI clear")
	}
}

func TestDivisorLatchAndScratch(t *testing.T) {
	r := newRig(t)
	r.wr(oLCR, 0x80)
	r.wr(oRBR, 0x34)
	r.wr(oIER, 0x12)
	r.expect(oRBR, 0x34, "DLL")
	r.expect(oIER, 0x12, "DLM")
	r.wr(oLCR, 0x03)
	r.expect(oIER, 0x00, "IER not aliased to DLM")
	r.expect(oLCR, 0x03, "LCR")
	if r.u.Divisor() != 0x1234 {
		t.Fatalf("Divisor = %x", r.u.Divisor())
	}
	// DLL writes under DLAB must not transmit.
	r.advance(1 << 30)
	if len(r.out) != 0 {
		t.Fatal("divisor write transmitted")
	}
	r.wr(oSCR, 0x5a)
	r.expect(oSCR, 0x5a, "SCR")
	// 7E2 frame: 1 + 7 + 1 + 2 = 11 bits at divisor 1, 24/13 MHz.
	r.u.SetClockHz(24000000 / 13)
	r.wr(oLCR, 0x80)
	r.wr(oRBR, 1)
	r.wr(oIER, 0)
	r.wr(oLCR, 0x0e)
	if ct := r.u.CharTime(); ct != 11*16*1000000000/(24000000/13) {
		t.Fatalf("7E2 CharTime = %d", ct)
	}
	// 32-bit accesses see the byte in the low lane.
	if v := r.u.Read(oLCR, 4); v != 0x0e {
		t.Fatalf("32-bit LCR read = %x", v)
	}
}

func TestResetAndBadAccesses(t *testing.T) {
	r := newRig(t)
	r.setup(0xc7)
	r.wr(oIER, 0x0f)
	r.wr(oMCR, 0x1f)
	r.wr(oRBR, 'z')
	for off := uint32(0); off < 0x100; off++ {
		for _, sz := range []int{1, 2, 4} {
			r.u.Write(off, sz, 0xffffffff)
			r.u.Read(off, sz)
		}
	}
	if !r.log.Seen("uart5", 0x20, false) || !r.log.Seen("uart5", 0x01, true) {
		t.Fatal("unimplemented accesses not logged")
	}
	r.u.Reset()
	if r.irq {
		t.Fatal("IRQ asserted after reset")
	}
	r.expect(oIER, 0, "IER")
	r.expect(oIIR, 0x01, "IIR")
	r.expect(oLCR, 0, "LCR")
	r.expect(oMCR, 0, "MCR")
	r.expect(oLSR, 0x60, "LSR")
	r.expect(oMSR, 0xb0, "MSR")
	r.advance(1 << 30)
	if len(r.out) != 0 {
		t.Fatalf("output after reset: %q", r.out)
	}
}

// A paste of 1000 bytes arrives intact when the guest reads only a few
// bytes per interrupt and services interrupts late.
func TestSlowReaderGetsAllHostInput(t *testing.T) {
	r := newRig(t)
	r.setup(0xc7) // trigger 14
	ct := r.u.CharTime()
	r.wr(oIER, 0x05)
	want := make([]byte, 1000)
	for i := range want {
		want[i] = byte(i*7 + i/256)
	}
	r.u.Receive(want[:400])
	var got []byte
	for step := 0; len(got) < len(want) && step < 100000; step++ {
		if step == 50 {
			r.u.Receive(want[400:])
		}
		r.advance(ct*5 + ct/3)
		if !r.irq {
			continue
		}
		for i := 0; i < 3; i++ {
			lsr := r.rd(oLSR)
			if lsr&0x02 != 0 {
				t.Fatalf("overrun after %d bytes", len(got))
			}
			if lsr&0x01 == 0 {
				break
			}
			got = append(got, r.rd(oRBR))
		}
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("received %d bytes, mismatch (want %d)", len(got), len(want))
	}
}

func TestVUART(t *testing.T) {
	var n uint64
	clk := vclock.New(1000)
	clk.Attach(&n)
	var out []byte
	v := NewVUART(Config{Clock: clk, Out: func(b byte) { out = append(out, b) }, Log: mmio.NewLog(io.Discard)})
	for off := uint32(0x20); off < 0x40; off += 4 {
		if got := v.Read(off, 1); got != 0 {
			t.Fatalf("ctrl 0x%x reset = %x", off, got)
		}
	}
	// What the Linux driver does at probe and startup.
	v.Write(0x2c, 1, 0x03)
	v.Write(0x28, 1, 0xf8)
	g := v.Read(0x24, 1)
	v.Write(0x24, 1, g&^0xf0|4<<4)
	a := v.Read(0x20, 1)
	v.Write(0x20, 1, a&^0x02)
	a = v.Read(0x20, 1)
	v.Write(0x20, 1, a|0x01)
	a = v.Read(0x20, 1)
	v.Write(0x20, 1, a|0x20)
	if v.LPCAddress() != 0x3f8 || v.SIRQ() != 4 || !v.Enabled() {
		t.Fatalf("addr %x sirq %d enabled %v", v.LPCAddress(), v.SIRQ(), v.Enabled())
	}
	if got := v.Read(0x20, 1); got != 0x21 {
		t.Fatalf("GCRA = %x", got)
	}
	v.Write(0x3c, 1, 0xa5)
	if got := v.Read(0x3c, 1); got != 0xa5 {
		t.Fatalf("GCRH = %x", got)
	}
	// The 16550 part works underneath.
	v.Write(oSCR, 1, 0x42)
	if got := v.Read(oSCR, 1); got != 0x42 {
		t.Fatalf("SCR = %x", got)
	}
	v.Write(oRBR, 1, 'v')
	n += 1 << 30
	clk.RunDue()
	if string(out) != "v" {
		t.Fatalf("VUART out = %q", out)
	}
	v.Reset()
	if v.Read(0x20, 1) != 0 || v.Read(oSCR, 1) != 0 {
		t.Fatal("VUART reset")
	}
	var _ mmio.Device = v
	var _ mmio.Resetter = v
	var _ mmio.Device = &UART{}
	var _ mmio.Resetter = &UART{}
}

// A host break reaches the receiver in order with host input, as the 8250
// driver's read path expects: a receiver-line-status interrupt, LSR with BI
// and DR set (BI cleared by the read), then a zero character.
func TestBreakInOrder(t *testing.T) {
	r := newRig(t)
	r.setup(0x07) // FIFO on, trigger 1
	ct := r.u.CharTime()
	r.wr(oIER, 0x05) // RDI | RLSI
	r.u.Receive([]byte("a"))
	r.u.Break()
	r.u.Receive([]byte("h"))
	r.advance(ct)
	r.expect(oIIR, 0xc4, "IIR for the byte before the break")
	r.expect(oLSR, 0x61, "LSR before the break")
	r.expect(oRBR, 'a', "byte before the break")
	r.advance(ct)
	if !r.irq {
		t.Fatal("no interrupt for the break")
	}
	r.expect(oIIR, 0xc6, "IIR for the break (line status)")
	r.expect(oLSR, 0x71, "LSR with the break (BI|DR|THRE|TEMT)")
	r.expect(oLSR, 0x61, "LSR after reading (BI cleared)")
	r.expect(oRBR, 0, "the break's zero character")
	r.advance(ct)
	r.expect(oLSR, 0x61, "LSR after the break")
	r.expect(oRBR, 'h', "byte after the break")
}
