package cgroups

// Mode is the cgroup layout of the host.
type Mode int

const (
	// ModeNone: no cgroup file system is usable (or, for a Cgroup, none was created).
	ModeNone Mode = iota
	// ModeV1: only cgroup v1 hierarchies.
	ModeV1
	// ModeHybrid: v1 hierarchies plus a cgroup2 mount at /sys/fs/cgroup/unified.
	// Controllers live in v1; the cgroup2 side is ignored for limits.
	ModeHybrid
	// ModeUnified: /sys/fs/cgroup is cgroup2 (v2 only).
	ModeUnified
)

// String returns "none", "v1", "hybrid" or "v2", the words used in reports.
func (m Mode) String() string {
	switch m {
	case ModeNone:
		return "none"
	case ModeV1:
		return "v1"
	case ModeHybrid:
		return "hybrid"
	case ModeUnified:
		return "v2"
	}
	return "unknown"
}

// File system magic numbers from statfs(2), spelt out here so the decision
// stays portable and testable.
const (
	cgroup2Magic int64 = 0x63677270
	cgroup1Magic int64 = 0x27e0eb
	tmpfsMagic   int64 = 0x01021994
)

// decideMode turns statfs results into a Mode: rootMagic is the file system
// of /sys/fs/cgroup, unifiedMagic that of /sys/fs/cgroup/unified (0 when
// absent), v1Hierarchies the number of cgroup v1 mounts found under the root.
func decideMode(rootMagic, unifiedMagic int64, v1Hierarchies int) Mode {
	switch {
	case rootMagic == cgroup2Magic:
		return ModeUnified
	case rootMagic == tmpfsMagic && v1Hierarchies > 0:
		if unifiedMagic == cgroup2Magic {
			return ModeHybrid
		}
		return ModeV1
	}
	return ModeNone
}
