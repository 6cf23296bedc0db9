package cgroups

import "strconv"

// pidsWrites sets pids.max, the same file on v1 and v2. It is a late write:
// pids.max counts threads, and the runtime's Go init needs several.
func pidsWrites(r Resources) []fileWrite {
	if r.PidsMax == 0 {
		return nil
	}
	return []fileWrite{{Controller: ctrlPids, File: "pids.max", Value: strconv.FormatInt(r.PidsMax, 10)}}
}
