//go:build unicorn

package unicorn

import "testing"

func TestMIDR(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	v, err := e.CP(15, 0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v != 0x410fb767 {
		t.Fatalf("MIDR = %#x, want 0x410fb767", v)
	}
	if err := e.Map(0x1000, 0x1000); err != nil {
		t.Fatal(err)
	}
	// add r0, r0, #1 ; svc #0
	e.Write(0x1000, []byte{0x01, 0x00, 0x80, 0xe2, 0x00, 0x00, 0x00, 0xef})
	e.SetReg(RegR0, 41)
	if n, err := e.Step(0x1000, 0xFFFFFFFF); err != nil || n != -1 {
		t.Fatalf("step: %d %v", n, err)
	}
	if e.Reg(RegR0) != 42 || e.Reg(RegPC) != 0x1004 {
		t.Fatalf("r0=%d pc=%#x", e.Reg(RegR0), e.Reg(RegPC))
	}
	n, err := e.Step(0x1004, 0xFFFFFFFF)
	if n != ExcpSWI {
		t.Fatalf("svc: intno %d err %v", n, err)
	}
	t.Logf("after svc: pc=%#x cpsr=%#x", e.Reg(RegPC), e.Reg(RegCPSR))
}
