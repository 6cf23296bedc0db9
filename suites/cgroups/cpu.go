package cgroups

import (
	"fmt"
	"strconv"
	"time"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
)

// CPURatioMax is the busy loop's CPU per wall second at or above which a
// quota below one CPU evidently did not hold it back. A 0.2-CPU quota
// gives about 0.2; a free CPU about 1. The bound is loose on purpose: the
// machines are shared, and the kernel's counters are the evidence, the
// ratio only supports them.
const CPURatioMax = 0.6

// How long the host lets the busy loop run (cpuburn -until-eof): until
// the kernel's counters decide, not for a fixed time. MinBurn is one CFS
// period and a sample: the time in which a quota throttles the loop (0.2
// CPU is 20 ms of every 100 ms), so that under a quota the kernel has
// throttled it by then and the loop's ratio spans a throttled period (it
// cannot read as a free CPU), and without one a quota would have. The host
// stops the loop after MinBurn once the kernel has throttled it
// ThrottledEnough times and accounted the throttled time (it adds that
// when a throttled stretch ends: nr_throttled rises first), or when the
// cgroup has no quota; MaxBurn bounds a
// quota that does not throttle (a wrong one, or a machine so busy the loop
// gets less than the quota).
const (
	ThrottledEnough = 1
	MinBurn         = 120 * time.Millisecond
	MaxBurn         = 3 * time.Second
)

// BurnDecided says whether the host has seen enough of a running busy
// loop, given the container's cpu cgroup as last read (nil: unreadable)
// and how long the loop has run: MinBurn passed and the kernel throttled
// the loop ThrottledEnough times and counted time throttled (the evidence
// JudgeCPU needs), or the cgroup has no quota to throttle it; or MaxBurn
// passed.
func BurnDecided(c *CPUSample, burned time.Duration) bool {
	switch {
	case burned >= MaxBurn:
		return true
	case c == nil || burned < MinBurn:
		return false
	case c.HasQuota && c.Quota != Unlimited:
		return c.HasThrottle && c.Throttled >= ThrottledEnough && c.ThrottledUsec > 0
	}
	return true
}

// CPUSample is the container's cpu cgroup as the host read it.
type CPUSample struct {
	Dir string
	V2  bool
	// Quota and Period are cpu.cfs_quota_us and cpu.cfs_period_us (v1) or
	// the two fields of cpu.max (v2), in µs; Quota is Unlimited for "max"
	// or -1. HasQuota says the files exist (the v2 root has no cpu.max).
	Quota, Period int64
	HasQuota      bool
	// Periods, Throttled and ThrottledUsec are cpu.stat's nr_periods,
	// nr_throttled and throttled_time (v1, ns, converted to µs) or
	// throttled_usec (v2). HasThrottle says cpu.stat has these counters
	// (it has none where no bandwidth control is possible, e.g. the v2
	// root).
	Periods, Throttled, ThrottledUsec int64
	HasThrottle                       bool
}

func (c CPUSample) String() string {
	quota := "absent"
	if c.HasQuota {
		quota = limit(c.Quota) + " per " + strconv.FormatInt(c.Period, 10) + " µs"
	}
	name, stat := "cpu.cfs_quota_us", "cpu.stat nr_periods=%d nr_throttled=%d throttled_time=%dµs"
	if c.V2 {
		name, stat = "cpu.max", "cpu.stat nr_periods=%d nr_throttled=%d throttled_usec=%d"
	}
	s := fmt.Sprintf("%s: %s=%s ", c.Dir, name, quota)
	if !c.HasThrottle {
		return s + "cpu.stat without throttling counters"
	}
	return s + fmt.Sprintf(stat, c.Periods, c.Throttled, c.ThrottledUsec)
}

// ParseCPUMax reads cgroup v2 cpu.max text, "QUOTA PERIOD" or "max
// PERIOD", into quota (Unlimited for "max") and period in µs.
func ParseCPUMax(text string) (quota, period int64, err error) {
	var q, p string
	if n, _ := fmt.Sscan(text, &q, &p); n != 2 {
		return 0, 0, fmt.Errorf("cpu.max %q: want \"QUOTA PERIOD\"", oneLine(text))
	}
	if q == "max" {
		quota = Unlimited
	} else if quota, err = strconv.ParseInt(q, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("cpu.max quota %q: %w", q, err)
	}
	if period, err = strconv.ParseInt(p, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("cpu.max period %q: %w", p, err)
	}
	return quota, period, nil
}

