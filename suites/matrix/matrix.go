package matrix

import (
	"os"
	"slices"
	"sort"
)

// Counts sums the cells by outcome: checks and negative controls apart.
type Counts struct {
	Pass    int `json:"pass"`
	Fail    int `json:"fail"`
	Error   int `json:"error"`
	Skipped int `json:"skipped"`
	// Controls: failed as they must (good), did not fail (bad), could not
	// decide (bad), skipped.
	ControlsFailed    int `json:"controls_failed_as_expected"`
	ControlsNotFailed int `json:"controls_did_not_fail"`
	ControlErrors     int `json:"control_errors"`
	ControlsSkipped   int `json:"controls_skipped"`
}

// Bad is how many cells must fail the run.
func (c Counts) Bad() int { return c.Fail + c.Error + c.ControlsNotFailed + c.ControlErrors }

// AllSkipped is how many cells, checks and controls, were skipped.
func (c Counts) AllSkipped() int { return c.Skipped + c.ControlsSkipped }

func (c *Counts) add(x Cell) {
	switch {
	case x.Control && x.Status == Skipped:
		c.ControlsSkipped++
	case x.Control && x.Status == Error:
		c.ControlErrors++
	case x.Control && x.Status == Fail:
		c.ControlsFailed++
	case x.Control:
		c.ControlsNotFailed++
	case x.Status == Skipped:
		c.Skipped++
	case x.Status == Error:
		c.Error++
	case x.Status == Fail:
		c.Fail++
	default:
		c.Pass++
	}
}

// Row is one check across targets, with its negative control folded in.
type Row struct {
	Area, Name string
	// Check and ControlCheck are the full names of the check and of its
	// control, as the suites wrote them (empty when the row has none).
	Check, ControlCheck string
	Checks              map[string]Cell // by target
	Controls            map[string]Cell // by target
}

// Cell returns the check (control false) or control cell of target t.
func (r Row) Cell(t string, control bool) (Cell, bool) {
	if control {
		c, ok := r.Controls[t]
		return c, ok
	}
	c, ok := r.Checks[t]
	return c, ok
}

// Matrix is checks × targets.
type Matrix struct {
	Targets []string
	// Strict are the targets whose bad cells fail the run ("ours"); the
	// other columns' bad cells are findings about those runtimes.
	Strict    []string
	Rows      []Row
	Counts    Counts
	PerTarget map[string]Counts
	// Suites and Meta travel with the matrix into matrix.json: how each
	// suite ran, and the machine it ran on.
	Suites []SuiteRun
	Meta   *Meta
}

// Columns is the order of the known targets' columns when LC_TARGETS does
// not give one: ours, the OCI runtimes, the rest roughly by how much of the
// kernel's isolation they use. Other targets follow by name.
var Columns = []string{"little-container", "runc", "crun", "bwrap", "seed", "gvisor", "nspawn", "lxc", "firejail", "podman"}

// Build arranges cells with the strict targets taken from the environment
// (see StrictTargets).
func Build(cells []Cell) *Matrix { return BuildStrict(cells, nil) }

// BuildStrict arranges cells: rows sorted by area then name, each a check
// with its control; the strict targets first, then the others by name. A
// repeated (row, target, control) keeps the worse cell. strict nil means
// StrictTargets of the graded targets. Columns: the strict targets, then
// LC_TARGETS' order (else Columns), then by name.
func BuildStrict(cells []Cell, strict []string) *Matrix {
	m := &Matrix{PerTarget: map[string]Counts{}}
	idx := map[[2]string]int{}
	for _, c := range cells {
		if !slices.Contains(m.Targets, c.Target) {
			m.Targets = append(m.Targets, c.Target)
		}
		k := [2]string{c.Area, c.RowName()}
		i, ok := idx[k]
		if !ok {
			i = len(m.Rows)
			idx[k] = i
			m.Rows = append(m.Rows, Row{Area: c.Area, Name: k[1], Checks: map[string]Cell{}, Controls: map[string]Cell{}})
		}
		r := &m.Rows[i]
		into := r.Checks
		if c.Control {
			into = r.Controls
			if r.ControlCheck == "" {
				r.ControlCheck = c.Check
			}
		} else if r.Check == "" {
			r.Check = c.Check
		}
		if old, dup := into[c.Target]; !dup || worse(c, old) {
			into[c.Target] = c
		}
	}
	sort.SliceStable(m.Rows, func(i, j int) bool {
		if m.Rows[i].Area != m.Rows[j].Area {
			return m.Rows[i].Area < m.Rows[j].Area
		}
		return m.Rows[i].Name < m.Rows[j].Name
	})
	if strict == nil {
		strict = StrictTargets(m.Targets)
	}
	m.Strict = strict
	prefer := list(os.Getenv("LC_TARGETS"))
	if len(prefer) == 0 {
		prefer = Columns
	}
	order := func(t string) (int, int) {
		i, j := slices.Index(strict, t), slices.Index(prefer, t)
		if i < 0 {
			i = len(strict)
		}
		if j < 0 {
			j = len(prefer)
		}
		return i, j
	}
	sort.SliceStable(m.Targets, func(i, j int) bool {
		si, pi := order(m.Targets[i])
		sj, pj := order(m.Targets[j])
		switch {
		case si != sj:
			return si < sj
		case pi != pj:
			return pi < pj
		}
		return m.Targets[i] < m.Targets[j]
	})
	for _, c := range m.Cells() {
		m.Counts.add(c)
		n := m.PerTarget[c.Target]
		n.add(c)
		m.PerTarget[c.Target] = n
	}
	return m
}

// Cells lists every cell, row by row, in target order, each check before
// its control.
func (m *Matrix) Cells() []Cell {
	var out []Cell
	for _, r := range m.Rows {
		for _, t := range m.Targets {
			for _, ctl := range []bool{false, true} {
				if c, ok := r.Cell(t, ctl); ok {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// Areas lists the rows' areas in order.
func (m *Matrix) Areas() []string {
	var out []string
	for _, r := range m.Rows {
		if !slices.Contains(out, r.Area) {
			out = append(out, r.Area)
		}
	}
	return out
}

func (m *Matrix) bad() []Cell {
	var out []Cell
	for _, c := range m.Cells() {
		if c.Bad() {
			out = append(out, c)
		}
	}
	return out
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
