package cgroups

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"
)

// KillTimeout bounds how long Kill waits for the cgroup to empty.
const KillTimeout = 5 * time.Second

// rmdirTimeout bounds the EBUSY retries of one rmdir.
const rmdirTimeout = 2 * time.Second

// cgroup is the Cgroup of one container on v1, hybrid or v2.
type cgroup struct {
	mode  Mode
	paths map[string]string
	// leaves are the unique container directories (several v1 controllers
	// may share a co-mounted hierarchy).
	leaves []string
	res    Resources
	fd     int

	mu             sync.Mutex
	createdParents []string // shared parents this cgroup created
	// runtimeParents are the little-container directories above the leaf:
	// whichever container leaves one empty removes it, not only the one
	// that made it (that one may end first while others still run).
	runtimeParents []string
	createdLeaves  []string
	destroyed      bool
}

func (c *cgroup) Mode() Mode { return c.mode }

func (c *cgroup) Paths() map[string]string { return maps.Clone(c.paths) }

func (c *cgroup) IntoFD() (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fd, c.fd >= 0
}

// Destroy kills what is left, closes the fd and removes the container's
// directories, then any shared parent it created, and the runtime's own
// little-container parent, if empty by now.
// Errors are collected; a later call retries what failed and returns nil
// once everything is gone.
func (c *cgroup) Destroy() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.destroyed {
		return nil
	}
	var errs *multierror.Error
	if err := c.kill(); err != nil {
		errs = multierror.Append(errs, err)
	}
	if c.fd >= 0 {
		if err := unix.Close(c.fd); err != nil {
			errs = multierror.Append(errs, fmt.Errorf("cgroups: close cgroup fd: %w", err))
		}
		c.fd = -1
	}
	for _, d := range slices.Backward(c.createdLeaves) {
		if err := rmdirRetry(d, rmdirTimeout); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	parents := slices.Clone(c.createdParents)
	for _, d := range c.runtimeParents {
		if !slices.Contains(parents, d) {
			parents = append(parents, d)
		}
	}
	for _, d := range slices.Backward(parents) {
		// Other containers may still live there: busy is expected.
		if err := unix.Rmdir(d); err != nil && !errors.Is(err, unix.EBUSY) && !errors.Is(err, unix.ENOTEMPTY) && !errors.Is(err, unix.ENOENT) {
			errs = multierror.Append(errs, fmt.Errorf("cgroups: rmdir %s: %w", d, err))
		}
	}
	if err := errs.ErrorOrNil(); err != nil {
		return err
	}
	c.destroyed = true
	return nil
}
