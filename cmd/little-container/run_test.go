package main

// End-to-end tests: the real binary runs real containers on this kernel.
// They need root (rootless cases drop to the nobody user themselves) and a
// static busybox to fill the hermetic rootfs each test builds.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

var (
	binary  string // the little-container CLI, built once
	busybox string // a static busybox from the host
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "lc-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755) // the rootless tests run it as nobody
	binary = filepath.Join(dir, "little-container")
	if pre := os.Getenv("LC_ARTIFACTS_DIR"); pre != "" {
		// The VM route ships a prebuilt binary and has no Go toolchain.
		binary = filepath.Join(pre, "little-container")
	} else {
		build := exec.Command("go", "build", "-o", binary, ".")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build:", err)
			return 1
		}
	}
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		if out, err := exec.Command("file", p).Output(); err == nil && bytes.Contains(out, []byte("statically linked")) {
			busybox = p
			break
		} else if _, err := os.Stat(p); err == nil && busybox == "" {
			busybox = p
		}
	}
	return m.Run()
}

// memoryController says whether this host has a memory controller to hold
// --memory, and if not, why: Debian's 6.12 kernel has none on cgroup v1
// (CONFIG_MEMCG_V1 is off), so a v1 or hybrid layout offers no memory limit.
func memoryController() (bool, string) {
	if b, err := os.ReadFile("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		if strings.Contains(" "+strings.TrimSpace(string(b))+" ", " memory ") {
			return true, ""
		}
		return false, "cgroup v2 without the memory controller"
	}
	if _, err := os.Stat("/sys/fs/cgroup/memory/memory.limit_in_bytes"); err == nil {
		return true, ""
	}
	return false, "cgroup v1 without a memory hierarchy (Debian's 6.12 kernel has no v1 memory controller)"
}

// needMemoryController skips a test whose point needs --memory.
func needMemoryController(t *testing.T) {
	t.Helper()
	if ok, why := memoryController(); !ok {
		t.Skip("needs a memory controller: " + why)
	}
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates namespaces, mounts and cgroups")
	}
	if busybox == "" {
		t.Skip("needs a static busybox (Debian package busybox-static) for the test rootfs")
	}
}

// makeRootfs lays out a hermetic rootfs: busybox and its applets, empty
// /proc /sys /dev /tmp, readable by everyone for rootless runs.
func makeRootfs(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	os.Chmod(filepath.Dir(root), 0o755)
	os.Chmod(root, 0o755)
	for _, d := range []string{"bin", "proc", "sys", "dev", "tmp", "etc"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(filepath.Join(root, "tmp"), 0o1777)
	data, err := os.ReadFile(busybox)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "busybox"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"sh", "cat", "echo", "hostname", "sleep", "stat", "id", "true", "ls"} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", a)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

type result struct {
	code           int
	stdout, stderr string
	signal         syscall.Signal // what killed the process, 0 if it exited
}

// runResult runs a prepared command and collects its output and exit
// code (128+N when signal N killed it).
func runResult(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// A process left holding the output open after the context killed
	// the command must not hang the test: the run is over by then.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	r := result{}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
		if ws := ee.Sys().(syscall.WaitStatus); ws.Signaled() {
			r.code, r.signal = 128+int(ws.Signal()), ws.Signal()
		}
	} else if err != nil {
		t.Fatalf("run %v: %v", cmd.Args, err)
	}
	r.stdout, r.stderr = out.String(), errb.String()
	return r
}

// lc runs the CLI with args.
func lc(t *testing.T, ctx context.Context, args ...string) result {
	t.Helper()
	return runResult(t, exec.CommandContext(ctx, binary, args...))
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func testID(t *testing.T) string {
	return fmt.Sprintf("t%d-%s", os.Getpid(), strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()))
}

