package gdbstub

// The target description and the register file as GDB numbers it: r0-r15
// (0-15), cpsr (25, GDB's ARM_PS_REGNUM), then d0-d15 (26-41) and fpscr
// (42). The 'g' packet carries them in that order, without gaps.

import "github.com/ast2500emu/ast2500emu/cpu/arm"

const (
	regCPSR  = 25
	regD0    = 26
	regFPSCR = 42
)

const targetXML = `<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>arm</architecture>
  <xi:include href="arm-core.xml"/>
  <xi:include href="arm-vfp.xml"/>
</target>
`

const coreXML = `<?xml version="1.0"?>
<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.arm.core">
  <reg name="r0" bitsize="32" regnum="0"/>
  <reg name="r1" bitsize="32"/>
  <reg name="r2" bitsize="32"/>
  <reg name="r3" bitsize="32"/>
  <reg name="r4" bitsize="32"/>
  <reg name="r5" bitsize="32"/>
  <reg name="r6" bitsize="32"/>
  <reg name="r7" bitsize="32"/>
  <reg name="r8" bitsize="32"/>
  <reg name="r9" bitsize="32"/>
  <reg name="r10" bitsize="32"/>
  <reg name="r11" bitsize="32"/>
  <reg name="r12" bitsize="32"/>
  <reg name="sp" bitsize="32" type="data_ptr"/>
  <reg name="lr" bitsize="32"/>
  <reg name="pc" bitsize="32" type="code_ptr"/>
  <reg name="cpsr" bitsize="32" regnum="25"/>
</feature>
`

const vfpXML = `<?xml version="1.0"?>
<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.arm.vfp">
  <reg name="d0" bitsize="64" type="ieee_double" regnum="26"/>
  <reg name="d1" bitsize="64" type="ieee_double"/>
  <reg name="d2" bitsize="64" type="ieee_double"/>
  <reg name="d3" bitsize="64" type="ieee_double"/>
  <reg name="d4" bitsize="64" type="ieee_double"/>
  <reg name="d5" bitsize="64" type="ieee_double"/>
  <reg name="d6" bitsize="64" type="ieee_double"/>
  <reg name="d7" bitsize="64" type="ieee_double"/>
  <reg name="d8" bitsize="64" type="ieee_double"/>
  <reg name="d9" bitsize="64" type="ieee_double"/>
  <reg name="d10" bitsize="64" type="ieee_double"/>
  <reg name="d11" bitsize="64" type="ieee_double"/>
  <reg name="d12" bitsize="64" type="ieee_double"/>
  <reg name="d13" bitsize="64" type="ieee_double"/>
  <reg name="d14" bitsize="64" type="ieee_double"/>
  <reg name="d15" bitsize="64" type="ieee_double"/>
  <reg name="fpscr" bitsize="32" type="int" group="float"/>
</feature>
`

// features are the documents served by qXfer:features:read.
var features = map[string]string{
	"target.xml":   targetXML,
	"arm-core.xml": coreXML,
	"arm-vfp.xml":  vfpXML,
}

// regOrder lists the remote register numbers in 'g' packet order.
var regOrder = func() []int {
	var r []int
	for i := 0; i < 16; i++ {
		r = append(r, i)
	}
	r = append(r, regCPSR)
	for i := 0; i < 16; i++ {
		r = append(r, regD0+i)
	}
	return append(r, regFPSCR)
}()

// regSize returns the size in bytes of remote register n, 0 if unknown.
func regSize(n int) int {
	switch {
	case n >= 0 && n < 16, n == regCPSR, n == regFPSCR:
		return 4
	case n >= regD0 && n < regD0+16:
		return 8
	}
	return 0
}

func readReg(c *arm.CPU, n int) uint64 {
	switch {
	case n >= 0 && n < 16:
		return uint64(c.Reg(n))
	case n == regCPSR:
		return uint64(c.CPSR())
	case n >= regD0 && n < regD0+16:
		return c.VFPReg64(n - regD0)
	case n == regFPSCR:
		return uint64(c.FPSCR())
	}
	return 0
}

func writeReg(c *arm.CPU, n int, v uint64) {
	switch {
	case n >= 0 && n < 16:
		c.SetReg(n, uint32(v))
	case n == regCPSR:
		c.SetCPSR(uint32(v))
	case n >= regD0 && n < regD0+16:
		c.SetVFPReg64(n-regD0, v)
	case n == regFPSCR:
		c.SetFPSCR(uint32(v))
	}
}
