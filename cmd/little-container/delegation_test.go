package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/cgroups"
)

// TestRootlessLimitsInDelegatedV2 runs the CLI as an unprivileged user from
// inside a cgroup v2 subtree delegated to that user, the way systemd
// delegates user@.service: limits then work rootless. It needs cgroup v2
// (the VM route runs it; this v1 host skips it).
func TestRootlessLimitsInDelegatedV2(t *testing.T) {
	needRoot(t)
	if mode, err := cgroups.Detect(); err != nil || mode != cgroups.ModeUnified {
		t.Skipf("needs a cgroup v2 host (mode %v)", mode)
	}
	const uid = 65534
	deleg := fmt.Sprintf("/sys/fs/cgroup/lc-delegated-%d", os.Getpid())
	runner := filepath.Join(deleg, "runner")
	for _, d := range []string{deleg, runner} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, d := range []string{runner, deleg} {
			if err := os.Remove(d); err != nil {
				t.Errorf("remove %s: %v", d, err)
			}
		}
	})
	if err := os.WriteFile(filepath.Join(deleg, "cgroup.subtree_control"), []byte("+pids +memory"), 0); err != nil {
		t.Fatalf("enable controllers for the delegated subtree: %v", err)
	}
	// Delegate: the user owns the directories and their control files.
	for _, p := range []string{deleg, deleg + "/cgroup.procs", deleg + "/cgroup.subtree_control", deleg + "/cgroup.threads",
		runner, runner + "/cgroup.procs", runner + "/cgroup.subtree_control", runner + "/cgroup.threads"} {
		if err := os.Chown(p, uid, uid); err != nil {
			t.Fatal(err)
		}
	}
	fd, err := unix.Open(runner, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)

	root := makeRootfs(t)
	cmd := exec.CommandContext(testCtx(t), binary, "run", "--rootfs", root, "--pids-max", "4",
		"sh", "-c", "cat /proc/self/cgroup; for i in 1 2 3 4 5 6; do sleep 1 & done; wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential:  &syscall.Credential{Uid: uid, Gid: uid},
		UseCgroupFD: true, CgroupFD: fd, // the runtime starts in the delegated leaf
	}
	// The shell gives up (exit 2) when a fork is refused: that is the
	// limit working; a runtime error would be 125.
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code >= 125 || (err != nil && code < 0) {
		t.Fatalf("rootless run with --pids-max in a delegated subtree: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "0::/") {
		t.Errorf("container not at the root of its cgroup namespace:\n%s", out)
	}
	if !strings.Contains(string(out), "can't fork") && !strings.Contains(string(out), "Resource temporarily unavailable") {
		t.Errorf("6 background sleeps under --pids-max 4 all forked: the limit did not hold\n%s", out)
	}
	left, _ := filepath.Glob(filepath.Join(deleg, "little-container-*"))
	if len(left) != 0 {
		t.Errorf("container cgroups left in the delegated subtree: %v", left)
	}
}
