package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"
)

// GoneWait bounds how long the host waits after a run for the container's
// cgroups and first process to disappear.
const GoneWait = 3 * time.Second

// FindLeftovers records in hs.Leftovers what remains of the container:
// its first process (same pid and start time) still alive, or any of its
// cgroup directories still present (with the processes still in them).
func FindLeftovers(hs *HostSide) {
	deadline := time.Now().Add(GoneWait)
	for {
		left := leftovers(hs)
		if len(left) == 0 || time.Now().After(deadline) {
			hs.Leftovers = left
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func leftovers(hs *HostSide) []string {
	var out []string
	if hs.ContainerPID > 0 {
		if st, err := readStartTime(hs.ContainerPID); err == nil && st == hs.StartTime {
			out = append(out, fmt.Sprintf("container pid %d still alive", hs.ContainerPID))
		}
	}
	for _, d := range containerDirs(hs) {
		if _, err := os.Stat(d); err == nil {
			procs, _ := os.ReadFile(d + "/cgroup.procs")
			out = append(out, fmt.Sprintf("cgroup %s still exists (procs: %s)", d, oneLine(string(procs))))
		}
	}
	return out
}

// RemoveLeftovers kills every process left in the container's cgroup
// directories and removes them; a cleanup for runs the runtime did not
// tear down. Directories that do not name the container are never touched.
func RemoveLeftovers(hs *HostSide) error {
	var errs *multierror.Error
	for _, d := range containerDirs(hs) {
		if _, err := os.Stat(d); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		deadline := time.Now().Add(GoneWait)
		for {
			b, err := os.ReadFile(d + "/cgroup.procs")
			if err != nil || strings.TrimSpace(string(b)) == "" || time.Now().After(deadline) {
				break
			}
			for _, f := range strings.Fields(string(b)) {
				if pid, err := strconv.Atoi(f); err == nil && pid > 0 {
					_ = unix.Kill(pid, unix.SIGKILL)
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := unix.Rmdir(d); err != nil && !errors.Is(err, unix.ENOENT) {
			errs = multierror.Append(errs, fmt.Errorf("remove leftover cgroup %s: %w", d, err))
		}
	}
	return errs.ErrorOrNil()
}
