package escape_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	sgc "github.com/little-container/little-container/suites/cgroups"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/escape"
	"github.com/little-container/little-container/suites/hostview"
	"github.com/little-container/little-container/suites/matrix"
	"github.com/little-container/little-container/suites/target"
)

// deathWait bounds how long the container's processes may take to die
// after the runtime or its cleanup path: a process alive after it is a
// survivor (the probe's child sleeps for a minute).
const deathWait = 5 * time.Second

var _ = Describe("killed runtime", Label("escape", "killed"), func() {
	row := "escape: killed runtime: no process, cgroup or mount of the container outlives it (after the target's cleanup path)"
	ctl := row + " [control: --share pid]"
	for _, tn := range target.Names() {
		Context("on "+tn, func() {
			It(row, SpecTimeout(90*time.Second), func(ctx SpecContext) { runKilled(ctx, tn, row, target.RunOpts{}, false) })
			It(ctl, Label("control"), SpecTimeout(90*time.Second), func(ctx SpecContext) {
				runKilled(ctx, tn, ctl, target.RunOpts{Share: []string{"pid"}}, true)
			})
		})
	}
})

func runKilled(ctx SpecContext, tn, row string, o target.RunOpts, control bool) {
	cell := matrix.Cell{Area: "escape", Check: row, Target: tn, Control: control}
	e := check.Prepare(ctx, art, cell, true)
	if p, ok := e.Target.(*target.Profile); ok && p.Sandboxed != "" {
		matrix.Skip(cell, fmt.Sprintf("%v (%s): the host cannot tell the container's processes from the sandbox's", hostview.ErrSandboxed, p.Sandboxed))
	}
	layout, err := sgc.HostLayout()
	Expect(err).NotTo(HaveOccurred())
	own, err := target.ProcCgroups(os.Getpid())
	Expect(err).NotTo(HaveOccurred())
	nonce := e.FP.Nonce
	// Whatever happens, nothing of this container outlives the spec.
	var k escape.Killed
	cgroupIDs := map[string]hostview.Identity{} // each container cgroup as it was while the container ran
	DeferCleanup(func() error {
		if left := hostview.KillWord(nonce, deathWait); len(left) > 0 {
			return fmt.Errorf("processes %v of the container would not die", left)
		}
		return removeCgroups(cgroupIDs)
	})
	o.ID, o.Rootfs = target.NewID(), e.Rootfs
	o.Args = e.ProbeArgs("linger", "-nonce", nonce)
	var hostErr error
	o.Inspect = func(ctx context.Context, live *target.Live) error {
		if why := live.Sandboxed(); why != "" {
			hostErr = fmt.Errorf("%w: %s", hostview.ErrSandboxed, why)
			return nil
		}
		pid, err := hostview.WaitHeldByWord(ctx, live, nonce)
		if err != nil {
			hostErr = err
			return nil
		}
		// The runtime's own command line carries the nonce too: the
		// container's processes are the others.
		_ = live.Poll(ctx, "the probe's child", func() (bool, error) {
			return len(containerPIDs(nonce, live.RuntimePID)) >= 2, nil
		})
		k.Before = containerPIDs(nonce, live.RuntimePID)
		// The container's cgroups, and those the runtime moved itself into
		// (LXC's monitor): both are the run's, and must go.
		k.Cgroups = containerCgroups(layout, pid, own)
		for _, d := range containerCgroups(layout, live.RuntimePID, own) {
			if !slices.Contains(k.Cgroups, d) {
				k.Cgroups = append(k.Cgroups, d)
			}
		}
		for _, d := range k.Cgroups {
			if id, err := hostview.Stat(d); err == nil {
				cgroupIDs[d] = id
			}
		}
		if err := syscall.Kill(live.RuntimePID, syscall.SIGKILL); err != nil {
			hostErr = err
			return nil
		}
		// Judged while the probe still holds its stdin open: a process
		// that outlives the runtime does so by itself, not by the probe's
		// hold ending.
		if !gone(ctx, live.RuntimePID) {
			hostErr = fmt.Errorf("runtime %d still there after SIGKILL", live.RuntimePID)
			return nil
		}
		k.Survivors = survivors(ctx, nonce)
		// Judged; now nothing of it may hold the run's pipes open.
		if left := hostview.KillWord(nonce, deathWait); len(left) > 0 {
			hostErr = fmt.Errorf("processes %v of the container would not die", left)
		}
		return nil
	}
	res, runErr := e.Target.Run(ctx, o)
	if errors.Is(runErr, target.ErrUnsupported) {
		matrix.Skip(cell, runErr.Error())
	}
	v := &matrix.Verdict{Evidence: check.Judge(res).Evidence} // no report is expected: the run was killed
	if runErr != nil {
		v.Note("run: %v", runErr)
	}
	if !hostview.HostSide(v, hostErr) {
		e.Finish(v)
		return
	}
	if p, ok := e.Target.(*target.Profile); ok {
		// The profile's cleanup commands ran inside the run, after the
		// runtime died; a failure of theirs is in runErr.
		k.Cleanup = p.Cleanup
	}
	for _, d := range k.Cgroups {
		switch left, procs := sameCgroup(d, cgroupIDs[d]); {
		case left && procs == 0:
			k.Left = append(k.Left, d)
		case left:
			k.Shared = append(k.Shared, fmt.Sprintf("%s (%d processes of others in it)", d, procs))
		}
	}
	k.Mounts, err = escape.HostMountsOutside(e.Rootfs)
	Expect(err).NotTo(HaveOccurred())
	escape.JudgeKilled(v, k)
	e.Finish(v)
}

