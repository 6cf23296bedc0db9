package cgroups

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/moby/sys/mountinfo"

	rtcg "github.com/little-container/little-container/runtime/cgroups"
)

// Layout is the host's cgroup layout as the suite needs it: the mode, the
// cgroup mounts, and on v2 the controllers the root offers.
type Layout struct {
	Mode rtcg.Mode
	// Mounts are the cgroup and cgroup2 entries of the host's mountinfo.
	Mounts []*mountinfo.Info
	// V2Controllers is /sys/fs/cgroup/cgroup.controllers on a v2 host.
	V2Controllers []string
}

// Missing returns why ctrl cannot be checked on this layout, or "" when it
// can: no cgroup file system, or the kernel does not offer the controller.
func (l Layout) Missing(ctrl string) string {
	switch l.Mode {
	case rtcg.ModeNone:
		return "no cgroup file system on this host"
	case rtcg.ModeUnified:
		if !slices.Contains(l.V2Controllers, ctrl) {
			return fmt.Sprintf("cgroup v2 root does not offer the %s controller", ctrl)
		}
		return ""
	}
	if _, ok := l.v1Mount(ctrl); !ok {
		return fmt.Sprintf("no cgroup v1 hierarchy with the %s controller is mounted", ctrl)
	}
	return ""
}

// V2 says the limits live in the unified hierarchy (memory.max,
// memory.events) rather than in v1 controllers (memory.limit_in_bytes,
// memory.oom_control). A hybrid host keeps its controllers in v1.
func (l Layout) V2() bool { return l.Mode == rtcg.ModeUnified }

// Dir returns the absolute directory of ctrl's cgroup for a process whose
// /proc/<pid>/cgroup parsed to procCgroup (see cgroups.ByController).
func (l Layout) Dir(ctrl string, procCgroup map[string]string) (string, error) {
	if l.V2() {
		p, ok := procCgroup[""]
		if !ok {
			return "", fmt.Errorf("no cgroup v2 line in /proc/<pid>/cgroup")
		}
		for _, m := range l.Mounts {
			if m.FSType == "cgroup2" && m.Mountpoint == "/sys/fs/cgroup" {
				return under(m, p)
			}
		}
		return "", fmt.Errorf("cgroup2 is not mounted at /sys/fs/cgroup")
	}
	p, ok := procCgroup[ctrl]
	if !ok {
		return "", fmt.Errorf("the process is in no %s cgroup", ctrl)
	}
	m, ok := l.v1Mount(ctrl)
	if !ok {
		return "", fmt.Errorf("no %s hierarchy mounted", ctrl)
	}
	return under(m, p)
}

// v1Mount finds the mount of ctrl's hierarchy, preferring one that shows
// the whole hierarchy (root "/").
func (l Layout) v1Mount(ctrl string) (*mountinfo.Info, bool) {
	var found *mountinfo.Info
	for _, m := range l.Mounts {
		if m.FSType != "cgroup" || !slices.Contains(strings.Split(m.VFSOptions, ","), ctrl) {
			continue
		}
		if found == nil || (found.Root != "/" && m.Root == "/") {
			found = m
		}
	}
	return found, found != nil
}

// under maps hierarchy path p to its directory below mount m.
func under(m *mountinfo.Info, p string) (string, error) {
	if m.Root == "/" {
		return path.Join(m.Mountpoint, p), nil
	}
	if p == m.Root || strings.HasPrefix(p, m.Root+"/") {
		return path.Join(m.Mountpoint, strings.TrimPrefix(p, m.Root)), nil
	}
	return "", fmt.Errorf("cgroup %s is outside the part %s mounted at %s", p, m.Root, m.Mountpoint)
}
