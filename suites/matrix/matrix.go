package matrix

import (
	"sort"
)

// Counts sums the cells by outcome.
type Counts struct {
	Pass              int `json:"pass"`
	Fail              int `json:"fail"`
	Error             int `json:"error"`
	Skipped           int `json:"skipped"`
	ControlsFailed    int `json:"controls_failed_as_expected"`
	ControlsNotFailed int `json:"controls_did_not_fail"`
}

// Bad is how many cells must fail the run.
func (c Counts) Bad() int { return c.Fail + c.Error + c.ControlsNotFailed }

// Row is one check across targets.
type Row struct {
	Area    string
	Check   string
	Control bool
	Cells   map[string]Cell // by target
}

// Matrix is checks × targets.
type Matrix struct {
	Targets   []string
	Rows      []Row
	Counts    Counts
	PerTarget map[string]Counts
}

// Build arranges cells: rows sorted by area then check (a control row sorts
// right after its check, whose name it extends), the strict targets (ours)
// first, then the others by name. A repeated (check, target) keeps the
// worse cell.
func Build(cells []Cell) *Matrix {
	m := &Matrix{PerTarget: map[string]Counts{}}
	seenT := map[string]bool{}
	idx := map[[2]string]int{}
	for _, c := range cells {
		if !seenT[c.Target] {
			seenT[c.Target] = true
			m.Targets = append(m.Targets, c.Target)
		}
		k := [2]string{c.Area, c.Check}
		i, ok := idx[k]
		if !ok {
			i = len(m.Rows)
			idx[k] = i
			m.Rows = append(m.Rows, Row{Area: c.Area, Check: c.Check, Control: c.Control, Cells: map[string]Cell{}})
		}
		if old, dup := m.Rows[i].Cells[c.Target]; !dup || worse(c, old) {
			m.Rows[i].Cells[c.Target] = c
		}
	}
	sort.SliceStable(m.Rows, func(i, j int) bool {
		if m.Rows[i].Area != m.Rows[j].Area {
			return m.Rows[i].Area < m.Rows[j].Area
		}
		return m.Rows[i].Check < m.Rows[j].Check
	})
	strict := StrictTargets()
	order := func(t string) int {
		for i, s := range strict {
			if s == t {
				return i
			}
		}
		return len(strict)
	}
	sort.SliceStable(m.Targets, func(i, j int) bool {
		oi, oj := order(m.Targets[i]), order(m.Targets[j])
		if oi != oj {
			return oi < oj
		}
		return m.Targets[i] < m.Targets[j]
	})
	for _, r := range m.Rows {
		for t, c := range r.Cells {
			m.Counts.add(c)
			n := m.PerTarget[t]
			n.add(c)
			m.PerTarget[t] = n
		}
	}
	return m
}

func (n *Counts) add(c Cell) {
	switch {
	case c.Status == Skipped:
		n.Skipped++
	case c.Status == Error:
		n.Error++
	case c.Control && c.Status == Fail:
		n.ControlsFailed++
	case c.Control:
		n.ControlsNotFailed++
	case c.Status == Fail:
		n.Fail++
	default:
		n.Pass++
	}
}

func rank(c Cell) int {
	switch {
	case c.Bad():
		return 2
	case c.Status == Skipped:
		return 1
	}
	return 0
}

func worse(a, b Cell) bool { return rank(a) > rank(b) }
