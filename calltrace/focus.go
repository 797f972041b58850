package calltrace

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadJSON reads results written in the "json" format, so that one
// recorded run can be rendered again in every format, or focused, without
// running the guest again.
func ReadJSON(r io.Reader) ([]Root, error) {
	var rs []Root
	if err := json.NewDecoder(r).Decode(&rs); err != nil {
		return nil, fmt.Errorf("calltrace: reading json: %w", err)
	}
	return rs, nil
}

// Focus keeps, beneath each root, only the calls for which keep is true
// and the calls leading to them; siblings that become identical are folded
// again (their counts added). Roots whose trees keep nothing beneath them
// keep their entry count and lose their trees; a root that keep names
// itself keeps its trees whole.
func Focus(rs []Root, keep func(name string) bool) []Root {
	out := make([]Root, 0, len(rs))
	for _, r := range rs {
		if keep(r.Root) {
			out = append(out, r)
			continue
		}
		var trees []*Call
		for _, c := range r.Trees {
			if p := prune(c, keep); p != nil && len(p.Calls) > 0 {
				trees = append(trees, p)
			}
		}
		out = append(out, Root{Root: r.Root, Entries: r.Entries, Trees: refold(trees)})
	}
	return out
}

// prune returns a copy of c with only the paths that reach a kept call
// (nil when none does and c itself is not kept).
func prune(c *Call, keep func(string) bool) *Call {
	var kids []*Call
	for _, k := range c.Calls {
		if p := prune(k, keep); p != nil {
			kids = append(kids, p)
		}
	}
	if len(kids) == 0 && !keep(c.Name) {
		return nil
	}
	cp := *c
	cp.Calls = refold(kids)
	return &cp
}

// refold merges identical siblings, in first-seen order.
func refold(cs []*Call) []*Call {
	var out []*Call
	idx := map[string]int{}
	for _, c := range cs {
		k := shape(c)
		if i, ok := idx[k]; ok {
			out[i].Count += c.Count
			continue
		}
		idx[k] = len(out)
		cp := *c
		out = append(out, &cp)
	}
	return out
}

// shape is a canonical text of a call tree, counts included below the top.
func shape(c *Call) string {
	var b strings.Builder
	var walk func(c *Call, top bool)
	walk = func(c *Call, top bool) {
		b.WriteString(strconv.Quote(c.Name))
		fmt.Fprintf(&b, "/%t/%d/%t", c.Tail, c.Exception, c.Root)
		if !top {
			fmt.Fprintf(&b, "x%d", c.Count)
		}
		b.WriteByte('(')
		for _, k := range c.Calls {
			walk(k, false)
		}
		b.WriteByte(')')
	}
	walk(c, true)
	return b.String()
}