// containerPIDs are the processes carrying the nonce, the runtime aside.
func containerPIDs(nonce string, runtimePID int) []int {
	var out []int
	for _, p := range hostview.PIDsWithWord(nonce) {
		if p != runtimePID {
			out = append(out, p)
		}
	}
	return out
}

// gone waits up to deathWait until pid has exited (gone or a zombie).
func gone(ctx context.Context, pid int) bool {
	deadline := time.Now().Add(deathWait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil || zombie(string(b)) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// zombie reads the state field of /proc/<pid>/stat text.
func zombie(stat string) bool {
	i := strings.LastIndex(stat, ")")
	return i >= 0 && len(stat) > i+2 && stat[i+2] == 'Z'
}

// survivors waits up to deathWait for the container's processes to go and
// returns those still there.
func survivors(ctx context.Context, nonce string) []int {
	deadline := time.Now().Add(deathWait)
	for {
		left := hostview.PIDsWithWord(nonce)
		if len(left) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// containerCgroups are the directories of pid's cgroups that are not the
// harness's own (a runtime without cgroups leaves its container in ours).
func containerCgroups(l sgc.Layout, pid int, own map[string]string) []string {
	cg, err := target.ProcCgroups(pid)
	if err != nil {
		return nil
	}
	var out []string
	for ctrl, p := range cg {
		if own[ctrl] == p {
			continue
		}
		var d string
		if ctrl == "" && !l.V2() {
			d = unifiedDir(l, p)
		} else {
			d, _ = l.Dir(ctrl, cg)
		}
		if d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

// unifiedDir is the cgroup2 directory of a hybrid host.
func unifiedDir(l sgc.Layout, p string) string {
	for _, m := range l.Mounts {
		if m.FSType == "cgroup2" {
			return filepath.Join(m.Mountpoint, p)
		}
	}
	return ""
}

// sameCgroup says whether the cgroup directory d is still the one the
// container was in (same inode: not one made anew by someone since) and how
// many processes it holds now.
func sameCgroup(d string, was hostview.Identity) (bool, int) {
	id, err := hostview.Stat(d)
	if err != nil || !id.Same(was) {
		return false, 0
	}
	b, err := os.ReadFile(filepath.Join(d, "cgroup.procs"))
	if err != nil {
		return true, 0
	}
	return true, len(strings.Fields(string(b)))
}

// removeCgroups removes the directories a killed container left (deepest
// first; their processes are killed already), but only those that are
// still the container's own and empty: a cgroup another run shares (nspawn's
// "payload" under a common parent) is not the spec's to remove.
func removeCgroups(ids map[string]hostview.Identity) error {
	dirs := make([]string, 0, len(ids))
	for d := range ids {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	var errs []error
	for _, d := range dirs {
		if same, procs := sameCgroup(d, ids[d]); !same || procs > 0 {
			continue
		}
		if err := os.Remove(d); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
