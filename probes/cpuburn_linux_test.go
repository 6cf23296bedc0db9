package probes

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCpuburnUnderQuota: in a v1 cpu cgroup with a quota of 0.2 CPUs the
// kernel throttles the busy loop, and the probe sees far less than one CPU.
// Without the quota (the same probe on the host) the kernel throttles
// nothing; the host's own ratio is not asserted: machines are shared.
func TestCpuburnUnderQuota(t *testing.T) {
	reexecRequireRoot(t)
	bin := reexecBuildProbe(t)
	cg := reexecV1Cgroup(t, "cpu", [][2]string{{"cpu.cfs_period_us", "100000"}, {"cpu.cfs_quota_us", "20000"}})
	rep := reexecRunProbe(t, reexecInCgroup(cg, bin, "cpuburn", "-for", "1s"))
	a := reexecAttempt(t, rep, cbBurn)
	if a.Outcome != Succeeded {
		t.Fatalf("burn: %+v, want succeeded", a)
	}
	ratio, err := strconv.ParseFloat(rep.Facts["ratio"], 64)
	if err != nil || ratio >= 0.6 {
		t.Errorf("ratio %q under a 0.2-CPU quota, want well below 1 (%s)", rep.Facts["ratio"], a.Detail)
	}
	if n := reexecCgroupValue(t, filepath.Join(cg, "cpu.stat"), "nr_throttled"); n < 1 {
		t.Errorf("cpu.stat nr_throttled = %d, want > 0", n)
	}

	free := reexecV1Cgroup(t, "cpu", nil)
	rep = reexecRunProbe(t, reexecInCgroup(free, bin, "cpuburn", "-for", "500ms"))
	if a := reexecAttempt(t, rep, cbBurn); a.Outcome != Succeeded || a.Value == "" {
		t.Fatalf("burn without a quota: %+v, want succeeded with a CPU time", a)
	}
	if n := reexecCgroupValue(t, filepath.Join(free, "cpu.stat"), "nr_throttled"); n != 0 {
		t.Errorf("cpu.stat nr_throttled = %d without a quota, want 0", n)
	}
}

// TestCpuburnUntilEOF: with -until-eof the loop ends when stdin does, long
// before -for, and says so; with stdin left open it ends at -for.
func TestCpuburnUntilEOF(t *testing.T) {
	bin := reexecBuildProbe(t)
	cmd := exec.Command(bin, "cpuburn", "-until-eof", "-for", "5s")
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(200 * time.Millisecond); w.Close() }()
	start := time.Now()
	rep := reexecRunProbe(t, cmd)
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("the burn took %s after stdin closed at 200 ms", took)
	}
	if a := reexecAttempt(t, rep, cbBurn); a.Outcome != Succeeded || rep.Facts["stopped"] != "eof" || !strings.Contains(a.Detail, "stopped by stdin EOF") {
		t.Errorf("burn %+v, stopped %q: want ended by EOF", a, rep.Facts["stopped"])
	}

	cmd = exec.Command(bin, "cpuburn", "-until-eof", "-for", "300ms")
	open, err := cmd.StdinPipe() // held open, never written
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	rep = reexecRunProbe(t, cmd)
	if a := reexecAttempt(t, rep, cbBurn); a.Outcome != Succeeded || rep.Facts["stopped"] != "time" {
		t.Errorf("burn %+v, stopped %q: want ended by -for", a, rep.Facts["stopped"])
	}
}
