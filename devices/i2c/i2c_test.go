package i2c

import (
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	"github.com/ast2500emu/ast2500emu/internal/devtest"
	"github.com/ast2500emu/ast2500emu/mmio"
	"github.com/ast2500emu/ast2500emu/vclock"
)

// regTarget is a test device with a register pointer: the first byte
// written after START(write) selects the register, further writes store
// and auto-increment, reads return and auto-increment. It records events.
type regTarget struct {
	regs   [256]byte
	ptr    byte
	first  bool
	events []string
	nakAt  int // NAK the n-th written byte (1-based); 0: never
	nW     int
}

func (t *regTarget) Start(read bool) bool {
	t.events = append(t.events, fmt.Sprintf("start(%v)", read))
	t.first = !read
	t.nW = 0
	return true
}

func (t *regTarget) Write(b byte) bool {
	t.nW++
	t.events = append(t.events, fmt.Sprintf("w%02x", b))
	if t.nakAt != 0 && t.nW == t.nakAt {
		return false
	}
	if t.first {
		t.ptr, t.first = b, false
		return true
	}
	t.regs[t.ptr] = b
	t.ptr++
	return true
}

func (t *regTarget) Read() byte {
	b := t.regs[t.ptr]
	t.events = append(t.events, fmt.Sprintf("r%02x", b))
	t.ptr++
	return b
}

func (t *regTarget) Stop() { t.events = append(t.events, "stop") }

type env struct {
	t   *testing.T
	clk *vclock.Clock
	c   *Controller
	irq bool
	log *mmio.Log
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, clk: vclock.New(0)}
	e.log = mmio.NewLog(nil)
	e.log.Quiet = true
	e.c = New(e.clk, mmio.LineFunc(func(l bool) { e.irq = l }), e.log)
	return e
}

func (e *env) rd(bus int, r uint32) uint32    { return e.c.Read(BusOffsets[bus]+r, 4) }
func (e *env) wr(bus int, r uint32, v uint32) { e.c.Write(BusOffsets[bus]+r, 4, v) }

// step advances guest time to the next timer deadline and runs it. It
// returns false when nothing is armed.
func (e *env) step() bool {
	ns, ok := e.clk.Next()
	if !ok {
		return false
	}
	e.clk.SkipTo(ns)
	e.clk.RunDue()
	return true
}

// initBus performs aspeed_i2c_probe_bus + aspeed_i2c_init for a 100 kHz
// bus (APB 24.75 MHz -> divisor 248 -> base 3, high 15, low 14).
func (e *env) initBus(bus int) {
	e.wr(bus, RegIntrCtrl, 0)
	e.wr(bus, RegIntrSts, 0xffffffff)
	e.wr(bus, RegFunCtrl, 0)
	ac := e.rd(bus, RegACTiming) & 0xfff00000
	e.wr(bus, RegACTiming, ac|15<<16|14<<12|3)
	e.wr(bus, RegACTiming2, 0)
	e.wr(bus, RegFunCtrl, e.rd(bus, RegFunCtrl)|FunMasterEn|1<<15)
	e.wr(bus, RegIntrCtrl, 0x7fff)
}

// The master side of Linux's i2c-aspeed.c, transcribed as a test driver:
// the same register writes, in the same order, from the same interrupt
// bits.
type msg struct {
	addr uint8
	read bool
	buf  []byte
}

var (
	errNXIO    = errors.New("ENXIO")
	errIO      = errors.New("EIO")
	errTimeout = errors.New("ETIMEDOUT")
)

const (
	stInactive = iota
	stStart
	stTxFirst
	stTx
	stRxFirst
	stRx
	stStop
)

type drv struct {
	e     *env
	bus   int
	msgs  []msg
	mi    int
	bi    int
	state int
	err   error
	done  bool
}

