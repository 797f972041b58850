package calltrace

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
)

// Call is a folded call tree: identical sibling subtrees (same function,
// same way of entry, same folded callees) are merged and counted.
type Call struct {
	Name      string  `json:"name"`
	Count     int     `json:"count"`
	Tail      bool    `json:"tail,omitempty"`
	Exception int     `json:"exception,omitempty"`
	Root      bool    `json:"root,omitempty"` // traced as a root of its own: see that root's trees
	Calls     []*Call `json:"calls,omitempty"`
	sig       uint64
}

// Root is the folded result for one root function.
type Root struct {
	Root    string  `json:"root"`
	Entries int     `json:"entries"` // times the root was entered
	Trees   []*Call `json:"trees"`   // distinct call trees, with counts
}

// Fold folds a list of sibling nodes.
func Fold(nodes []*Node) []*Call {
	var out []*Call
	idx := map[uint64]int{}
	for _, n := range nodes {
		c := foldNode(n)
		if i, ok := idx[c.sig]; ok {
			out[i].Count++
			continue
		}
		idx[c.sig] = len(out)
		out = append(out, c)
	}
	return out
}

func foldNode(n *Node) *Call {
	c := &Call{Name: n.Name, Count: 1, Tail: n.Tail, Exception: n.Exception, Root: n.Root, Calls: Fold(n.Children)}
	h := fnv.New64a()
	var b [8]byte
	h.Write([]byte(n.Name))
	b[0] = 0
	if n.Tail {
		b[0] = 1
	}
	if n.Root {
		b[0] |= 2
	}
	b[1] = byte(n.Exception)
	h.Write(b[:2])
	for _, k := range c.Calls {
		binary.LittleEndian.PutUint64(b[:], k.sig)
		h.Write(b[:])
		binary.LittleEndian.PutUint64(b[:], uint64(k.Count))
		h.Write(b[:])
	}
	h.Write([]byte{0xff})
	c.sig = h.Sum64()
	return c
}

// Result folds everything recorded so far, one Root per root function in
// the order given to New.
func (t *Tracer) Result() []Root {
	var rs []Root
	for _, r := range t.order {
		ns := t.calls[r]
		rs = append(rs, Root{Root: r, Entries: len(ns), Trees: Fold(ns)})
	}
	return rs
}

// Formats are the output formats Write accepts.
var Formats = []string{"tree", "boxes", "dot", "json"}

// Write renders the result in the given format.
func (t *Tracer) Write(w io.Writer, format string) error {
	return WriteResult(w, t.Result(), format)
}

// WriteResult renders folded results in the given format.
func WriteResult(w io.Writer, rs []Root, format string) error {
	bw := bufio.NewWriter(w)
	switch format {
	case "tree", "":
		writeTree(bw, rs)
	case "boxes":
		writeBoxes(bw, rs)
	case "dot":
		writeDot(bw, rs)
	case "json":
		e := json.NewEncoder(bw)
		e.SetIndent("", "  ")
		if rs == nil {
			rs = []Root{}
		}
		if err := e.Encode(rs); err != nil {
			return err
		}
	default:
		return fmt.Errorf("calltrace: unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	return bw.Flush()
}

func label(c *Call) string {
	s := c.Name
	if c.Count > 1 {
		s += fmt.Sprintf(" x%d", c.Count)
	}
	if c.Tail {
		s += " (tail call)"
	}
	if c.Root {
		s += " (own tree)"
	}
	return s
}

func writeTree(w *bufio.Writer, rs []Root) {
	for _, r := range rs {
		fmt.Fprintf(w, "# %s: %d entries\n", r.Root, r.Entries)
		var walk func(c *Call, depth int)
		walk = func(c *Call, depth int) {
			fmt.Fprintf(w, "%s%s\n", strings.Repeat("  ", depth), label(c))
			for _, k := range c.Calls {
				walk(k, depth+1)
			}
		}
		for _, c := range r.Trees {
			walk(c, 0)
		}
	}
}

// graph is the function-level view of a root's trees: distinct functions
// in first-seen order (breadth first) and their callee edges with total
// call counts.
type edge struct {
	to    string
	count int
	tail  bool
}

type graph struct {
	funcs []string
	edges map[string][]*edge
	roots map[string]bool // functions traced as roots of their own
}

func buildGraph(trees []*Call) *graph {
	g := &graph{edges: map[string][]*edge{}, roots: map[string]bool{}}
	seen := map[string]bool{}
	type item struct {
		c    *Call
		mult int
	}
	var q []item
	for _, c := range trees {
		q = append(q, item{c, c.Count})
	}
	for len(q) > 0 {
		it := q[0]
		q = q[1:]
		if !seen[it.c.Name] {
			seen[it.c.Name] = true
			g.funcs = append(g.funcs, it.c.Name)
		}
		if it.c.Root {
			g.roots[it.c.Name] = true
		}
		for _, k := range it.c.Calls {
			n := it.mult * k.Count
			var e *edge
			for _, x := range g.edges[it.c.Name] {
				if x.to == k.Name && x.tail == k.Tail {
					e = x
				}
			}
			if e == nil {
				e = &edge{to: k.Name, tail: k.Tail}
				g.edges[it.c.Name] = append(g.edges[it.c.Name], e)
			}
			e.count += n
			q = append(q, item{k, n})
		}
	}
	return g
}

func writeBoxes(w *bufio.Writer, rs []Root) {
	for _, r := range rs {
		fmt.Fprintf(w, "# %s: %d entries\n", r.Root, r.Entries)
		g := buildGraph(r.Trees)
		for _, f := range g.funcs {
			bar := "+" + strings.Repeat("-", len(f)+2) + "+"
			fmt.Fprintf(w, "%s\n| %s |\n%s\n", bar, f, bar)
			for _, e := range g.edges[f] {
				s := e.to
				if e.count > 1 {
					s += fmt.Sprintf(" x%d", e.count)
				}
				if e.tail {
					s += " (tail call)"
				}
				if g.roots[e.to] {
					s += " (own tree)"
				}
				fmt.Fprintf(w, "  |--> %s\n", s)
			}
			w.WriteString("\n")
		}
	}
}

func writeDot(w *bufio.Writer, rs []Root) {
	w.WriteString("digraph calls {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n")
	for i, r := range rs {
		g := buildGraph(r.Trees)
		fmt.Fprintf(w, "  subgraph cluster_%d {\n    label=%q;\n", i, fmt.Sprintf("%s (%d entries)", r.Root, r.Entries))
		id := func(f string) string { return fmt.Sprintf("%q", fmt.Sprintf("%d:%s", i, f)) }
		for _, f := range g.funcs {
			shape := ""
			if strings.HasPrefix(f, "[") {
				shape = ", shape=ellipse"
			}
			if g.roots[f] {
				shape = ", peripheries=2" // its own trees are under its root
			}
			fmt.Fprintf(w, "    %s [label=%q%s];\n", id(f), f, shape)
		}
		for _, f := range g.funcs {
			for _, e := range g.edges[f] {
				attr := fmt.Sprintf("label=\"%d\"", e.count)
				if e.tail {
					attr += ", style=dashed"
				}
				fmt.Fprintf(w, "    %s -> %s [%s];\n", id(f), id(e.to), attr)
			}
		}
		w.WriteString("  }\n")
	}
	w.WriteString("}\n")
}
