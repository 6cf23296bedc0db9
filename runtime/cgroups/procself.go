package cgroups

import (
	"fmt"
	"strings"
)

// ownCgroups is the caller's position in every hierarchy, from /proc/self/cgroup.
type ownCgroups struct {
	// v1 maps a controller (or "name=systemd") to its path in that hierarchy.
	v1 map[string]string
	// unified is the path in the cgroup2 hierarchy ("0::<path>" line).
	unified    string
	hasUnified bool
}

// parseProcCgroup parses the text of /proc/<pid>/cgroup: lines
// "hierarchy-ID:controller-list:path" (the path may itself contain colons).
func parseProcCgroup(text string) (ownCgroups, error) {
	own := ownCgroups{v1: map[string]string{}}
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || !strings.HasPrefix(parts[2], "/") {
			return ownCgroups{}, fmt.Errorf("cgroups: /proc/self/cgroup line %d: malformed %q", i+1, line)
		}
		if parts[0] == "0" && parts[1] == "" {
			own.unified, own.hasUnified = parts[2], true
			continue
		}
		for _, ctrl := range strings.Split(parts[1], ",") {
			if ctrl != "" {
				own.v1[ctrl] = parts[2]
			}
		}
	}
	return own, nil
}
