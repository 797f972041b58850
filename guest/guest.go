// Package guest holds the bundled Linux guest (go:embed): the zImage built
// from Debian's linux-source-6.1 with aspeed_g5_defconfig, the romulus and
// ast2500-evb device trees, the initramfs, and vmlinux/System.map for
// symbols. testdata/build-guest.sh rebuilds them; SHA256SUMS lists them.
package guest

import (
	"embed"
	"io/fs"
)

// Only what booting needs is embedded; vmlinux and System.map stay on disk
// for the debugging and tracing tools.
//
//go:embed images/zImage images/*.dtb images/initramfs.cpio.gz images/SHA256SUMS
var images embed.FS

func file(name string) []byte {
	b, err := fs.ReadFile(images, "images/"+name)
	if err != nil {
		return nil
	}
	return b
}

// Kernel returns the bundled zImage (nil if missing).
func Kernel() []byte { return file("zImage") }

// DTB returns the named bundled device tree.
func DTB(name string) ([]byte, bool) {
	b := file(name)
	return b, b != nil
}

// Initramfs returns the bundled initramfs (gzip-compressed newc cpio).
func Initramfs() []byte { return file("initramfs.cpio.gz") }

// File returns an embedded file by name (zImage, the dtbs, the initramfs,
// SHA256SUMS).
func File(name string) ([]byte, bool) {
	b := file(name)
	return b, b != nil
}
