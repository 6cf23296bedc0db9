package probes

import (
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/cgroups"
)

// nsRecordCgroup records cgroup-self.
func nsRecordCgroup(r *Report) {
	text, err := ReadTrimmed("/proc/self/cgroup")
	if errors.Is(err, unix.ENOENT) {
		r.NotImplemented("cgroup-self", "/proc/self/cgroup missing: no cgroups, or /proc not mounted")
		return
	}
	if err != nil {
		RecordValue(r, "cgroup-self", err, "", "")
		return
	}
	entries, err := cgroups.ParseProcFile(text)
	if err != nil {
		RecordValue(r, "cgroup-self", err, text, "")
		return
	}
	RecordValue(r, "cgroup-self", nil, text, CgroupPathsSummary(entries))
}

// nsRecordIDs records uid-map, gid-map and uid.
func nsRecordIDs(r *Report) {
	for _, name := range []string{"uid", "gid"} {
		attempt, path := name+"-map", "/proc/self/"+name+"_map"
		text, err := ReadTrimmed(path)
		if errors.Is(err, unix.ENOENT) {
			r.NotImplemented(attempt, path+" missing: kernel without user namespaces, or /proc not mounted")
			continue
		}
		if err != nil {
			RecordValue(r, attempt, err, "", "")
			continue
		}
		m, err := ParseIDMap(text)
		if err != nil {
			RecordValue(r, attempt, err, text, "")
			continue
		}
		RecordValue(r, attempt, nil, text, IDMapSummary(m))
	}
	RecordValue(r, "uid", nil, strconv.Itoa(unix.Getuid()),
		fmt.Sprintf("euid=%d gid=%d egid=%d", unix.Geteuid(), unix.Getgid(), unix.Getegid()))
}
