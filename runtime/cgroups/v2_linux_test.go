package cgroups

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// hybridUnified returns the facts of the controller-less cgroup2 mount of a
// hybrid host. It lets the v2 code path (directories, cgroup.procs,
// CLONE_INTO_CGROUP, cgroup.kill, rmdir) run on a real cgroup2 file system;
// limits need controllers and are covered by the plan tests.
func hybridUnified(t *testing.T) hostFacts {
	t.Helper()
	requireRootMode(t, "a hybrid host with cgroup2 at /sys/fs/cgroup/unified", ModeHybrid)
	root := filepath.Join(cgroupRoot, "unified")
	ctrls, err := readList(filepath.Join(root, "cgroup.controllers"))
	if err != nil {
		t.Fatal(err)
	}
	return hostFacts{Mode: ModeUnified, V2Root: root, V2Controllers: ctrls}
}

// createOnUnified plans and creates a test cgroup on the unified mount,
// destroyed when the test ends, pass or fail.
func createOnUnified(t *testing.T, facts hostFacts) (Config, Cgroup) {
	t.Helper()
	cfg := Config{ID: uniqueID(t)}
	p, err := plan(cfg, facts)
	if err != nil {
		t.Fatal(err)
	}
	cg, err := create(cfg, p)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() {
		if err := cg.Destroy(); err != nil {
			t.Errorf("cleanup Destroy: %v", err)
		}
	})
	return cfg, cg
}

func TestV2PathOnHybridUnifiedMount(t *testing.T) {
	facts := hybridUnified(t)
	cfg, cg := createOnUnified(t, facts)
	dir := cg.Paths()[""]
	if want := filepath.Join(facts.V2Root, "little-container", cfg.ID); dir != want {
		t.Fatalf("Paths()[\"\"] = %q, want %q", dir, want)
	}
	fd, ok := cg.IntoFD()
	if !ok {
		t.Fatal("IntoFD on v2: ok=false")
	}

	// Born inside the cgroup with CLONE_INTO_CGROUP.
	born := exec.Command("sleep", "60")
	born.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}
	if err := born.Start(); err != nil {
		t.Fatalf("start with CLONE_INTO_CGROUP: %v", err)
	}
	t.Cleanup(func() { _ = born.Process.Kill(); _ = born.Wait() })
	// Moved in afterwards with AddProc.
	moved := startInCgroup(t, cg, "exec sleep 60")

	pids, err := readPids(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range []int{born.Process.Pid, moved.Process.Pid} {
		if !slices.Contains(pids, pid) {
			t.Errorf("cgroup.procs = %v, want it to hold %d", pids, pid)
		}
	}
	if err := cg.ApplyLate(); err != nil {
		t.Errorf("ApplyLate without limits: %v", err)
	}
	if err := cg.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	for _, cmd := range []*exec.Cmd{born, moved} {
		err := cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Errorf("pid %d ended with %v, want SIGKILL", cmd.Process.Pid, err)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s still there after Destroy: %v", dir, err)
	}
	if _, ok := cg.IntoFD(); ok {
		t.Error("IntoFD after Destroy still reports an fd")
	}
}

func TestV2LimitWithoutControllerOnHybridUnifiedMount(t *testing.T) {
	facts := hybridUnified(t)
	if slices.Contains(facts.V2Controllers, "memory") {
		t.Skip("the unified mount has a memory controller here")
	}
	_, err := plan(Config{ID: uniqueID(t), Resources: Resources{MemoryMax: 1 << 20}}, facts)
	if !errors.Is(err, ErrControllerUnavailable) {
		t.Errorf("memory limit on a controller-less cgroup2: %v, want ErrControllerUnavailable", err)
	}
}

func TestReadCgroupFactsOnHybridUnifiedMount(t *testing.T) {
	facts := hybridUnified(t)
	_, cg := createOnUnified(t, facts)
	dir := cg.Paths()[""]
	if got := readCgroupFacts(dir); !got.Delegated || got.HasProcs {
		t.Errorf("fresh cgroup owned by us: %+v, want delegated and empty", got)
	}
	startInCgroup(t, cg, "exec sleep 60")
	if got := readCgroupFacts(dir); !got.Delegated || !got.HasProcs {
		t.Errorf("cgroup with a process: %+v, want delegated with processes", got)
	}
	if got := readCgroupFacts(filepath.Join(dir, "missing")); got.Delegated {
		t.Errorf("missing directory reads as delegated: %+v", got)
	}
}