// cgroupDirs lists every directory named id under a little-container
// parent in any mounted hierarchy.
func cgroupDirs(t *testing.T, id string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir("/sys/fs/cgroup", func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if filepath.Base(p) == id && filepath.Base(filepath.Dir(p)) == "little-container" {
			found = append(found, p)
		}
		return nil
	})
	return found
}

func hostMountsUnder(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var hits []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, dir) {
			hits = append(hits, l)
		}
	}
	return hits
}

func TestNamespacesDifferFromHost(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	names := []string{"pid", "mnt", "net", "ipc", "uts", "cgroup", "user"}
	script := ""
	for _, n := range names {
		script += "stat -L -c '" + n + " %d %i' /proc/self/ns/" + n + "; "
	}
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--userns", "sh", "-c", script)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	inside := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		f := strings.Fields(l)
		if len(f) == 3 {
			inside[f[0]] = f[1] + ":" + f[2]
		}
	}
	for _, n := range names {
		var st unix.Stat_t
		if err := unix.Stat("/proc/self/ns/"+n, &st); err != nil {
			t.Fatal(err)
		}
		host := fmt.Sprintf("%d:%d", st.Dev, st.Ino)
		if inside[n] == "" || inside[n] == host {
			t.Errorf("%s namespace: inside %q, host %q: want a different (dev, inode)", n, inside[n], host)
		}
	}
}

func TestSharedNamespaceIsTheHosts(t *testing.T) {
	// The negative control of the test above: --share keeps the host's.
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--share", "net,ipc", "stat", "-L", "-c", "%d:%i", "/proc/self/ns/net", "/proc/self/ns/ipc")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := strings.Fields(r.stdout)
	for i, n := range []string{"net", "ipc"} {
		var st unix.Stat_t
		unix.Stat("/proc/self/ns/"+n, &st)
		if want := fmt.Sprintf("%d:%d", st.Dev, st.Ino); i >= len(got) || got[i] != want {
			t.Errorf("%s: got %v, want host's %s", n, got, want)
		}
	}
}

func TestHostname(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	before, _ := os.Hostname()
	name := fmt.Sprintf("box-%d", os.Getpid())
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--hostname", name, "hostname")
	if r.code != 0 || strings.TrimSpace(r.stdout) != name {
		t.Fatalf("exit %d, hostname %q, want %q (%s)", r.code, r.stdout, name, r.stderr)
	}
	if after, _ := os.Hostname(); after != before {
		t.Fatalf("host's hostname changed from %q to %q", before, after)
	}
}

func TestOldRootGone(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	var st unix.Stat_t
	if err := unix.Stat("/", &st); err != nil {
		t.Fatal(err)
	}
	hostRootDev := fmt.Sprintf("%d:%d", unix.Major(st.Dev), unix.Minor(st.Dev))
	// Under --chroot the old root is still mounted, but mountinfo hides
	// what lies outside a process's root: the escape suite's climb is the
	// control for this check.
	r := lc(t, testCtx(t), "run", "--rootfs", root, "cat", "/proc/self/mountinfo")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		f := strings.Fields(l)
		// fields: id parent major:minor root mountpoint ...
		if len(f) > 4 && f[2] == hostRootDev && f[3] == "/" {
			t.Errorf("the host's root filesystem is mounted inside: %s", l)
		}
		if len(f) > 4 && !strings.HasPrefix(f[4], "/") {
			t.Errorf("mount outside the container's root: %s", l)
		}
	}
}

func TestExitCodes(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	if err := os.WriteFile(filepath.Join(root, "notexec"), []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"true"}, 0},
		{[]string{"sh", "-c", "exit 7"}, 7},
		{[]string{"/notexec"}, 126},
		{[]string{"/bin"}, 126},
		{[]string{"no-such-command"}, 127},
		{[]string{"/no/such/path"}, 127},
	} {
		r := lc(t, testCtx(t), append([]string{"run", "--rootfs", root}, tc.args...)...)
		if r.code != tc.want {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, r.code, tc.want, r.stderr)
		}
	}
}

