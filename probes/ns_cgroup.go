package probes

import (
	"fmt"
	"strconv"
	"strings"
)

// CgroupEntry is one line of /proc/<pid>/cgroup: "hierarchy:controllers:path".
// Hierarchy 0 with no controllers is the cgroup v2 unified hierarchy.
type CgroupEntry struct {
	Hierarchy   int
	Controllers []string // empty for v2; "name=systemd" style names kept as is
	Path        string
}

// ParseCgroupFile parses the text of /proc/<pid>/cgroup. The path is the rest
// of the line after the second colon, so paths containing ':' survive.
func ParseCgroupFile(text string) ([]CgroupEntry, error) {
	var out []CgroupEntry
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			return out, fmt.Errorf("cgroup line %d: malformed %q", i+1, line)
		}
		h, err := strconv.Atoi(parts[0])
		if err != nil {
			return out, fmt.Errorf("cgroup line %d: hierarchy in %q: %w", i+1, line, err)
		}
		e := CgroupEntry{Hierarchy: h, Path: parts[2]}
		if parts[1] != "" {
			e.Controllers = strings.Split(parts[1], ",")
		}
		out = append(out, e)
	}
	return out, nil
}

// CgroupPathsSummary says where the entries sit: "all-root" when every path is
// "/" (what a cgroup namespace shows a process at its namespace root), else
// "not-root:" and the distinct non-root paths. "empty" when there are none.
func CgroupPathsSummary(entries []CgroupEntry) string {
	if len(entries) == 0 {
		return "empty"
	}
	seen := map[string]bool{}
	var odd []string
	for _, e := range entries {
		if e.Path != "/" && !seen[e.Path] {
			seen[e.Path] = true
			odd = append(odd, e.Path)
		}
	}
	if len(odd) == 0 {
		return "all-root"
	}
	return "not-root: " + strings.Join(odd, " ")
}
