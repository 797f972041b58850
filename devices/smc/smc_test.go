package smc

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/mmio"
)

// ram is a DMA target: 1 MiB of "DRAM" at 0x80000000.
type ram struct{ b []byte }

func (r *ram) ReadPhys(pa uint32, p []byte) bool {
	o := int(pa - 0x80000000)
	if pa < 0x80000000 || o+len(p) > len(r.b) {
		return false
	}
	copy(p, r.b[o:])
	return true
}

func (r *ram) WritePhys(pa uint32, p []byte) bool {
	o := int(pa - 0x80000000)
	if pa < 0x80000000 || o+len(p) > len(r.b) {
		return false
	}
	copy(r.b[o:], p)
	return true
}

// fmcWindow is where the AST2500 maps the FMC flash window.
const fmcWindow = 0x20000000

type line struct{ level bool }

func (l *line) Set(v bool) { l.level = v }

func newFMC(t *testing.T) (*Controller, *spinor.Chip, *ram, *line) {
	t.Helper()
	cfg := FMC(fmcWindow, 256<<20)
	r := &ram{b: make([]byte, 1<<20)}
	irq := &line{}
	cfg.DMA, cfg.IRQ, cfg.Log = r, irq, mmio.NewLog(&bytes.Buffer{})
	c := New(cfg)
	chip := spinor.New(spinor.N25Q256A)
	c.Attach(0, chip)
	c.Attach(1, spinor.New(spinor.N25Q256A))
	return c, chip, r, irq
}

// Linux 6.1 spi-aspeed-smc.c helpers, as the driver does them.
const (
	ctlUser = modeUser | ctrlStopActive
)

func startUser(c *Controller, cs int) {
	c.Write(regCE0+4*uint32(cs), 4, ctlUser)
	c.Write(regCE0+4*uint32(cs), 4, modeUser)
}

func stopUser(c *Controller, cs int, readCtl uint32) {
	c.Write(regCE0+4*uint32(cs), 4, readCtl|ctlUser)
	c.Write(regCE0+4*uint32(cs), 4, readCtl)
}

// userOp runs one user-mode transaction on the CS window at base: out
// bytes written, then n bytes read back.
func userOp(c *Controller, cs int, base uint32, out []byte, n int) []byte {
	startUser(c, cs)
	for _, b := range out {
		c.WindowWrite(base, 1, uint32(b))
	}
	in := make([]byte, n)
	for i := 0; i+4 <= n; i += 4 {
		binary.LittleEndian.PutUint32(in[i:], c.WindowRead(base, 4))
	}
	for i := n &^ 3; i < n; i++ {
		in[i] = byte(c.WindowRead(base, 1))
	}
	stopUser(c, cs, 0)
	return in
}

func TestResetValues(t *testing.T) {
	c, _, _, _ := newFMC(t)
	for i, want := range []uint32{0x50400000, 0x54500000, 0x58540000} {
		if got := c.Read(regSeg0+4*uint32(i), 4); got != want {
			t.Errorf("FMC segment %d = %#x, want %#x", i, got, want)
		}
	}
	s1 := New(SPI1(0x30000000, 128<<20))
	if got := s1.Read(regSeg0, 4); got != 0x70600000 {
		t.Errorf("SPI1 CE0 segment = %#x", got)
	}
	s2 := New(SPI2(0x38000000, 128<<20))
	if got := s2.Read(regSeg0+4, 4); got != 0x80780000 {
		t.Errorf("SPI2 CE1 segment = %#x", got)
	}
}

