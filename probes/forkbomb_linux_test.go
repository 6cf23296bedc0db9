package probes

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestForkbombOnHostReachesMax is the probe-level negative control: with no
// pids limit the bomb reaches -max and still leaves nothing behind.
func TestForkbombOnHostReachesMax(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	rep := reexecRunProbe(t, exec.Command(bin, "forkbomb", "-max", "20"))
	fork := reexecAttempt(t, rep, fbFork)
	if fork.Outcome != Succeeded || fork.Value != "20" || fork.Detail != "reached -max 20 without failure" {
		t.Errorf("fork: %+v, want succeeded 20", fork)
	}
	if r := reexecAttempt(t, rep, fbReaped); r.Outcome != Succeeded || r.Value != "20" {
		t.Errorf("reaped: %+v, want 20", r)
	}
	if th := reexecAttempt(t, rep, fbThreads); th.Value == "" || th.Value == "0" {
		t.Errorf("threads: %+v", th)
	}
	if _, ok := rep.Attempt(fbHold); ok {
		t.Error("hold recorded without -hold")
	}
	if left := reexecLeftovers(bin); len(left) > 0 {
		t.Errorf("children left behind: pids %v", left)
	}
}

// TestForkbombUnderPidsLimit runs the bomb in a v1 pids cgroup of 30: a
// fork must be refused with EAGAIN and the kernel must count it.
func TestForkbombUnderPidsLimit(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	cg := reexecV1Cgroup(t, "pids", [][2]string{{"pids.max", "30"}})
	rep := reexecRunProbe(t, reexecInCgroup(cg, bin, "forkbomb", "-max", "200"))
	fork := reexecAttempt(t, rep, fbFork)
	if fork.Outcome != Failed || fork.Errno != "EAGAIN" {
		t.Errorf("fork: %+v, want failed EAGAIN", fork)
	}
	forked, _ := strconv.Atoi(fork.Value)
	if forked < 1 || forked >= 30 {
		t.Errorf("forked %d children under pids.max 30", forked)
	}
	if r := reexecAttempt(t, rep, fbReaped); r.Value != fork.Value {
		t.Errorf("reaped %s of %s", r.Value, fork.Value)
	}
	if n := reexecCgroupValue(t, filepath.Join(cg, "pids.events"), "max"); n < 1 {
		t.Errorf("pids.events max = %d, want > 0", n)
	}
	if left := reexecLeftovers(bin); len(left) > 0 {
		t.Errorf("children left behind: pids %v", left)
	}
}

// TestForkbombHoldKeepsChildren: with -hold the children stay alive (the
// host sees them in pids.current) until stdin closes, then all are reaped.
func TestForkbombHoldKeepsChildren(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	cg := reexecV1Cgroup(t, "pids", [][2]string{{"pids.max", "100"}})
	cmd := reexecInCgroup(cg, bin, "forkbomb", "-max", "40", "-hold")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		rep *Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := reexecProbeReport(cmd)
		done <- result{rep, err}
	}()
	current := filepath.Join(cg, "pids.current")
	var seen int64
	for stop := time.Now().Add(10 * time.Second); time.Now().Before(stop) && seen < 41; time.Sleep(20 * time.Millisecond) {
		seen = reexecCgroupValue(t, current, "")
	}
	stdin.Close()
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	rep := res.rep
	t.Logf("report: %+v", rep.Attempts)
	if seen < 41 {
		t.Errorf("pids.current peaked at %d while holding, want >= 41 (probe + 40 children)", seen)
	}
	if h := reexecAttempt(t, rep, fbHold); h.Value != "eof" {
		t.Errorf("hold: %+v, want eof", h)
	}
	if r := reexecAttempt(t, rep, fbReaped); r.Value != "40" {
		t.Errorf("reaped: %+v, want 40", r)
	}
	if n := reexecCgroupValue(t, current, ""); n != 0 {
		t.Errorf("pids.current after the probe = %d, want 0", n)
	}
}
