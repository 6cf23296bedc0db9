package matrix

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
)

// DefaultStrict is the target whose cells decide the run's exit status when
// LC_STRICT_TARGETS is unset and it is graded: our own runtime. Every other
// column is graded and printed, but its FAILs are findings about that
// runtime (the seed runtime is meant to fail), not failures of this project.
const DefaultStrict = "little-container"

// Unknown is the target of a cell made for a spec that failed before it
// could say which target it was about; such a cell always gates.
const Unknown = "?"

// StrictTargets lists the targets whose bad cells fail the run, given the
// graded ones: LC_STRICT_TARGETS (comma-separated) when set; else
// little-container when it is graded (or nothing is known yet); else every
// graded target — a runtime graded alone is graded for what it is.
func StrictTargets(graded []string) []string {
	if v := list(os.Getenv("LC_STRICT_TARGETS")); len(v) > 0 {
		return v
	}
	if len(graded) == 0 || slices.Contains(graded, DefaultStrict) {
		return []string{DefaultStrict}
	}
	return slices.Clone(graded)
}

// IsStrict says whether target's bad cells fail the run, for a spec that
// is about to record one: the graded targets are LC_TARGETS (unset: the
// default set, which has ours).
func IsStrict(target string) bool {
	return target == Unknown || slices.Contains(StrictTargets(list(os.Getenv("LC_TARGETS"))), target)
}

