package security

import (
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
)

// DeviceNodes are the standard devices every runtime gives a container.
var DeviceNodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// DeviceView is one node as the host sees it inside the container
// (stat through /proc/<pid>/root/dev/<name>) and on the host.
type DeviceView struct {
	Name             string
	Inside, OnHost   hostview.Identity
	InsideErr, HostE string
}

// JudgeDeviceInodes decides the device-inode row: where root inside is
// host root, a container node that is the host's own inode (a bind mount
// of the host's /dev/null, ...) lets a chmod or chown inside change the
// host's device; the runtime must make nodes of its own (mknod). Where a
// user namespace maps root away the kernel forbids mknod and a bind is the
// only way, and root inside cannot change the host's node: nothing to
// judge.
func JudgeDeviceInodes(v *matrix.Verdict, nodes []DeviceView, rootIsHostRoot bool) {
	if !rootIsHostRoot {
		v.Skip("root inside is not host root (user namespace): bound host nodes are not the container's to change")
		return
	}
	seen := 0
	for _, n := range nodes {
		switch {
		case n.HostE != "":
			v.Note("/dev/%s: the host has none (%s)", n.Name, n.HostE)
		case n.InsideErr != "":
			v.Note("/dev/%s: none inside (%s)", n.Name, n.InsideErr)
		case n.Inside.Same(n.OnHost):
			seen++
			v.Leak("/dev/%s inside is the host's own inode %s: a chmod inside would change the host's node", n.Name, n.OnHost)
		default:
			seen++
			v.Note("/dev/%s inside is %s, the host's is %s: a node of its own", n.Name, n.Inside, n.OnHost)
		}
	}
	if seen == 0 {
		v.Skip("no standard device node inside to compare")
	}
}
