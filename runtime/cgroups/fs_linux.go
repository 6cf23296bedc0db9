package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// writeFile writes value into an existing cgroup file (no create, no
// truncate games: cgroup files take one write).
func writeFile(dir, name, value string) error {
	p := filepath.Join(dir, name)
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cgroups: write %s: %w", p, err)
	}
	_, werr := f.WriteString(value)
	cerr := f.Close()
	if werr != nil {
		return fmt.Errorf("cgroups: write %q to %s: %w", value, p, werr)
	}
	if cerr != nil {
		return fmt.Errorf("cgroups: close %s: %w", p, cerr)
	}
	return nil
}

// readPids returns the pids listed in dir/cgroup.procs.
func readPids(dir string) ([]int, error) {
	p := filepath.Join(dir, "cgroup.procs")
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("cgroups: read %s: %w", p, err)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("cgroups: %s: bad pid %q", p, f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// rmdirRetry removes a cgroup directory, retrying briefly on EBUSY (the
// kernel releases a cgroup a moment after its last task exits). A missing
// directory is not an error.
func rmdirRetry(dir string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for delay := 5 * time.Millisecond; ; delay = min(delay*2, 100*time.Millisecond) {
		err := unix.Rmdir(dir)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
			return fmt.Errorf("cgroups: rmdir %s: %w", dir, err)
		}
		time.Sleep(delay)
	}
}

// fileExists reports whether the kernel offers a cgroup file.
func fileExists(p string) (bool, error) {
	_, err := os.Stat(p)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return false, fmt.Errorf("cgroups: stat %s: %w", p, err)
}
