package cgroups

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"
)

// New creates the container's cgroup directories and writes every limit
// except pids.max (see ApplyLate), before any process is in the cgroup. A
// requested limit that cannot be applied is an error naming the file and the
// cause; on error everything New created is removed again.
//
// New returns ErrNoCgroup (and a nil Cgroup) when no cgroup can be had and
// none is needed: a rootless caller without limits on a v1/hybrid host or
// without a usable delegated v2 subtree, or a host without cgroups.
func New(cfg Config) (Cgroup, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	mode, err := Detect()
	if err != nil {
		return nil, err
	}
	facts, err := gatherFacts(mode, cfg)
	if err != nil {
		return nil, err
	}
	p, err := plan(cfg, facts)
	if err != nil {
		return nil, err
	}
	if cfg.Record != nil {
		if err := cfg.Record(maps.Clone(p.Paths)); err != nil {
			return nil, err
		}
	}
	return create(cfg, p)
}

// create carries out a placement.
func create(cfg Config, p placement) (_ Cgroup, err error) {
	c := &cgroup{mode: p.Mode, paths: p.Paths, leaves: p.Leaves, res: cfg.Resources, fd: -1}
	defer func() {
		if err != nil {
			if derr := c.Destroy(); derr != nil {
				err = multierror.Append(err, derr)
			}
		}
	}()
	// A concurrent Destroy of another container may remove a shared parent
	// between our mkdirs (ENOENT), or while we read or write its control
	// files (ENODEV: the cgroup is being removed): start over a few times.
	for attempt := 1; ; attempt++ {
		err = c.makeDirs(p)
		if err == nil || !errors.Is(err, unix.ENOENT) && !errors.Is(err, unix.ENODEV) || attempt == 5 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if err := c.writeAll(earlyWrites(c.mode, c.res)); err != nil {
		return nil, err
	}
	if c.mode == ModeUnified {
		dir := c.paths[""]
		fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("cgroups: open %s: %w", dir, err)
		}
		c.fd = fd
	}
	return c, nil
}

// makeDirs creates shared parents (existing ones are fine), enables v2
// controllers top-down, then creates the container's own directories, which
// must not exist yet.
func (c *cgroup) makeDirs(p placement) error {
	for _, d := range p.Parents {
		if filepath.Base(d) == parentDir && !slices.Contains(c.runtimeParents, d) {
			c.runtimeParents = append(c.runtimeParents, d)
		}
		err := unix.Mkdir(d, 0o755)
		switch {
		case err == nil:
			if !slices.Contains(c.createdParents, d) {
				c.createdParents = append(c.createdParents, d)
			}
		case !errors.Is(err, unix.EEXIST):
			return fmt.Errorf("cgroups: mkdir %s: %w", d, err)
		}
	}
	for _, step := range p.Enable {
		if err := enable(step); err != nil {
			return err
		}
	}
	for _, d := range p.Leaves {
		if slices.Contains(c.createdLeaves, d) {
			continue
		}
		err := unix.Mkdir(d, 0o755)
		if errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("%w: %s", ErrExists, d)
		}
		if err != nil {
			return fmt.Errorf("cgroups: mkdir %s: %w", d, err)
		}
		c.createdLeaves = append(c.createdLeaves, d)
	}
	return nil
}

// enable adds the controllers missing from dir/cgroup.subtree_control, one
// write each so an error names the controller.
func enable(step enableStep) error {
	have, err := readList(filepath.Join(step.Dir, "cgroup.subtree_control"))
	if err != nil {
		return err
	}
	for _, ctrl := range step.Controllers {
		if slices.Contains(have, ctrl) {
			continue
		}
		if err := writeFile(step.Dir, "cgroup.subtree_control", "+"+ctrl); err != nil {
			return fmt.Errorf("enable controller %s: %w", ctrl, err)
		}
	}
	return nil
}

// writeAll writes limit files; optional ones only when the kernel offers them.
func (c *cgroup) writeAll(ws []fileWrite) error {
	for _, w := range ws {
		dir, err := c.dirFor(w.Controller)
		if err != nil {
			if w.Optional && errors.Is(err, ErrControllerUnavailable) {
				continue
			}
			return err
		}
		if w.Optional {
			ok, err := fileExists(filepath.Join(dir, w.File))
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		if err := writeFile(dir, w.File, w.Value); err != nil {
			return err
		}
	}
	return nil
}

// dirFor returns the directory holding a controller's files.
func (c *cgroup) dirFor(ctrl string) (string, error) {
	if c.mode == ModeUnified {
		return c.paths[""], nil
	}
	d, ok := c.paths[ctrl]
	if !ok {
		return "", fmt.Errorf("%w: %s has no directory in this cgroup", ErrControllerUnavailable, ctrl)
	}
	return d, nil
}

// AddProc writes pid into cgroup.procs of every directory of the cgroup.
func (c *cgroup) AddProc(pid int) error {
	for _, d := range c.leaves {
		if err := writeFile(d, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

// ApplyLate writes pids.max.
func (c *cgroup) ApplyLate() error {
	return c.writeAll(lateWrites(c.mode, c.res))
}