// TestLinuxProbe follows spi-aspeed-smc.c: setup (CE type, default
// window, write enable), JEDEC ID and SFDP in user mode, window adjust,
// dirmap read setup and a calibration read of the window.
func TestLinuxProbe(t *testing.T) {
	c, chip, _, _ := newFMC(t)
	img := make([]byte, 64<<10)
	for i := range img {
		img[i] = byte(i*7 + i>>8)
	}
	if err := chip.Load(img); err != nil {
		t.Fatal(err)
	}
	// aspeed_spi_chip_set_type + set_default_window + chip_enable.
	conf := c.Read(regConf, 4)
	c.Write(regConf, 4, conf&^3|2)
	seg := c.Read(regSeg0, 4)
	start, end := (seg>>16&0xFF)<<23, (seg>>24&0xFF)<<23
	if start != 0x20000000 || end <= start {
		t.Fatalf("CE0 default window %#x-%#x", start, end)
	}
	c.Write(regConf, 4, c.Read(regConf, 4)|1<<16)

	// exec_op: read ID (0x9F, 6 bytes).
	c.Write(regCE0, 4, 0x9F<<16|modeRead)
	id := userOp(c, 0, 0, []byte{0x9F}, 6)
	if !bytes.Equal(id, []byte{0x20, 0xBA, 0x19, 0, 0, 0}) {
		t.Errorf("JEDEC ID % x", id)
	}
	// SFDP: 5Ah, 3-byte address, one dummy byte, 16 bytes of header.
	sfdp := userOp(c, 0, 0, []byte{0x5A, 0, 0, 0, 0xFF}, 16)
	if string(sfdp[:4]) != "SFDP" || sfdp[5] != 1 || sfdp[8] != 0 || sfdp[15] != 0xFF {
		t.Errorf("SFDP header % x", sfdp)
	}

	// adjust_window: CE0 to 32 MiB, CE1 follows it.
	v := uint32(0x22000000>>23)<<24 | uint32(0x20000000>>23)<<16
	c.Write(regSeg0, 4, v)
	if got := c.Read(regSeg0, 4); got != v {
		t.Fatalf("CE0 window readback %#x, want %#x (Linux: window invalid)", got, v)
	}
	v1 := uint32(0x2A000000>>23)<<24 | uint32(0x22000000>>23)<<16
	c.Write(regSeg0+4, 4, v1)
	if got := c.Read(regSeg0+4, 4); got != v1 {
		t.Fatalf("CE1 window readback %#x", got)
	}
	// An out-of-window segment is refused.
	c.Write(regSeg0+4, 4, 0x70500000)
	if got := c.Read(regSeg0+4, 4); got != v1 {
		t.Errorf("bad segment accepted: %#x", got)
	}

	// dirmap_create: 1-1-2 fast read, 3-byte addresses.
	readCtl := uint32(0x203b0041)
	c.Write(regCE0, 4, readCtl)
	// Calibration reads the window start.
	for i := uint32(0); i < 256; i += 4 {
		want := binary.LittleEndian.Uint32(img[i:])
		if got := c.WindowRead(i, 4); got != want {
			t.Fatalf("window read %#x = %#x, want %#x", i, got, want)
		}
	}
	c.Write(regTiming, 4, 0x8)
	if c.Read(regTiming, 4) != 0x8 {
		t.Error("timing register not stored")
	}
	// CE1's window decodes to the second chip (erased).
	if got := c.WindowRead(0x02000000, 4); got != 0xFFFFFFFF {
		t.Errorf("CE1 read %#x", got)
	}
}

func wren(c *Controller, cs int) { userOp(c, cs, 0, []byte{0x06}, 0) }

