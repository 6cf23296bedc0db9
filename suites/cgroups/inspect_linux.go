package cgroups

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
	// burnSample is the interval at which the host reads cpu.stat while a
	// busy loop runs: a tenth of a CFS period.
	burnSample = 10 * time.Millisecond
	// holdPoll is how often the host looks for the hold of a container
	// it has found (see waitHold).
	holdPoll = 5 * time.Millisecond
)

// Reads are what InspectHold reads from the host during the hold.
type Reads struct {
	Pids, Mem, CPU bool // the container's pids, memory, cpu cgroup
	HostFork       bool // whether the host can still run a process
	// Await: the probe waits for the host's go-ahead before it acts
	// (memhog -await). The host first finds the container by its nonce
	// and reads its cgroup (the limit in place before anything happens),
	// then releases it and, until the probe holds, samples that cgroup's
	// counters and the processes the kernel lists in it: evidence that
	// outlives a probe the OOM killer takes down after its hog child.
	Await bool
}

// InspectHold returns the Inspect callback for probes run with -hold. It
// waits until the probe holds (blocked on stdin, seen from the host; or,
// for a sandboxed runtime whose container has no host process, the probe's
// own hold line), then reads from the host what r asks for, in the cgroups
// of the container's process found by its nonce, or of the sandbox's host
// process. A sandbox's counters are also read while it lives, so that a
// limit that ends the whole sandbox before the probe holds still leaves
// the kernel's evidence. Not seeing the hold or failing to read is
// recorded in hs for the judge, not returned.
func InspectHold(hs *HostSide, r Reads) func(ctx context.Context, live *target.Live) error {
	return func(ctx context.Context, live *target.Live) error {
		hs.Sandboxed = live.Sandboxed()
		wctx, cancel := context.WithTimeout(ctx, HoldWait)
		defer cancel()
		ctrls := []string{"pids", "memory"}
		if r.CPU {
			ctrls = append(ctrls, "cpu")
		}
		what := "the probe to hold"
		if r.Await {
			what = "the probe to await the host's go-ahead"
		}
		pid, err := waitHold(wctx, live, what, func(pid int) {
			if hs.Sandboxed != "" && hs.observe(pid, ctrls...) == nil {
				hs.sample(r)
			}
		})
		if err != nil {
			hs.WaitErr = err.Error()
			return nil
		}
		if err := hs.observe(pid, ctrls...); err != nil {
			hs.ReadErrs = append(hs.ReadErrs, err.Error())
			return nil
		}
		if r.Await {
			if pid, err = hs.release(wctx, live, pid, r); err != nil {
				hs.WaitErr = err.Error()
				return nil
			}
		}
		hs.Held = true
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

// release reads the container's cgroup at first sight (the probe waits
// for its go-ahead, nothing has happened yet), gives the go-ahead and
// samples every inlineSample until the probe holds: its memory cgroup's
// counters (the highest oom_kill seen while it lived) and the processes
// the kernel lists in it. It returns the container's pid at the hold, or
// why the probe never held (the container exited first: the judge decides
// from what was sampled and the kernel log).
func (hs *HostSide) release(ctx context.Context, live *target.Live, pid int, r Reads) (int, error) {
	hs.OOMSampled = Unlimited
	if d, ok := hs.Dirs["memory"]; ok && hs.owns("memory", d) {
		if s, err := ReadMemory(d, hs.Layout.V2()); err == nil {
			first := *s
			hs.Mem, hs.MemFirst, hs.OOMSampled = s, &first, s.OOMKills
		}
	}
	if err := live.Release(pid); err != nil {
		return 0, err
	}
	hs.Released = true
	t := time.NewTicker(inlineSample)
	defer t.Stop()
	for {
		hs.sample(r)
		p := pid // a sandbox's hold is its probe's line
		if hs.Sandboxed == "" {
			p = live.HostPID()
		}
		if p > 0 && live.Holding(p) {
			return p, nil
		}
		select {
		case <-live.Done():
			return 0, errors.New("waiting for the probe to hold after its go-ahead: container exited first")
		case <-ctx.Done():
			return 0, fmt.Errorf("waiting for the probe to hold after its go-ahead: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// waitHold waits until the container's host process (a sandbox's:
// the sandbox's) holds, calling each with it at every look. The host
// looks for it at Live.Poll's pace (a scan of /proc, or of a sandbox's
// process tree), then, once it found a host process, every holdPoll: a
// few /proc reads each, and the hold is where the evidence (for a busy
// loop, its clock) starts.
func waitHold(ctx context.Context, live *target.Live, what string, each func(pid int)) (int, error) {
	var pid int
	look := func() (bool, error) {
		pid = live.HostPID()
		if pid > 0 && each != nil {
			each(pid)
		}
		return pid > 0 && live.Holding(pid), nil
	}
	if live.Sandboxed() != "" {
		return pid, live.Poll(ctx, what, look)
	}
	if err := live.Poll(ctx, what, func() (bool, error) { return live.HostPID() > 0, nil }); err != nil {
		return 0, err
	}
	err := live.PollEvery(ctx, what, holdPoll, look)
	return pid, err
}

// sample reads the container's counters quietly: a container (or a
// sandbox) may end between two reads, so a failed read here is a race,
// not evidence. It also records the processes the kernel lists in the
// container's own memory cgroup.
func (hs *HostSide) sample(r Reads) {
	ok := false
	if d, found := hs.Dirs["pids"]; r.Pids && found {
		if s, err := ReadPids(d); err == nil {
			hs.Pids, ok = s, true
		}
	}
	if d, found := hs.Dirs["memory"]; r.Mem && found {
		if s, err := ReadMemory(d, hs.Layout.V2()); err == nil {
			if hs.Mem != nil {
				s.OOMKills = max(s.OOMKills, hs.Mem.OOMKills)
			}
			hs.Mem, ok = s, true
			if hs.Released {
				hs.OOMSampled = max(hs.OOMSampled, s.OOMKills)
			}
		}
		if hs.owns("memory", d) {
			hs.sawProcs(d)
		}
	}
	if ok && hs.Sandboxed != "" {
		hs.SandboxSamples++
	}
}

// sawProcs adds the pids the kernel lists in cgroup dir (its cgroup.procs)
// to hs.InCgroup.
func (hs *HostSide) sawProcs(dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		return
	}
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 0 && !slices.Contains(hs.InCgroup, pid) {
			hs.InCgroup = append(hs.InCgroup, pid)
		}
	}
}

// InspectBurn returns the Inspect callback for cpuburn -until-eof: it
// waits until the loop runs (the probe reads stdin beside it: seen from
// the host, or from the probe's hold line for a sandbox), then reads the
// container's cpu cgroup (a sandbox's: the sandbox's) every burnSample
// until BurnDecided, and returns, which closes stdin and ends the loop.
// The burn so lasts as long as the evidence needs: about a period under a
// quota, MinBurn without one (see BurnDecided).
func InspectBurn(hs *HostSide) func(ctx context.Context, live *target.Live) error {
	return func(ctx context.Context, live *target.Live) error {
		hs.Sandboxed = live.Sandboxed()
		wctx, cancel := context.WithTimeout(ctx, HoldWait)
		defer cancel()
		pid, err := waitHold(wctx, live, "the busy loop to run", nil)
		if err != nil {
			hs.WaitErr = err.Error()
			return nil
		}
		start := time.Now()
		if err := hs.observe(pid, "pids", "memory", "cpu"); err != nil {
			hs.ReadErrs = append(hs.ReadErrs, err.Error())
			return nil
		}
		d, ok := hs.Dirs["cpu"]
		if !ok {
			hs.ReadErrs = append(hs.ReadErrs, "no cpu cgroup directory for the container")
			return nil
		}
		hs.Watched = true
		t := time.NewTicker(burnSample)
		defer t.Stop()
		for {
			s, err := ReadCPU(d, hs.Layout.V2())
			if err == nil {
				hs.CPU = s
			}
			if hs.Burned = time.Since(start); BurnDecided(hs.CPU, hs.Burned) {
				if err != nil {
					hs.ReadErrs = append(hs.ReadErrs, err.Error())
				}
				return nil
			}
			select {
			case <-live.Done():
				hs.ReadErrs = append(hs.ReadErrs, "the container exited while the host watched its busy loop")
				return nil
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	}
}

// InspectInline returns the Inspect callback for the inline hog, which may
// die within milliseconds: it polls fast for the container's first process
// (found by its nonce; for a sandboxed runtime, the sandbox's host
// process) in a cgroup of its own, then reads its memory cgroup (and the
// pids the kernel lists in it) until the container exits or the probe
// holds: the first reading shows whether the
// limit was there before the process (little-container writes it first;
// runc and crun write it after placing their init), the last is judged,
// and oom_kill is the highest count seen. A hog run with -await holds
// before it hogs: the host then reads its cgroup and returns, which
// closes stdin and lets it go, so the container is never missed however
// briefly it lives (the kernel's kill line then names the pid it saw).
func InspectInline(hs *HostSide) func(ctx context.Context, live *target.Live) error {
	return func(ctx context.Context, live *target.Live) error {
		hs.Sandboxed = live.Sandboxed()
		hs.OOMSampled = Unlimited
		wctx, cancel := context.WithTimeout(ctx, HoldWait)
		defer cancel()
		t := time.NewTicker(inlineSample)
		defer t.Stop()
		for {
			pid := live.HostPID()
			switch {
			case pid > 0 && hs.Mem == nil:
				// The cgroup may vanish between reads when the hog dies:
				// a failed read here is a race, not evidence.
				if hs.observe(pid, "pids", "memory") == nil && hs.owns("memory", hs.Dirs["memory"]) {
					if s, err := ReadMemory(hs.Dirs["memory"], hs.Layout.V2()); err == nil {
						first := *s
						hs.Mem, hs.MemFirst, hs.OOMSampled = s, &first, s.OOMKills
					}
					hs.sawProcs(hs.Dirs["memory"])
				}
			case hs.Mem != nil:
				if s, err := ReadMemory(hs.Mem.Dir, hs.Mem.V2); err == nil {
					hs.Mem, hs.OOMSampled = s, max(hs.OOMSampled, s.OOMKills)
				}
				hs.sawProcs(hs.Mem.Dir)
			}
			if pid > 0 && live.Holding(pid) {
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

// observe records pid, its start time, its cgroup paths and its cgroup
// directories for ctrls (those the host has).
func (hs *HostSide) observe(pid int, ctrls ...string) error {
	st, err := readStartTime(pid)
	if err != nil {
		return err
	}
	cg, err := target.ProcCgroups(pid)
	if err != nil {
		return err
	}
	dirs, paths := map[string]string{}, map[string]string{}
	for _, ctrl := range ctrls {
		if hs.Layout.Missing(ctrl) != "" {
			continue
		}
		d, err := hs.Layout.Dir(ctrl, cg)
		if err != nil {
			return fmt.Errorf("cgroup of container pid %d: %w", pid, err)
		}
		dirs[ctrl] = d
		if hs.Layout.V2() {
			paths[ctrl] = cg[""]
		} else {
			paths[ctrl] = cg[ctrl]
		}
	}
	hs.ContainerPID, hs.StartTime, hs.Dirs, hs.Paths = pid, st, dirs, paths
	return nil
}

// Harness reads the harness's own cgroup directories into hs.HarnessDirs.
func (hs *HostSide) Harness() error {
	cg, err := target.ProcCgroups(os.Getpid())
	if err != nil {
		return err
	}
	hs.HarnessDirs = map[string]string{}
	for _, ctrl := range []string{"pids", "memory", "cpu"} {
		if hs.Layout.Missing(ctrl) != "" {
			continue
		}
		d, err := hs.Layout.Dir(ctrl, cg)
		if err != nil {
			return fmt.Errorf("the harness's own %s cgroup: %w", ctrl, err)
		}
		hs.HarnessDirs[ctrl] = d
	}
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
