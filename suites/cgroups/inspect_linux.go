package cgroups

import (
	"context"
	"fmt"
	"os/exec"
	"time"

	"github.com/little-container/little-container/suites/target"
)

const (
	// HoldWait bounds the wait for a probe to reach its hold: the bomb's
	// fork phase (20 s at worst) comes first.
	HoldWait = 25 * time.Second
	// HostForkTimeout is the generous bound for the host's own trivial
	// command during the hold: "could fork at all", not a timing test.
	HostForkTimeout = 10 * time.Second
	// inlineSample is the sampling interval while an inline hog lives; its
	// whole life can be a few tens of milliseconds.
	inlineSample = 2 * time.Millisecond
)

// Reads are what InspectHold reads from the host during the hold.
type Reads struct {
	Pids, Mem, CPU bool // the container's pids, memory, cpu cgroup
	HostFork       bool // whether the host can still run a process
}

// InspectHold returns the Inspect callback for probes run with -hold. It
// waits until the probe blocks on stdin, then reads from the host what r
// asks for. Not seeing the hold or failing to read is recorded in hs for
// the judge, not returned.
func InspectHold(hs *HostSide, r Reads) func(ctx context.Context, live *target.Live) error {
	return func(ctx context.Context, live *target.Live) error {
		wctx, cancel := context.WithTimeout(ctx, HoldWait)
		defer cancel()
		var pid int
		err := live.Poll(wctx, "the probe to hold", func() (bool, error) {
			pid = live.ContainerPID()
			return pid > 0 && target.ReadingStdin(pid), nil
		})
		if err != nil {
			hs.WaitErr = err.Error()
			return nil
		}
		hs.Held = true
		ctrls := []string{"pids", "memory"}
		if r.CPU {
			ctrls = append(ctrls, "cpu")
		}
		if err := hs.observe(pid, false, ctrls...); err != nil {
			hs.ReadErrs = append(hs.ReadErrs, err.Error())
			return nil
		}
		if r.Pids {
			hs.readPids()
		}
		if r.Mem {
			hs.readMem()
		}
		if r.CPU {
			hs.readCPU()
		}
		if r.HostFork {
			fc := HostFork(ctx)
			hs.HostFork = &fc
		}
		return nil
	}
}

// InspectInline returns the Inspect callback for the inline hog, which may
// die within milliseconds: it polls fast for the container's first process
// in a cgroup named after the container, then reads its memory cgroup
// until the container exits or the probe holds: the first reading shows
// whether the limit was there before the process (little-container writes
// it first; runc and crun write it after placing their init), the last is
// judged, and oom_kill is the highest count seen.
func InspectInline(hs *HostSide) func(ctx context.Context, live *target.Live) error {
	return func(ctx context.Context, live *target.Live) error {
		hs.OOMSampled = Unlimited
		wctx, cancel := context.WithTimeout(ctx, HoldWait)
		defer cancel()
		t := time.NewTicker(inlineSample)
		defer t.Stop()
		for {
			pid := live.ContainerPID()
			switch {
			case pid > 0 && hs.Mem == nil:
				// The cgroup may vanish between reads when the hog dies:
				// a failed read here is a race, not evidence.
				if hs.observe(pid, true, "pids", "memory") == nil {
					if s, err := ReadMemory(hs.Dirs["memory"], hs.Layout.V2()); err == nil {
						first := *s
						hs.Mem, hs.MemFirst, hs.OOMSampled = s, &first, s.OOMKills
					}
				}
			case hs.Mem != nil:
				if s, err := ReadMemory(hs.Mem.Dir, hs.Mem.V2); err == nil {
					hs.Mem, hs.OOMSampled = s, max(hs.OOMSampled, s.OOMKills)
				}
			}
			if pid > 0 && target.ReadingStdin(pid) {
				hs.Held = true
				return nil
			}
			select {
			case <-live.Done():
				return nil
			case <-wctx.Done():
				hs.WaitErr = "the inline hog neither held nor exited within " + HoldWait.String()
				return nil
			case <-t.C:
			}
		}
	}
}

// observe records pid, its start time and its cgroup directories for
// ctrls (those the host has). With requireID a process not (yet) in a cgroup named after the container is
// refused, so a runtime still moving it is not mistaken for the container.
func (hs *HostSide) observe(pid int, requireID bool, ctrls ...string) error {
	st, err := readStartTime(pid)
	if err != nil {
		return err
	}
	cg, err := target.ProcCgroups(pid)
	if err != nil {
		return err
	}
	dirs := map[string]string{}
	for _, ctrl := range ctrls {
		if hs.Layout.Missing(ctrl) != "" {
			continue
		}
		d, err := hs.Layout.Dir(ctrl, cg)
		if err != nil {
			return fmt.Errorf("cgroup of container pid %d: %w", pid, err)
		}
		if requireID && !ownsID(d, hs.ID) {
			return fmt.Errorf("container pid %d is in %s, not yet in its own cgroup", pid, d)
		}
		dirs[ctrl] = d
	}
	hs.ContainerPID, hs.StartTime, hs.Dirs = pid, st, dirs
	return nil
}

func (hs *HostSide) readPids() {
	d, ok := hs.Dirs["pids"]
	if !ok {
		hs.ReadErrs = append(hs.ReadErrs, "no pids cgroup directory for the container")
		return
	}
	s, err := ReadPids(d)
	if err != nil {
		hs.ReadErrs = append(hs.ReadErrs, err.Error())
		return
	}
	hs.Pids = s
}

func (hs *HostSide) readMem() {
	d, ok := hs.Dirs["memory"]
	if !ok {
		hs.ReadErrs = append(hs.ReadErrs, "no memory cgroup directory for the container")
		return
	}
	s, err := ReadMemory(d, hs.Layout.V2())
	if err != nil {
		hs.ReadErrs = append(hs.ReadErrs, err.Error())
		return
	}
	hs.Mem = s
}

func (hs *HostSide) readCPU() {
	d, ok := hs.Dirs["cpu"]
	if !ok {
		hs.ReadErrs = append(hs.ReadErrs, "no cpu cgroup directory for the container")
		return
	}
	s, err := ReadCPU(d, hs.Layout.V2())
	if err != nil {
		hs.ReadErrs = append(hs.ReadErrs, err.Error())
		return
	}
	hs.CPU = s
}

// HostFork runs `true` on the host and reports whether it ran, and how
// long it took, within HostForkTimeout.
func HostFork(ctx context.Context) ForkCheck {
	ctx, cancel := context.WithTimeout(ctx, HostForkTimeout)
	defer cancel()
	start := time.Now()
	err := exec.CommandContext(ctx, "true").Run()
	fc := ForkCheck{Took: time.Since(start)}
	if err != nil {
		fc.Err = fmt.Sprintf("host could not run `true` within %s: %v", HostForkTimeout, err)
	}
	return fc
}
