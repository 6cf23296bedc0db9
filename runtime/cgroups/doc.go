// Package cgroups is the cgroup driver of the little-container runtime: one
// cgroup per container, on cgroup v1 (and the v1 side of a hybrid layout) or on
// the unified cgroup v2 hierarchy, behind the small Cgroup interface.
//
// The package is split the same way everywhere: pure functions decide (which
// mode the host runs, where the container's directories go, which files get
// which values) and are unit-tested with tables; thin *_linux.go code touches
// the kernel and wraps every error with the file it was writing.
//
// Placement:
//
//   - v1 and hybrid: one directory per used hierarchy (pids and memory always
//     when mounted, cpu when a CPU quota is requested), nested under the
//     caller's own cgroup in that hierarchy:
//     <mount>/<own path>/little-container/<ID>. Nesting keeps any limit the
//     caller itself runs under. The controller-less cgroup2 mount of a hybrid
//     host is ignored.
//   - v2 as root: /sys/fs/cgroup/little-container/<ID>, relative to the
//     hierarchy root (like runc's cgroupfs driver), because on systemd hosts the
//     caller sits in a leaf scope that holds processes, where controllers cannot
//     be enabled for children.
//   - v2 rootless: <nearest delegated ancestor>/little-container-<ID>, where a
//     delegated ancestor is one whose cgroup.procs and cgroup.subtree_control
//     the caller owns and may write.
//
// Use by the runtime: New (memory and cpu limits are written now, before any
// process is inside); start the child, on v2 directly inside the cgroup with
// IntoFD and CLONE_INTO_CGROUP, on v1 with AddProc before releasing it;
// ApplyLate just before the child execs the user command (pids.max counts
// the init's threads too); Destroy when the container is done. Evidence for
// the suites is read with ReadInt, ReadKeyed and ReadPidsEvents from the
// directories in Paths.
//
// Limits are never dropped silently: a requested limit whose controller is
// missing, or whose file cannot be written, makes New fail with the file and
// the cause. When no cgroup can be had and none is needed (rootless without
// limits), New returns ErrNoCgroup and the caller runs without a cgroup.
package cgroups
