package hostview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/target"
)

// ErrSandboxed says the container's processes are not host processes
// (gVisor runs them in a kernel of its own): /proc/<pid> on the host shows
// the sandbox, not the container, so what the host would read there is no
// evidence about the container.
var ErrSandboxed = errors.New("the container's processes are not host processes")

// HoldWait bounds how long the host waits for a probe to start holding.
const HoldWait = 15 * time.Second

// WaitHeld waits until the container's first process is blocked reading
// its stdin (a probe run with -hold that has done everything before its
// hold) and returns its host pid.
func WaitHeld(ctx context.Context, live *target.Live) (int, error) {
	wctx, cancel := context.WithTimeout(ctx, HoldWait)
	defer cancel()
	var pid int
	err := live.Poll(wctx, "the probe to hold", func() (bool, error) {
		pid = live.ContainerPID()
		return pid > 0 && target.ReadingStdin(pid), nil
	})
	return pid, err
}

// Mounts reads the mount table of process pid as the host sees it: mount
// points relative to that process's root, roots relative to each
// filesystem (and, for cgroupfs, to the host's cgroup namespace).
func Mounts(pid int) ([]probes.MountInfo, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		return nil, fmt.Errorf("mountinfo of %d: %w", pid, err)
	}
	ms, err := probes.ParseMountInfo(string(b))
	if err != nil {
		return ms, fmt.Errorf("mountinfo of %d: %w", pid, err)
	}
	return ms, nil
}

// HostMounts reads the host's own mount table.
func HostMounts() ([]probes.MountInfo, error) { return Mounts(os.Getpid()) }

// PIDsWithWord lists the host pids whose command line holds word as one of
// its arguments: how a container's processes are found by their nonce,
// wherever the runtime put them in the process tree.
func PIDsWithWord(word string) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	w := []byte(word)
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for _, a := range bytes.Split(b, []byte{0}) {
			if bytes.Equal(a, w) {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// Look is an Inspect callback for a probe run with a hold: it waits until
// the probe holds, then calls look with the container process's host pid.
// Any error is kept in *errp for the judge to report as a problem rather
// than returned, so that the run's own evidence is still judged.
func Look(errp *error, look func(pid int) error) func(context.Context, *target.Live) error {
	return func(ctx context.Context, live *target.Live) error {
		if why := live.Sandboxed(); why != "" {
			*errp = fmt.Errorf("%w: %s", ErrSandboxed, why)
			return nil
		}
		pid, err := WaitHeld(ctx, live)
		if err == nil {
			err = look(pid)
		}
		*errp = err
		return nil
	}
}

// WaitHeldByWord is WaitHeld for a container with more than one process:
// the probe is found by a word of its command line (the nonce), among
// processes that may sit deeper in the tree than it, and is held when it
// reads its stdin.
func WaitHeldByWord(ctx context.Context, live *target.Live, word string) (int, error) {
	wctx, cancel := context.WithTimeout(ctx, HoldWait)
	defer cancel()
	var pid int
	err := live.Poll(wctx, "the probe to hold", func() (bool, error) {
		for _, p := range PIDsWithWord(word) {
			if p != live.RuntimePID && target.ReadingStdin(p) {
				pid = p
				return true, nil
			}
		}
		return false, nil
	})
	return pid, err
}

// KillWord kills every process carrying word in its command line and
// waits, at most wait, until none is left; it returns those still there.
func KillWord(word string, wait time.Duration) []int {
	deadline := time.Now().Add(wait)
	for {
		left := PIDsWithWord(word)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		for _, p := range left {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
