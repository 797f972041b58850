package loader

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/u-root/u-root/pkg/dt"

	"github.com/ast2500emu/ast2500emu/guest"
)

func fakeZImage(size int) []byte {
	b := make([]byte, size)
	binary.LittleEndian.PutUint32(b[0x24:], zImageMagic)
	binary.LittleEndian.PutUint32(b[0x28:], 0)
	binary.LittleEndian.PutUint32(b[0x2C:], uint32(size))
	return b
}

func fakeDTB(t testing.TB, bootargs string) []byte {
	t.Helper()
	root := dt.NewNode("/", dt.WithProperty(dt.PropertyU32("#address-cells", 1), dt.PropertyU32("#size-cells", 1),
		dt.PropertyString("compatible", "test,board\x00aspeed,ast2500")))
	if bootargs != "" {
		root.Children = append(root.Children, dt.NewNode("chosen", dt.WithProperty(dt.PropertyString("bootargs", bootargs))))
	}
	f := &dt.FDT{Header: dt.Header{Magic: dt.Magic, Version: 17, LastCompVersion: 16}, RootNode: root}
	var b bytes.Buffer
	if _, err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func chosen(t *testing.T, dtb []byte) *dt.Node {
	t.Helper()
	f, err := dt.ReadFDT(bytes.NewReader(dtb))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := f.RootNode.LookupChildByName("chosen")
	if !ok {
		t.Fatal("no /chosen")
	}
	return c
}

func prop(t *testing.T, n *dt.Node, name string) *dt.Property {
	t.Helper()
	p, ok := n.LookProperty(name)
	if !ok {
		t.Fatalf("no property %s", name)
	}
	return p
}

const ramBase, ramSize = 0x80000000, 512 << 20

func TestPlanZImageInitrdAppend(t *testing.T) {
	app := "console=ttyS4,115200 quiet"
	req := Request{
		Kernel: Image{"zImage", fakeZImage(3 << 20)},
		DTB:    Image{"x.dtb", fakeDTB(t, "console=ttyS4,115200 earlycon")},
		Initrd: &Image{"initrd", make([]byte, 1000)},
		Append: &app,
	}
	l, err := Plan(req, ramBase, ramSize)
	if err != nil {
		t.Fatal(err)
	}
	if l.Entry != ramBase+0x10000 || l.KernelAddr != l.Entry {
		t.Errorf("kernel at %#x entry %#x", l.KernelAddr, l.Entry)
	}
	if l.InitrdAddr != ramBase+128<<20 {
		t.Errorf("initrd at %#x", l.InitrdAddr)
	}
	if l.DTBAddr != l.InitrdAddr+4096 {
		t.Errorf("dtb at %#x", l.DTBAddr)
	}
	c := chosen(t, l.DTB)
	if s, _ := prop(t, c, "bootargs").AsString(); s != app {
		t.Errorf("bootargs %q", s)
	}
	if v, _ := prop(t, c, "linux,initrd-start").AsU32(); v != l.InitrdAddr {
		t.Errorf("initrd-start %#x", v)
	}
	if v, _ := prop(t, c, "linux,initrd-end").AsU32(); v != l.InitrdAddr+1000 {
		t.Errorf("initrd-end %#x", v)
	}
}

func TestPlanKeepsBootargsAndAddsChosen(t *testing.T) {
	l, err := Plan(Request{Kernel: Image{"k", fakeZImage(4096)}, DTB: Image{"d", fakeDTB(t, "orig")}}, ramBase, ramSize)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := prop(t, chosen(t, l.DTB), "bootargs").AsString(); s != "orig" {
		t.Errorf("bootargs %q", s)
	}
	app := "new"
	l, err = Plan(Request{Kernel: Image{"k", fakeZImage(4096)}, DTB: Image{"d", fakeDTB(t, "")}, Append: &app}, ramBase, ramSize)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := prop(t, chosen(t, l.DTB), "bootargs").AsString(); s != "new" {
		t.Errorf("bootargs %q", s)
	}
}

func TestBadInputs(t *testing.T) {
	good := fakeDTB(t, "x")
	trunc := fakeZImage(8192)[:4096]
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{"empty kernel", Request{Kernel: Image{"k", nil}, DTB: Image{"d", good}}, "empty"},
		{"garbage kernel", Request{Kernel: Image{"k", bytes.Repeat([]byte{0xAB}, 4096)}, DTB: Image{"d", good}}, "not an ARM zImage"},
		{"truncated zImage", Request{Kernel: Image{"k", trunc}, DTB: Image{"d", good}}, "truncated zImage"},
		{"dtb not fdt", Request{Kernel: Image{"k", fakeZImage(4096)}, DTB: Image{"d", []byte("hello world")}}, "not a flattened device tree"},
		{"corrupt dtb", Request{Kernel: Image{"k", fakeZImage(4096)}, DTB: Image{"d", good[:40]}}, "corrupt device tree"},
		{"initrd too big", Request{Kernel: Image{"k", fakeZImage(4096)}, DTB: Image{"d", good}, Initrd: &Image{"i", make([]byte, 400<<20)}}, "does not fit"},
	}
	for _, c := range cases {
		_, err := Plan(c.req, ramBase, ramSize)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want InputError containing %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error %q", c.name, err)
		}
	}
}

