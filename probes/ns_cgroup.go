package probes

import (
	"strings"

	"github.com/little-container/little-container/runtime/cgroups"
)

// CgroupEntry is one line of /proc/<pid>/cgroup, parsed by the runtime's
// own parser so host and probe read the file alike.
type CgroupEntry = cgroups.Entry

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
