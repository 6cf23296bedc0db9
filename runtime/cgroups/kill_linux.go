package cgroups

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// Kill SIGKILLs every process in the cgroup and waits until it is empty.
// v2 uses cgroup.kill when the kernel has it (5.14+), which also catches
// processes forking meanwhile; otherwise, and on v1, it loops over
// cgroup.procs of every directory until nothing is left, so a fork bomb that
// keeps forking is killed round by round (the pids limit bounds it). Without
// a freezer a pid read from cgroup.procs could in theory exit and be reused
// before the signal; the window is a few microseconds.
//
// "Empty" means cgroup.procs lists nothing. A killed process whose parent
// has not reaped it yet is still charged in pids.current (and the cgroup can
// nevertheless be removed), so evidence read after Kill should allow for that.
func (c *cgroup) Kill() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.destroyed {
		return nil
	}
	return c.kill()
}

func (c *cgroup) kill() error {
	dirs := c.createdLeaves
	if len(dirs) == 0 {
		return nil
	}
	if c.mode == ModeUnified {
		if ok, _ := fileExists(filepath.Join(dirs[0], "cgroup.kill")); ok {
			if err := writeFile(dirs[0], "cgroup.kill", "1"); err != nil {
				return err
			}
		}
	}
	deadline := time.Now().Add(KillTimeout)
	for delay := 2 * time.Millisecond; ; delay = min(delay*2, 50*time.Millisecond) {
		left := 0
		for _, d := range dirs {
			pids, err := readPids(d)
			if errors.Is(err, unix.ENOENT) {
				continue
			}
			if err != nil {
				return err
			}
			for _, pid := range pids {
				if err := unix.Kill(pid, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
					return fmt.Errorf("cgroups: kill %d in %s: %w", pid, d, err)
				}
			}
			left += len(pids)
		}
		if left == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroups: %d processes still in %v after SIGKILL for %s", left, dirs, KillTimeout)
		}
		time.Sleep(delay)
	}
}
