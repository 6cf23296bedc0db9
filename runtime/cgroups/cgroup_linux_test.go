package cgroups

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/sys/mountinfo"
)

// requireRootMode skips unless the test runs as root on a host whose
// cgroup layout is one of modes, and returns the layout.
func requireRootMode(t *testing.T, why string, modes ...Mode) Mode {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create cgroups")
	}
	m, err := Detect()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(modes, m) {
		t.Skipf("needs %s, this one is %v", why, m)
	}
	return m
}

// requireV1Root skips unless the test runs as root on a v1 or hybrid host,
// the only layout this machine can test for real.
func requireV1Root(t *testing.T) Mode {
	t.Helper()
	return requireRootMode(t, "a cgroup v1 or hybrid host", ModeV1, ModeHybrid)
}

// uniqueID names a test cgroup after the test and the process.
func uniqueID(t *testing.T) string {
	return regexp.MustCompile(`[^a-zA-Z0-9_.-]`).ReplaceAllString(t.Name(), "_") + "-" + strconv.Itoa(os.Getpid())
}

// newForTest creates a cgroup that is destroyed even when the test fails.
func newForTest(t *testing.T, cfg Config) Cgroup {
	t.Helper()
	cg, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	t.Cleanup(func() {
		if err := cg.Destroy(); err != nil {
			t.Errorf("cleanup Destroy: %v", err)
		}
	})
	return cg
}

// startInCgroup starts a command waiting for a line on stdin, moves it into
// cg, then releases it, so anything it forks starts inside the cgroup.
func startInCgroup(t *testing.T, cg Cgroup, script string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", "read x; "+script)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	if err := cg.AddProc(cmd.Process.Pid); err != nil {
		t.Fatalf("AddProc: %v", err)
	}
	if _, err := io.WriteString(in, "go\n"); err != nil {
		t.Fatal(err)
	}
	return cmd
}

