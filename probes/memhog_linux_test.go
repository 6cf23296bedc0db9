package probes

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMemhogOnHostTouchesMax is the probe-level negative control: with no
// memory limit the hog reaches -max.
func TestMemhogOnHostTouchesMax(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	for _, mode := range [][]string{nil, {"-inline"}} {
		rep := reexecRunProbe(t, exec.Command(bin, append([]string{"memhog", "-max", "16MiB"}, mode...)...))
		a := reexecAttempt(t, rep, mhHog)
		if a.Outcome != Succeeded || a.Value != "16777216" || a.Detail != "touched 16777216 bytes" {
			t.Errorf("hog %v: %+v, want succeeded touching 16777216", mode, a)
		}
	}
	if left := reexecLeftovers(bin); len(left) > 0 {
		t.Errorf("hog children left behind: pids %v", left)
	}
}

// memhogCgroup makes a v1 memory cgroup of 32MiB. The memsw limit is set
// only when the host has swap: without swap it changes nothing, and on
// recent kernels a memsw limit leaves memory.failcnt at 0 (the memsw
// counter refuses first and does not count).
func memhogCgroup(t *testing.T) string {
	settings := [][2]string{{"memory.limit_in_bytes", "33554432"}}
	if memhogHostHasSwap() {
		settings = append(settings, [2]string{"memory.memsw.limit_in_bytes", "33554432"})
	}
	return reexecV1Cgroup(t, "memory", settings)
}

func memhogHostHasSwap() bool {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return true // set the limit when unsure
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "SwapTotal:" {
			return f[1] != "0"
		}
	}
	return true
}

// memhogFailcnt is memory.failcnt plus memory.memsw.failcnt where present.
func memhogFailcnt(t *testing.T, cg string) int64 {
	n := reexecCgroupValue(t, filepath.Join(cg, "memory.failcnt"), "")
	if _, err := os.Stat(filepath.Join(cg, "memory.memsw.failcnt")); err == nil {
		n += reexecCgroupValue(t, filepath.Join(cg, "memory.memsw.failcnt"), "")
	}
	return n
}

// TestMemhogUnderMemoryLimit: in a 32MiB memory cgroup the hog child is
// OOM-killed, the probe still reports, and the kernel counts it.
func TestMemhogUnderMemoryLimit(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	cg := memhogCgroup(t)
	rep := reexecRunProbe(t, reexecInCgroup(cg, bin, "memhog", "-max", "256MiB"))
	a := reexecAttempt(t, rep, mhHog)
	if a.Outcome != Failed || !strings.HasPrefix(a.Detail, "killed by SIGKILL after touching ") {
		t.Errorf("hog: %+v, want killed by SIGKILL", a)
	}
	if n, _ := strconv.ParseInt(a.Value, 10, 64); n <= 0 || n > 32<<20 {
		t.Errorf("hog touched %s bytes under a 32MiB limit", a.Value)
	}
	if n := memhogFailcnt(t, cg); n < 1 {
		t.Errorf("memory failcnt = %d, want > 0", n)
	}
	if n := reexecCgroupValue(t, filepath.Join(cg, "memory.oom_control"), "oom_kill"); n < 1 {
		t.Errorf("memory.oom_control oom_kill = %d, want >= 1", n)
	}
}

// TestMemhogInlineIsKilled: with -inline the OOM kill takes the probe
// itself; exit status 137 and no report are the evidence.
func TestMemhogInlineIsKilled(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	cg := memhogCgroup(t)
	cmd := reexecInCgroup(cg, bin, "memhog", "-max", "256MiB", "-inline")
	out, err := cmd.Output()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != -1 && ee.ExitCode() != 137 {
		t.Fatalf("inline hog: err %v, want killed; stdout %q", err, out)
	}
	if len(out) != 0 {
		t.Errorf("inline hog printed %q before being killed", out)
	}
	if n := reexecCgroupValue(t, filepath.Join(cg, "memory.oom_control"), "oom_kill"); n < 1 {
		t.Errorf("memory.oom_control oom_kill = %d, want >= 1", n)
	}
}

// TestMemhogAwait: with -await the hog waits for stdin's EOF, then runs.
func TestMemhogAwait(t *testing.T) {
	bin := reexecBuildProbe(t)
	cmd := exec.Command(bin, "memhog", "-inline", "-await", "-max", "8MiB")
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(200 * time.Millisecond); w.Close() }()
	rep := reexecRunProbe(t, cmd)
	if len(rep.Attempts) < 2 || rep.Attempts[0].Name != mhAwait || rep.Attempts[0].Value != "eof" || rep.Attempts[1].Name != mhHog {
		t.Fatalf("attempts %+v: want await (eof), then the hog", rep.Attempts)
	}
	if a := rep.Attempts[1]; a.Outcome != Succeeded || a.Value != "8388608" {
		t.Errorf("hog after the wait: %+v", a)
	}
}
