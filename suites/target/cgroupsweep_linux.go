package target

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/go-multierror"
	"github.com/moby/sys/mountinfo"
)

// bundleCgroups are the cgroupsPaths this process's bundle runs named
// (the harness writes them: "/<id>"). A runtime that refuses a bundle
// after making its cgroups (runsc on a hostile rootfs) has no container
// left for its delete to find, and the cgroups would outlive the spec.
var bundleCgroups struct {
	sync.Mutex
	paths []string
}

func recordBundleCgroup(path string) {
	bundleCgroups.Lock()
	defer bundleCgroups.Unlock()
	bundleCgroups.paths = append(bundleCgroups.paths, path)
}

// SweepBundleCgroups removes what is left, in every cgroup hierarchy, of
// the cgroups the bundle runs since the last sweep named: each directory
// that holds no process, deepest first. A directory with processes stays
// (and is an error: the runtime's container outlived its spec). Call it
// after the spec has judged what the runtime left.
func SweepBundleCgroups() error {
	bundleCgroups.Lock()
	paths := bundleCgroups.paths
	bundleCgroups.paths = nil
	bundleCgroups.Unlock()
	if len(paths) == 0 {
		return nil
	}
	mounts, err := mountinfo.GetMounts(func(i *mountinfo.Info) (skip, stop bool) {
		return i.FSType != "cgroup" && i.FSType != "cgroup2", false
	})
	if err != nil {
		return err
	}
	var errs *multierror.Error
	for _, p := range paths {
		for _, m := range mounts {
			if err := removeEmptyTree(filepath.Join(m.Mountpoint, p)); err != nil {
				errs = multierror.Append(errs, err)
			}
		}
	}
	return errs.ErrorOrNil()
}

// removeEmptyTree removes dir and the cgroups below it, deepest first, if
// none holds a process; a missing dir is fine.
func removeEmptyTree(dir string) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		if err != nil {
			return err
		}
		if procs := strings.Fields(string(b)); len(procs) > 0 {
			return fmt.Errorf("cgroup %s still holds processes %v after the spec", d, procs)
		}
		if err := os.Remove(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