func TestUserProgramErase(t *testing.T) {
	c, chip, _, _ := newFMC(t)
	c.Write(regConf, 4, 1<<16|2)
	// Program without WREN is ignored.
	userOp(c, 0, 0, []byte{0x02, 0x00, 0x10, 0x00, 0x12, 0x34}, 0)
	if got := c.WindowRead(0x1000, 2); got != 0xFFFF {
		t.Fatalf("program without WEL: %#x", got)
	}
	wren(c, 0)
	if sr := userOp(c, 0, 0, []byte{0x05}, 1); sr[0]&2 == 0 {
		t.Fatalf("WEL not set: %#x", sr[0])
	}
	// Page program: 3-byte address 0x0010FE, data crossing the page end
	// wraps to the page start.
	userOp(c, 0, 0, []byte{0x02, 0x00, 0x10, 0xFE, 0xA1, 0xA2, 0xA3}, 0)
	if sr := userOp(c, 0, 0, []byte{0x05}, 1); sr[0]&3 != 0 {
		t.Errorf("status after program %#x (WIP/WEL should be clear)", sr[0])
	}
	if fsr := userOp(c, 0, 0, []byte{0x70}, 1); fsr[0]&0x80 == 0 {
		t.Errorf("flag status not ready: %#x", fsr[0])
	}
	got := userOp(c, 0, 0, []byte{0x03, 0x00, 0x10, 0xFE}, 2)
	if !bytes.Equal(got, []byte{0xA1, 0xA2}) {
		t.Errorf("read back % x", got)
	}
	if b := c.WindowRead(0x1000, 1); b != 0xA3 {
		t.Errorf("page wrap: %#x", b)
	}
	// Programming only clears bits.
	wren(c, 0)
	userOp(c, 0, 0, []byte{0x02, 0x00, 0x10, 0xFE, 0x0F}, 0)
	if b := c.WindowRead(0x10FE, 1); b != 0x01 {
		t.Errorf("program AND: %#x", b)
	}
	if d := chip.Dirty(); len(d) != 1 || d[0] != (spinor.Range{Off: 0x1000, Len: 0x1000}) {
		t.Errorf("dirty %v", d)
	}
	// Fast read (0x0B, one dummy byte) in user mode.
	got = userOp(c, 0, 0, []byte{0x0B, 0x00, 0x10, 0xFF, 0x00}, 2)
	if !bytes.Equal(got, []byte{0xA2, 0xFF}) {
		t.Errorf("fast read % x", got)
	}
	// 4K sector erase.
	wren(c, 0)
	userOp(c, 0, 0, []byte{0x20, 0x00, 0x10, 0x80}, 0)
	if got := c.WindowRead(0x10FC, 4); got != 0xFFFFFFFF {
		t.Errorf("after erase %#x", got)
	}
	// 64K block erase and chip erase need WEL too.
	wren(c, 0)
	userOp(c, 0, 0, []byte{0x02, 0x01, 0x00, 0x00, 0x00}, 0)
	userOp(c, 0, 0, []byte{0xD8, 0x01, 0x00, 0x00}, 0)
	if c.WindowRead(0x10000, 1) != 0 {
		t.Error("block erase without WEL erased")
	}
	wren(c, 0)
	userOp(c, 0, 0, []byte{0xC7}, 0)
	if c.WindowRead(0x10000, 1) != 0xFF {
		t.Error("chip erase")
	}
	// Without the write enable bit of the CE type register, user-mode
	// writes do not reach the chip.
	c.Write(regConf, 4, 2)
	if id := userOp(c, 0, 0, []byte{0x9F}, 3); id[0] == 0x20 {
		t.Error("write-disabled CS accepted a command")
	}
}

