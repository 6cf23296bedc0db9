package runtime

import (
	"strconv"
	"strings"
)

// Subordinate ids: /etc/subuid and /etc/subgid give a user ranges of host
// ids ("alice:100000:65536", or the uid instead of the name) that the
// setuid helpers newuidmap and newgidmap (shadow's, Debian package uidmap)
// let that user map into a user namespace of its own. With such a range a
// rootless container maps root to the user and 1..65536 to the range, so
// that apt's _apt user and every other uid of a distribution exist.

// subIDSize is how many ids a rootless container maps beyond root.
const subIDSize = 65536

// subRange is one line of /etc/subuid or /etc/subgid.
type subRange struct{ start, count int64 }

// parseSubIDs returns the ranges text gives the user named name (or with
// that numeric id), in file order; lines it cannot read are skipped.
func parseSubIDs(text, name string, id int) []subRange {
	var out []subRange
	for _, l := range strings.Split(text, "\n") {
		f := strings.Split(strings.TrimSpace(l), ":")
		if len(f) != 3 || (f[0] != name || name == "") && f[0] != strconv.Itoa(id) {
			continue
		}
		start, err1 := strconv.ParseInt(f[1], 10, 64)
		count, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil || start < 0 || count < 1 || start+count-1 > maxMapID {
			continue
		}
		out = append(out, subRange{start, count})
	}
	return out
}

// subIDMaps maps container 0 to own and 1.. to the first range that does
// not hold own, at most subIDSize ids; ok is false when there is none.
func subIDMaps(own int64, ranges []subRange) (maps []IDMap, ok bool) {
	for _, r := range ranges {
		if own >= r.start && own < r.start+r.count {
			continue
		}
		return []IDMap{{Container: 0, Host: own, Size: 1}, {Container: 1, Host: r.start, Size: min(r.count, subIDSize)}}, true
	}
	return nil, false
}
