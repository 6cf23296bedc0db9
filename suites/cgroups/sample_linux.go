package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	rtcg "github.com/little-container/little-container/runtime/cgroups"
)

// ReadPids reads pids.max, pids.current and pids.events of dir.
func ReadPids(dir string) (*PidsSample, error) {
	s := &PidsSample{Dir: dir}
	var err error
	if s.Max, err = rtcg.ReadInt(filepath.Join(dir, "pids.max")); err != nil {
		return nil, err
	}
	if s.Current, err = rtcg.ReadInt(filepath.Join(dir, "pids.current")); err != nil {
		return nil, err
	}
	if s.Events, err = rtcg.ReadPidsEvents(dir); err != nil {
		return nil, err
	}
	return s, nil
}

// ReadMemory reads the memory limit, the swap limit, the OOM-kill and
// limit-hit counters and the peak usage of dir, with v1 or v2 file names.
func ReadMemory(dir string, v2 bool) (*MemSample, error) {
	s := &MemSample{Dir: dir, V2: v2}
	names := map[string]string{
		"limit": "memory.limit_in_bytes", "swap": "memory.memsw.limit_in_bytes",
		"events": "memory.oom_control", "peak": "memory.max_usage_in_bytes",
	}
	if v2 {
		names = map[string]string{
			"limit": "memory.max", "swap": "memory.swap.max", "events": "memory.events", "peak": "memory.peak",
		}
	}
	var err error
	if s.Limit, err = rtcg.ReadInt(filepath.Join(dir, names["limit"])); err != nil {
		return nil, err
	}
	switch s.Swap, err = rtcg.ReadInt(filepath.Join(dir, names["swap"])); {
	case err == nil:
		s.HasSwap = true
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	ev, err := rtcg.ReadKeyed(filepath.Join(dir, names["events"]))
	if err != nil {
		return nil, err
	}
	kill, ok := ev["oom_kill"]
	if !ok {
		return nil, fmt.Errorf("%s: no oom_kill counter (kernel too old for this evidence)", filepath.Join(dir, names["events"]))
	}
	s.OOMKills = kill
	if v2 {
		s.Hits = ev["max"]
	} else if s.Hits, err = rtcg.ReadInt(filepath.Join(dir, "memory.failcnt")); err != nil {
		return nil, err
	}
	if p, err := rtcg.ReadInt(filepath.Join(dir, names["peak"])); err == nil {
		s.Peak = p
	}
	if s.HostSwap, err = hostSwapOnce(); err != nil {
		return nil, err
	}
	return s, nil
}

// hostSwapOnce is hostSwap read once: ReadMemory runs in the hold's
// polling loop, and the host's swap does not come and go during a run.
var hostSwapOnce = sync.OnceValues(hostSwap)

// hostSwap is SwapTotal of /proc/meminfo, in bytes.
func hostSwap() (int64, error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 3 && f[0] == "SwapTotal:" && f[2] == "kB" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/meminfo: %q: %w", l, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("/proc/meminfo: no SwapTotal in kB")
}

// readStartTime reads the start time of pid.
func readStartTime(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read stat of %d: %w", pid, err)
	}
	return ParseStartTime(string(b))
}
