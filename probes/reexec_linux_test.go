package probes

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// reexecRequireRoot skips a real-kernel test that needs root.
func reexecRequireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (chroot, cgroups)")
	}
}

// reexecBuildProbe builds the static probe binary into a fresh temp dir,
// the way the suites build it.
func reexecBuildProbe(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "probe")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/probe")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build probe: %v\n%s", err, out)
	}
	return bin
}

// reexecRunProbe runs the built probe and decodes its report, failing the
// test on anything but a complete report and a zero exit.
func reexecRunProbe(t *testing.T, cmd *exec.Cmd) *Report {
	t.Helper()
	rep, err := reexecProbeReport(cmd)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report: %+v", rep.Attempts)
	return rep
}

// reexecProbeReport is reexecRunProbe without the test, for goroutines.
func reexecProbeReport(cmd *exec.Cmd) (*Report, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	rep, err := Decode(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("probe %v: run %v, decode %v; stderr: %s", cmd.Args, runErr, err, errb.String())
	}
	if runErr != nil {
		return nil, fmt.Errorf("probe %v: %v; stderr: %s", cmd.Args, runErr, errb.String())
	}
	return rep, nil
}

// reexecAttempt returns the named attempt or fails the test.
func reexecAttempt(t *testing.T, rep *Report, name string) Attempt {
	t.Helper()
	a, ok := rep.Attempt(name)
	if !ok {
		t.Fatalf("report lacks attempt %q: %+v", name, rep.Attempts)
	}
	return a
}

func TestHoldBudget(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name     string
		start    time.Time
		deadline time.Duration
		max      time.Duration
		wantMin  time.Duration
		wantMax  time.Duration
	}{
		{"capped by max", now, 60 * time.Second, 15 * time.Second, 15 * time.Second, 15 * time.Second},
		{"capped by deadline", now.Add(-20 * time.Second), 30 * time.Second, 15 * time.Second, 6 * time.Second, 7 * time.Second},
		{"past deadline", now.Add(-40 * time.Second), 30 * time.Second, 15 * time.Second, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := holdBudget(tc.start, tc.deadline, tc.max)
			if got < tc.wantMin || got > tc.wantMax {
				t.Errorf("holdBudget = %v, want in [%v, %v]", got, tc.wantMin, tc.wantMax)
			}
		})
	}
}

// reexecV1Cgroup creates a cgroup v1 directory for controller below this
// process's own cgroup in that hierarchy, writes settings in order, and
// removes it in Cleanup (killing anything left inside). It skips when the
// v1 controller is not mounted.
func reexecV1Cgroup(t *testing.T, controller string, settings [][2]string) string {
	t.Helper()
	mnt := filepath.Join("/sys/fs/cgroup", controller)
	own, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Skipf("no /proc/self/cgroup: %v", err)
	}
	parent := ""
	for _, line := range strings.Split(string(own), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) == 3 && slices.Contains(strings.Split(f[1], ","), controller) {
			parent = f[2]
		}
	}
	if parent == "" {
		t.Skipf("no cgroup v1 %s hierarchy (cgroup v2 only?)", controller)
	}
	dir := filepath.Join(mnt, parent, fmt.Sprintf("lc-probe-test-%d-%d", os.Getpid(), time.Now().UnixNano()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cannot create a %s cgroup: %v", controller, err)
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(10 * time.Second)
		for {
			if procs, err := os.ReadFile(filepath.Join(dir, "cgroup.procs")); err == nil {
				for _, p := range strings.Fields(string(procs)) {
					if pid, err := strconv.Atoi(p); err == nil {
						unix.Kill(pid, unix.SIGKILL)
					}
				}
			}
			err := os.Remove(dir)
			if err == nil || os.IsNotExist(err) {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("remove test cgroup %s: %v", dir, err)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	for _, kv := range settings {
		p := filepath.Join(dir, kv[0])
		if _, err := os.Stat(p); os.IsNotExist(err) {
			continue // optional knob (memory.memsw.* without swap accounting)
		}
		if err := os.WriteFile(p, []byte(kv[1]), 0o644); err != nil {
			t.Fatalf("write %s: %v", p, err)
		}
	}
	return dir
}

// reexecInCgroup returns a command that joins cgroup dir and then execs
// argv, so that the probe starts inside the limit.
func reexecInCgroup(dir string, argv ...string) *exec.Cmd {
	script := `cg=$1; shift; echo $$ > "$cg/cgroup.procs" && exec "$@"`
	return exec.Command("sh", append([]string{"-c", script, "sh", dir}, argv...)...)
}

// reexecCgroupValue reads one "key value" line of a cgroup file such as
// pids.events or memory.oom_control, or the whole trimmed file if key is "".
func reexecCgroupValue(t *testing.T, file, key string) int64 {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if key == "" && len(f) == 1 || len(f) == 2 && f[0] == key {
			v, err := strconv.ParseInt(f[len(f)-1], 10, 64)
			if err != nil {
				t.Fatalf("%s: %q: %v", file, line, err)
			}
			return v
		}
	}
	t.Fatalf("%s has no %q: %q", file, key, b)
	return 0
}

// reexecLeftovers lists live processes running bin.
func reexecLeftovers(bin string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if exe, err := os.Readlink("/proc/" + e.Name() + "/exe"); err == nil && exe == bin {
			out = append(out, e.Name())
		}
	}
	return out
}