func (d *drv) doStart() {
	m := d.msgs[d.mi]
	d.state, d.bi = stStart, 0
	cmd := uint32(CmdStart | CmdTx)
	if m.read {
		cmd |= CmdRx
		if len(m.buf) == 1 {
			cmd |= CmdRxLast
		}
	}
	a := m.addr << 1
	if m.read {
		a |= 1
	}
	d.e.wr(d.bus, RegByteBuf, uint32(a))
	d.e.wr(d.bus, RegCmd, cmd)
}

func (d *drv) doStop() {
	d.state = stStop
	d.e.wr(d.bus, RegCmd, CmdStop)
}

func (d *drv) nextOrStop() {
	if d.mi+1 < len(d.msgs) {
		d.mi++
		d.doStart()
	} else {
		d.doStop()
	}
}

func (d *drv) masterIRQ(st uint32) {
	if st&IntRecoverDone != 0 {
		d.state, d.done = stInactive, true
		return
	}
	if st&(IntArbitLoss|IntSDATimeout|IntSCLTimeout|IntAbnormal) != 0 && d.state != stInactive {
		d.err, d.state, d.done = errIO, stInactive, true
		return
	}
	if d.state == stInactive {
		return
	}
	if d.state == stStop {
		if st&IntNormalStop == 0 {
			d.err = errIO
		}
		d.state, d.done = stInactive, true
		return
	}
	m := &d.msgs[d.mi]
	if d.state == stStart {
		if st&IntTxAck == 0 {
			d.err = errNXIO
			if st&IntTxNak == 0 {
				d.state, d.done = stInactive, true
				return
			}
			d.doStop()
			return
		}
		if len(m.buf) == 0 {
			d.doStop()
			return
		}
		if m.read {
			d.state = stRxFirst
		} else {
			d.state = stTxFirst
		}
	}
	switch d.state {
	case stTx:
		if st&IntTxNak != 0 || st&IntTxAck == 0 {
			d.err = errIO
			d.doStop()
			return
		}
		fallthrough
	case stTxFirst:
		if d.bi < len(m.buf) {
			d.state = stTx
			d.e.wr(d.bus, RegByteBuf, uint32(m.buf[d.bi]))
			d.bi++
			d.e.wr(d.bus, RegCmd, CmdTx)
		} else {
			d.nextOrStop()
		}
	case stRxFirst:
		if st&IntRxDone == 0 {
			return
		}
		fallthrough
	case stRx:
		if st&IntRxDone == 0 {
			d.err = errIO
			d.doStop()
			return
		}
		m.buf[d.bi] = byte(d.e.rd(d.bus, RegByteBuf) >> 8)
		d.bi++
		if d.bi < len(m.buf) {
			d.state = stRx
			cmd := uint32(CmdRx)
			if d.bi+1 == len(m.buf) {
				cmd |= CmdRxLast
			}
			d.e.wr(d.bus, RegCmd, cmd)
		} else {
			d.nextOrStop()
		}
	}
}

// isr is aspeed_i2c_bus_irq.
func (d *drv) isr() {
	st := d.e.rd(d.bus, RegIntrSts)
	d.e.wr(d.bus, RegIntrSts, st&^IntRxDone)
	d.e.rd(d.bus, RegIntrSts)
	d.masterIRQ(st)
	if st&IntRxDone != 0 {
		d.e.wr(d.bus, RegIntrSts, IntRxDone)
		d.e.rd(d.bus, RegIntrSts)
	}
}

// wait runs the machine until the transfer completes, dispatching
// interrupts through the i2c-ic status register like the chained handler.
func (d *drv) wait() error {
	for n := 0; !d.done; n++ {
		if d.e.irq {
			gs := d.e.c.Read(RegGlobalStatus, 4)
			if gs&(1<<d.bus) == 0 {
				d.e.t.Fatalf("irq line high but bus %d not in i2c-ic status %#x", d.bus, gs)
			}
			d.isr()
			continue
		}
		if n > 10000 || !d.e.step() {
			return errTimeout
		}
	}
	return d.err
}

