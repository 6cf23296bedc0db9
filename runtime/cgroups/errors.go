package cgroups

import "errors"

// Sentinel errors, matched with errors.Is; the wrapped message names the
// directory, file or controller involved.
var (
	// ErrNoCgroup means no cgroup was created and none was required: the
	// caller is rootless, requested no limit, and has no usable delegated
	// cgroup v2 subtree (or the host has no cgroup file system). Callers run
	// the container without a cgroup.
	ErrNoCgroup = errors.New("cgroups: no cgroup available")
	// ErrInvalidConfig reports a Config that is rejected before touching the
	// kernel (bad ID, negative limit, unsafe Parent).
	ErrInvalidConfig = errors.New("cgroups: invalid config")
	// ErrControllerUnavailable reports a requested limit whose controller is
	// not mounted (v1) or not available for enabling (v2).
	ErrControllerUnavailable = errors.New("cgroups: controller not available")
	// ErrRootlessV1 reports limits requested by a rootless caller on a host
	// whose controllers live in cgroup v1, where nothing can be delegated.
	ErrRootlessV1 = errors.New("cgroup limits in rootless mode need a delegated cgroup v2 subtree (this host uses cgroup v1)")
	// ErrNoDelegation reports limits requested by a rootless caller on a
	// cgroup v2 host where no usable delegated subtree was found.
	ErrNoDelegation = errors.New("cgroups: no usable delegated cgroup v2 subtree")
	// ErrExists reports that the container's cgroup directory already
	// exists: another container (or a leftover) owns it, and reusing it would
	// mix their processes and counters.
	ErrExists = errors.New("cgroups: cgroup already exists")
	// ErrUnsupported is returned on operating systems without cgroups.
	ErrUnsupported = errors.New("cgroups: not supported on this operating system")
)
