package security

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/reference"
)

// KernelPaths returns the paths a kernelfs row tries and, for each, whether
// the host itself can do what the container must not: read it (masked,
// info) or open it for writing (readonly, sysfs-w). The lists come from
// package reference plus what this host has below the read-only
// directories and at the top of its /proc.
func KernelPaths(kind string) map[string]string {
	var paths []string
	switch kind {
	case KernelMasked:
		paths = reference.MaskedPaths
	case KernelReadonly:
		paths = append(slices.Clone(reference.ReadonlyWriteCandidates), writableBelow(reference.ReadonlyPaths, 2)...)
	case KernelSysfs:
		paths = reference.SysfsWriteCandidates
	case KernelInfo:
		paths = append(slices.Clone(reference.InfoPaths), rootOnlyFiles(reference.InfoDiscoverDir)...)
	}
	out := map[string]string{}
	for _, p := range paths {
		switch kind {
		case KernelReadonly, KernelSysfs:
			out[p] = hostOpensW(p)
		default:
			out[p] = hostReads(p, slices.Contains(reference.OpenOnly, p))
		}
	}
	return out
}

// KernelArgs is the kernelfs probe's flag for kind over paths.
func KernelArgs(kind string, present map[string]string) []string {
	paths := make([]string, 0, len(present))
	for p := range present {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	flag := map[string]string{KernelMasked: "-masked", KernelReadonly: "-readonly", KernelSysfs: "-sysfs-w", KernelInfo: "-info"}[kind]
	args := []string{flag, join(paths)}
	if kind == KernelInfo {
		args = append(args, "-open-only", join(reference.OpenOnly))
	}
	return args
}

func join(ps []string) string { return strings.Join(ps, ",") }

// ContainerKernelMounts reads, from the host, the proc and sysfs mounts in
// the mount table of the container's process pid.
func ContainerKernelMounts(pid int) ([]string, error) {
	ms, err := hostview.Mounts(pid)
	if err != nil {
		return nil, err
	}
	return probes.KernelMounts(ms), nil
}

// hostReads is "" when the host reads more than 0 bytes of a file (or opens
// it, for openOnly) or lists an entry of a directory; else why not.
func hostReads(p string, openOnly bool) string {
	st, err := os.Stat(p)
	if err != nil {
		return err.Error()
	}
	if st.IsDir() {
		names, err := os.ReadDir(p)
		switch {
		case err != nil:
			return err.Error()
		case len(names) == 0:
			return "empty directory on the host"
		}
		return ""
	}
	f, err := os.OpenFile(p, os.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if openOnly {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(f, 64))
	switch {
	case err != nil && len(b) == 0:
		return err.Error()
	case len(b) == 0:
		return "the host reads 0 bytes"
	}
	return ""
}

// hostOpensW is "" when the host opens p for writing (closed at once).
func hostOpensW(p string) string {
	fd, err := unix.Open(p, unix.O_WRONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Sprintf("host open O_WRONLY: %v", err)
	}
	unix.Close(fd)
	return ""
}

// writableBelow returns, for each directory of dirs, up to n regular files
// below it (sorted walk, at most three levels) that have a write bit and
// that the host opens for writing: the host's own tunables there.
func writableBelow(dirs []string, n int) []string {
	var out []string
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		found := 0
		errStop := errors.New("enough")
		_ = filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if e.IsDir() {
				if rel, _ := filepath.Rel(d, p); rel != "." && depth(rel) >= 3 {
					return filepath.SkipDir
				}
				return nil
			}
			info, err := e.Info()
			if err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o222 == 0 {
				return nil
			}
			if hostOpensW(p) != "" {
				return nil
			}
			out = append(out, p)
			if found++; found >= n {
				return errStop
			}
			return nil
		})
	}
	return out
}

// depth counts the components of a relative path.
func depth(rel string) int { return strings.Count(rel, "/") + 1 }

// rootOnlyFiles lists the regular files directly in dir (pid directories
// aside) that others may not read — what the host keeps for root — minus
// those the masked and read-only references already judge.
func rootOnlyFiles(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err == nil {
			continue
		}
		p := filepath.Join(dir, e.Name())
		info, err := os.Lstat(p)
		if err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o004 != 0 || info.Mode().Perm()&0o400 == 0 {
			continue
		}
		if underAny(p, reference.MaskedPaths) || underAny(p, reference.ReadonlyPaths) || slices.Contains(reference.InfoPaths, p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func underAny(p string, roots []string) bool {
	for _, r := range roots {
		if p == r || len(p) > len(r) && p[:len(r)+1] == r+"/" {
			return true
		}
	}
	return false
}
