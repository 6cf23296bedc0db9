// Package matrix turns the checks' verdicts into the isolation matrix:
// one row per check, one column per target, each cell pass / FAIL /
// skipped-with-reason. Specs record a Cell as a Ginkgo report entry;
// ReportAfterSuite collects them from the aggregated report and renders
// the matrix as a terminal table, Markdown and JSON. Rendering is pure.
package matrix

import (
	"fmt"
	"strings"
)

// Status is a check's verdict on one target's configuration.
type Status string

const (
	// Pass: isolation held.
	Pass Status = "pass"
	// Fail: a leak was observed.
	Fail Status = "FAIL"
	// Skipped: the check could not be made here (privilege, target knob,
	// kernel feature); Reason says why. Never counted as a pass.
	Skipped Status = "skipped"
	// Error: the check could not decide (probe crashed, report truncated,
	// run could not be inspected). Never a pass, never "failed as expected".
	Error Status = "ERROR"
)

// EntryName is the Ginkgo report entry name carrying a Cell.
const EntryName = "lc-check"

// Cell is one check on one target.
type Cell struct {
	Area     string   `json:"area"`   // suite area: ns, escape, ...
	Check    string   `json:"check"`  // row label
	Target   string   `json:"target"` // column label
	Status   Status   `json:"status"`
	Reason   string   `json:"reason,omitempty"`   // skip reason, or the leak/error in one line
	Evidence []string `json:"evidence,omitempty"` // what was observed, for the failure report
	// Control marks a negative control: the same check under a deliberate
	// weakening, where it must FAIL to prove it can tell a leak from isolation.
	Control bool `json:"control,omitempty"`
}

// Good says the cell came out as it should: a pass, or a control that failed.
func (c Cell) Good() bool {
	if c.Control {
		return c.Status == Fail
	}
	return c.Status == Pass
}

// Bad says the cell must fail the run: a leak, an error, or a control that
// did not fail. Skips are neither good nor bad; they are counted.
func (c Cell) Bad() bool { return c.Status != Skipped && !c.Good() }

// Label is the cell's text in the matrix.
func (c Cell) Label() string {
	switch {
	case c.Status == Skipped:
		return fmt.Sprintf("skipped (%s)", oneLine(c.Reason, 60))
	case c.Status == Error:
		return fmt.Sprintf("ERROR (%s)", oneLine(c.Reason, 60))
	case c.Control && c.Status == Fail:
		return "control failed as expected"
	case c.Control:
		return "CONTROL DID NOT FAIL"
	case c.Status == Fail:
		return fmt.Sprintf("FAIL (%s)", oneLine(c.Reason, 60))
	}
	return string(c.Status)
}

// Short is the label without the reason, for a table with several target
// columns; the reasons are listed under it.
func (c Cell) Short() string {
	switch {
	case c.Status == Skipped:
		return "skipped"
	case c.Status == Error:
		return "ERROR"
	case c.Control && c.Status == Fail:
		return "failed as expected"
	case c.Control:
		return "CONTROL DID NOT FAIL"
	case c.Status == Fail:
		return "FAIL"
	}
	return string(c.Status)
}

// String is what Ginkgo prints for the report entry.
func (c Cell) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s / %s: %s", c.Check, c.Target, c.Label())
	if c.Reason != "" && c.Status != Skipped {
		fmt.Fprintf(&b, "\n  reason: %s", c.Reason)
	}
	for _, e := range c.Evidence {
		fmt.Fprintf(&b, "\n  - %s", e)
	}
	return b.String()
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
