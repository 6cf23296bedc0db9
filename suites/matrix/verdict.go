package matrix

import (
	"fmt"
	"strings"
)

// Verdict accumulates what a check observed and turns it into a cell: a
// run that cannot be trusted (crashed or truncated probe) is ERROR whatever
// else it shows; otherwise any leak makes it FAIL, anything undecidable
// makes it ERROR, an unsupported prerequisite makes it skipped; only a clean
// record passes.
type Verdict struct {
	Leaks    []string // isolation broken: the check FAILs
	Problems []string // could not decide: ERROR
	SkipWhy  string   // could not be tried here: skipped
	Evidence []string
	// Score is a count the check measured, carried into the cell.
	Score  string
	broken bool
}

// Leak records a broken isolation property.
func (v *Verdict) Leak(format string, a ...any) { v.Leaks = append(v.Leaks, fmt.Sprintf(format, a...)) }

// Problem records why the check could not decide.
func (v *Verdict) Problem(format string, a ...any) {
	v.Problems = append(v.Problems, fmt.Sprintf(format, a...))
}

// Broken records that the run itself cannot be trusted (a crashed,
// hung or truncated probe): the verdict is ERROR even if leaks were seen,
// so a broken run never counts as a control that failed as expected.
func (v *Verdict) Broken(format string, a ...any) {
	v.Problem(format, a...)
	v.broken = true
}

// Note records evidence.
func (v *Verdict) Note(format string, a ...any) {
	v.Evidence = append(v.Evidence, fmt.Sprintf(format, a...))
}

// Skip marks the check as not possible here; the first reason wins.
func (v *Verdict) Skip(why string) {
	if v.SkipWhy == "" {
		v.SkipWhy = why
	}
}

// Status is the verdict: a broken run is ERROR; a leak seen in a trusted
// run is FAIL even where other parts could not be decided (the isolation
// demonstrably broke); then problems, then skips.
func (v *Verdict) Status() Status {
	switch {
	case v.broken:
		return Error
	case len(v.Leaks) > 0:
		return Fail
	case len(v.Problems) > 0:
		return Error
	case v.SkipWhy != "":
		return Skipped
	}
	return Pass
}

// Apply fills c's status, reason and evidence from the verdict.
func (v *Verdict) Apply(c Cell) Cell {
	c.Status = v.Status()
	c.Score = v.Score
	switch c.Status {
	case Error:
		c.Reason = strings.Join(v.Problems, "; ")
	case Fail:
		c.Reason = strings.Join(v.Leaks, "; ")
	case Skipped:
		c.Reason = v.SkipWhy
	}
	for _, l := range v.Leaks {
		c.Evidence = append(c.Evidence, "leak: "+l)
	}
	for _, p := range v.Problems {
		c.Evidence = append(c.Evidence, "problem: "+p)
	}
	c.Evidence = append(c.Evidence, v.Evidence...)
	return c
}