// startContainer runs the CLI in the background and waits for its pid file.
func startContainer(t *testing.T, args ...string) (cmd *exec.Cmd, pid int, done chan int) {
	t.Helper()
	pidFile := filepath.Join(t.TempDir(), "pid")
	cmd = exec.Command(binary, append([]string{"run", "--pid-file", pidFile}, args...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done = make(chan int, 1)
	go func() {
		cmd.Wait()
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		done <- ws.ExitStatus()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(pidFile); err == nil && len(b) > 0 && b[len(b)-1] == '\n' {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			return cmd, pid, done
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("container did not start")
	return
}

func waitCode(t *testing.T, done chan int) int {
	t.Helper()
	select {
	case c := <-done:
		return c
	case <-time.After(15 * time.Second):
		t.Fatal("container did not end")
		return -1
	}
}

func TestKilledBySignal(t *testing.T) {
	needRoot(t)
	t.Parallel()
	_, pid, done := startContainer(t, "--rootfs", makeRootfs(t), "sleep", "30")
	if err := unix.Kill(pid, unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if c := waitCode(t, done); c != 128+9 {
		t.Fatalf("exit %d, want 137", c)
	}
}

func TestSignalForwarded(t *testing.T) {
	needRoot(t)
	t.Parallel()
	for _, sig := range []syscall.Signal{unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGQUIT} {
		// PID 1 of a namespace only gets signals it handles: the trap.
		// The shell marks in its rootfs when its trap is in place; a fixed
		// sleep would race a slow (emulated) machine.
		script := fmt.Sprintf(`trap "exit %d" %s; touch /tmp/trapped; while :; do sleep 0.1; done`, 40+int(sig), strings.TrimPrefix(unix.SignalName(sig), "SIG"))
		root := makeRootfs(t)
		cmd, _, done := startContainer(t, "--rootfs", root, "sh", "-c", script)
		deadline := time.Now().Add(10 * time.Second)
		for _, err := os.Stat(filepath.Join(root, "tmp/trapped")); err != nil; _, err = os.Stat(filepath.Join(root, "tmp/trapped")) {
			if time.Now().After(deadline) {
				t.Fatalf("%v: the shell never installed its trap", sig)
			}
			time.Sleep(10 * time.Millisecond)
		}
		cmd.Process.Signal(sig)
		if c := waitCode(t, done); c != 40+int(sig) {
			t.Errorf("%v: exit %d, want %d: the signal did not reach the container", sig, c, 40+int(sig))
		}
	}
}

func TestCgroupDuringRunAndGoneAfter(t *testing.T) {
	needRoot(t)
	needMemoryController(t)
	t.Parallel()
	id := testID(t)
	_, _, done := startContainer(t, "--rootfs", makeRootfs(t), "--id", id, "--pids-max", "9", "--memory", "48M",
		"sh", "-c", "sleep 30 & sleep 30 & sleep 3; exit 3")
	dirs := cgroupDirs(t, id)
	if len(dirs) == 0 {
		t.Fatal("no cgroup while the container runs")
	}
	limits := map[string]string{"pids.max": "9", "memory.limit_in_bytes": strconv.Itoa(48 << 20), "memory.max": strconv.Itoa(48 << 20)}
	checked := 0
	for _, d := range dirs {
		for f, want := range limits {
			if b, err := os.ReadFile(filepath.Join(d, f)); err == nil {
				checked++
				if got := strings.TrimSpace(string(b)); got != want {
					t.Errorf("%s/%s = %s, want %s", d, f, got, want)
				}
			}
		}
	}
	if checked < 2 {
		t.Errorf("found %d of the limit files in %v", checked, dirs)
	}
	if c := waitCode(t, done); c != 3 {
		t.Errorf("exit %d, want 3", c)
	}
	if left := cgroupDirs(t, id); len(left) != 0 {
		t.Errorf("cgroup left behind: %v", left)
	}
}

func TestPidsMaxOne(t *testing.T) {
	// pids.max counts threads; the runtime writes it after its Go init's
	// threads are done, so even a limit of 1 runs a single process.
	needRoot(t)
	t.Parallel()
	r := lc(t, testCtx(t), "run", "--rootfs", makeRootfs(t), "--pids-max", "1", "true")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

// runAsNobody runs the CLI as uid and gid 65534: rootless.
func runAsNobody(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(testCtx(t), binary, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}}
	return runResult(t, cmd)
}

func TestRootlessAsNobody(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	run := func(args ...string) result { return runAsNobody(t, args...) }
	r := run("run", "--rootfs", root, "sh", "-c", "id -u; cat /proc/self/uid_map")
	if r.code != 0 {
		t.Fatalf("rootless run: exit %d: %s", r.code, r.stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Scan()
	if sc.Text() != "0" {
		t.Errorf("uid inside %q, want 0", sc.Text())
	}
	sc.Scan()
	if f := strings.Fields(sc.Text()); len(f) != 3 || f[0] != "0" || f[1] != "65534" {
		t.Errorf("uid_map %q: want 0 mapped to 65534", sc.Text())
	}
	// Limits need a delegated cgroup; where there is none the error says so.
	if mode, _ := os.ReadFile("/sys/fs/cgroup/cgroup.controllers"); mode == nil {
		r = run("run", "--rootfs", root, "--pids-max", "5", "true")
		if r.code != 125 || !strings.Contains(r.stderr, "delegated cgroup v2") {
			t.Errorf("rootless limits on v1: exit %d %q, want 125 naming the delegated v2 need", r.code, r.stderr)
		}
	}
}

func TestBadInputLeavesNothing(t *testing.T) {
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	os.WriteFile(filepath.Join(root, "notexec"), []byte("x"), 0o644)
	// Where the host has a memory controller, the not-executable case
	// also makes (and must remove) a memory cgroup.
	notExec := []string{"--rootfs", root, "/notexec"}
	if ok, why := memoryController(); ok {
		notExec = []string{"--rootfs", root, "--memory", "32M", "/notexec"}
	} else {
		t.Logf("not executable: without --memory (%s)", why)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing rootfs", []string{"--rootfs", "/no/such/rootfs", "true"}, 125, "rootfs /no/such/rootfs"},
		{"rootfs is a file", []string{"--rootfs", filepath.Join(root, "notexec"), "true"}, 125, "not a directory"},
		{"command missing", []string{"--rootfs", root, "--pids-max", "5", "nope"}, 127, "not found"},
		{"not executable", notExec, 126, "permission denied"},
		{"bad size", []string{"--rootfs", root, "--memory", "12XB", "true"}, 125, "12XB"},
		{"negative size", []string{"--rootfs", root, "--memory", "-1", "true"}, 125, "-1"},
		{"zero pids", []string{"--rootfs", root, "--pids-max", "0", "true"}, 125, "--pids-max 0"},
		{"negative pids", []string{"--rootfs", root, "--pids-max", "-3", "true"}, 125, "--pids-max -3"},
		{"long hostname", []string{"--rootfs", root, "--hostname", strings.Repeat("h", 65), "true"}, 125, "longer than 64"},
		{"unknown namespace", []string{"--rootfs", root, "--share", "pid,bogus", "true"}, 125, `unknown namespace "bogus"`},
		{"no command", []string{"--rootfs", root}, 125, "no command"},
	} {
		id := testID(t) + "-" + strings.ReplaceAll(tc.name, " ", "-")
		r := lc(t, testCtx(t), append([]string{"run", "--id", id}, tc.args...)...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, r.code, r.stderr, tc.code, tc.msg)
		}
		if lines := strings.Count(strings.TrimSpace(r.stderr), "\n"); lines > 0 {
			t.Errorf("%s: error is not one line: %q", tc.name, r.stderr)
		}
		if left := cgroupDirs(t, id); len(left) != 0 {
			t.Errorf("%s: cgroup left behind: %v", tc.name, left)
		}
		if m := hostMountsUnder(t, root); len(m) != 0 {
			t.Errorf("%s: mounts left on the host: %v", tc.name, m)
		}
	}
}

func TestShareMountNamespaceWithChroot(t *testing.T) {
	// The weakest configuration: no mount namespace, so no /proc inside.
	// The runtime must still start the command and leave no mount behind.
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	r := lc(t, testCtx(t), "run", "--rootfs", root, "--share", "mnt", "--chroot", "sh", "-c", "test ! -e /proc/self && echo inside")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "inside" {
		t.Fatalf("exit %d, out %q: %s", r.code, r.stdout, r.stderr)
	}
	if m := hostMountsUnder(t, root); len(m) != 0 {
		t.Errorf("mounts left on the host: %v", m)
	}
}

func TestLeakedDescriptorsClosed(t *testing.T) {
	// A directory descriptor of the host's root, leaked into the runtime,
	// must not reach the command; --preserve-fds passes it on on purpose.
	needRoot(t)
	t.Parallel()
	root := makeRootfs(t)
	hostRoot, err := os.Open("/")
	if err != nil {
		t.Fatal(err)
	}
	defer hostRoot.Close()
	run := func(flags ...string) string {
		cmd := exec.CommandContext(testCtx(t), binary, append(append([]string{"run", "--rootfs", root}, flags...),
			"sh", "-c", "ls -a /proc/self/fd/3/ 2>/dev/null; true")...)
		cmd.ExtraFiles = []*os.File{hostRoot} // fd 3 of the runtime
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", flags, err)
		}
		return string(out)
	}
	marker := "little-container-host-marker"
	entries, _ := os.ReadDir("/")
	for _, e := range entries {
		marker = e.Name() // any name in the host's / that the rootfs lacks
		if _, err := os.Stat(filepath.Join(root, marker)); err != nil {
			break
		}
	}
	if out := run(); strings.Contains(out, marker) {
		t.Errorf("the host's root leaked through fd 3: %q", out)
	}
	if out := run("--preserve-fds", "1"); !strings.Contains(out, marker) {
		t.Errorf("--preserve-fds 1 did not pass fd 3 on (control): %q", out)
	}
}

func TestParseCPUs(t *testing.T) {
	for in, want := range map[string]int64{"0.5": 50000, "1": 100000, "2.25": 225000, "0.01": 1000} {
		if got, err := parseCPUs(in); err != nil || got != want {
			t.Errorf("parseCPUs(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"0", "-1", "x", "0.001", "5000"} {
		if _, err := parseCPUs(bad); err == nil {
			t.Errorf("parseCPUs(%q) accepted", bad)
		}
	}
}

func TestCPUQuotaInCgroup(t *testing.T) {
	needRoot(t)
	t.Parallel()
	id := testID(t)
	_, _, done := startContainer(t, "--rootfs", makeRootfs(t), "--id", id, "--cpus", "0.5", "sleep", "3")
	found := false
	for _, d := range cgroupDirs(t, id) {
		if b, err := os.ReadFile(filepath.Join(d, "cpu.cfs_quota_us")); err == nil {
			found = true
			if got := strings.TrimSpace(string(b)); got != "50000" {
				t.Errorf("cpu.cfs_quota_us = %s, want 50000", got)
			}
		}
		if b, err := os.ReadFile(filepath.Join(d, "cpu.max")); err == nil {
			found = true
			if got := strings.TrimSpace(string(b)); got != "50000 100000" {
				t.Errorf("cpu.max = %q, want \"50000 100000\"", got)
			}
		}
	}
	if !found {
		t.Errorf("no cpu quota file in %v", cgroupDirs(t, id))
	}
	waitCode(t, done)
	if left := cgroupDirs(t, id); len(left) != 0 {
		t.Errorf("cgroup left behind: %v", left)
	}
}
