package guestprof

import (
	"strings"
	"testing"

	"github.com/ast2500emu/ast2500emu/calltrace"
	"github.com/ast2500emu/ast2500emu/vclock"
)

type fakeCPU struct {
	pc     uint32
	mode   uint32
	halted bool
}

func (c *fakeCPU) PC() uint32   { return c.pc }
func (c *fakeCPU) Mode() uint32 { return c.mode }
func (c *fakeCPU) Halted() bool { return c.halted }

// run advances guest time by n sampling periods (1000 ps per instruction,
// a 10 us period is 10000 instructions) with the CPU in the given state.
func run(clk *vclock.Clock, insns *uint64, cpu *fakeCPU, pc, mode uint32, halted bool, n int) {
	cpu.pc, cpu.mode, cpu.halted = pc, mode, halted
	for i := 0; i < n; i++ {
		*insns += 10_000
		clk.RunDue()
	}
}

func TestProfile(t *testing.T) {
	var insns uint64
	clk := vclock.New(1000)
	clk.Attach(&insns)
	cpu := &fakeCPU{}
	syms := calltrace.NewSymbols([]calltrace.Symbol{
		{Addr: 0x80100000, Size: 0x100, Name: "tcp_sendmsg"},
		{Addr: 0x80200000, Size: 0x40, Name: "__irq_svc"},
		{Addr: 0x80300000, Size: 0x80, Name: "memcpy"},
	})
	p := New(cpu, clk, syms, 10_000)
	p.Start()
	// Boot before user space: not sampled (the decompressor's addresses
	// overlap the kernel's).
	run(clk, &insns, cpu, 0x80100010, 0x13, false, 50)
	if p.Samples() != 0 {
		t.Fatalf("%d samples before the first user-mode instruction", p.Samples())
	}
	run(clk, &insns, cpu, 0x00010000, 0x10, false, 10) // user
	run(clk, &insns, cpu, 0x80100010, 0x13, false, 40) // tcp_sendmsg
	run(clk, &insns, cpu, 0x80300004, 0x13, false, 20) // memcpy
	run(clk, &insns, cpu, 0x80200000, 0x12, false, 10) // IRQ entry
	run(clk, &insns, cpu, 0x80400000, 0x13, false, 5)  // no symbol
	if p.Samples() != 85 {
		t.Fatalf("%d samples, want 85", p.Samples())
	}
	want := []Entry{{"tcp_sendmsg", 40}, {"memcpy", 20}, {"__irq_svc", 10}, {"[unknown 0x80400000]", 5}}
	got := p.Functions()
	if len(got) != len(want) {
		t.Fatalf("functions %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("functions[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	var b strings.Builder
	if err := p.Write(&b, 2); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, s := range []string{
		"85 samples of a busy CPU, one every 10000 ns",
		"busy: kernel 88.2% (of which IRQ/FIQ mode 11.8%), user 11.8%; idle (WFI) 0.0%",
		"      40  47.06%  47.06%  tcp_sendmsg\n",
		"      20  23.53%  70.59%  memcpy\n",
		"      10  11.76%          [user]\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("profile lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "__irq_svc") {
		t.Errorf("top 2 printed more:\n%s", out)
	}

	// 3 ms idle in WFI: the profiler does not tick through it (at most one
	// wake-up per millisecond without device events) and counts it as idle
	// time; sampling resumes within a millisecond of the CPU waking.
	fires := 0
	var next uint64
	for i := 0; i < 300; i++ {
		cpu.halted = true
		insns += 10_000
		if d, ok := clk.Next(); ok && d != next {
			fires++
			next = d
		}
		clk.RunDue()
	}
	if fires > 5 {
		t.Errorf("profiler re-armed %d times during 3 ms of idle", fires)
	}
	run(clk, &insns, cpu, 0x80100010, 0x13, false, 200)
	p.Stop()
	n := p.Samples() - 85
	if n < 100 || n > 200 {
		t.Errorf("%d samples in 2 ms busy after idle, want 100..200", n)
	}
	if sh := p.IdleShare(); sh < 0.45 || sh > 0.70 {
		t.Errorf("idle share %.2f, want about 300/585", sh)
	}
	// Stopped: no more samples.
	p.Stop()
	before := p.Samples()
	run(clk, &insns, cpu, 0x80100010, 0x13, false, 10)
	if p.Samples() != before {
		t.Errorf("%d samples after Stop", p.Samples()-before)
	}
}
