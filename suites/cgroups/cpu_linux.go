package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	rtcg "github.com/little-container/little-container/runtime/cgroups"
)

// ReadCPU reads the CFS quota and period and the throttling counters of
// cpu.stat in dir, with v1 or v2 file names. A missing quota file or
// missing counters are recorded as absent, not as errors: the control's
// container may sit in a cgroup that has no bandwidth control at all.
func ReadCPU(dir string, v2 bool) (*CPUSample, error) {
	c := &CPUSample{Dir: dir, V2: v2, Quota: Unlimited}
	if err := readQuota(c); err != nil {
		return nil, err
	}
	st, err := rtcg.ReadKeyed(filepath.Join(dir, "cpu.stat"))
	if err != nil {
		return nil, err
	}
	timeKey, perUs := "throttled_time", int64(1000) // v1: ns
	if v2 {
		timeKey, perUs = "throttled_usec", 1
	}
	thr, ok1 := st["nr_throttled"]
	tt, ok2 := st[timeKey]
	if ok1 && ok2 {
		c.HasThrottle, c.Throttled, c.ThrottledUsec, c.Periods = true, thr, tt/perUs, st["nr_periods"]
	}
	return c, nil
}

func readQuota(c *CPUSample) error {
	if c.V2 {
		p := filepath.Join(c.Dir, "cpu.max")
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if c.Quota, c.Period, err = ParseCPUMax(string(b)); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		c.HasQuota = true
		return nil
	}
	q, err := rtcg.ReadInt(filepath.Join(c.Dir, "cpu.cfs_quota_us"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.Period, err = rtcg.ReadInt(filepath.Join(c.Dir, "cpu.cfs_period_us")); err != nil {
		return err
	}
	if q < 0 {
		q = Unlimited
	}
	c.Quota, c.HasQuota = q, true
	return nil
}
