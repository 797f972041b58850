// FIT and legacy-uImage parsing for booting the kernel partition of an
// OpenBMC flash image directly (the "--boot direct --mtd" fast path).
//
// A FIT (U-Boot "Flattened Image Tree", doc/uImage.FIT/source_file_format.txt
// and howto.txt in the U-Boot source) is a flattened device tree (magic
// 0xd00dfeed) with /images/<name> nodes holding the payloads ("data", or
// "data-offset"/"data-size" past the end of the tree, or "data-position"),
// their "type" (kernel, flat_dt, ramdisk), "arch", "compression" and
// "load"/"entry", each optionally with hash-N subnodes ("algo" sha256,
// sha1, crc32 or md5 and "value"), and /configurations with a "default"
// configuration naming the kernel, fdt and ramdisk images. OpenBMC's static
// flash layout (meta-phosphor's image_types_phosphor.bbclass, the romulus
// and evb device trees' "kernel" partition) puts it at offset 0x80000.
// The tree is read with u-root's pkg/dt.
package loader

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"

	"github.com/u-root/u-root/pkg/dt"
)

// KernelPartition is the offset of the kernel (FIT) partition in
// OpenBMC's static flash layout.
const KernelPartition = 0x80000

const fdtMagic = 0xd00dfeed

// FlashBoot is what a flash image's kernel partition holds.
type FlashBoot struct {
	Kernel Image
	DTB    *Image // nil: a legacy uImage (no device tree in it)
	Initrd *Image // nil: none
	Config string // the FIT configuration used ("" for a uImage)
}

// ParseKernelPartition parses the FIT or legacy uImage at
// KernelPartition in a flash image. name is the image's file name, for
// messages.
func ParseKernelPartition(name string, flash []byte) (*FlashBoot, error) {
	off := KernelPartition
	if len(flash) < off+64 {
		return nil, inputErr(name, "expected a FIT (0xd00dfeed) or uImage at 0x%x, found the end of the image (%d bytes)", off, len(flash))
	}
	part := flash[off:]
	switch magic := binary.BigEndian.Uint32(part); magic {
	case fdtMagic:
		return parseFIT(name, part)
	case uImageMagic:
		size := uint64(binary.BigEndian.Uint32(part[12:]))
		if uint64(uImageHeaderLen)+size > uint64(len(part)) {
			return nil, inputErr(name, "uImage at 0x%x: data size %d runs past the end of the image", off, size)
		}
		return &FlashBoot{Kernel: Image{Name: fmt.Sprintf("%s: uImage at 0x%x", name, off), Data: part[:uImageHeaderLen+int(size)]}}, nil
	default:
		return nil, inputErr(name, "expected a FIT (0xd00dfeed) or uImage at 0x%x, found % x", off, part[:8])
	}
}

func parseFIT(name string, part []byte) (*FlashBoot, error) {
	fail := func(format string, args ...any) error {
		return inputErr(name, "FIT at 0x%x: %s", KernelPartition, fmt.Sprintf(format, args...))
	}
	total := binary.BigEndian.Uint32(part[4:])
	if uint64(total) > uint64(len(part)) {
		return nil, fail("totalsize %d runs past the end of the image", total)
	}
	fdt, err := readFDT(part)
	if err != nil {
		return nil, fail("bad device tree: %v", err)
	}
	root := fdt.RootNode
	images, ok := root.LookupChildByName("images")
	if !ok {
		return nil, fail("expected an /images node, found none")
	}
	confs, ok := root.LookupChildByName("configurations")
	if !ok {
		return nil, fail("expected a /configurations node, found none")
	}
	var conf *dt.Node
	if def, ok := propString(confs, "default"); ok {
		if conf, ok = confs.LookupChildByName(def); !ok {
			return nil, fail("default configuration %q does not exist", def)
		}
	} else if len(confs.Children) > 0 {
		conf = confs.Children[0]
	} else {
		return nil, fail("expected a configuration, found none")
	}
	fb := &FlashBoot{Config: conf.Name}
	// Data past the tree ("external data", mkimage -E) is relative to the
	// end of the tree rounded up to 4 bytes.
	extBase := (uint64(total) + 3) &^ 3
	load := func(role string, required bool) (*Image, error) {
		ref, ok := propString(conf, role)
		if !ok {
			if required {
				return nil, fail("configuration %q: expected a %q image, found none", conf.Name, role)
			}
			return nil, nil
		}
		ref, _, _ = strings.Cut(ref, "\x00") // the first of a list
		n, ok := images.LookupChildByName(ref)
		if !ok {
			return nil, fail("configuration %q: %s image %q: expected a node /images/%s, found none", conf.Name, role, ref, ref)
		}
		data, err := nodeData(n, part, extBase)
		if err != nil {
			return nil, fail("/images/%s: %v", ref, err)
		}
		if c, ok := propString(n, "compression"); ok && c != "none" {
			return nil, fail("/images/%s: expected compression \"none\", found %q", ref, c)
		}
		if err := checkHashes(n, data); err != nil {
			return nil, fail("/images/%s: %v", ref, err)
		}
		return &Image{Name: fmt.Sprintf("%s: FIT /images/%s", name, ref), Data: data}, nil
	}
	k, err := load("kernel", true)
	if err != nil {
		return nil, err
	}
	fb.Kernel = *k
	if fb.DTB, err = load("fdt", true); err != nil {
		return nil, err
	}
	if fb.Initrd, err = load("ramdisk", false); err != nil {
		return nil, err
	}
	return fb, nil
}

