package cgroups

import (
	"testing"
	"time"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/matrix"
)

func TestParseCPUMax(t *testing.T) {
	for _, tc := range []struct {
		in      string
		q, p    int64
		wantErr bool
	}{
		{"20000 100000\n", 20000, 100000, false},
		{"max 100000\n", Unlimited, 100000, false},
		{"max\n", 0, 0, true},
		{"x 100000", 0, 0, true},
		{"20000 y", 0, 0, true},
	} {
		q, p, err := ParseCPUMax(tc.in)
		if (err != nil) != tc.wantErr || !tc.wantErr && (q != tc.q || p != tc.p) {
			t.Errorf("ParseCPUMax(%q) = %d, %d, %v; want %d, %d, error %v", tc.in, q, p, err, tc.q, tc.p, tc.wantErr)
		}
	}
}

func TestJudgeCPU(t *testing.T) {
	w := Want{CPUQuota: 20000, CPUPeriod: 100000}
	burn := func(cpuUs, wallUs string) *probes.Report {
		return &probes.Report{Complete: true, Facts: map[string]string{"wall_us": wallUs}, Attempts: []probes.Attempt{
			{Name: "burn", Outcome: probes.Succeeded, Value: cpuUs},
			{Name: "hold", Outcome: probes.Succeeded, Value: "eof"},
		}}
	}
	throttled, free := burn("410000", "2000000"), burn("1990000", "2000000")
	v1 := &CPUSample{Quota: 20000, Period: 100000, HasQuota: true, HasThrottle: true, Periods: 21, Throttled: 20, ThrottledUsec: 1580000}
	v2 := &CPUSample{V2: true, Quota: 20000, Period: 100000, HasQuota: true, HasThrottle: true, Periods: 21, Throttled: 20, ThrottledUsec: 1580000}
	v1Root := &CPUSample{Quota: Unlimited, Period: 100000, HasQuota: true, HasThrottle: true}
	v2Root := &CPUSample{V2: true, Quota: Unlimited}
	held := func(c *CPUSample) *HostSide { return &HostSide{ContainerPID: 7, Held: true, CPU: c} }
	watched := func(c *CPUSample) *HostSide { return &HostSide{ContainerPID: 7, Watched: true, CPU: c} }
	for _, tc := range []struct {
		name string
		rep  *probes.Report
		hs   *HostSide
		want matrix.Status
	}{
		{"v1 quota throttled", throttled, held(v1), matrix.Pass},
		{"v2 quota throttled", throttled, held(v2), matrix.Pass},
		{"control: v1 no quota", free, held(v1Root), matrix.Fail},
		{"control: v2 root, no cpu.max", free, held(v2Root), matrix.Fail},
		{"control on a busy machine: low ratio, still no throttling", burn("900000", "2000000"), held(v1Root), matrix.Fail},
		{"quota set, nothing throttled", throttled, held(&CPUSample{Quota: 20000, Period: 100000, HasQuota: true, HasThrottle: true, Periods: 20}), matrix.Fail},
		{"throttled periods without time", throttled, held(&CPUSample{Quota: 20000, Period: 100000, HasQuota: true, HasThrottle: true, Throttled: 3}), matrix.Fail},
		{"wrong quota", throttled, held(&CPUSample{Quota: 50000, Period: 100000, HasQuota: true, HasThrottle: true, Throttled: 20, ThrottledUsec: 1}), matrix.Fail},
		{"throttled, yet the loop got a whole CPU", free, held(v1), matrix.Fail},
		{"burn value missing", burn("", "2000000"), held(v1), matrix.Error},
		{"wall time missing", burn("410000", ""), held(v1), matrix.Error},
		{"never held", throttled, &HostSide{WaitErr: "container exited first"}, matrix.Error},
		{"host read nothing", throttled, &HostSide{Held: true, ReadErrs: []string{"read cpu.stat: ENOENT"}}, matrix.Error},
		{"busy machine: quota set, loop starved below it, nothing throttled", burn("30000", "300000"),
			watched(&CPUSample{Quota: 20000, Period: 100000, HasQuota: true, HasThrottle: true, Periods: 3}), matrix.Error},
		{"watched burn, quota throttled", burn("62000", "280000"), watched(v1), matrix.Pass},
		{"watched control: no quota", burn("250000", "260000"), watched(v1Root), matrix.Fail},
		{"watched, read nothing", throttled, &HostSide{ContainerPID: 7, Watched: true}, matrix.Error},
		{"sandbox: its own accounting says a whole CPU, the host's counters say throttled", free,
			&HostSide{ContainerPID: 7, Watched: true, Sandboxed: "gVisor", CPU: v1}, matrix.Pass},
		{"left behind", throttled, &HostSide{ContainerPID: 7, Held: true, CPU: v1, Leftovers: []string{"pid 7 alive"}}, matrix.Fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &matrix.Verdict{}
			JudgeCPU(v, tc.rep, tc.hs, w)
			if got := v.Status(); got != tc.want {
				t.Fatalf("status %s, want %s; leaks %q problems %q", got, tc.want, v.Leaks, v.Problems)
			}
		})
	}
}

func TestBurnDecided(t *testing.T) {
	quota := func(throttled int64) *CPUSample {
		return &CPUSample{Quota: 20000, Period: 100000, HasQuota: true, HasThrottle: true, Throttled: throttled, ThrottledUsec: 80000 * throttled}
	}
	none := &CPUSample{Quota: Unlimited, Period: 100000, HasQuota: true, HasThrottle: true}
	for _, tc := range []struct {
		name   string
		c      *CPUSample
		burned time.Duration
		want   bool
	}{
		{"quota, not yet throttled", quota(0), 200 * time.Millisecond, false},
		{"quota, throttled, less than a period", quota(ThrottledEnough), 50 * time.Millisecond, false},
		{"quota, throttled enough", quota(ThrottledEnough), MinBurn, true},
		{"quota, throttled, the time not yet counted", &CPUSample{Quota: 20000, Period: 100000, HasQuota: true, HasThrottle: true, Throttled: 1}, MinBurn, false},
		{"quota that never throttles", quota(0), MaxBurn, true},
		{"no quota, too early for a ratio", none, 50 * time.Millisecond, false},
		{"no quota, ran MinBurn", none, MinBurn, true},
		{"v2 root: no cpu.max", &CPUSample{V2: true, Quota: Unlimited}, MinBurn, true},
		{"unreadable", nil, time.Second, false},
		{"unreadable, MaxBurn", nil, MaxBurn, true},
	} {
		if got := BurnDecided(tc.c, tc.burned); got != tc.want {
			t.Errorf("%s: BurnDecided = %v, want %v", tc.name, got, tc.want)
		}
	}
}
