package i2c

import (
	"testing"
	"time"

	"github.com/ast2500emu/ast2500emu/devices/i2cdev"
)

// The romulus I2C devices behind the controller, driven with the register
// sequences of i2c-aspeed.c for the SMBus transfers rtc-rv8803.c and
// w83773g.c perform at probe.
func TestRomulusDevicesThroughController(t *testing.T) {
	e := newEnv(t)
	base := time.Date(2024, 2, 29, 23, 59, 30, 0, time.UTC)
	e.c.Attach(11, 0x32, i2cdev.NewRX8900(e.clk, base.Unix()))
	e.c.Attach(12, 0x4c, i2cdev.NewW83773G())
	e.initBus(11)
	e.initBus(12)
	rtc := &drv{e: e, bus: 11}
	flags := []byte{0xff}
	if _, err := rtc.xfer(msg{addr: 0x32, buf: []byte{i2cdev.RXFlag}}, msg{addr: 0x32, read: true, buf: flags}); err != nil || flags[0]&2 != 0 {
		t.Fatalf("flags %#x, %v", flags[0], err)
	}
	tm := make([]byte, 7)
	if _, err := rtc.xfer(msg{addr: 0x32, buf: []byte{i2cdev.RXSec}}, msg{addr: 0x32, read: true, buf: tm}); err != nil {
		t.Fatal(err)
	}
	// A few hundred microseconds of bus time have passed: still 23:59:30.
	if tm[0] != 0x30 || tm[1] != 0x59 || tm[2] != 0x23 || tm[4] != 0x29 || tm[5] != 0x02 || tm[6] != 0x24 {
		t.Errorf("time % x", tm)
	}
	// regmap write then read on the sensor.
	hw := &drv{e: e, bus: 12}
	if _, err := hw.xfer(msg{addr: 0x4c, buf: []byte{0x0a, 0x05}}); err != nil {
		t.Fatal(err)
	}
	v := []byte{0}
	if _, err := hw.xfer(msg{addr: 0x4c, buf: []byte{0x00}}, msg{addr: 0x4c, read: true, buf: v}); err != nil || v[0] != 35 {
		t.Errorf("local temperature %d, %v", v[0], err)
	}
	// Nothing else answers on these buses.
	if _, err := hw.xfer(msg{addr: 0x4d, read: true, buf: v}); err != errNXIO {
		t.Errorf("absent device: %v", err)
	}
}
