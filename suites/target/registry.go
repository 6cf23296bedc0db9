package target

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/little-container/little-container/profiles"
	"github.com/little-container/little-container/suites/fixtures"
)

// Ours is the target whose cells decide the project's verdict; the others
// are graded, and their failures are findings about those runtimes.
const Ours = "little-container"

// DefaultTargets lists the targets graded when LC_TARGETS is unset: every
// shipped profile (a runtime that is not installed becomes a column of
// skips saying so), then the user's profiles (LC_TARGET_PROFILE, paths
// separated by commas) and the command template (LC_TARGET_CMD, under
// LC_TARGET_NAME).
func DefaultTargets() []string {
	out := append([]string(nil), profiles.Columns...)
	for _, path := range UserProfilePaths() {
		if p, err := LoadProfile(path); err == nil {
			out = append(out, p.Name())
		} else {
			out = append(out, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
		}
	}
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

// UserProfilePaths are the files LC_TARGET_PROFILE names (commas between),
// a relative one taken from the directory scripts/verify was run in.
func UserProfilePaths() []string {
	var out []string
	for _, p := range strings.Split(os.Getenv("LC_TARGET_PROFILE"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			if !filepath.IsAbs(p) && os.Getenv("LC_TARGET_DIR") != "" {
				p = filepath.Join(os.Getenv("LC_TARGET_DIR"), p)
			}
			out = append(out, p)
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

// Shipped parses the shipped profile of that name.
func Shipped(name string) (*Profile, error) {
	b, err := profiles.FS.ReadFile(name + ".toml")
	if err != nil {
		return nil, fmt.Errorf("no shipped profile %q", name)
	}
	return ParseProfile(string(b), "profiles/"+name+".toml", "")
}

// Lookup finds the profile of a column: a user's profile, the command
// template, or a shipped one.
func Lookup(name string) (*Profile, error) {
	for _, path := range UserProfilePaths() {
		p, err := LoadProfile(path)
		if err != nil {
			if strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) == name {
				return nil, err
			}
			continue
		}
		if p.Name() == name {
			return p, nil
		}
	}
	if tmpl := os.Getenv("LC_TARGET_CMD"); strings.TrimSpace(tmpl) != "" && name == commandName() {
		return CommandProfile(commandName(), tmpl, os.Getenv("LC_TARGET_DIR"))
	}
	if name == "cmd" {
		return nil, fmt.Errorf("target %q: LC_TARGET_CMD is not set", name)
	}
	p, err := Shipped(name)
	if err != nil {
		return nil, fmt.Errorf("unknown target %q (want one of %s, a profile named by LC_TARGET_PROFILE, or LC_TARGET_CMD's)", name, strings.Join(profiles.Columns, ", "))
	}
	return p, nil
}

// New builds the named target from the suite's artifacts. An error means the
// target is unavailable here (not installed, not built); the suite skips
// its checks with that reason.
func New(name string, a *fixtures.Artifacts) (Target, error) {
	p, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	built := map[string]string{"little-container": a.Runtime, "little-container-error": a.RuntimeErr,
		"seed": a.Seed, "seed-error": a.SeedErr}
	if err := p.Resolve(built); err != nil {
		return nil, err
	}
	return p, nil
}
