// Package matrix turns the checks' verdicts into the isolation matrix:
// one row per check, one column per target, each cell the check's verdict
// with its negative control's folded in. Specs record a Cell as a Ginkgo
// report entry; ReportAfterSuite collects them from the aggregated report
// and writes them as JSON; lc-matrix merges the suites' files and renders
// the matrix as a terminal table, Markdown, HTML and JSON, and judges the
// run. Rendering and judging are pure.
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
	Area   string `json:"area"`   // suite area: ns, escape, ...
	Check  string `json:"check"`  // the check's full name
	Target string `json:"target"` // column label
	// Row is the short name of the matrix row; a check and its negative
	// control share it, so the control folds into the check's cell. Empty:
	// derived from Check (see RowName).
	Row      string   `json:"row,omitempty"`
	Status   Status   `json:"status"`
	Reason   string   `json:"reason,omitempty"`   // skip reason, or the leak/error in one line
	Evidence []string `json:"evidence,omitempty"` // what was observed, for the failure report
	// Control marks a negative control: the same check under a deliberate
	// weakening, where it must FAIL to prove it can tell a leak from isolation.
	Control bool `json:"control,omitempty"`
	// Score is a count the check measured, shown beside the status in
	// every rendering (e.g. "47 of 52 denied").
	Score string `json:"score,omitempty"`
}

// RowName is the row the cell belongs to: Row when the suite named it,
// else Check without its " [control: …]" suffix and without a leading
// "<area>: ", so "security: seccomp [control: --seccomp unconfined]" and
// "security: seccomp" share the row "seccomp".
func (c Cell) RowName() string {
	if c.Row != "" {
		return c.Row
	}
	s := c.Check
	if i := strings.Index(s, " [control"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(strings.TrimPrefix(s, c.Area+": "))
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

// Label is the cell's text in the reports.
func (c Cell) Label() string { return c.withScore(c.label()) }

func (c Cell) label() string {
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

// Short is the label without the reason.
func (c Cell) Short() string { return c.withScore(c.short()) }

// withScore appends the measured count, if any.
func (c Cell) withScore(s string) string {
	if c.Score == "" {
		return s
	}
	return s + " [" + c.Score + "]"
}

func (c Cell) short() string {
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

// Headline is what went wrong in a few words, for the one line a bad cell
// gets under the matrix: the first part of the reason, or what a control
// that did not fail means.
func (c Cell) Headline() string {
	switch {
	case c.Control && c.Status == Pass:
		return c.withScore("the control did not FAIL: the check cannot tell a leak here")
	case c.Status == Error:
		return "ERROR: " + firstClause(c.Reason)
	}
	return c.withScore(firstClause(c.Reason))
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

// firstClause is s up to its first "; " (judges join their findings so).
func firstClause(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, "; "); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
