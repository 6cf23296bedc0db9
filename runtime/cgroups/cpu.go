package cgroups

import "strconv"

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
