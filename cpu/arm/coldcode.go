package arm

// ColdCodeHook is called when the CPU starts executing a physical page it
// has not decoded before, in ARM state with the MMU off, with the address
// being executed. It runs once per page (not in the hot loop). If it
// returns ok, it has taken over what the code at pc would have done
// (written memory, set registers) and execution continues at next.
//
// The machine uses it to notice a boot loader jumping to a Linux zImage
// and to inflate the kernel on the host instead of running the zImage's
// decompressor (loader/zimage).
type ColdCodeHook func(pc uint32) (next uint32, ok bool)

// SetColdCodeHook installs (or with nil removes) the hook.
func (c *CPU) SetColdCodeHook(h ColdCodeHook) { c.coldCode = h }

// coldEntry runs the hook for a fetch at pc of physical page pa that has no
// decoded copy; it reports whether execution was redirected (c.nextPC).
func (c *CPU) coldEntry(pc, pa uint32) bool {
	if c.mmu.enabled || c.T || c.code.has(pa&^0xFFF) {
		return false
	}
	next, ok := c.coldCode(pc)
	if ok {
		c.nextPC = next
		c.code.lastValid = false
	}
	return ok
}