// BurnFromReport reads the cpuburn probe's burn attempt: the CPU time it
// used (Value, µs) and the wall time (fact "wall_us").
func BurnFromReport(rep *probes.Report, a probes.Attempt) (cpu, wall time.Duration, err error) {
	c, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil || c < 0 {
		return 0, 0, fmt.Errorf("burn value %q is not a CPU time in µs", a.Value)
	}
	w, err := strconv.ParseInt(rep.Facts["wall_us"], 10, 64)
	if err != nil || w <= 0 {
		return 0, 0, fmt.Errorf("fact wall_us %q is not a wall time in µs", rep.Facts["wall_us"])
	}
	return time.Duration(c) * time.Microsecond, time.Duration(w) * time.Microsecond, nil
}

// JudgeCPU decides the CPU quota check from the cpuburn report and the
// host side: the quota must be the one asked for and the kernel must have
// throttled the container's cgroup (cpu.stat nr_throttled and the
// throttled time above 0), read while the loop ran. The probe's ratio
// cpu/wall is supporting evidence: at or above CPURatioMax no quota held
// the loop back. A control without the quota must FAIL: the kernel cannot
// throttle a cgroup that has none. The judge is robust to a busy machine:
// a loop that got no more CPU than the quota allows cannot be throttled,
// so the absence of throttling then proves nothing (ERROR), never a leak.
func JudgeCPU(v *matrix.Verdict, rep *probes.Report, hs *HostSide, w Want) {
	common(v, hs)
	if rep == nil {
		return
	}
	ratio := -1.0
	if a, ok := check.Attempt(v, rep, "burn"); ok {
		ratio = judgeBurn(v, rep, a, hs.Sandboxed)
	}
	if hs.Held {
		check.Attempt(v, rep, "hold")
	}
	c := hs.CPU
	if c == nil {
		if hs.Held || hs.Watched {
			v.Problem("the host read no cpu counters while the loop ran")
		}
		return
	}
	v.Note("host while the loop ran: %s", c)
	if !hs.owns("cpu", c.Dir) {
		v.Note("the container has no cpu cgroup of its own: it ran in %s", c.Dir)
	}
	name := "cpu.cfs_quota_us"
	if c.V2 {
		name = "cpu.max"
	}
	quotaOK := false
	switch {
	case !c.HasQuota:
		v.Leak("the container's cpu cgroup %s has no %s: no quota", c.Dir, name)
	case c.Quota != w.CPUQuota || c.Period != w.CPUPeriod:
		v.Leak("%s of the container's cgroup is %s per %d µs, not %d per %d", name, limit(c.Quota), c.Period, w.CPUQuota, w.CPUPeriod)
	default:
		quotaOK = true
	}
	starved := ratio >= 0 && w.CPUPeriod > 0 && ratio <= float64(w.CPUQuota)/float64(w.CPUPeriod)
	switch {
	case !c.HasThrottle:
		v.Leak("cpu.stat of %s has no throttling counters: no bandwidth control there", c.Dir)
	case c.Throttled <= 0 && quotaOK && starved:
		v.Problem("cpu.stat nr_throttled is 0, but the loop got only %.2f CPU per wall second, no more than the quota allows: the machine was too busy to show throttling", ratio)
	case c.Throttled <= 0:
		v.Leak("cpu.stat nr_throttled is %d over %d periods: the kernel throttled nothing", c.Throttled, c.Periods)
	case c.ThrottledUsec <= 0:
		v.Leak("cpu.stat counts %d throttled periods but no throttled time", c.Throttled)
	}
}

// judgeBurn reads the probe's own measure and returns its ratio (-1 when
// there is none): a ratio at or above CPURatioMax means nothing held the
// loop back. Inside a sandbox with a kernel of its own (sandboxed says
// why) the probe's clock and CPU accounting are that kernel's, not the
// host's: the ratio is then noted, and the host's counters alone decide.
func judgeBurn(v *matrix.Verdict, rep *probes.Report, a probes.Attempt, sandboxed string) float64 {
	if a.Outcome != probes.Succeeded {
		v.Problem("the busy loop did not run: %s %s", a.Errno, a.Detail)
		return -1
	}
	cpu, wall, err := BurnFromReport(rep, a)
	if err != nil {
		v.Problem("%v", err)
		return -1
	}
	r := probes.BurnRatio(cpu, wall)
	v.Note("busy loop: %s CPU in %s wall, ratio %.2f (%s)", cpu.Round(time.Millisecond), wall.Round(time.Millisecond), r, a.Detail)
	if sandboxed != "" {
		v.Note("the ratio is the sandbox kernel's own accounting (%s), not the host's: evidence only", sandboxed)
		return -1
	}
	if r >= CPURatioMax {
		v.Leak("the busy loop got %.2f CPU per wall second (at least %.1f): no quota held it back", r, CPURatioMax)
	}
	return r
}
