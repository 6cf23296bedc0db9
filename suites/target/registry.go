package target

import (
	"fmt"
	"os"
	"strings"

	"github.com/little-container/little-container/suites/fixtures"
)

// DefaultTargets are graded when LC_TARGETS is unset.
const DefaultTargets = "little-container"

// Names lists the targets to grade: LC_TARGETS (comma-separated) or the
// default. Suites build one column per name at tree-construction time.
func Names() []string {
	v := os.Getenv("LC_TARGETS")
	if strings.TrimSpace(v) == "" {
		v = DefaultTargets
	}
	var out []string
	for _, n := range strings.Split(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// New builds the named target from the suite's artifacts. An error means the
// target is unavailable here; the suite skips its checks with that reason.
func New(name string, a *fixtures.Artifacts) (Target, error) {
	switch name {
	case "little-container":
		if a.Runtime == "" {
			return nil, fmt.Errorf("little-container CLI unavailable: %s", a.RuntimeErr)
		}
		return &LittleContainer{Bin: a.Runtime}, nil
	}
	return nil, fmt.Errorf("target %q not implemented yet", name)
}
