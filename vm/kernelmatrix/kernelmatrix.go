// Package kernelmatrix merges the isolation matrices of several VM runs
// (one per kernel and cgroup layout, see scripts/verify-vm) into one whose
// columns name the kernel and layout, and lists the checks whose verdict
// differs between them: a kernel that lacks a feature shows as a column
// that differs, never as an average.
package kernelmatrix

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/go-multierror"

	"github.com/little-container/little-container/suites/matrix"
)

// Run is one VM run: its label ("6.12/v2") and the report directory its
// suites wrote matrix-*.json into.
type Run struct {
	Label string
	Dir   string
}

// ParseRun reads "label=dir".
func ParseRun(s string) (Run, error) {
	label, dir, ok := strings.Cut(s, "=")
	if !ok || label == "" || dir == "" {
		return Run{}, fmt.Errorf("want label=dir, got %q", s)
	}
	return Run{Label: label, Dir: dir}, nil
}

// Column is the merged matrix's column for a target in a run.
func Column(target, label string) string { return target + " " + label }

// ReadRun reads every matrix-*.json in the run's directory.
func ReadRun(r Run) ([]matrix.Cell, error) {
	files, err := filepath.Glob(filepath.Join(r.Dir, "matrix-*.json"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s (%s): no matrix-*.json: the run verified nothing", r.Label, r.Dir)
	}
	var cells []matrix.Cell
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		cs, err := matrix.ReadJSON(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		cells = append(cells, cs...)
	}
	return cells, nil
}

// Relabel names each cell's target for the run: "little-container" becomes
// "little-container 6.12/v2".
func Relabel(cells []matrix.Cell, label string) []matrix.Cell {
	out := make([]matrix.Cell, len(cells))
	for i, c := range cells {
		c.Target = Column(c.Target, label)
		out[i] = c
	}
	return out
}

// Difference is a check on one target whose verdict is not the same in
// every run that has it.
type Difference struct {
	Area, Check, Target string
	Control             bool
	ByLabel             map[string]matrix.Cell
	Labels              []string // the runs' order
}

// String is one line: the check, then each run's verdict.
func (d Difference) String() string {
	parts := make([]string, 0, len(d.Labels))
	for _, l := range d.Labels {
		c, ok := d.ByLabel[l]
		if !ok {
			parts = append(parts, l+": not run")
			continue
		}
		parts = append(parts, l+": "+c.Label())
	}
	return fmt.Sprintf("%s / %s / %s: %s", d.Area, d.Check, d.Target, strings.Join(parts, "; "))
}

// Differences compares the runs' cells by (area, check, target) and
// returns those whose outcome differs, sorted by area and check.
func Differences(runs []Run, cells map[string][]matrix.Cell) []Difference {
	type key struct{ area, check, target string }
	byKey := map[key]*Difference{}
	var labels []string
	for _, r := range runs {
		labels = append(labels, r.Label)
	}
	for _, r := range runs {
		for _, c := range cells[r.Label] {
			k := key{c.Area, c.Check, c.Target}
			d := byKey[k]
			if d == nil {
				d = &Difference{Area: c.Area, Check: c.Check, Target: c.Target, Control: c.Control,
					ByLabel: map[string]matrix.Cell{}, Labels: labels}
				byKey[k] = d
			}
			d.ByLabel[r.Label] = c
		}
	}
	var out []Difference
	for _, d := range byKey {
		if differs(d, labels) {
			out = append(out, *d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Area != b.Area {
			return a.Area < b.Area
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		return a.Target < b.Target
	})
	return out
}

// differs: a run lacks the cell, or two runs' outcomes are not the same.
func differs(d *Difference, labels []string) bool {
	var first string
	for i, l := range labels {
		c, ok := d.ByLabel[l]
		if !ok {
			return true
		}
		if o := c.Short(); i == 0 {
			first = o
		} else if o != first {
			return true
		}
	}
	return false
}

// Merge reads the runs, writes each one's relabelled cells to
// <out>/matrix-vm-<n>.json (for lc-matrix to render and gate as one
// matrix) and returns the differences.
func Merge(out string, runs []Run) ([]Difference, error) {
	cells := map[string][]matrix.Cell{}
	var errs *multierror.Error
	for i, r := range runs {
		cs, err := ReadRun(r)
		if err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		cells[r.Label] = cs
		m := matrix.Build(Relabel(cs, r.Label))
		if err := writeJSON(filepath.Join(out, fmt.Sprintf("matrix-vm-%d.json", i+1)), m); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	return Differences(runs, cells), errs.ErrorOrNil()
}

func writeJSON(path string, m *matrix.Matrix) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := m.JSON(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// WriteDifferences writes the differences as text (Markdown-friendly: one
// list item per line), or says there are none.
func WriteDifferences(w io.Writer, runs []Run, diffs []Difference) error {
	labels := make([]string, len(runs))
	for i, r := range runs {
		labels[i] = r.Label
	}
	if len(runs) < 2 {
		return nil
	}
	if len(diffs) == 0 {
		_, err := fmt.Fprintf(w, "Every check has the same verdict on %s.\n", strings.Join(labels, ", "))
		return err
	}
	if _, err := fmt.Fprintf(w, "%d checks differ between %s:\n", len(diffs), strings.Join(labels, ", ")); err != nil {
		return err
	}
	for _, d := range diffs {
		if _, err := fmt.Fprintf(w, "- %s\n", d); err != nil {
			return err
		}
	}
	return nil
}
