package main

// A killed runtime (issue 9, item 6) and the state commands ps, kill,
// delete and gc (issue 15, item 7). Each test keeps its state in a
// directory of its own: gc there never meets another engineer's containers.

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// alive reports whether pid is a live process (a zombie is not).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && !strings.HasPrefix(s[i+1:], " Z") && !strings.HasPrefix(s[i+1:], " X")
}

// waitGone waits until none of pids is alive.
func waitGone(t *testing.T, what string, pids ...int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		left := 0
		for _, p := range pids {
			if alive(p) {
				left++
			}
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d of %v still alive", what, left, pids)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cgroupPids lists every pid in the container's cgroup directories.
func cgroupPids(t *testing.T, id string) []int {
	t.Helper()
	var pids []int
	for _, d := range cgroupDirs(t, id) {
		b, _ := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		for _, f := range strings.Fields(string(b)) {
			if p, err := strconv.Atoi(f); err == nil {
				pids = append(pids, p)
			}
		}
	}
	return pids
}

// waitFile waits for a file the container writes into its rootfs.
func waitFile(t *testing.T, p string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if b, err := os.ReadFile(p); err == nil && strings.HasSuffix(string(b), "\n") {
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestKilledRuntimeLeavesNothing(t *testing.T) {
	needRoot(t)
	t.Parallel()
	for _, collect := range []string{"gc", "delete", "next run"} {
		for _, share := range []bool{false, true} {
			name := collect
			if share {
				name += " --share pid"
			}
			t.Run(name, func(t *testing.T) {
				state := t.TempDir()
				t.Cleanup(func() { lc(t, context.Background(), "gc", "--state-dir", state) }) // on failure
				id := testID(t)
				root := makeRootfs(t)
				args := []string{"--rootfs", root, "--state-dir", state, "--id", id, "--pids-max", "20"}
				if share {
					// With the host's PID namespace nothing kills the rest
					// when PID 1 dies: only the collector can.
					args = append(args, "--share", "pid")
				}
				cmd, pid, done := startContainer(t, append(args, "sh", "-c", "sleep 60 & sleep 60 & echo ok > /tmp/up; wait")...)
				waitFile(t, filepath.Join(root, "tmp/up"))
				pids := cgroupPids(t, id)
				if len(pids) < 3 {
					t.Fatalf("want PID 1 and two sleeps in the cgroup, got %v", pids)
				}
				t.Cleanup(func() {
					for _, p := range pids {
						syscall.Kill(p, syscall.SIGKILL) // only on failure: they are gone otherwise
					}
				})
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				// The runtime is gone only once it is reaped: the parent-death
				// signal fires when its one thread ends, while its other
				// threads may still hold its descriptors (the state lock).
				waitCode(t, done)
				// The parent-death signal ends PID 1 (and with it its PID
				// namespace); sharing the host's, the sleeps live on.
				waitGone(t, "PID 1 after its runtime was killed", pid)
				if !share {
					waitGone(t, "the container's processes", pids...)
				} else {
					left := 0
					for _, p := range pids {
						if alive(p) {
							left++
						}
					}
					if left == 0 {
						t.Errorf("--share pid: the sleeps died with PID 1; nothing is left for the collector to prove itself on")
					}
				}
				if r := lc(t, testCtx(t), "ps", "--state-dir", state); !strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, "stale") {
					t.Errorf("ps after the runtime was killed: %q, want %s listed stale", r.stdout, id)
				}
				if len(cgroupDirs(t, id)) == 0 {
					t.Logf("no cgroup left to collect (the runtime's own cleanup never ran, so this is unexpected)")
				}
				switch collect {
				case "gc":
					r := lc(t, testCtx(t), "gc", "--state-dir", state)
					if r.code != 0 || !strings.Contains(r.stdout, "collected "+id) {
						t.Errorf("gc: exit %d %q %q", r.code, r.stdout, r.stderr)
					}
				case "delete":
					if r := lc(t, testCtx(t), "delete", "--state-dir", state, id); r.code != 0 {
						t.Errorf("delete: exit %d %q", r.code, r.stderr)
					}
				case "next run":
					if r := lc(t, testCtx(t), append(append([]string{"run"}, args...), "true")...); r.code != 0 {
						t.Errorf("the next run of %s: exit %d %q", id, r.code, r.stderr)
					}
				}
				waitGone(t, "the container's processes after "+collect, pids...)
				if left := cgroupDirs(t, id); len(left) != 0 {
					t.Errorf("cgroups left after %s: %v", collect, left)
				}
				if got := entries(t, state); len(got) != 0 {
					t.Errorf("state left after %s: %v", collect, got)
				}
			})
		}
	}
}

func TestGCNeverTouchesALiveContainer(t *testing.T) {
	needRoot(t)
	t.Parallel()
	state := t.TempDir()
	t.Cleanup(func() { lc(t, context.Background(), "gc", "--state-dir", state) }) // on failure
	id := testID(t)
	root := makeRootfs(t)
	_, pid, done := startContainer(t, "--rootfs", root, "--state-dir", state, "--id", id, "--pids-max", "20",
		"sh", "-c", `trap "exit 7" TERM; echo ok > /tmp/up; while :; do sleep 0.1; done`)
	waitFile(t, filepath.Join(root, "tmp/up"))
	for _, c := range [][]string{{"gc"}, {"delete", id}} {
		r := lc(t, testCtx(t), append([]string{c[0], "--state-dir", state}, c[1:]...)...)
		if c[0] == "delete" && (r.code != 125 || !strings.Contains(r.stderr, "is running")) {
			t.Errorf("delete of a running container: exit %d %q, want 125", r.code, r.stderr)
		}
		if !alive(pid) || len(cgroupDirs(t, id)) == 0 {
			t.Fatalf("%v touched a live container", c)
		}
	}
	// A second run of the same id is refused while the first lives.
	if r := lc(t, testCtx(t), "run", "--rootfs", root, "--state-dir", state, "--id", id, "true"); r.code != 125 || !strings.Contains(r.stderr, "already running") {
		t.Errorf("second run of %s: exit %d %q, want 125 already running", id, r.code, r.stderr)
	}
	r := lc(t, testCtx(t), "ps", "--state-dir", state)
	var row []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == id {
			row = f
		}
	}
	if len(row) < 6 || row[1] != strconv.Itoa(pid) || row[3] != "running" || !strings.Contains(row[4], id) || row[5] != "sh" {
		t.Errorf("ps: row %v, want %s %d AGE running <cgroup> sh ...\n%s", row, id, pid, r.stdout)
	}
	if r := lc(t, testCtx(t), "kill", "--state-dir", state, id, "TERM"); r.code != 0 {
		t.Errorf("kill %s TERM: exit %d %q", id, r.code, r.stderr)
	}
	if c := waitCode(t, done); c != 7 {
		t.Errorf("after kill TERM: exit %d, want the trap's 7", c)
	}
	if r := lc(t, testCtx(t), "kill", "--state-dir", state, id); r.code != 125 {
		t.Errorf("kill of a container that is gone: exit %d, want 125", r.code)
	}
	if got := entries(t, state); len(got) != 0 {
		t.Errorf("state left after the container ended: %v", got)
	}
}

func TestStateCommandErrors(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	for _, args := range [][]string{
		{"kill", "--state-dir", state}, {"kill", "--state-dir", state, "nope"}, {"kill", "--state-dir", state, "x", "NOSIG"},
		{"kill", "--state-dir", state, "x", "99"}, {"delete", "--state-dir", state}, {"delete", "--state-dir", state, "nope"},
		{"delete", "--state-dir", state, "../etc"}, {"ps", "extra"}, {"gc", "--bogus"}, {"ps", "--state-dir"},
	} {
		r := lc(t, context.Background(), args...)
		if r.code != 125 {
			t.Errorf("%v: exit %d, want 125 (%q)", args, r.code, r.stderr)
		}
		oneLineErr(t, strings.Join(args, " "), r)
	}
	if r := lc(t, context.Background(), "ps", "--state-dir", state); r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("ps of an empty state directory: exit %d %q", r.code, r.stdout)
	}
	if r := lc(t, context.Background(), "gc", "--state-dir", filepath.Join(state, "none")); r.code != 0 {
		t.Errorf("gc of a missing state directory: exit %d %q", r.code, r.stderr)
	}
}
