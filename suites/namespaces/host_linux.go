package namespaces

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/suites/fixtures"
	"github.com/little-container/little-container/suites/target"
)

// MountWait bounds how long the host waits for the probe's tmpfs to show in
// the container's mountinfo; a probe whose mount failed holds until EOF, so
// waiting longer would only stall the spec.
const MountWait = 8 * time.Second

// InspectMount returns the Inspect callback for ns runs with -hold. It
// waits until the probe holds (its tmpfs is in the container's own
// mountinfo, or it is blocked reading stdin), then records, from the host:
// the container's mountinfo (through /proc/<pid>/mountinfo), any host mount
// with the probe's tmpfs source src, and any host mount below rootfs (the
// runtime's own /proc, /sys, /dev must stay inside too). Not getting ready
// is left to the judge as a problem, not returned as an error.
func InspectMount(src, rootfs string, hs *HostSide) func(ctx context.Context, live *target.Live) error {
	return func(ctx context.Context, live *target.Live) error {
		wctx, cancel := context.WithTimeout(ctx, MountWait)
		defer cancel()
		if hs.Sandboxed = live.Sandboxed(); hs.Sandboxed != "" {
			return inspectSandbox(wctx, live, src, rootfs, hs)
		}
		var pid int
		err := live.Poll(wctx, "the probe to hold", func() (bool, error) {
			if pid = live.ContainerPID(); pid == 0 {
				return false, nil
			}
			inside, err := containerMounts(pid, src)
			return err == nil && (len(inside) > 0 || live.Holding(pid)), nil
		})
		if err != nil {
			return nil
		}
		inside, err := containerMounts(pid, src)
		if err != nil {
			return nil
		}
		hs.MountSeenInside = len(inside) > 0
		if hs.InsideProc, err = hasProcMount(pid); err != nil {
			return err
		}
		return hostMounts(src, rootfs, hs)
	}
}

// inspectSandbox is InspectMount for a container whose processes are not
// host processes: its mounts live in the sandbox's own kernel, so once the
// probe says it holds the host can only look for them in its own
// mountinfo, where none may appear.
func inspectSandbox(ctx context.Context, live *target.Live, src, rootfs string, hs *HostSide) error {
	if err := live.Poll(ctx, "the probe to hold", func() (bool, error) { return live.Holding(0), nil }); err != nil {
		return nil
	}
	hs.Held = true
	return hostMounts(src, rootfs, hs)
}

// hostMounts records host mounts with the probe's source and below the
// rootfs.
func hostMounts(src, rootfs string, hs *HostSide) error {
	var err error
	if hs.MountLeaks, err = fixtures.HostMountsWithSource(src); err != nil {
		return fmt.Errorf("host mountinfo: %w", err)
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return fmt.Errorf("host mountinfo: %w", err)
	}
	defer f.Close()
	if hs.RootfsMountsOnHost, err = fixtures.MountsUnder(f, rootfs); err != nil {
		return fmt.Errorf("host mountinfo: %w", err)
	}
	return nil
}

func containerMounts(pid int, src string) ([]string, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return fixtures.MountsWithSource(f, src)
}

func hasProcMount(pid int) (bool, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		return false, fmt.Errorf("container mountinfo: %w", err)
	}
	defer f.Close()
	pts, err := fixtures.MountsUnder(f, "/proc")
	return slices.Contains(pts, "/proc"), err
}

// DetachLeakedMounts removes any mount with source src from the host's
// mount namespace; a cleanup for runs whose mount leaked.
func DetachLeakedMounts(src string) error {
	pts, err := fixtures.HostMountsWithSource(src)
	if err != nil {
		return err
	}
	return fixtures.DetachMounts(pts)
}

// RestoreHostname puts the host's hostname back if a run changed it, and
// returns what it found.
func RestoreHostname(want string) (string, error) {
	got, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("hostname: %w", err)
	}
	if got != want {
		if err := unix.Sethostname([]byte(want)); err != nil {
			return got, fmt.Errorf("restore hostname %q: %w", want, err)
		}
	}
	return got, nil
}
