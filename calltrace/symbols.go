// Package calltrace reconstructs kernel call graphs from the instructions
// the emulated ARM1176 core executes: function entries (BL/BLX immediate
// and register, i.e. calls through function pointers such as
// sock->ops->bind), tail calls (a branch to a function start that leaves
// LR alone), returns, and exceptions taken in the middle of a call.
//
// Symbols come from the vmlinux ELF's .symtab (debug/elf, STT_FUNC
// entries) or from a System.map (text symbols, types t/T/w/W). Call
// stacks are kept per kernel stack: on 32-bit ARM Linux a task's
// thread_info sits at the base of its 8 KiB kernel stack, so SP &^ 8191
// names the task (arch/arm/include/asm/thread_info.h, THREAD_SIZE), which
// keeps calls attributed to the right task across __switch_to
// (arch/arm/kernel/entry-armv.S). Exception entry and return follow the
// ARM ARM (DDI 0406C, B1.8): an exception stacks nothing itself, its
// handler returns with an exception return to the interrupted address with
// the interrupted mode's SP restored.
package calltrace

import (
	"bufio"
	"debug/elf"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/ast2500emu/ast2500emu/internal/hostfile"
)

// Symbol is one function: its start address (Thumb bit cleared), size
// (0 when unknown) and name.
type Symbol struct {
	Addr, Size uint32
	Name       string
}

// Symbols is a sorted function table.
type Symbols struct {
	syms   []Symbol // sorted by Addr, one per address
	byName map[string]uint32
}

// LoadSymbols reads a vmlinux ELF or, when the file is not ELF, a
// System.map. The file must be a regular file (internal/hostfile).
func LoadSymbols(path string) (*Symbols, error) {
	f, _, err := hostfile.Open("symbols", path, hostfile.SymbolsLimit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err == nil && string(magic[:]) == elf.ELFMAG {
		return loadELF(path, f)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	s, err := ParseSystemMap(io.LimitReader(f, hostfile.TextLimit*64))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// LoadELF reads the function symbols of an ARM ELF file.
func LoadELF(path string) (*Symbols, error) {
	f, _, err := hostfile.Open("ELF", path, hostfile.SymbolsLimit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return loadELF(path, f)
}

func loadELF(path string, r io.ReaderAt) (*Symbols, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Machine != elf.EM_ARM || f.Class != elf.ELFCLASS32 {
		return nil, fmt.Errorf("%s: not an ARM ELF (machine %v, class %v)", path, f.Machine, f.Class)
	}
	es, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("%s: no symbol table: %w", path, err)
	}
	var syms []Symbol
	for _, s := range es {
		if elf.ST_TYPE(s.Info) != elf.STT_FUNC || s.Name == "" || s.Value == 0 {
			continue
		}
		syms = append(syms, Symbol{Addr: uint32(s.Value) &^ 1, Size: uint32(s.Size), Name: s.Name})
	}
	if len(syms) == 0 {
		return nil, fmt.Errorf("%s: no function symbols", path)
	}
	return NewSymbols(syms), nil
}

// ParseSystemMap reads "ADDR TYPE NAME" lines, keeping text symbols.
func ParseSystemMap(r io.Reader) (*Symbols, error) {
	var syms []Symbol
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		fs := strings.Fields(sc.Text())
		if len(fs) < 3 {
			continue
		}
		a, err := strconv.ParseUint(fs[0], 16, 32)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad address %q", n, fs[0])
		}
		switch fs[1] {
		case "t", "T", "w", "W":
		default:
			continue
		}
		if strings.HasPrefix(fs[2], "$") || strings.HasPrefix(fs[2], ".L") {
			continue
		}
		syms = append(syms, Symbol{Addr: uint32(a) &^ 1, Name: fs[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(syms) == 0 {
		return nil, fmt.Errorf("not a System.map: no text symbols")
	}
	return NewSymbols(syms), nil
}

// NewSymbols builds a table from a list (any order). Where several names
// share an address, the first in input order names it for lookup by
// address; every name resolves by name.
func NewSymbols(list []Symbol) *Symbols {
	s := &Symbols{byName: make(map[string]uint32, len(list))}
	for _, y := range list {
		if _, ok := s.byName[y.Name]; !ok {
			s.byName[y.Name] = y.Addr
		}
	}
	sorted := append([]Symbol(nil), list...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Addr < sorted[j].Addr })
	for _, y := range sorted {
		if n := len(s.syms); n > 0 && s.syms[n-1].Addr == y.Addr {
			if s.syms[n-1].Size == 0 {
				s.syms[n-1].Size = y.Size
			}
			continue
		}
		s.syms = append(s.syms, y)
	}
	return s
}

// Len is the number of distinct function addresses.
func (s *Symbols) Len() int { return len(s.syms) }

// Lookup returns the function containing addr (the nearest start at or
// below it, within its size when known).
func (s *Symbols) Lookup(addr uint32) (Symbol, bool) {
	addr &^= 1
	i := sort.Search(len(s.syms), func(i int) bool { return s.syms[i].Addr > addr }) - 1
	if i < 0 {
		return Symbol{}, false
	}
	y := s.syms[i]
	if y.Size != 0 && addr-y.Addr >= y.Size {
		return Symbol{}, false
	}
	return y, true
}

// At returns the function that starts exactly at addr.
func (s *Symbols) At(addr uint32) (Symbol, bool) {
	addr &^= 1
	i := sort.Search(len(s.syms), func(i int) bool { return s.syms[i].Addr >= addr })
	if i < len(s.syms) && s.syms[i].Addr == addr {
		return s.syms[i], true
	}
	return Symbol{}, false
}

// Addr returns the address of a named function.
func (s *Symbols) Addr(name string) (uint32, bool) {
	a, ok := s.byName[name]
	return a, ok
}

// Resolve returns the address of name or an error that suggests up to
// three near matches.
func (s *Symbols) Resolve(name string) (uint32, error) {
	if a, ok := s.byName[name]; ok {
		return a, nil
	}
	if sug := s.Suggest(name, 3); len(sug) > 0 {
		return 0, fmt.Errorf("unknown symbol %q (did you mean %s?)", name, strings.Join(sug, ", "))
	}
	return 0, fmt.Errorf("unknown symbol %q", name)
}

// Suggest returns up to n names close to name: names containing it (or
// contained in it) first, shortest first, then by edit distance.
func (s *Symbols) Suggest(name string, n int) []string {
	type cand struct {
		name string
		cost int
	}
	var cs []cand
	ln := strings.ToLower(name)
	for k := range s.byName {
		lk := strings.ToLower(k)
		var c int
		switch {
		case strings.Contains(lk, ln) || (len(lk) >= 4 && strings.Contains(ln, lk)):
			c = abs(len(k) - len(name))
		default:
			if abs(len(k)-len(name)) > 4 {
				continue
			}
			d := levenshtein(ln, lk)
			if d > len(name)/2+1 {
				continue
			}
			c = 100 + d
		}
		cs = append(cs, cand{k, c})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].cost != cs[j].cost {
			return cs[i].cost < cs[j].cost
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