func readTrim(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestDetectMatchesMountinfo(t *testing.T) {
	mode, err := Detect()
	if err != nil {
		t.Fatal(err)
	}
	mounts, err := mountinfo.GetMounts(nil)
	if err != nil {
		t.Fatal(err)
	}
	fsAt := map[string]string{}
	v1 := 0
	for _, m := range mounts {
		fsAt[m.Mountpoint] = m.FSType
		if m.FSType == "cgroup" && filepath.Dir(m.Mountpoint) == cgroupRoot {
			v1++
		}
	}
	want := ModeNone
	switch {
	case fsAt[cgroupRoot] == "cgroup2":
		want = ModeUnified
	case v1 > 0 && fsAt[cgroupRoot+"/unified"] == "cgroup2":
		want = ModeHybrid
	case v1 > 0:
		want = ModeV1
	}
	if mode != want {
		t.Errorf("Detect() = %v, mountinfo says %v", mode, want)
	}
	t.Logf("cgroup mode: %v", mode)
}

func TestV1LimitsProcessAndDestroy(t *testing.T) {
	mode := requireV1Root(t)
	const mem = 64 << 20
	cg := newForTest(t, Config{ID: uniqueID(t), Resources: Resources{PidsMax: 16, MemoryMax: mem, CPUQuota: 50000}})

	if cg.Mode() != mode {
		t.Errorf("Mode() = %v, want %v", cg.Mode(), mode)
	}
	if _, ok := cg.IntoFD(); ok {
		t.Error("IntoFD on v1 must report ok=false")
	}
	paths := cg.Paths()
	for _, ctrl := range []string{"pids", "memory", "cpu"} {
		if st, err := os.Stat(paths[ctrl]); err != nil || !st.IsDir() {
			t.Fatalf("%s directory %q: %v", ctrl, paths[ctrl], err)
		}
		if !strings.Contains(paths[ctrl], "/little-container/"+uniqueID(t)) {
			t.Errorf("%s directory %q is not under little-container/<id>", ctrl, paths[ctrl])
		}
	}
	expect := map[string]string{
		filepath.Join(paths["memory"], "memory.limit_in_bytes"): strconv.Itoa(mem),
		filepath.Join(paths["cpu"], "cpu.cfs_quota_us"):         "50000",
		filepath.Join(paths["cpu"], "cpu.cfs_period_us"):        "100000",
	}
	if ok, _ := fileExists(filepath.Join(paths["memory"], "memory.memsw.limit_in_bytes")); ok {
		expect[filepath.Join(paths["memory"], "memory.memsw.limit_in_bytes")] = strconv.Itoa(mem)
	} else {
		t.Log("no swap accounting on this kernel: memsw not checked")
	}
	for p, want := range expect {
		if got := readTrim(t, p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	if v, err := ReadInt(filepath.Join(paths["pids"], "pids.max")); err != nil || v != -1 {
		t.Errorf("pids.max before ApplyLate = %d, %v; want max (-1)", v, err)
	}

	cmd := startInCgroup(t, cg, "exec sleep 60")
	for ctrl, dir := range paths {
		pids, err := readPids(dir)
		if err != nil || !slices.Contains(pids, cmd.Process.Pid) {
			t.Errorf("%s cgroup.procs = %v, %v; want it to hold %d", ctrl, pids, err, cmd.Process.Pid)
		}
	}
	if err := cg.ApplyLate(); err != nil {
		t.Fatalf("ApplyLate: %v", err)
	}
	if v, err := ReadInt(filepath.Join(paths["pids"], "pids.max")); err != nil || v != 16 {
		t.Errorf("pids.max = %d, %v; want 16", v, err)
	}
	if v, err := ReadPidsEvents(paths["pids"]); err != nil || v != 0 {
		t.Errorf("pids.events max = %d, %v; want 0", v, err)
	}
	if kv, err := ReadKeyed(filepath.Join(paths["memory"], "memory.oom_control")); err != nil {
		t.Errorf("memory.oom_control: %v", err)
	} else if _, ok := kv["under_oom"]; !ok {
		t.Errorf("memory.oom_control = %v, want an under_oom key", kv)
	}

	if err := cg.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("sleep ended with %v, want SIGKILL", err)
	}
	for ctrl, dir := range paths {
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s directory %s still there after Destroy: %v", ctrl, dir, err)
		}
	}
	if err := cg.Destroy(); err != nil {
		t.Errorf("second Destroy: %v", err)
	}
}

func TestV1KillReachesForkedChildren(t *testing.T) {
	requireV1Root(t)
	cg := newForTest(t, Config{ID: uniqueID(t)})
	paths := cg.Paths()
	cmd := startInCgroup(t, cg, "sleep 60 & sleep 60 & wait")
	deadline := time.Now().Add(5 * time.Second)
	for {
		pids, err := readPids(paths["pids"])
		if err != nil {
			t.Fatal(err)
		}
		if len(pids) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("want sh and two sleeps in the cgroup, have %v", pids)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t0 := time.Now()
	if err := cg.Kill(); err != nil {
		t.Fatalf("Kill: %v", err)
	}
	for ctrl, dir := range paths {
		if pids, err := readPids(dir); err != nil || len(pids) != 0 {
			t.Errorf("%s cgroup.procs after Kill = %v, %v; want empty", ctrl, pids, err)
		}
	}
	t.Logf("Kill took %v", time.Since(t0))
	// Tasks stay charged to pids.current until reaped: reap ours, then the
	// orphaned sleeps are reaped by init.
	_ = cmd.Wait()
	for {
		v, err := ReadInt(filepath.Join(paths["pids"], "pids.current"))
		if err != nil {
			t.Fatal(err)
		}
		if v == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pids.current after Kill and reaping = %d, want 0", v)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// placementFor computes where New would put cfg on this host.
func placementFor(t *testing.T, cfg Config) placement {
	t.Helper()
	m, err := Detect()
	if err != nil {
		t.Fatal(err)
	}
	f, err := gatherFacts(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan(cfg, f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestV1RejectedLimitIsAnErrorAndCleansUp(t *testing.T) {
	requireV1Root(t)
	// The kernel refuses CFS quotas below 1ms.
	cfg := Config{ID: uniqueID(t), Resources: Resources{PidsMax: 4, MemoryMax: 1 << 30, CPUQuota: 1}}
	p := placementFor(t, cfg)
	existed := map[string]bool{}
	for _, d := range p.Parents {
		_, err := os.Stat(d)
		existed[d] = err == nil
	}
	cg, err := New(cfg)
	if err == nil {
		_ = cg.Destroy()
		t.Fatal("New with CPUQuota=1 succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "cpu.cfs_quota_us") {
		t.Errorf("error %q does not name cpu.cfs_quota_us", err)
	}
	for _, d := range p.Leaves {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("leaf %s left behind: %v", d, err)
		}
	}
	for _, d := range p.Parents {
		if _, err := os.Stat(d); !existed[d] && !errors.Is(err, os.ErrNotExist) {
			t.Errorf("parent %s created and left behind: %v", d, err)
		}
	}
}

func TestV1ExistingCgroupIsRefusedAndKept(t *testing.T) {
	requireV1Root(t)
	cfg := Config{ID: uniqueID(t)}
	first := newForTest(t, cfg)
	if _, err := New(cfg); !errors.Is(err, ErrExists) {
		t.Fatalf("second New with the same id: %v, want ErrExists", err)
	}
	for ctrl, dir := range first.Paths() {
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("failed second New removed the first container's %s directory: %v", ctrl, err)
		}
	}
}

func TestRootlessOnV1(t *testing.T) {
	m, err := Detect()
	if err != nil {
		t.Fatal(err)
	}
	if m != ModeV1 && m != ModeHybrid {
		t.Skipf("needs a cgroup v1 or hybrid host, this one is %v", m)
	}
	_, err = New(Config{ID: uniqueID(t), Rootless: true, Resources: Resources{PidsMax: 8}})
	if !errors.Is(err, ErrRootlessV1) {
		t.Errorf("rootless with limits: %v, want ErrRootlessV1", err)
	}
	cg, err := New(Config{ID: uniqueID(t), Rootless: true})
	if !errors.Is(err, ErrNoCgroup) || cg != nil {
		t.Errorf("rootless without limits: %v, %v; want nil, ErrNoCgroup", cg, err)
	}
}

func TestNewRejectsBadIDBeforeTouchingTheKernel(t *testing.T) {
	for _, id := range []string{"", "a/b", "..", fmt.Sprintf("x%cy", 0)} {
		if _, err := New(Config{ID: id}); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("New(ID %q) = %v, want ErrInvalidConfig", id, err)
		}
	}
}
