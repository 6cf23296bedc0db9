package probes

import (
	"path"
	"sort"
	"strings"
)

// Pure decisions of the kernelfs probe (see kernelfs_linux.go): where a
// kernel interface path shows up in the container's mount table.

// KernelFS maps a reference path's top directory to the filesystem type
// that serves it: /proc/... comes from a proc mount, /sys/... from sysfs.
var KernelFS = map[string]string{"/proc": "proc", "/sys": "sysfs"}

// KernelFSType returns the filesystem type and the path inside that
// filesystem for a reference path ("/proc/sys/kernel/x" → "proc",
// "/sys/kernel/x"), or "" when the path is under neither.
func KernelFSType(p string) (fstype, inside string) {
	p = path.Clean(p)
	for top, t := range KernelFS {
		if rel, ok := relUnder(p, top); ok {
			return t, rel
		}
	}
	return "", ""
}

// KernelLocations returns every path at which the container can reach the
// reference path p: p itself, and p rebased onto each mount of its
// filesystem type whose root (the part of that filesystem it shows)
// contains it — a proc or sysfs mounted or bound anywhere counts as much as
// the one at /proc or /sys. Sorted, without duplicates.
func KernelLocations(p string, mounts []MountInfo) []string {
	fstype, inside := KernelFSType(p)
	seen := map[string]bool{path.Clean(p): true}
	if fstype != "" {
		for _, m := range mounts {
			if m.FSType != fstype {
				continue
			}
			rel, ok := relUnder(inside, path.Clean(m.Root))
			if !ok {
				continue
			}
			seen[path.Join(m.MountPoint, rel)] = true
		}
	}
	out := make([]string, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// KernelMounts lists the proc and sysfs mounts as "fstype root mountpoint"
// lines, the probe's account of what it covered.
func KernelMounts(mounts []MountInfo) []string {
	var out []string
	for _, m := range mounts {
		for _, t := range KernelFS {
			if m.FSType == t {
				out = append(out, m.FSType+" "+m.Root+" "+m.MountPoint)
			}
		}
	}
	return out
}

// SplitList splits a comma-separated flag value, dropping empty items.
func SplitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
