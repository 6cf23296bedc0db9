package cgroups

import (
	"math"
	"strconv"
)

// cpuWrites sets the CFS bandwidth: v2 cpu.max "quota period"; v1 the period
// first, then the quota, so the quota is checked against the new period.
func cpuWrites(m Mode, r Resources) []fileWrite {
	if r.CPUQuota == 0 {
		return nil
	}
	period := r.CPUPeriod
	if period == 0 {
		period = DefaultCPUPeriod
	}
	q, p := strconv.FormatInt(r.CPUQuota, 10), strconv.FormatInt(period, 10)
	if m == ModeUnified {
		return []fileWrite{{Controller: ctrlCPU, File: "cpu.max", Value: q + " " + p}}
	}
	return []fileWrite{
		{Controller: ctrlCPU, File: "cpu.cfs_period_us", Value: p},
		{Controller: ctrlCPU, File: "cpu.cfs_quota_us", Value: q},
	}
}

// CPUQuota is the CFS quota in µs per DefaultCPUPeriod that lets a cgroup
// use cpus CPUs (0.5: half of one); 0 for none. The CLI's --cpus and the
// suites' CPU knob both go through it.
func CPUQuota(cpus float64) int64 {
	if cpus <= 0 {
		return 0
	}
	return int64(math.Round(cpus * DefaultCPUPeriod))
}
