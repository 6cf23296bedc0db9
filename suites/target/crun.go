package target

import (
	"golang.org/x/sys/unix"
)

// NewCrun is the "crun" target. crun 1.8 refuses a cgroup v1 host that
// also mounts a controller-less cgroup2 at /sys/fs/cgroup/unified
// ("cgroups in hybrid mode not supported"); there it runs inside a private
// mount namespace with that mount removed (CrunHybridWrap), which changes
// nothing for the container but what crun sees of the cgroup layout.
func NewCrun(bin string) *OCI {
	c := &OCI{Runtime: "crun", Bin: bin}
	if HybridCgroups() {
		c.Wrap = CrunHybridWrap
	}
	return c
}

// hybridUnified is the cgroup2 mount of a hybrid layout.
const hybridUnified = "/sys/fs/cgroup/unified"

// HybridCgroups says whether /sys/fs/cgroup is a v1 layout with a cgroup2
// mount at /sys/fs/cgroup/unified.
func HybridCgroups() bool {
	var root, uni unix.Statfs_t
	if unix.Statfs("/sys/fs/cgroup", &root) != nil || unix.Statfs(hybridUnified, &uni) != nil {
		return false
	}
	return root.Type != unix.CGROUP2_SUPER_MAGIC && uni.Type == unix.CGROUP2_SUPER_MAGIC
}

// CrunHybridWrap runs argv in a private mount namespace without the
// unified mount. unshare execs (no fork) and sh execs crun, so the pid we
// start is crun's own: the container stays its descendant.
func CrunHybridWrap(argv []string) []string {
	return append([]string{"unshare", "-m", "--propagation", "private", "sh", "-c",
		`umount ` + hybridUnified + ` && exec "$0" "$@"`}, argv...)
}