func TestFourByteMapped(t *testing.T) {
	c, chip, _, _ := newFMC(t)
	img := make([]byte, 32<<20)
	binary.LittleEndian.PutUint32(img[0x0123450:], 0x11111111)
	binary.LittleEndian.PutUint32(img[0x1123450:], 0x22222222)
	chip.Load(img)
	c.Write(regConf, 4, 1<<16|2)
	// 3-byte mode: the top of a 32 MiB chip is out of reach; addresses
	// wrap at 16 MiB.
	c.Write(regCE0, 4, 0x0B<<16|1<<6|modeRead)
	if got := c.WindowRead(0x1123450, 4); got != 0x11111111 {
		t.Errorf("3-byte read above 16 MiB: %#x", got)
	}
	// Enter 4-byte mode on the chip and the controller.
	userOp(c, 0, 0, []byte{0xB7}, 0)
	c.Write(regCECtrl, 4, 0x11)
	c.Write(regCE0, 4, 0x0B<<16|1<<6|modeRead)
	if got := c.WindowRead(0x1123450, 4); got != 0x22222222 {
		t.Errorf("4-byte read: %#x", got)
	}
	if fsr := userOp(c, 0, 0, []byte{0x70}, 1); fsr[0]&1 == 0 {
		t.Errorf("flag status 4-byte bit: %#x", fsr[0])
	}
	c.Write(regCE0, 4, 0x0B<<16|1<<6|modeRead)
	// Normal read mode (03h) at 4 bytes too.
	c.Write(regCE0, 4, modeNormal)
	if got := c.WindowRead(0x0123450, 4); got != 0x11111111 {
		t.Errorf("normal read: %#x", got)
	}
	// Controller in 3-byte mode, chip in 4-byte: the chip takes the
	// first data byte as an address byte (real hardware garbage).
	c.Write(regCECtrl, 4, 0)
	if got := c.WindowRead(0x1123450, 4); got == 0x22222222 || got == 0x11111111 {
		t.Errorf("mismatched address width read the array: %#x", got)
	}
	// 4-byte opcodes work whatever the chip's mode.
	userOp(c, 0, 0, []byte{0xE9}, 0)
	got := userOp(c, 0, 0, []byte{0x13, 0x01, 0x12, 0x34, 0x50}, 4)
	if binary.LittleEndian.Uint32(got) != 0x22222222 {
		t.Errorf("0x13 read % x", got)
	}
}

func TestWriteMode(t *testing.T) {
	c, _, _, _ := newFMC(t)
	c.Write(regConf, 4, 1<<16|2)
	wren(c, 0)
	c.Write(regCE0, 4, 0x02<<16|modeWrite)
	c.WindowWrite(0x2000, 4, 0xCAFEF00D)
	c.Write(regCE0, 4, modeNormal)
	if got := c.WindowRead(0x2000, 4); got != 0xCAFEF00D {
		t.Errorf("write mode: %#x", got)
	}
	// Writes in read mode are refused.
	c.WindowWrite(0x3000, 4, 0)
	if got := c.WindowRead(0x3000, 4); got != 0xFFFFFFFF {
		t.Errorf("write in read mode reached flash: %#x", got)
	}
}

func TestDMA(t *testing.T) {
	c, chip, r, irq := newFMC(t)
	img := make([]byte, 0x20000)
	for i := range img {
		img[i] = byte(i ^ i>>8)
	}
	chip.Load(img)
	c.Write(regIntr, 4, intrDMAEn)
	// Flash to DRAM.
	c.Write(regDMAFlash, 4, 0x20000100)
	c.Write(regDMADRAM, 4, 0x80001000)
	c.Write(regDMALen, 4, 0x400)
	c.Write(regDMACtrl, 4, dmaEnable)
	if c.Read(regIntr, 4)&intrDMAStatus == 0 || !irq.level {
		t.Fatal("DMA not done / no IRQ")
	}
	if !bytes.Equal(r.b[0x1000:0x1400], img[0x100:0x500]) {
		t.Error("DMA data differ")
	}
	c.Write(regDMACtrl, 4, 0)
	if c.Read(regIntr, 4)&intrDMAStatus != 0 || irq.level {
		t.Error("DMA status not cleared by disabling the engine")
	}
	// U-Boot's calibration checksum: 0x200 bytes at CE0 + 0x10000.
	var want uint32
	for i := 0x10000; i < 0x10200; i += 4 {
		want += binary.LittleEndian.Uint32(img[i:])
	}
	c.Write(regDMAFlash, 4, 0x20010000)
	c.Write(regDMALen, 4, 0x200)
	c.Write(regDMACtrl, 4, dmaEnable|dmaChecksum|1<<3|0x7<<4)
	for c.Read(regIntr, 4)&intrDMAStatus == 0 {
		t.Fatal("checksum not done")
	}
	c.Write(regIntr, 4, 0)
	if got := c.Read(regChecksum, 4); got != want {
		t.Errorf("checksum %#x, want %#x", got, want)
	}
	c.Write(regDMACtrl, 4, 0)
	// DRAM to flash (needs WEL per page program, as on hardware).
	c.Write(regConf, 4, 1<<16|2)
	wren(c, 0)
	copy(r.b[0x8000:], []byte{1, 2, 3, 4})
	c.Write(regDMAFlash, 4, 0x20018000)
	c.Write(regDMADRAM, 4, 0x80008000)
	c.Write(regDMALen, 4, 4)
	c.Write(regCE0, 4, 0x02<<16)
	c.Write(regDMACtrl, 4, dmaEnable|dmaWrite)
	c.Write(regCE0, 4, 0)
	if got := c.WindowRead(0x18000, 4); got != 0x04030201&binary.LittleEndian.Uint32(img[0x18000:]) {
		t.Errorf("DMA to flash: %#x", got)
	}
	// A DRAM address outside RAM is a guest error, not a crash.
	c.Write(regDMADRAM, 4, 0x10000000)
	c.Write(regDMACtrl, 4, dmaEnable)
}

