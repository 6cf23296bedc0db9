package cgroups

import (
	"fmt"
	"path"
	"strings"

	"github.com/moby/sys/mountinfo"
)

// v1Mount is where one cgroup v1 hierarchy is mounted.
type v1Mount struct {
	Mountpoint string // e.g. /sys/fs/cgroup/memory or /sys/fs/cgroup/cpu,cpuacct
	Root       string // the hierarchy path shown at the mountpoint, "/" normally
}

// v1MountsFrom maps each controller to the mount of its hierarchy, from
// mountinfo entries. A controller mounted more than once keeps the mount of
// the whole hierarchy (root "/") and otherwise the first one.
func v1MountsFrom(infos []*mountinfo.Info) map[string]v1Mount {
	out := map[string]v1Mount{}
	for _, mi := range infos {
		if mi.FSType != "cgroup" {
			continue
		}
		for _, opt := range strings.Split(mi.VFSOptions, ",") {
			switch opt {
			case "", "rw", "ro", "relatime", "noatime", "nosuid", "nodev", "noexec", "clone_children", "xattr", "noprefix":
				continue
			}
			if strings.HasPrefix(opt, "release_agent=") {
				continue
			}
			if prev, ok := out[opt]; ok && (prev.Root == "/" || mi.Root != "/") {
				continue
			}
			out[opt] = v1Mount{Mountpoint: mi.Mountpoint, Root: mi.Root}
		}
	}
	return out
}

// dirOf returns the absolute directory of hierarchy path p (as shown in
// /proc/self/cgroup) under mount m.
func (m v1Mount) dirOf(p string) (string, error) {
	if m.Root == "/" {
		return path.Join(m.Mountpoint, p), nil
	}
	if p == m.Root || strings.HasPrefix(p, m.Root+"/") {
		return path.Join(m.Mountpoint, strings.TrimPrefix(p, m.Root)), nil
	}
	return "", fmt.Errorf("cgroups: own cgroup %s is outside the part %s mounted at %s", p, m.Root, m.Mountpoint)
}
