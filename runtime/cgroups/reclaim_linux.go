package cgroups

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Reclaim kills every process left in a container's cgroup and removes its
// directories (and the runtime's little-container parent, if that is then
// empty), given the paths a runtime recorded (Config.Record) before it was
// killed. Directories already gone are fine. It refuses paths that are not
// a container cgroup of this runtime: <hierarchy>/.../little-container/<id>
// or, rootless on v2, <delegated>/little-container-<id>.
func Reclaim(paths map[string]string) error {
	mode, err := Detect()
	if err != nil {
		return err
	}
	c := &cgroup{mode: mode, paths: paths, fd: -1}
	for _, p := range paths {
		if filepath.Clean(p) != p || !strings.HasPrefix(p, cgroupRoot+"/") {
			return fmt.Errorf("%w: %q is not a clean path under %s", ErrInvalidConfig, p, cgroupRoot)
		}
		parent := filepath.Dir(p)
		switch {
		case filepath.Base(parent) == parentDir:
			if !slices.Contains(c.runtimeParents, parent) {
				c.runtimeParents = append(c.runtimeParents, parent)
			}
		case strings.HasPrefix(filepath.Base(p), parentDir+"-"):
		default:
			return fmt.Errorf("%w: %s is not a little-container cgroup", ErrInvalidConfig, p)
		}
		if !slices.Contains(c.leaves, p) {
			c.leaves = append(c.leaves, p)
		}
	}
	c.createdLeaves = slices.Clone(c.leaves)
	return c.Destroy()
}
