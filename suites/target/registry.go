package target

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/little-container/little-container/suites/fixtures"
)

// Ours is the target whose cells decide the project's verdict; the others
// are graded, and their failures are findings about those runtimes.
const Ours = "little-container"

// installed are the foreign runtimes graded by default when their binary is
// on PATH.
var installed = []string{"runc", "crun", "bwrap"}

// DefaultTargets lists the targets graded when LC_TARGETS is unset:
// little-container first, then every installed runtime of runc, crun and
// bwrap, the seed runtime (always built), and the command template when
// LC_TARGET_CMD is set (under its LC_TARGET_NAME).
func DefaultTargets() []string {
	out := []string{Ours}
	for _, n := range installed {
		if _, err := exec.LookPath(n); err == nil {
			out = append(out, n)
		}
	}
	out = append(out, "seed")
	if strings.TrimSpace(os.Getenv("LC_TARGET_CMD")) != "" {
		out = append(out, commandName())
	}
	return out
}

// Names lists the targets to grade: LC_TARGETS (comma-separated) or
// DefaultTargets. Suites build one column per name at tree-construction
// time.
func Names() []string {
	v := os.Getenv("LC_TARGETS")
	if strings.TrimSpace(v) == "" {
		return DefaultTargets()
	}
	var out []string
	for _, n := range strings.Split(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// commandName is the column of the command-template target.
func commandName() string {
	if n := strings.TrimSpace(os.Getenv("LC_TARGET_NAME")); n != "" {
		return n
	}
	return "cmd"
}

// New builds the named target from the suite's artifacts. An error means the
// target is unavailable here; the suite skips its checks with that reason.
func New(name string, a *fixtures.Artifacts) (Target, error) {
	switch name {
	case Ours:
		if a.Runtime == "" {
			return nil, fmt.Errorf("little-container CLI unavailable: %s", a.RuntimeErr)
		}
		return &LittleContainer{Bin: a.Runtime}, nil
	case "runc", "crun", "bwrap":
		bin, err := exec.LookPath(name)
		if err != nil {
			return nil, fmt.Errorf("%s not installed: %w", name, err)
		}
		switch name {
		case "runc":
			return NewRunc(bin), nil
		case "crun":
			return NewCrun(bin), nil
		}
		return &Bwrap{Bin: bin}, nil
	case "seed":
		if a.Seed == "" {
			return nil, fmt.Errorf("seed runtime unavailable: %s", a.SeedErr)
		}
		return &Seed{Bin: a.Seed}, nil
	case "cmd", commandName():
		tmpl := os.Getenv("LC_TARGET_CMD")
		if strings.TrimSpace(tmpl) == "" {
			return nil, fmt.Errorf("target %q: LC_TARGET_CMD is not set", name)
		}
		return NewCommand(commandName(), tmpl, os.Getenv("LC_TARGET_DIR"))
	}
	return nil, fmt.Errorf("unknown target %q (want little-container, runc, crun, bwrap, seed or cmd)", name)
}
