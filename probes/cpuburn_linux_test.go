package probes

import (
	"path/filepath"
	"strconv"
	"testing"
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
