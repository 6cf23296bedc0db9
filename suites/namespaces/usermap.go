package namespaces

import (
	"strconv"
	"strings"

	"github.com/little-container/little-container/suites/matrix"
)

// IDRange is one line of a uid_map or gid_map.
type IDRange struct{ Inside, Outside, Count uint64 }

// ParseIDMap parses uid_map/gid_map text; malformed lines are skipped.
func ParseIDMap(text string) []IDRange {
	var out []IDRange
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		in, e1 := strconv.ParseUint(f[0], 10, 64)
		outside, e2 := strconv.ParseUint(f[1], 10, 64)
		n, e3 := strconv.ParseUint(f[2], 10, 64)
		if e1 == nil && e2 == nil && e3 == nil && n > 0 {
			out = append(out, IDRange{in, outside, n})
		}
	}
	return out
}

// HostZeroInside returns the id inside that is host id 0, if any range
// reaches it: with it, the container's processes can become host root (or
// host group root) by a setuid of their own.
func HostZeroInside(ranges []IDRange) (uint64, bool) {
	for _, r := range ranges {
		if r.Outside == 0 {
			return r.Inside, true
		}
	}
	return 0, false
}

// UserMap is what the host read of the container's user namespace.
type UserMap struct {
	UIDMap, GIDMap string   // /proc/<pid>/uid_map, gid_map
	UIDs, GIDs     []uint64 // /proc/<pid>/status, in the host's numbers
	SharedUserNS   bool     // its user namespace is the host's
}

// JudgeRootMapping decides "container root is not host root", read from
// the host whatever the target was asked: a map range that holds host uid
// (or gid) 0, or a container process running as host uid 0, is a leak —
// an identity map, a range from 0, the host's own user namespace alike.
func JudgeRootMapping(v *matrix.Verdict, m UserMap) {
	for _, k := range []struct {
		kind, text string
		ids        []uint64
	}{{"uid", m.UIDMap, m.UIDs}, {"gid", m.GIDMap, m.GIDs}} {
		ranges := ParseIDMap(k.text)
		if len(ranges) == 0 {
			v.Problem("%s_map unreadable or empty: %q", k.kind, k.text)
			continue
		}
		if in, ok := HostZeroInside(ranges); ok {
			where := "in its own user namespace"
			if m.SharedUserNS {
				where = "in the host's own user namespace"
			}
			v.Leak("host %s 0 is %s %d inside (%s_map %q, %s)", k.kind, k.kind, in, k.kind, oneLine(k.text), where)
		}
		if len(k.ids) >= 2 && k.ids[1] == 0 {
			v.Leak("the container's process runs as host %s 0 (effective)", k.kind)
		}
		v.Note("%s_map %q; the container's %ss as the host sees them: %v", k.kind, oneLine(k.text), k.kind, k.ids)
	}
}
