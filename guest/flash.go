// Flash parts of the OpenBMC-layout test image for romulus, built by
// testdata/build-mtd.sh into guest/flash/ and read from disk (not
// embedded, to keep the CLI binary small): the first-stage boot program
// (testdata/firmware), the U-Boot environment, the FIT (bundled zImage,
// romulus dtb, obmc-init initramfs), the squashfs rofs and the jffs2 rwfs.
// RomulusLayout is the static flash layout of Linux
// arch/arm/boot/dts/openbmc-flash-layout.dtsi (32 MiB FMC CS0 flash), the
// same partitions the romulus device tree declares.

package guest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Partition is one partition of a flash layout and the guest/flash file
// that fills it ("" for none).
type Partition struct {
	Name   string
	Offset uint32
	Size   uint32
	File   string
}

// RomulusFlashSize is the size of the romulus BMC flash (n25q256a).
const RomulusFlashSize = 32 << 20

// RomulusLayout is OpenBMC's static layout of the romulus BMC flash, in
// flash order; the partitions tile the whole chip.
var RomulusLayout = []Partition{
	{Name: "u-boot", Offset: 0x0, Size: 0x60000, File: "firmware.bin"},
	{Name: "u-boot-env", Offset: 0x60000, Size: 0x20000, File: "u-boot-env.bin"},
	{Name: "kernel", Offset: 0x80000, Size: 0x440000, File: "fit.itb"},
	{Name: "rofs", Offset: 0x4c0000, Size: 0x1740000, File: "rofs.squashfs"},
	{Name: "rwfs", Offset: 0x1c00000, Size: 0x400000, File: "rwfs.jffs2"},
}

// FlashDir returns the guest/flash directory of the source tree this
// package was built from.
func FlashDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("guest", "flash")
	}
	return filepath.Join(filepath.Dir(file), "flash")
}

// RomulusMTD assembles the 32 MiB romulus flash image from the parts in
// FlashDir(): each part at its partition's offset, the rest 0xff (erased
// NOR flash). These are the same bytes testdata/build-mtd.sh writes to
// $OUT_MTD.
func RomulusMTD() ([]byte, error) {
	img := bytes.Repeat([]byte{0xff}, RomulusFlashSize)
	dir := FlashDir()
	for _, p := range RomulusLayout {
		if p.File == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, p.File))
		if err != nil {
			return nil, fmt.Errorf("romulus flash image: %w (testdata/build-mtd.sh builds it)", err)
		}
		if uint64(len(b)) > uint64(p.Size) {
			return nil, fmt.Errorf("romulus flash image: %s is %d bytes, larger than the %s partition (%d bytes)",
				p.File, len(b), p.Name, p.Size)
		}
		if uint64(p.Offset)+uint64(p.Size) > RomulusFlashSize {
			return nil, fmt.Errorf("romulus flash image: partition %s runs past the end of the flash", p.Name)
		}
		copy(img[p.Offset:], b)
	}
	return img, nil
}
