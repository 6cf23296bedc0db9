package probes

import (
	"fmt"
	"strconv"
	"strings"
)

// IDMapRange is one line of /proc/<pid>/uid_map or gid_map: Length ids
// starting at Inside in this namespace are Outside in the parent namespace.
type IDMapRange struct {
	Inside, Outside, Length uint32
}

// ParseIDMap parses the text of a uid_map or gid_map file.
func ParseIDMap(text string) ([]IDMapRange, error) {
	var out []IDMapRange
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return out, fmt.Errorf("id map line %d: malformed %q", i+1, line)
		}
		var n [3]uint32
		for j, s := range f {
			v, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				return out, fmt.Errorf("id map line %d: %q: %w", i+1, line, err)
			}
			n[j] = uint32(v)
		}
		out = append(out, IDMapRange{Inside: n[0], Outside: n[1], Length: n[2]})
	}
	return out, nil
}

// IDMapSummary classifies a map for the report: "identity-full" is the
// initial user namespace's "0 0 4294967295" (no user namespace isolation),
// "empty" an unmapped namespace, "root-is-host-root" a map that sends 0 to
// host 0 without being the full identity, "mapped" anything else.
func IDMapSummary(m []IDMapRange) string {
	switch {
	case len(m) == 0:
		return "empty"
	case len(m) == 1 && m[0] == IDMapRange{0, 0, 4294967295}:
		return "identity-full"
	}
	for _, r := range m {
		if r.Inside == 0 && r.Outside == 0 && r.Length > 0 {
			return "root-is-host-root"
		}
	}
	return "mapped"
}
