package machine

import "github.com/ast2500emu/ast2500emu/devices/scu"

func wdtCause(i int) scu.ResetCause {
	switch i {
	case 1:
		return scu.ResetWDT2
	case 2:
		return scu.ResetWDT3
	}
	return scu.ResetWDT1
}
