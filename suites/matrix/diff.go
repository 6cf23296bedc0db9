package matrix

import (
	"fmt"
	"sort"
	"strings"
)

// Change is one cell that differs between two runs.
type Change struct {
	Area, Row, Target string
	Control           bool
	// Old and New are the statuses; "" when the cell is absent on that side.
	Old, New Status
	Reason   string // the new cell's reason (the old one's when it is gone)
	// Better says the change is towards "as it must be".
	Better bool
}

// String is the change's line: ~ changed, + new, - gone.
func (c Change) String() string {
	row := c.Row
	if c.Control {
		row += " (control)"
	}
	sign, what := "~", fmt.Sprintf("%s → %s", c.Old, c.New)
	switch {
	case c.Old == "":
		sign, what = "+", "new: "+string(c.New)
	case c.New == "":
		sign, what = "-", "gone (was "+string(c.Old)+")"
	}
	s := fmt.Sprintf("%s %s %s / %s: %s", sign, c.Area, row, c.Target, what)
	if c.Reason != "" && c.New != Pass {
		s += ": " + oneLine(firstClause(c.Reason), 80)
	}
	return s
}

// Diff lists the cells whose status differs between old and new, and the
// cells only one of them has, by area, row, target.
func Diff(old, new *Matrix) []Change {
	type key struct {
		area, row, target string
		control           bool
	}
	index := func(m *Matrix) map[key]Cell {
		out := map[key]Cell{}
		for _, c := range m.Cells() {
			out[key{c.Area, c.RowName(), c.Target, c.Control}] = c
		}
		return out
	}
	a, b := index(old), index(new)
	var out []Change
	for k, n := range b {
		o, ok := a[k]
		switch {
		case !ok:
			out = append(out, Change{Area: k.area, Row: k.row, Target: k.target, Control: k.control, New: n.Status, Reason: n.Reason})
		case o.Status != n.Status:
			out = append(out, Change{Area: k.area, Row: k.row, Target: k.target, Control: k.control,
				Old: o.Status, New: n.Status, Reason: n.Reason, Better: rank(n) < rank(o) || (n.Good() && !o.Good())})
		}
	}
	for k, o := range a {
		if _, ok := b[k]; !ok {
			out = append(out, Change{Area: k.area, Row: k.row, Target: k.target, Control: k.control, Old: o.Status, Reason: o.Reason})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		return strings.Join([]string{x.Area, x.Row, x.Target, fmt.Sprint(x.Control)}, "\x00") <
			strings.Join([]string{y.Area, y.Row, y.Target, fmt.Sprint(y.Control)}, "\x00")
	})
	return out
}
