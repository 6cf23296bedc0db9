package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// cgroupRoot is where every layout mounts its cgroup file systems.
const cgroupRoot = "/sys/fs/cgroup"

// Detect reports the host's cgroup layout from statfs of /sys/fs/cgroup, its
// sub-directories (v1 hierarchies) and /sys/fs/cgroup/unified (hybrid).
func Detect() (Mode, error) {
	root, err := statfsMagic(cgroupRoot)
	if errors.Is(err, unix.ENOENT) {
		return ModeNone, nil
	}
	if err != nil {
		return ModeNone, err
	}
	if root != tmpfsMagic {
		return decideMode(root, 0, 0), nil
	}
	entries, err := os.ReadDir(cgroupRoot)
	if err != nil {
		return ModeNone, fmt.Errorf("cgroups: read %s: %w", cgroupRoot, err)
	}
	v1 := 0
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "unified" {
			continue
		}
		if m, err := statfsMagic(filepath.Join(cgroupRoot, e.Name())); err == nil && m == cgroup1Magic {
			v1++
		}
	}
	unified, err := statfsMagic(filepath.Join(cgroupRoot, "unified"))
	if err != nil && !errors.Is(err, unix.ENOENT) {
		return ModeNone, err
	}
	return decideMode(root, unified, v1), nil
}

// statfsMagic returns the file system type of path.
func statfsMagic(path string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, fmt.Errorf("cgroups: statfs %s: %w", path, err)
	}
	return int64(st.Type), nil
}
