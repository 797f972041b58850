package arm

// The JIT tier's platform-independent part: the per-page tables the
// generated code and the run loop share, the switch that turns the tier on
// and its statistics. The tier itself (jit_amd64.go and the jit_*_amd64.go
// translators) exists only on amd64; elsewhere EnableJIT reports false and
// the interpreter runs everything.
//
// The tier translates hot ARM-state blocks of a decoded page (codecache.go)
// into native code. It lives and dies with the page: a codePage's jit
// field is dropped with the page (code writes, remaps, flushes), so the
// coherence rules of the code cache cover the translations too.

// jitPage holds the translations that start in one decoded page. It is
// allocated when the page's first block is translated.
type jitPage struct {
	// entry is the native address of the block starting at each ARM word
	// (0: none). Generated code reads it to chain branches.
	entry [1024]uintptr
	// n is the length in instructions of the block at each word.
	n [1024]uint8
}

// jitHits counts, per ARM word of a decoded page, how often the
// interpreter reached it at the start of a block or as a taken branch's
// target; jitCold marks words where translation was refused.
type jitHits [1024]uint8

const jitCold = 0xFF

// jitShared is the part of the CPU the generated code reads and writes
// besides the architectural state.
type jitShared struct {
	// limit: generated code does not start a block that would take Insns
	// past it (min of the run loop's limit and a bound that returns
	// control to Go regularly).
	limit uint64
	// site is the exit site of the last exit to Go (an index into the
	// engine's site table).
	site uint32
	_    uint32
}

// JITStats describes the translation cache.
type JITStats struct {
	Enabled    bool
	Blocks     uint64 // blocks translated since start
	Insns      uint64 // guest instructions translated since start
	CodeBytes  uint64 // native code in use
	CodeLimit  uint64 // size of the translation cache
	Flushes    uint64 // times the cache filled and was emptied
	Exits      uint64 // exits to Go for an instruction the tier does not translate or a slow memory access
	Entries    uint64 // calls from Go into generated code
	Invalidate uint64 // pages whose translations were dropped
}
