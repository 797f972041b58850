package main

// --mtd: a flash image in the board's first FMC chip (CS0, the boot flash),
// loaded once at process start (flash keeps its contents across SoC
// resets). Guest writes stay in memory unless --mtd-writable, which writes
// the changed pages back into the file in place on exit, through a
// write-ahead journal (internal/imgfile): links, mode and ownership are
// kept, and a run killed during the save is completed by the next one.
// An image that could not be written at the end is refused at the start.
// --boot direct parses
// the FIT (or legacy uImage) in the kernel partition (loader.FlashBoot).

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ast2500emu/ast2500emu/board/boards"
	"github.com/ast2500emu/ast2500emu/devices/spinor"
	"github.com/ast2500emu/ast2500emu/guest"
	"github.com/ast2500emu/ast2500emu/internal/hostfile"
	"github.com/ast2500emu/ast2500emu/internal/imgfile"
	"github.com/ast2500emu/ast2500emu/loader"
)

// openBMCBootargs is the command line OpenBMC's U-Boot passes (its
// environment's bootargs, which U-Boot writes into /chosen of the FIT's
// device tree, replacing what the tree had).
const openBMCBootargs = "console=ttyS4,115200n8 root=/dev/ram rw"

// flashImage is the --mtd file and the chip it was loaded into.
type flashImage struct {
	path     string
	data     []byte
	writable bool
	file     *imgfile.File // --mtd-writable: open and locked until save
	chip     *spinor.Chip
	index    int // QEMU's if=mtd index: FMC CS0.., then SPI1 (machineopts.go)
}

func readFlashImage(path string, writable bool) (*flashImage, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, usage("--mtd %s: expected a flash image file, found nothing (no such file)", path)
		}
		return nil, usage("--mtd %s: %v", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, usage("--mtd %s: expected a flash image file, found %s", path, hostfile.Kind(fi.Mode()))
	}
	if fi.Size() == 0 {
		return nil, usage("--mtd %s: expected a flash image, found an empty file", path)
	}
	if !writable {
		data, err := hostfile.Read("flash image", path, hostfile.FlashLimit)
		if err != nil {
			return nil, usage("--mtd %v", err)
		}
		if len(data) == 0 {
			return nil, usage("--mtd %s: expected a flash image, found an empty file", path)
		}
		return &flashImage{path: path, data: data}, nil
	}
	if fi.Size() > hostfile.FlashLimit {
		return nil, usage("--mtd %s: flash image file of %d bytes exceeds the %d-byte limit", path, fi.Size(), int64(hostfile.FlashLimit))
	}
	// Everything the save at exit needs is checked now, before the run.
	file, err := imgfile.Open(path, hostfile.FlashLimit)
	if err != nil {
		return nil, usage("--mtd-writable %s: %v", path, err)
	}
	for _, r := range file.Recovered {
		fmt.Fprintf(os.Stderr, "ast2500emu: --mtd-writable %s: %s\n", path, r)
	}
	data, err := file.ReadAll()
	if err != nil {
		file.Close()
		return nil, usage("--mtd %s: %v", path, err)
	}
	if len(data) == 0 {
		file.Close()
		return nil, usage("--mtd %s: expected a flash image, found an empty file", path)
	}
	return &flashImage{path: path, data: data, writable: true, file: file}, nil
}

// close releases the --mtd-writable file without saving.
func (f *flashImage) close() {
	if f != nil && f.file != nil {
		f.file.Close()
		f.file = nil
	}
}

// attach loads the image into its chip, at where (FMC CS0...; called from
// machine.Config.Attach, after the board's chips are attached). An
// error is the user's (exit status 2).
func (f *flashImage) attach(chip *spinor.Chip, where string) error {
	if chip == nil {
		return usage("--mtd %s: this board has no flash chip on %s", f.path, where)
	}
	size := uint64(chip.Size())
	n := uint64(len(f.data))
	if n > size {
		return usage("--mtd %s: image of %d bytes is larger than the %s flash chip (%d bytes)", f.path, n, chip.Model().Name, size)
	}
	if n < size {
		fmt.Fprintf(os.Stderr, "ast2500emu: warning: --mtd %s: image of %d bytes is smaller than the %s flash chip (%d bytes); padded with 0xFF in memory\n",
			f.path, n, chip.Model().Name, size)
	}
	if err := chip.Load(f.data); err != nil {
		return usage("--mtd %s: %v", f.path, err)
	}
	f.chip = chip
	return nil
}