// list splits a comma-separated list, dropping blanks.
func list(v string) []string {
	var out []string
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// Judgement is what a matrix says about the run: which targets gate it,
// their bad cells, the findings about the others, and why a run proves
// nothing when it does.
type Judgement struct {
	Strict   []string // strict targets that were graded, in column order
	Missing  []string // strict targets named but not graded
	Failing  []Cell   // bad cells of strict targets (and of Unknown)
	Findings []Cell   // bad cells of the other targets
	// Void says, one reason per strict target, why its cells prove nothing:
	// no check passed, or most checks or controls were skipped.
	Void []string
	// Problems broke the run outside its cells (a suite that wrote no
	// matrix, Ginkgo failing without a bad cell to show for it).
	Problems []string
	counts   map[string]Counts
	others   int // foreign targets with findings
}

// SuitesExited records the suites' exit status: a failure that no bad
// cell of a strict target explains (a failed spec fails only for ours)
// broke the run.
func (j *Judgement) SuitesExited(status int, log string) {
	if status != 0 && len(j.Failing) == 0 {
		j.Problems = append(j.Problems, fmt.Sprintf("Ginkgo exited %d with no bad cell of a strict target to show for it (see %s)", status, log))
	}
}

// OK says the run may exit 0.
func (j Judgement) OK() bool {
	return len(j.Failing) == 0 && len(j.Void) == 0 && len(j.Missing) == 0 && len(j.Problems) == 0
}

// Judge gates m: strict lists the targets whose cells decide (nil: every
// target). A strict target's bad cell fails the run; so does a strict
// target none of whose checks passed, or more than half of whose checks —
// or negative controls — were skipped, since such a column proves nothing.
func (m *Matrix) Judge(strict []string) Judgement {
	j := Judgement{counts: m.PerTarget}
	isStrict := func(t string) bool { return strict == nil || t == Unknown || slices.Contains(strict, t) }
	for _, t := range m.Targets {
		if isStrict(t) && t != Unknown {
			j.Strict = append(j.Strict, t)
		}
	}
	for _, s := range strict {
		// A strict Unknown ("?", or "? <label>" for relabelled runs) names
		// broken specs, which a good run does not have.
		if s == Unknown || strings.HasPrefix(s, Unknown+" ") {
			continue
		}
		if !slices.Contains(m.Targets, s) {
			j.Missing = append(j.Missing, s)
		}
	}
	foreign := map[string]bool{}
	for _, c := range m.Cells() {
		switch {
		case !c.Bad():
		case isStrict(c.Target):
			j.Failing = append(j.Failing, c)
		default:
			j.Findings = append(j.Findings, c)
			foreign[c.Target] = true
		}
	}
	j.others = len(foreign)
	for _, t := range j.Strict {
		if why := m.void(t); why != "" {
			j.Void = append(j.Void, t+": "+why)
		}
	}
	return j
}

// Gate counts the bad cells of strict targets and the findings about the
// others (strict nil: every target is strict).
func (m *Matrix) Gate(strict []string) (failing, findings int) {
	j := m.Judge(strict)
	return len(j.Failing), len(j.Findings)
}

// void says why target t's column proves nothing, or "".
func (m *Matrix) void(t string) string {
	var checks, ctls, passed, skipped, ctlSkipped int
	why := map[string]int{}
	for _, r := range m.Rows {
		if c, ok := r.Checks[t]; ok {
			checks++
			switch c.Status {
			case Pass:
				passed++
			case Skipped:
				skipped++
				why[c.Reason]++
			}
		}
		if c, ok := r.Controls[t]; ok {
			ctls++
			if c.Status == Skipped {
				ctlSkipped++
				why[c.Reason]++
			}
		}
	}
	switch {
	case checks == 0 && ctls == 0:
		return "no check ran"
	case checks == 0:
		return "no check ran, only negative controls"
	case passed == 0:
		return fmt.Sprintf("no check passed (%d of %d skipped): %s", skipped, checks, topReason(why))
	case 2*skipped > checks:
		return fmt.Sprintf("%d of %d checks skipped: %s", skipped, checks, topReason(why))
	case 2*ctlSkipped > ctls:
		return fmt.Sprintf("%d of %d negative controls skipped, so the checks may be blind: %s", ctlSkipped, ctls, topReason(why))
	}
	return ""
}

// topReason names the most common skip reason, the way a user fixes it.
func topReason(why map[string]int) string {
	if len(why) == 0 {
		return "no reason recorded"
	}
	reasons := make([]string, 0, len(why))
	for r := range why {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(a, b int) bool {
		if why[reasons[a]] != why[reasons[b]] {
			return why[reasons[a]] > why[reasons[b]]
		}
		return reasons[a] < reasons[b]
	})
	top := reasons[0]
	if top == NeedsRoot {
		return "not root: only the rootless rows can run; run as root"
	}
	return fmt.Sprintf("mostly %q (%d)", oneLine(top, 80), why[top])
}

// NeedsRoot is the skip reason of a check that needs root and ran without.
const NeedsRoot = "needs root"

// Line is the one verdict line: who gates the run and what they scored,
// the findings about other runtimes, and where the evidence is.
func (j Judgement) Line(reports string) string {
	var parts []string
	for _, t := range j.Strict {
		n := j.counts[t]
		checks := n.Pass + n.Fail + n.Error + n.Skipped
		s := fmt.Sprintf("%s: %d FAIL", t, n.Fail)
		if n.Error > 0 {
			s += fmt.Sprintf(", %d ERROR", n.Error)
		}
		s += fmt.Sprintf(" of %d checks", checks)
		if ctls := n.ControlsFailed + n.ControlsNotFailed + n.ControlErrors + n.ControlsSkipped; ctls > 0 {
			s += fmt.Sprintf(", %d/%d controls FAIL as they must", n.ControlsFailed, ctls)
		}
		if sk := n.Skipped + n.ControlsSkipped; sk > 0 {
			s += fmt.Sprintf(", %d skipped", sk)
		}
		parts = append(parts, s)
	}
	if len(j.Strict) == 0 {
		parts = append(parts, "no strict target was graded")
	}
	if u := j.unknown(); u > 0 {
		parts = append(parts, fmt.Sprintf("%d specs broke before naming a target", u))
	}
	if len(j.Findings) > 0 {
		parts = append(parts, fmt.Sprintf("%d findings about %d other %s", len(j.Findings), j.others, plural(j.others, "runtime", "runtimes")))
	}
	line := strings.Join(parts, "; ")
	if len(j.Void) > 0 {
		line = "this run proves nothing: " + strings.Join(j.Void, "; ") + "; " + line
	}
	if len(j.Missing) > 0 {
		line = fmt.Sprintf("strict target %s has no cells (not in LC_TARGETS, or every spec filtered out); %s", strings.Join(j.Missing, ", "), line)
	}
	if len(j.Problems) > 0 {
		line = "the run broke: " + strings.Join(j.Problems, "; ") + "; " + line
	}
	if reports != "" {
		line += "; see " + reports
	}
	return line
}

func (j Judgement) unknown() int {
	n := 0
	for _, c := range j.Failing {
		if c.Target == Unknown {
			n++
		}
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
