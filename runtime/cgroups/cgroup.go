package cgroups

// Cgroup is one container's cgroup.
type Cgroup interface {
	// Mode is the layout the cgroup lives in (ModeV1, ModeHybrid or ModeUnified).
	Mode() Mode
	// Paths maps controller name to absolute directory (v2: the single key
	// ""), for evidence and tests. The map is a copy.
	Paths() map[string]string
	// IntoFD returns a directory fd of the v2 cgroup, for
	// SysProcAttr.UseCgroupFD/CgroupFD (CLONE_INTO_CGROUP). It stays owned by
	// the Cgroup and is closed by Destroy. ok is false on v1 and hybrid.
	IntoFD() (fd int, ok bool)
	// AddProc moves pid into the cgroup in every hierarchy. On v1 the runtime
	// calls it before it releases the child.
	AddProc(pid int) error
	// ApplyLate writes the limits that must come last: pids.max, just before
	// the child execs the user command.
	ApplyLate() error
	// Kill SIGKILLs every process left in the cgroup and waits (at most
	// KillTimeout) until it is empty.
	Kill() error
	// Destroy kills what is left and removes every directory New created.
	// It is idempotent.
	Destroy() error
}