// save writes the chip back into the file (--mtd-writable) if the guest
// changed it: the pages written, in place, through a write-ahead journal
// (imgfile.File.Update), then releases the file. The file keeps its
// length unless the guest wrote past it (a short image), in which case it
// grows to the full chip.
func (f *flashImage) save() error {
	if f == nil || f.file == nil {
		return nil
	}
	defer f.close()
	if f.chip == nil {
		return nil
	}
	dirty := f.chip.Dirty()
	if len(dirty) == 0 {
		return nil
	}
	// The file gets the pages the guest wrote, and nothing else: after a
	// --snapshot restore the chip starts from the snapshot's contents, and
	// only what the restored guest changes goes back to the file.
	data := f.chip.Data()
	n := len(f.data)
	for _, r := range dirty {
		if int(r.Off)+int(r.Len) > n {
			n = len(data)
		}
	}
	exts := make([]imgfile.Extent, 0, len(dirty))
	for _, r := range dirty {
		end := min(int(r.Off)+int(r.Len), n)
		if int(r.Off) < end {
			exts = append(exts, imgfile.Extent{Off: int64(r.Off), Data: data[r.Off:end]})
		}
	}
	if err := f.file.Update(int64(n), exts); err != nil {
		return fmt.Errorf("--mtd-writable %s: %v", f.path, err)
	}
	f.chip.ClearDirty()
	f.data = data[:n]
	return nil
}

// flashBootRequest builds the direct-boot request from the kernel
// partition of the --mtd image (--boot direct).
func (o *bootOptions) flashBootRequest(cmd *cobra.Command, b boards.Board, f *flashImage, ram uint64) (loader.Request, error) {
	var req loader.Request
	if o.kernel != "" {
		return req, usage("--kernel cannot be combined with --mtd --boot direct (the kernel comes from the image's FIT)")
	}
	fb, err := loader.ParseKernelPartition(f.path, f.data)
	if err != nil {
		return req, usageError{err}
	}
	req.Kernel = fb.Kernel
	switch {
	case o.dtb != "":
		if req.DTB, err = loader.ReadImage("dtb", o.dtb); err != nil {
			return req, usageError{err}
		}
	case fb.DTB != nil:
		req.DTB = *fb.DTB
	default:
		// A legacy uImage carries no device tree: the board's.
		d, ok := guest.DTB(b.DTB)
		if !ok {
			return req, usage("--mtd %s: the uImage has no device tree and there is no bundled one for %s; give --dtb", f.path, b.Name)
		}
		req.DTB = loader.Image{Name: "bundled " + b.DTB, Data: d}
	}
	switch {
	case o.initrd != "":
		img, err := loader.ReadImageMax("initrd", o.initrd, int64(ram))
		if err != nil {
			return req, usageError{err}
		}
		req.Initrd = &img
	default:
		req.Initrd = fb.Initrd
	}
	a := openBMCBootargs
	if cmd.Flags().Changed("append") {
		a = o.appendS
	}
	req.Append = &a
	req.AnyBoard = o.anyBoard
	return req, nil
}

// firmwareCheck validates --mtd with --boot firmware: the image's own boot
// loader takes the kernel, device tree, initramfs and command line from
// flash, so those flags have no place, and the first word must be
// something an ARM core can start from (a branch or a load into the PC, as
// every U-Boot and first-stage loader has at its reset vector).
func (o *bootOptions) firmwareCheck(cmd *cobra.Command, f *flashImage) error {
	for _, name := range []string{"kernel", "dtb", "initrd", "append"} {
		if cmd.Flags().Changed(name) {
			return usage("--%s cannot be combined with --mtd firmware boot (the image's boot loader loads Linux from flash); use --boot direct to override parts of the image", name)
		}
	}
	if len(f.data) < 4 {
		return usage("--mtd %s: expected a flash image with a boot loader at offset 0, found only %d bytes", f.path, len(f.data))
	}
	w := uint32(f.data[0]) | uint32(f.data[1])<<8 | uint32(f.data[2])<<16 | uint32(f.data[3])<<24
	switch {
	case w == 0xFFFFFFFF:
		return usage("--mtd %s: expected a boot loader at offset 0 (the reset vector), found erased flash (0xFF); is this a partition rather than a whole flash image?", f.path)
	case !isResetVector(w):
		return usage("--mtd %s: expected a boot loader at offset 0 (an ARM branch or load into the PC at the reset vector), found %#08x; not a flash image?", f.path, w)
	}
	return nil
}

// isResetVector reports whether w is an instruction boot loaders put at
// the reset vector: B (condition always) or LDR PC,[PC,#imm].
func isResetVector(w uint32) bool {
	return w&0xFF000000 == 0xEA000000 || w&0xFFFFF000 == 0xE59FF000
}