func TestWindowPage(t *testing.T) {
	c, chip, _, _ := newFMC(t)
	var inv [][2]uint32
	c.cfg.Invalidate = func(pa, n uint32) { inv = append(inv, [2]uint32{pa, n}) }
	img := []byte{1, 2, 3, 4}
	chip.Load(img)
	inv = nil
	p := c.WindowPage(0x1234)
	if p == nil || len(p) != 4096 || p[0] != 0xFF {
		t.Fatalf("page at 0x1000: %v", p == nil)
	}
	if p := c.WindowPage(0x10); p == nil || p[2] != 3 {
		t.Fatal("page 0")
	}
	// The boot chip repeats through its 128 MiB segment.
	if p := c.WindowPage(0x2000000); p == nil || p[0] != 1 {
		t.Error("mirror above the chip size")
	}
	// Fast read keeps the direct mapping.
	c.Write(regCE0, 4, 0x0B<<16|1<<6|modeRead)
	if c.WindowPage(0) == nil {
		t.Error("fast read mode lost the mapping")
	}
	// User mode has no direct mapping, and entering it invalidates the
	// window (the CPU drops its cached translations of it).
	c.Write(regCE0, 4, ctlUser)
	if c.WindowPage(0) != nil {
		t.Error("direct mapping in user mode")
	}
	if len(inv) == 0 || inv[0] != [2]uint32{0x20000000, 256 << 20} {
		t.Errorf("invalidations %v", inv)
	}
	// Back in normal read mode the window maps directly again, after
	// another invalidation.
	inv = nil
	c.Write(regCE0, 4, 0)
	if c.WindowPage(0) == nil {
		t.Error("normal mode did not restore the mapping")
	}
	if len(inv) == 0 {
		t.Error("leaving user mode did not invalidate the window")
	}
}

func TestBadAccesses(t *testing.T) {
	c, _, _, _ := newFMC(t)
	for off := uint32(0); off < 0x100; off++ {
		for _, size := range []int{1, 2, 4} {
			c.Write(off, size, 0xFFFFFFFF)
			c.Read(off, size)
		}
	}
	c.Write(regConf, 4, 0x70000|0x2A)
	for _, off := range []uint32{0, 0x7FFFFFC, 0xFFFFFFC} {
		c.WindowRead(off, 4)
		c.WindowWrite(off, 4, 0)
		c.WindowPage(off)
	}
	s2 := New(SPI2(0x38000000, 128<<20))
	s2.WindowRead(0, 4) // no chip attached
}