func TestReadImageMissing(t *testing.T) {
	_, err := ReadImage("kernel", "/nonexistent/zImage")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/zImage: kernel file does not exist") {
		t.Fatalf("err = %v", err)
	}
}

func fakeDTBWithChild(t testing.TB, child string) []byte {
	t.Helper()
	root := dt.NewNode("/", dt.WithProperty(dt.PropertyU32("#address-cells", 1), dt.PropertyU32("#size-cells", 1),
		dt.PropertyString("compatible", "test,board\x00aspeed,ast2500")),
		dt.WithChildren(dt.NewNode(child)))
	f := &dt.FDT{Header: dt.Header{Magic: dt.Magic, Version: 17, LastCompVersion: 16}, RootNode: root}
	var b bytes.Buffer
	if _, err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// -m reaches the guest: /memory reg is the RAM installed (issue 11).
func TestPlanSetsMemory(t *testing.T) {
	romulus, ok := guest.DTB("aspeed-bmc-opp-romulus.dtb")
	if !ok {
		t.Fatal("no bundled romulus dtb")
	}
	for _, size := range []uint32{128 << 20, 256 << 20, 512 << 20, 1 << 30} {
		for _, d := range [][]byte{romulus, fakeDTB(t, "")} {
			l, err := Plan(Request{Kernel: Image{"k", fakeZImage(4096)}, DTB: Image{"d", d}}, ramBase, size)
			if err != nil {
				t.Fatal(err)
			}
			f, err := dt.ReadFDT(bytes.NewReader(l.DTB))
			if err != nil {
				t.Fatal(err)
			}
			var regs [][]byte
			f.RootNode.Walk(func(n *dt.Node) error {
				if p, ok := n.LookProperty("device_type"); ok && string(p.Value) == "memory\x00" {
					regs = append(regs, prop(t, n, "reg").Value)
				}
				return nil
			})
			want := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, ramBase), size)
			if len(regs) != 1 || !bytes.Equal(regs[0], want) {
				t.Errorf("%d MiB: memory reg %x, want %x", size>>20, regs, want)
			}
		}
	}
}

func TestPlanOtherBoard(t *testing.T) {
	root := dt.NewNode("/", dt.WithProperty(dt.PropertyString("compatible", "linux,dummy-virt")))
	f := &dt.FDT{Header: dt.Header{Magic: dt.Magic, Version: 17, LastCompVersion: 16}, RootNode: root}
	var b bytes.Buffer
	f.Write(&b)
	req := Request{Kernel: Image{"k", fakeZImage(4096)}, DTB: Image{"virt.dtb", b.Bytes()}}
	_, err := Plan(req, ramBase, ramSize)
	if err == nil || !strings.Contains(err.Error(), `virt.dtb: device tree is for another board (root compatible "linux,dummy-virt" lacks "aspeed,ast2500")`) {
		t.Errorf("virt dtb: %v", err)
	}
	req.AnyBoard = true
	if _, err := Plan(req, ramBase, ramSize); err != nil {
		t.Errorf("virt dtb with AnyBoard: %v", err)
	}
}
