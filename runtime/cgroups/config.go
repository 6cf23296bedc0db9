package cgroups

import (
	"fmt"
	"path"
	"strings"
)

// DefaultCPUPeriod is the CFS period used when a quota is requested without
// a period, the kernel's own default.
const DefaultCPUPeriod = 100000

// parentDir is the directory holding one sub-directory per container.
const parentDir = "little-container"

// Resources are the limits of one container. Zero means "no limit requested".
type Resources struct {
	// PidsMax caps the number of tasks (processes and threads). Written late,
	// by ApplyLate, because the runtime's own init needs several threads.
	PidsMax int64
	// MemoryMax caps memory in bytes. Swap cannot be used to escape it: v2
	// writes memory.swap.max=0, v1 sets memory.memsw.limit_in_bytes to the same
	// value, each when the kernel offers the file.
	MemoryMax int64
	// CPUQuota is the run time in microseconds allowed per CPUPeriod.
	CPUQuota int64
	// CPUPeriod is the CFS period in microseconds; 0 means DefaultCPUPeriod.
	CPUPeriod int64
	// Devices, on v1, lets the container open only the standard devices
	// (DeviceAllowList) through the devices controller. It is hardening, not
	// a limit: skipped where the controller is missing, and on v2, which
	// takes an eBPF program instead (the runtime's nodev mounts cover that).
	Devices bool
}

// any reports whether at least one limit is requested.
func (r Resources) any() bool {
	return r.PidsMax != 0 || r.MemoryMax != 0 || r.CPUQuota != 0
}

// Config describes the cgroup of one container.
type Config struct {
	// ID is the container id, [a-zA-Z0-9_.-]+, used as directory name.
	ID string
	// Resources are the limits to apply.
	Resources Resources
	// Rootless says the caller is not root: only a delegated, writable v2
	// subtree is usable.
	Rootless bool
	// Parent optionally replaces the default parent directory. It is relative
	// to the hierarchy root (v1: to each controller's mount). Rootless on v2,
	// it names the delegated directory to create the container's cgroup in.
	Parent string
	// Record, when set, is called with the planned directories (as Paths
	// returns them) before any is created, so that a caller can note them
	// where a later collector (Reclaim) finds them, even if the caller is
	// killed half-way through creating them. An error stops New.
	Record func(paths map[string]string) error
}

// idChars reports whether s is only letters, digits, '_', '.', '-' (by
// hand: a regular expression would be compiled at every start).
func idChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return s != ""
}

// validate rejects what must never reach the file system: ids that are not
// one path element, negative limits, parents that leave the hierarchy.
func (c Config) validate() error {
	if !idChars(c.ID) || c.ID == "." || c.ID == ".." || len(c.ID) > 200 {
		return fmt.Errorf("%w: container id %q must match [a-zA-Z0-9_.-]+ (at most 200 characters, not . or ..)", ErrInvalidConfig, c.ID)
	}
	r := c.Resources
	for _, v := range []struct {
		name string
		val  int64
	}{{"PidsMax", r.PidsMax}, {"MemoryMax", r.MemoryMax}, {"CPUQuota", r.CPUQuota}, {"CPUPeriod", r.CPUPeriod}} {
		if v.val < 0 {
			return fmt.Errorf("%w: %s %d is negative", ErrInvalidConfig, v.name, v.val)
		}
	}
	if c.Parent != "" {
		p := strings.TrimPrefix(c.Parent, "/")
		if p == "" || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") {
			return fmt.Errorf("%w: parent %q must be a clean path inside the hierarchy", ErrInvalidConfig, c.Parent)
		}
	}
	return nil
}

// cleanParent returns Parent without a leading slash.
func (c Config) cleanParent() string {
	return strings.TrimPrefix(c.Parent, "/")
}

// Controller names used by this package.
const (
	ctrlPids    = "pids"
	ctrlMemory  = "memory"
	ctrlCPU     = "cpu"
	ctrlDevices = "devices"
)

// wantedControllers splits controllers into required (a limit needs them)
// and optional (pids and memory, always wanted when available so leftover
// processes can be found and counters read).
func wantedControllers(r Resources) (required, optional []string) {
	if r.PidsMax != 0 {
		required = append(required, ctrlPids)
	} else {
		optional = append(optional, ctrlPids)
	}
	if r.MemoryMax != 0 {
		required = append(required, ctrlMemory)
	} else {
		optional = append(optional, ctrlMemory)
	}
	if r.CPUQuota != 0 {
		required = append(required, ctrlCPU)
	}
	if r.Devices {
		optional = append(optional, ctrlDevices)
	}
	return required, optional
}
