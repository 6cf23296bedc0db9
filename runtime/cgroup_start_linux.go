package runtime

import (
	"errors"
	"fmt"

	"github.com/little-container/little-container/runtime/cgroups"
)

// cgroupStart is the container's cgroup while it is being made. On cgroup
// v2 the init is born in it (CLONE_INTO_CGROUP), so it is made before the
// init starts. On v1 and hybrid hosts the init is moved in after its start
// anyway, so the directories and limits are made in the background while
// the init's binary is exec'd and its Go runtime starts, and the move
// itself (a slow write on v1: the kernel waits for an RCU grace period)
// overlaps with the init's mounts: the init waits for "placed" only just
// before it unshares its cgroup namespace (see doc.go).
type cgroupStart struct {
	done chan struct{}
	cg   cgroups.Cgroup
	err  error
}

// startCgroup begins making the cgroup; background says not to wait.
func startCgroup(spec *Spec, state *stateHandle, background bool) *cgroupStart {
	c := &cgroupStart{done: make(chan struct{})}
	run := func() {
		defer close(c.done)
		res := spec.Resources
		res.Devices = !spec.AllowDevices
		cg, err := cgroups.New(cgroups.Config{ID: spec.ID, Resources: res, Rootless: spec.Rootless,
			Record: func(paths map[string]string) error {
				return state.update(func(s *State) { s.Cgroups = paths })
			}})
		switch {
		case errors.Is(err, cgroups.ErrNoCgroup):
			// rootless without limits: nothing to create
		case errors.Is(err, cgroups.ErrExists):
			c.err = fmt.Errorf("container %s: its cgroup exists already, held by a runtime with another state directory or left by an older version: %w", spec.ID, err)
		case err != nil:
			c.err = fmt.Errorf("cgroup: %w", err)
		default:
			c.cg = cg
		}
	}
	if background {
		go run()
	} else {
		run()
	}
	return c
}

// wait returns the cgroup (nil when none is needed) once it is made.
func (c *cgroupStart) wait() (cgroups.Cgroup, error) {
	<-c.done
	return c.cg, c.err
}

// destroy removes the cgroup, if one was made, with anything left in it.
func (c *cgroupStart) destroy() error {
	if cg, _ := c.wait(); cg != nil {
		if err := cg.Destroy(); err != nil {
			return fmt.Errorf("remove cgroup: %w", err)
		}
	}
	return nil
}
