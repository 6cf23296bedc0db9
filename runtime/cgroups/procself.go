package cgroups

import (
	"fmt"
	"strconv"
	"strings"
)

// Entry is one line of /proc/<pid>/cgroup, "hierarchy:controllers:path".
// Hierarchy 0 with no controllers is the cgroup v2 unified hierarchy. The
// runtime reads its own position from it, the probe what a container sees,
// the suites where a container's cgroup is on the host: one parser for all.
type Entry struct {
	Hierarchy   int
	Controllers []string // empty for v2; "name=systemd" style names kept as is
	Path        string
}

// ParseProcFile parses the text of /proc/<pid>/cgroup. The path is the rest
// of the line after the second colon, so paths containing ':' survive.
func ParseProcFile(text string) ([]Entry, error) {
	var out []Entry
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || !strings.HasPrefix(parts[2], "/") {
			return out, fmt.Errorf("cgroups: /proc/<pid>/cgroup line %d: malformed %q", i+1, line)
		}
		h, err := strconv.Atoi(parts[0])
		if err != nil {
			return out, fmt.Errorf("cgroups: /proc/<pid>/cgroup line %d: hierarchy in %q: %w", i+1, line, err)
		}
		e := Entry{Hierarchy: h, Path: parts[2]}
		if parts[1] != "" {
			e.Controllers = strings.Split(parts[1], ",")
		}
		out = append(out, e)
	}
	return out, nil
}

// ByController maps each controller to its path; the v2 hierarchy has key
// "". A v1 line "4:cpu,cpuacct:/x" yields both "cpu" and "cpuacct".
func ByController(entries []Entry) map[string]string {
	out := map[string]string{}
	for _, e := range entries {
		if e.Hierarchy == 0 && len(e.Controllers) == 0 {
			out[""] = e.Path
			continue
		}
		for _, c := range e.Controllers {
			out[c] = e.Path
		}
	}
	return out
}

// ownCgroups is the caller's position in every hierarchy, from /proc/self/cgroup.
type ownCgroups struct {
	// v1 maps a controller (or "name=systemd") to its path in that hierarchy.
	v1 map[string]string
	// unified is the path in the cgroup2 hierarchy ("0::<path>" line).
	unified    string
	hasUnified bool
}

// parseProcCgroup reads the caller's position from /proc/self/cgroup text.
func parseProcCgroup(text string) (ownCgroups, error) {
	entries, err := ParseProcFile(text)
	if err != nil {
		return ownCgroups{}, err
	}
	own := ownCgroups{v1: ByController(entries)}
	if p, ok := own.v1[""]; ok {
		own.unified, own.hasUnified = p, true
		delete(own.v1, "")
	}
	return own, nil
}