func propString(n *dt.Node, name string) (string, bool) {
	p, ok := n.LookProperty(name)
	if !ok {
		return "", false
	}
	return strings.TrimRight(string(p.Value), "\x00"), true
}

func propU32(n *dt.Node, name string) (uint32, bool) {
	p, ok := n.LookProperty(name)
	if !ok || len(p.Value) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(p.Value), true
}

// nodeData returns an image node's payload, embedded or external.
func nodeData(n *dt.Node, part []byte, extBase uint64) ([]byte, error) {
	if p, ok := n.LookProperty("data"); ok {
		return p.Value, nil
	}
	size, ok := propU32(n, "data-size")
	if !ok {
		return nil, fmt.Errorf("expected a \"data\" or \"data-size\" property, found neither")
	}
	var start uint64
	if pos, ok := propU32(n, "data-position"); ok {
		start = uint64(pos)
	} else if o, ok := propU32(n, "data-offset"); ok {
		start = extBase + uint64(o)
	} else {
		return nil, fmt.Errorf("expected \"data-offset\" or \"data-position\" with \"data-size\", found neither")
	}
	if start+uint64(size) > uint64(len(part)) {
		return nil, fmt.Errorf("external data (%d bytes at 0x%x) runs past the end of the image", size, start)
	}
	return part[start : start+uint64(size)], nil
}

// checkHashes verifies every hash-N subnode of an image node.
func checkHashes(n *dt.Node, data []byte) error {
	for _, h := range n.Children {
		if !strings.HasPrefix(h.Name, "hash") {
			continue
		}
		algo, _ := propString(h, "algo")
		vp, ok := h.LookProperty("value")
		if !ok {
			return fmt.Errorf("%s: expected a \"value\", found none", h.Name)
		}
		var sum []byte
		switch algo {
		case "sha256":
			s := sha256.Sum256(data)
			sum = s[:]
		case "sha1":
			s := sha1.Sum(data)
			sum = s[:]
		case "md5":
			s := md5.Sum(data)
			sum = s[:]
		case "crc32":
			sum = binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(data))
		default:
			return fmt.Errorf("%s: expected algo sha256, sha1, crc32 or md5, found %q", h.Name, algo)
		}
		if !bytes.Equal(sum, vp.Value) {
			return fmt.Errorf("%s: %s mismatch: expected %x (stored), found %x (computed over %d bytes)", h.Name, algo, vp.Value, sum, len(data))
		}
	}
	return nil
}

// BuildFIT builds a FIT as OpenBMC's build does (mkimage -f with a
// kernel, a flat_dt and an optional ramdisk, sha256 hashes, one default
// configuration "conf-1"), with the data embedded. It is used to make test
// images without u-boot-tools.
func BuildFIT(kernel, dtb, ramdisk []byte) ([]byte, error) {
	image := func(name, typ string, data []byte, extra ...dt.Property) *dt.Node {
		sum := sha256.Sum256(data)
		props := []dt.Property{
			{Name: "data", Value: data},
			dt.PropertyString("type", typ),
			dt.PropertyString("arch", "arm"),
			dt.PropertyString("compression", "none"),
		}
		props = append(props, extra...)
		return dt.NewNode(name, dt.WithProperty(props...), dt.WithChildren(
			dt.NewNode("hash-1", dt.WithProperty(
				dt.Property{Name: "value", Value: sum[:]},
				dt.PropertyString("algo", "sha256")))))
	}
	imgs := []*dt.Node{
		image("kernel-1", "kernel", kernel, dt.PropertyString("os", "linux"),
			dt.PropertyU32("load", 0x80001000), dt.PropertyU32("entry", 0x80001000)),
		image("fdt-1", "flat_dt", dtb),
	}
	conf := []dt.Property{dt.PropertyString("kernel", "kernel-1"), dt.PropertyString("fdt", "fdt-1")}
	if ramdisk != nil {
		imgs = append(imgs, image("ramdisk-1", "ramdisk", ramdisk, dt.PropertyString("os", "linux")))
		conf = append(conf, dt.PropertyString("ramdisk", "ramdisk-1"))
	}
	root := dt.NewNode("", dt.WithProperty(
		dt.PropertyString("description", "ast2500emu test FIT"),
		dt.PropertyU32("#address-cells", 1)),
		dt.WithChildren(
			dt.NewNode("images", dt.WithChildren(imgs...)),
			dt.NewNode("configurations", dt.WithProperty(dt.PropertyString("default", "conf-1")),
				dt.WithChildren(dt.NewNode("conf-1", dt.WithProperty(conf...))))))
	fdt := &dt.FDT{RootNode: root}
	fdt.Header.Magic = dt.Magic
	fdt.Header.Version = 17
	fdt.Header.LastCompVersion = 16
	var out bytes.Buffer
	if _, err := fdt.Write(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