func (d *drv) xfer(msgs ...msg) (int, error) {
	if d.e.rd(d.bus, RegCmd)&StsBusBusy != 0 {
		return 0, errors.New("bus busy")
	}
	d.msgs, d.mi, d.err, d.done = msgs, 0, nil, false
	d.doStart()
	if d.e.irq {
		d.e.t.Fatalf("interrupt raised inside the command write")
	}
	if err := d.wait(); err != nil {
		return 0, err
	}
	return d.mi + 1, nil
}

func TestRegisterRead(t *testing.T) {
	e := newEnv(t)
	e.initBus(3)
	dev := &regTarget{}
	copy(dev.regs[0x10:], []byte{0xa1, 0xb2, 0xc3, 0xd4})
	e.c.Attach(3, 0x50, dev)
	d := &drv{e: e, bus: 3}

	buf := make([]byte, 3)
	n, err := d.xfer(msg{addr: 0x50, buf: []byte{0x10}}, msg{addr: 0x50, read: true, buf: buf})
	if err != nil || n != 2 {
		t.Fatalf("xfer = %d, %v", n, err)
	}
	if !reflect.DeepEqual(buf, []byte{0xa1, 0xb2, 0xc3}) {
		t.Errorf("read % x", buf)
	}
	want := []string{"start(false)", "w10", "start(true)", "ra1", "rb2", "rc3", "stop"}
	if !reflect.DeepEqual(dev.events, want) {
		t.Errorf("events %v, want %v", dev.events, want)
	}
	if v := e.rd(3, RegCmd); v&StsBusBusy != 0 || v&(StsSDALine|StsSCLLine) != StsSDALine|StsSCLLine || v&0xffff != 0 {
		t.Errorf("cmd/status after transfer %#x", v)
	}
	if e.irq || e.c.Read(RegGlobalStatus, 4) != 0 {
		t.Errorf("interrupt left pending")
	}

	// Single-byte read (START|TX|RX|RX_LAST in one write) and a write.
	one := make([]byte, 1)
	if _, err := d.xfer(msg{addr: 0x50, buf: []byte{0x13}}, msg{addr: 0x50, read: true, buf: one}); err != nil || one[0] != 0xd4 {
		t.Errorf("1-byte read %#x, %v", one[0], err)
	}
	if _, err := d.xfer(msg{addr: 0x50, buf: []byte{0x20, 1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(dev.regs[0x20:0x23], []byte{1, 2, 3}) {
		t.Errorf("write stored % x", dev.regs[0x20:0x23])
	}
	// SMBus quick (zero-length write).
	if _, err := d.xfer(msg{addr: 0x50}); err != nil {
		t.Errorf("quick: %v", err)
	}
}

func TestAbsentDeviceNAK(t *testing.T) {
	e := newEnv(t)
	e.initBus(0)
	d := &drv{e: e, bus: 0}
	for _, m := range []msg{{addr: 0x21, buf: []byte{0}}, {addr: 0x21, read: true, buf: make([]byte, 2)}, {addr: 0x21, read: true, buf: make([]byte, 1)}} {
		if _, err := d.xfer(m); err != errNXIO {
			t.Errorf("absent %+v: err %v, want ENXIO", m, err)
		}
		if e.rd(0, RegCmd)&StsBusBusy != 0 {
			t.Errorf("bus left busy after NAK")
		}
	}
	// Raw: the address phase alone reports TX_NAK and nothing else.
	e.wr(0, RegByteBuf, 0x42<<1|1)
	e.wr(0, RegCmd, CmdStart|CmdTx|CmdRx)
	e.step()
	if st := e.rd(0, RegIntrSts); st != IntTxNak {
		t.Errorf("status %#x, want TX_NAK only", st)
	}
	if e.step() {
		t.Errorf("RX ran after a NAKed address")
	}
}

func TestDataNAK(t *testing.T) {
	e := newEnv(t)
	e.initBus(1)
	dev := &regTarget{nakAt: 2}
	e.c.Attach(1, 0x30, dev)
	d := &drv{e: e, bus: 1}
	if _, err := d.xfer(msg{addr: 0x30, buf: []byte{1, 2, 3}}); err != errIO {
		t.Errorf("err %v, want EIO", err)
	}
	want := []string{"start(false)", "w01", "w02", "stop"}
	if !reflect.DeepEqual(dev.events, want) {
		t.Errorf("events %v", dev.events)
	}
}

func TestNoInterruptBeforeBusTime(t *testing.T) {
	e := newEnv(t)
	e.initBus(2)
	e.c.Attach(2, 0x10, &regTarget{})
	e.wr(2, RegByteBuf, 0x20)
	e.wr(2, RegCmd, CmdStart|CmdTx)
	if e.irq || e.rd(2, RegIntrSts) != 0 {
		t.Fatalf("completed inside the write")
	}
	if e.rd(2, RegCmd)&CmdStart == 0 {
		t.Errorf("START not shown as pending")
	}
	ns, ok := e.clk.Next()
	// 100 kHz from APB 24.75 MHz: 8*(16+15) = 248 APB clocks per bit,
	// 10 bit times for START + address.
	want := uint64(10 * 248 * 1000000000 / DefaultAPBHz)
	if !ok || ns != want {
		t.Errorf("START completes at %d ns, want %d", ns, want)
	}
	e.step()
	if !e.irq || e.rd(2, RegIntrSts) != IntTxAck || e.rd(2, RegCmd)&0xffff != 0 {
		t.Errorf("after bus time: irq %v sts %#x cmd %#x", e.irq, e.rd(2, RegIntrSts), e.rd(2, RegCmd))
	}
	// A TX byte takes 9 bit times; a faster APB shortens it.
	e.c.SetAPBHz(2 * DefaultAPBHz)
	e.wr(2, RegIntrSts, IntTxAck)
	e.wr(2, RegByteBuf, 0x55)
	e.wr(2, RegCmd, CmdTx)
	now := e.clk.Now()
	ns, _ = e.clk.Next()
	if got, want := ns-now, uint64(9*248*1000000000/(2*DefaultAPBHz)); got != want {
		t.Errorf("TX byte takes %d ns, want %d", got, want)
	}
}

func TestInterruptStatusAndAggregation(t *testing.T) {
	e := newEnv(t)
	for _, b := range []int{0, 7, 13} {
		e.initBus(b)
	}
	e.c.Attach(7, 0x11, &regTarget{})
	// Bus 7 START acked, bus 13 START NAKed.
	e.wr(7, RegByteBuf, 0x22)
	e.wr(7, RegCmd, CmdStart|CmdTx)
	e.wr(13, RegByteBuf, 0x22)
	e.wr(13, RegCmd, CmdStart|CmdTx)
	for e.step() {
	}
	if g := e.c.Read(RegGlobalStatus, 4); g != 1<<7|1<<13 || !e.irq {
		t.Fatalf("global status %#x irq %v", g, e.irq)
	}
	if e.rd(7, RegIntrSts) != IntTxAck || e.rd(13, RegIntrSts) != IntTxNak {
		t.Errorf("per-bus status %#x %#x", e.rd(7, RegIntrSts), e.rd(13, RegIntrSts))
	}
	// Byte lane access to the status register.
	if v := e.c.Read(BusOffsets[13]+RegIntrSts, 1); v != IntTxNak {
		t.Errorf("byte read %#x", v)
	}
	// Masking an enabled bit drops the bus from the i2c-ic status.
	e.wr(13, RegIntrCtrl, 0x7fff&^IntTxNak)
	if g := e.c.Read(RegGlobalStatus, 4); g != 1<<7 {
		t.Errorf("masked: global %#x", g)
	}
	if e.rd(13, RegIntrSts) != IntTxNak {
		t.Errorf("masking cleared the status")
	}
	// Writing zero clears nothing; writing 1 clears that bit only.
	e.wr(7, RegIntrSts, 0)
	if e.rd(7, RegIntrSts) != IntTxAck {
		t.Errorf("write 0 cleared")
	}
	e.c.Write(BusOffsets[7]+RegIntrSts+1, 1, 0xff) // other lane: no effect
	if e.rd(7, RegIntrSts) != IntTxAck {
		t.Errorf("lane-1 write cleared lane 0")
	}
	e.wr(7, RegIntrSts, IntTxAck)
	if e.rd(7, RegIntrSts) != 0 || e.irq || e.c.Read(RegGlobalStatus, 4) != 0 {
		t.Errorf("after clear: sts %#x irq %v", e.rd(7, RegIntrSts), e.irq)
	}
	e.wr(13, RegIntrCtrl, 0x7fff)
	if !e.irq {
		t.Errorf("re-enabling a pending bit did not raise the line")
	}
	e.wr(13, RegIntrSts, 0xffffffff)
	if e.irq {
		t.Errorf("line still high")
	}
	// Global status is read-only; assignment and control are stored.
	e.c.Write(RegGlobalStatus, 4, 0xffff)
	e.c.Write(RegGlobalAssign, 4, 0x1234)
	e.c.Write(RegGlobalCtrl, 4, 1)
	if e.c.Read(RegGlobalStatus, 4) != 0 || e.c.Read(RegGlobalAssign, 4) != 0x1234 || e.c.Read(RegGlobalCtrl, 4) != 1 {
		t.Errorf("global registers")
	}
}

func TestRxWaitsForRxDoneClear(t *testing.T) {
	e := newEnv(t)
	e.initBus(5)
	dev := &regTarget{}
	dev.regs[0] = 0x11
	dev.regs[1] = 0x22
	e.c.Attach(5, 0x40, dev)
	e.wr(5, RegByteBuf, 0x40<<1|1)
	e.wr(5, RegCmd, CmdStart|CmdTx|CmdRx)
	e.step() // address
	if e.rd(5, RegIntrSts) != IntTxAck {
		t.Fatalf("address phase: %#x", e.rd(5, RegIntrSts))
	}
	e.step() // first byte
	if e.rd(5, RegIntrSts) != IntTxAck|IntRxDone || e.rd(5, RegByteBuf)>>8 != 0x11 {
		t.Fatalf("rx: sts %#x buf %#x", e.rd(5, RegIntrSts), e.rd(5, RegByteBuf))
	}
	e.wr(5, RegIntrSts, IntTxAck)
	e.wr(5, RegCmd, CmdRx|CmdRxLast)
	if _, ok := e.clk.Next(); ok {
		t.Fatalf("RX started with RX_DONE pending")
	}
	if e.rd(5, RegCmd)&(CmdRx|CmdRxLast) != CmdRx|CmdRxLast {
		t.Errorf("RX not pending")
	}
	e.wr(5, RegIntrSts, IntRxDone)
	if !e.step() || e.rd(5, RegByteBuf)>>8 != 0x22 || e.rd(5, RegIntrSts) != IntRxDone {
		t.Errorf("deferred RX: buf %#x sts %#x", e.rd(5, RegByteBuf), e.rd(5, RegIntrSts))
	}
}

func TestBusRecovery(t *testing.T) {
	e := newEnv(t)
	e.initBus(4)
	dev := &regTarget{}
	e.c.Attach(4, 0x12, dev)
	// A transfer abandoned after the address phase (driver timeout without
	// reset) leaves the bus busy with SCL held low.
	e.wr(4, RegByteBuf, 0x24)
	e.wr(4, RegCmd, CmdStart|CmdTx)
	e.step()
	e.wr(4, RegIntrSts, 0xffffffff)
	cmd := e.rd(4, RegCmd)
	if cmd&StsBusBusy == 0 || cmd&StsSDALine == 0 || cmd&StsSCLLine != 0 {
		t.Fatalf("busy bus status %#x", cmd)
	}
	d := &drv{e: e, bus: 4}
	// aspeed_i2c_recover_bus, SDA high / SCL low branch: STOP.
	d.done = false
	d.doStop()
	if err := d.wait(); err != nil {
		t.Fatalf("STOP recovery: %v", err)
	}
	if cmd := e.rd(4, RegCmd); cmd&StsSCLLine == 0 || cmd&StsBusBusy != 0 {
		t.Errorf("after STOP: %#x", cmd)
	}
	if dev.events[len(dev.events)-1] != "stop" {
		t.Errorf("target not stopped: %v", dev.events)
	}

	// The recovery command (SDA-hung branch) frees the bus too.
	e.wr(4, RegByteBuf, 0x24)
	e.wr(4, RegCmd, CmdStart|CmdTx)
	e.step()
	e.wr(4, RegIntrSts, 0xffffffff)
	d.done, d.state = false, stInactive
	e.wr(4, RegCmd, CmdRecover)
	if e.rd(4, RegCmd)&CmdRecover == 0 {
		t.Errorf("recovery not pending")
	}
	if err := d.wait(); err != nil {
		t.Fatal(err)
	}
	if cmd := e.rd(4, RegCmd); cmd&StsSDALine == 0 || cmd&StsBusBusy != 0 || cmd&0xffff != 0 {
		t.Errorf("after recovery: %#x", cmd)
	}
	if e.rd(4, RegIntrSts) != 0 {
		t.Errorf("status %#x", e.rd(4, RegIntrSts))
	}
	// A normal transfer works afterwards.
	if _, err := d.xfer(msg{addr: 0x12, buf: []byte{1}}); err != nil {
		t.Errorf("after recovery: %v", err)
	}
}

func TestDisableAbortsTransfer(t *testing.T) {
	e := newEnv(t)
	e.initBus(6)
	dev := &regTarget{}
	e.c.Attach(6, 0x12, dev)
	e.wr(6, RegByteBuf, 0x24)
	e.wr(6, RegCmd, CmdStart|CmdTx)
	e.step()
	e.wr(6, RegByteBuf, 0x99)
	e.wr(6, RegCmd, CmdTx)
	// aspeed_i2c_reset: interrupts off and acked, engine disabled, re-init.
	e.wr(6, RegIntrCtrl, 0)
	e.wr(6, RegIntrSts, 0xffffffff)
	e.initBus(6)
	if e.step() {
		t.Errorf("aborted TX still ran")
	}
	if e.rd(6, RegCmd)&(StsBusBusy|0xffff) != 0 || e.rd(6, RegIntrSts) != 0 {
		t.Errorf("after reset: cmd %#x sts %#x", e.rd(6, RegCmd), e.rd(6, RegIntrSts))
	}
	if got := dev.events; !reflect.DeepEqual(got, []string{"start(false)", "stop"}) {
		t.Errorf("events %v", got)
	}
	// Commands with master mode off are ignored.
	e.wr(6, RegFunCtrl, 0)
	e.wr(6, RegCmd, CmdStart|CmdTx)
	if e.step() {
		t.Errorf("command ran with master disabled")
	}
}

func TestBufferMode(t *testing.T) {
	e := newEnv(t)
	e.initBus(2)
	dev := &regTarget{}
	copy(dev.regs[5:], []byte{7, 8, 9})
	e.c.Attach(2, 0x33, dev)
	pool := uint32(PoolBase + 2*PoolPerBus)
	// Without SRAM enabled the command is refused.
	e.wr(2, RegCmd, CmdStart|CmdTx|CmdTxBuf)
	if e.step() {
		t.Fatalf("buffer command ran with SRAM disabled")
	}
	e.c.Write(RegGlobalCtrl, 4, GlobalSRAMEnable)
	e.c.Write(pool, 4, 0x05<<8|0x33<<1) // address, register 5
	e.wr(2, RegPoolCtrl, 1<<8)          // 2 bytes
	e.wr(2, RegCmd, CmdStart|CmdTx|CmdTxBuf)
	for e.step() {
	}
	if e.rd(2, RegIntrSts) != IntTxAck {
		t.Fatalf("tx status %#x", e.rd(2, RegIntrSts))
	}
	e.wr(2, RegIntrSts, 0xffffffff)
	e.c.Write(pool, 1, 0x33<<1|1)
	e.wr(2, RegPoolCtrl, 0)
	e.wr(2, RegCmd, CmdStart|CmdTx|CmdTxBuf)
	for e.step() {
	}
	e.wr(2, RegIntrSts, 0xffffffff)
	e.wr(2, RegPoolCtrl, 2<<16) // 3 bytes
	e.wr(2, RegCmd, CmdRx|CmdRxBuf|CmdRxLast|CmdStop)
	for e.step() {
	}
	if st := e.rd(2, RegIntrSts); st != IntRxDone|IntNormalStop {
		t.Errorf("rx status %#x", st)
	}
	if got := e.c.Read(pool, 4) & 0xffffff; got != 0x090807 {
		t.Errorf("pool %#x", got)
	}
	if n := e.rd(2, RegPoolCtrl) >> 24; n != 3 {
		t.Errorf("rx count %d", n)
	}
	// DMA is refused.
	e.wr(2, RegCmd, CmdStart|CmdTxDMA)
	if e.step() {
		t.Errorf("DMA command ran")
	}
}

func TestResetAndUnknownRegisters(t *testing.T) {
	e := newEnv(t)
	e.initBus(9)
	e.wr(9, RegDevAddr, 0x42)
	e.wr(9, RegFunCtrl, FunMasterEn|FunSlaveEn)
	if e.rd(9, RegDevAddr) != 0x42 || e.rd(9, RegFunCtrl) != FunMasterEn|FunSlaveEn {
		t.Errorf("slave registers not stored")
	}
	if e.c.Read(0x30, 4) != 0 || e.c.Read(BusOffsets[9]+0x3c, 4) != 0 || e.c.Read(0x800, 4) != 0 {
		t.Errorf("unknown registers not zero")
	}
	e.c.Write(BusOffsets[9]+0x3c, 4, 1)
	if !e.log.Seen("i2c9", 0x3c, true) || !e.log.Seen(name, 0x30, false) {
		t.Errorf("unknown accesses not logged")
	}
	e.c.Write(PoolBase+0xff, 4, 0xdeadbeef) // runs off the end of the pool
	e.wr(9, RegByteBuf, 0x20)
	e.wr(9, RegCmd, CmdStart|CmdTx)
	e.c.Reset()
	if e.step() || e.rd(9, RegFunCtrl) != 0 || e.rd(9, RegCmd) != StsSDALine|StsSCLLine || e.c.Read(PoolBase+0xff, 1) != 0 {
		t.Errorf("reset state")
	}
}

func TestRandomAccessNoPanic(t *testing.T) {
	e := newEnv(t)
	e.c.Attach(0, 0x50, &regTarget{})
	e.c.Attach(3, 0x10, &regTarget{nakAt: 3})
	devtest.Fuzz{
		Seed: 1, Span: Size + 64,
		Actions: []func(*rand.Rand){
			// Bias toward the bus registers and command words.
			func(r *rand.Rand) { e.c.Write(BusOffsets[r.Intn(4)]+uint32(r.Intn(11))*4, 4, r.Uint32()&0xffff) },
			func(*rand.Rand) { e.step() },
		},
	}.Run(t, e.c)
}
