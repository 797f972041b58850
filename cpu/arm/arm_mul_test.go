package arm

import "testing"

func TestARMMultiplies(t *testing.T) {
	R := aisaR
	aisaRunCases(t, []aisaCase{
		{name: "mul", op: 0xe0000291, in: R(1, 3, 2, 0xFFFFFFFF), want: R(0, 0xFFFFFFFD)},
		{name: "muls keeps C V", op: 0xe0100291, in: R(1, 0x10000, 2, 0x10000), flags: "NzCVq", want: R(0, 0), wantF: "nZCVq"},
		{name: "mla", op: 0xe0203291, in: R(1, 3, 2, 4, 3, 5), want: R(0, 17)},
		{name: "mlas", op: 0xe0303291, in: R(1, 0xFFFFFFFF, 2, 1, 3, 0), want: R(0, 0xFFFFFFFF), wantF: "Nzcvq"},
		{name: "umull", op: 0xe0810392, in: R(2, 0xFFFFFFFF, 3, 0xFFFFFFFF), want: R(0, 1, 1, 0xFFFFFFFE)},
		{name: "umulls zero", op: 0xe0910392, in: R(0, 9, 1, 9, 2, 0, 3, 5), flags: "NzCvq", want: R(0, 0, 1, 0), wantF: "nZCvq"},
		{name: "umlal", op: 0xe0a10392, in: R(0, 0xFFFFFFFF, 1, 0, 2, 1, 3, 1), want: R(0, 0, 1, 1)},
		{name: "smull", op: 0xe0c10392, in: R(2, 0xFFFFFFFE, 3, 3), want: R(0, 0xFFFFFFFA, 1, 0xFFFFFFFF)},
		{name: "smlals", op: 0xe0f10392, in: R(0, 6, 1, 0, 2, 0xFFFFFFFE, 3, 3), want: R(0, 0, 1, 0), wantF: "nZcvq"},
		{name: "smlals negative", op: 0xe0f10392, in: R(0, 5, 1, 0, 2, 0xFFFFFFFE, 3, 3), want: R(0, 0xFFFFFFFF, 1, 0xFFFFFFFF), wantF: "Nzcvq"},
		{name: "umaal max", op: 0xe0410392, in: R(0, 0xFFFFFFFF, 1, 0xFFFFFFFF, 2, 0xFFFFFFFF, 3, 0xFFFFFFFF), want: R(0, 0xFFFFFFFF, 1, 0xFFFFFFFF)},
		{name: "smlabb", op: 0xe1003281, in: R(1, 0x0000FFFF, 2, 2, 3, 10), want: R(0, 8), wantF: "nzcvq"},
		{name: "smlabb sets Q", op: 0xe1003281, in: R(1, 0x8000, 2, 0x8000, 3, 0x40000000), want: R(0, 0x80000000), wantF: "nzcvQ"},
		{name: "smlatt", op: 0xe10032e1, in: R(1, 0x00030000, 2, 0x00040000, 3, 1), want: R(0, 13)},
		{name: "smulbt", op: 0xe16002c1, in: R(1, 0xFFFF0005, 2, 0xFFFE0000), want: R(0, 0xFFFFFFF6)},
		{name: "smultb", op: 0xe16002a1, in: R(1, 0x00070000, 2, 6), want: R(0, 42)},
		{name: "smlawb", op: 0xe1203281, in: R(1, 0x00010000, 2, 3, 3, 1), want: R(0, 4)},
		{name: "smlawb negative", op: 0xe1203281, in: R(1, 0xFFFF0000, 2, 3, 3, 1), want: R(0, 0xFFFFFFFE)},
		{name: "smulwt", op: 0xe12002e1, in: R(1, 0x80000000, 2, 0x80000000), want: R(0, 0x40000000), wantF: "nzcvq"},
		{name: "smlalbt", op: 0xe14103c2, in: R(0, 0, 1, 0, 2, 0xFFFF, 3, 0x10000), want: R(0, 0xFFFFFFFF, 1, 0xFFFFFFFF)},
		{name: "smuad", op: 0xe700f211, in: R(1, 0x00020003, 2, 0x00040005), want: R(0, 23), wantF: "nzcvq"},
		{name: "smuad Q", op: 0xe700f211, in: R(1, 0x80008000, 2, 0x80008000), want: R(0, 0x80000000), wantF: "nzcvQ"},
		{name: "smuadx", op: 0xe700f231, in: R(1, 0x00020003, 2, 0x00040005), want: R(0, 22)},
		{name: "smlad", op: 0xe7003211, in: R(1, 0x00020003, 2, 0x00040005, 3, 100), want: R(0, 123)},
		{name: "smlad exact Q", op: 0xe7003211, in: R(1, 0x80008000, 2, 0x80008000, 3, 0xFFFFFFFF), want: R(0, 0x7FFFFFFF), wantF: "nzcvq"},
		{name: "smusd", op: 0xe700f251, in: R(1, 0x00020003, 2, 0x00040005), want: R(0, 7)},
		{name: "smlsdx", op: 0xe7003271, in: R(1, 0x00020003, 2, 0x00040005, 3, 100), want: R(0, 102)},
		{name: "smlald", op: 0xe7410312, in: R(0, 0xFFFFFFFF, 1, 0, 2, 0x00020003, 3, 0x00040005), want: R(0, 0x16, 1, 1)},
		{name: "smlsld", op: 0xe7410352, in: R(0, 0, 1, 0, 2, 0x00040001, 3, 0x00050001), want: R(0, 0xFFFFFFED, 1, 0xFFFFFFFF)},
		{name: "smmul", op: 0xe750f211, in: R(1, 0x40000000, 2, 6), want: R(0, 1)},
		{name: "smmulr", op: 0xe750f231, in: R(1, 0x40000000, 2, 6), want: R(0, 2)},
		{name: "smmul negative", op: 0xe750f211, in: R(1, 0xFFFFFFFF, 2, 1), want: R(0, 0xFFFFFFFF)},
		{name: "smmla", op: 0xe7503211, in: R(1, 0x40000000, 2, 6, 3, 5), want: R(0, 6)},
		{name: "smmls", op: 0xe75032d1, in: R(1, 0x40000000, 2, 6, 3, 5), want: R(0, 3)},
		{name: "smmlsr", op: 0xe75032f1, in: R(1, 0x40000000, 2, 6, 3, 5), want: R(0, 4)},
	})
}
