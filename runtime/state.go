package runtime

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// State is what the runtime records about one container while its runtime
// process lives, in <state dir>/<id>/state.json. The runtime holds an
// exclusive flock on <id>/lock for as long as it runs: the kernel drops it
// when the process dies however it dies, so "lock free" is exactly "owner
// gone", with no pid that could be reused in between.
type State struct {
	ID string `json:"id"`
	// Owner is the runtime process and OwnerStart its start time (clock
	// ticks after boot, /proc/PID/stat field 22), for messages and ps.
	Owner      int    `json:"owner_pid"`
	OwnerStart uint64 `json:"owner_start"`
	// Pid is the container's PID 1 on the host (0 before it starts) and
	// PidStart its start time, so that a pid reused by another process is
	// never signalled in the container's name.
	Pid      int       `json:"pid"`
	PidStart uint64    `json:"pid_start"`
	Command  []string  `json:"command"`
	Rootfs   string    `json:"rootfs"`
	Created  time.Time `json:"created"`
	// Cgroups are the container's cgroup directories, recorded before they
	// are made (cgroups.Config.Record).
	Cgroups map[string]string `json:"cgroups,omitempty"`

	// Running is true while the owner holds the lock; not stored.
	Running bool `json:"-"`
}

// Sentinel errors of the state commands, matched with errors.Is.
var (
	ErrNoContainer = errors.New("no such container")
	ErrRunning     = errors.New("container is running")
	ErrNotRunning  = errors.New("container is not running")
)

// CgroupPath is the container's cgroup for display: the v2 directory, or
// the pids (else the first) v1 directory.
func (s *State) CgroupPath() string {
	if p, ok := s.Cgroups[""]; ok {
		return p
	}
	if p, ok := s.Cgroups["pids"]; ok {
		return p
	}
	for _, p := range s.Cgroups {
		return p
	}
	return "-"
}

// parseStartTime returns field 22 (starttime) of /proc/PID/stat text. The
// command name (field 2) is in parentheses and may itself hold spaces and
// parentheses, so fields are counted after the last ')'.
func parseStartTime(stat string) (uint64, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat %q: no command name", stat)
	}
	f := strings.Fields(stat[i+1:])
	// f[0] is field 3 (state); starttime is field 22.
	if len(f) < 20 {
		return 0, fmt.Errorf("stat: %d fields after the name, want at least 20", len(f))
	}
	return strconv.ParseUint(f[19], 10, 64)
}

// FormatAge prints a duration as ps does: 42s, 5m, 3h, 2d.
func FormatAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
