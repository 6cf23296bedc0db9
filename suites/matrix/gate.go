package matrix

import (
	"os"
	"slices"
	"strings"
)

// DefaultStrict is the target whose cells decide the run's exit status when
// LC_STRICT_TARGETS is unset: our own runtime. Every other column is graded
// and printed, but its FAILs are findings about that runtime (the seed
// runtime is meant to fail), not failures of this project.
const DefaultStrict = "little-container"

// StrictTargets lists the targets whose bad cells fail the run:
// LC_STRICT_TARGETS (comma-separated) or DefaultStrict.
func StrictTargets() []string {
	v := os.Getenv("LC_STRICT_TARGETS")
	if strings.TrimSpace(v) == "" {
		return []string{DefaultStrict}
	}
	var out []string
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// Gate splits the bad cells of m: those of a strict target, or of no known
// target ("?": a spec that failed before it could say which), fail the run;
// the others are findings about a foreign runtime. strict nil means every
// target is strict.
func (m *Matrix) Gate(strict []string) (failing, findings int) {
	for _, c := range m.Cells() {
		if !c.Bad() {
			continue
		}
		if strict == nil || c.Target == "?" || slices.Contains(strict, c.Target) {
			failing++
		} else {
			findings++
		}
	}
	return failing, findings
}
