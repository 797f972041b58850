package machine

// Kernel decompression on the host for boot loaders: when firmware (U-Boot
// bootz/bootm, our first-stage loader) jumps to a Linux zImage in DRAM with
// the MMU off, the CPU's cold-code hook (called once per newly executed
// page) finds the zImage header at the branch target. The kernel is then
// inflated on the host (loader/zimage, with its cache), written where the
// zImage's decompressor would write it ((pc & 0xF8000000) + TEXT_OFFSET,
// AUTO_ZRELADDR) and entered the way the decompressor enters it: SVC mode,
// IRQ and FIQ masked, MMU and caches off, r0 = 0, r1 (machine id) and r2
// (device tree) as the boot loader passed them. Anything the host cannot
// inflate, and a zImage with an appended device tree, runs the zImage's
// own code; a corrupt one too, so that the guest reports it as it would.

import (
	"encoding/binary"
	"fmt"

	"github.com/ast2500emu/ast2500emu/cpu/arm"
	"github.com/ast2500emu/ast2500emu/loader/zimage"
	"github.com/ast2500emu/ast2500emu/soc/ast2500"
)

// noteDecompress records how a zImage's kernel was inflated, for --stats,
// smoke reports and the device log.
func (m *Machine) noteDecompress(path string, cached bool) {
	if path == m.Decompress && cached == m.DecompressCached {
		return
	}
	m.Decompress = path
	m.DecompressCached = cached
	if cached {
		path += ", from the cache"
	}
	m.Log.Info("loader", "kernel decompression: %s", path)
}

// zImageEntry is the CPU's cold-code hook (arm.ColdCodeHook).
func (m *Machine) zImageEntry(pc uint32) (uint32, bool) {
	ramEnd := uint64(ast2500.DRAMBase) + m.cfg.SoC.RAMSize
	if pc < ast2500.DRAMBase || uint64(pc)+0x40 > ramEnd {
		return 0, false
	}
	var hdr [0x40]byte
	if !m.SoC.ReadPhys(pc, hdr[:]) || !zimage.IsZImage(hdr[:]) {
		return 0, false
	}
	if m.cfg.GuestDecompress {
		m.noteDecompress("guest decompressor (--guest-decompress)", false)
		return 0, false
	}
	n := uint64(binary.LittleEndian.Uint32(hdr[0x2C:]))
	if uint64(pc)+n+8 > ramEnd {
		m.noteDecompress(fmt.Sprintf("guest decompressor (zImage at %#x runs past RAM)", pc), false)
		return 0, false
	}
	img := make([]byte, n+8) // with the first words of an appended DTB
	m.SoC.ReadPhys(pc, img)
	h, err := zimage.ParseHeader(img)
	if err == nil && h.AppendedDTB == nil && binary.BigEndian.Uint32(img[n:]) == 0xD00DFEED {
		err = fmt.Errorf("appended device tree")
	}
	dest := uint64(pc&0xF8000000) + uint64(textOffset(h))
	if err == nil && (dest < ast2500.DRAMBase || dest >= ramEnd) {
		err = fmt.Errorf("kernel address %#x outside RAM", dest)
	}
	var k *zimage.Kernel
	cached := false
	if err == nil {
		k, cached, err = zimage.Load(img[:n], uint32(ramEnd-dest))
	}
	if err != nil {
		m.noteDecompress("guest decompressor ("+err.Error()+")", false)
		return 0, false
	}
	m.SoC.WritePhys(uint32(dest), k.Image)
	c := m.CPU
	if c.CPSR()&0x1DF != arm.ModeSVC|0x1C0 {
		c.SetCPSR(c.CPSR()&^0x1FF | arm.ModeSVC | 0x1C0)
	}
	c.SetReg(0, 0)
	m.noteDecompress("host ("+k.Format+")", cached)
	return uint32(dest), true
}

func textOffset(h *zimage.Header) uint32 {
	if h == nil {
		return 0
	}
	return h.TextOffset
}
