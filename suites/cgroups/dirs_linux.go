package cgroups

import (
	"fmt"
	"os"
	"strings"

	"github.com/moby/sys/mountinfo"

	rtcg "github.com/little-container/little-container/runtime/cgroups"
)

// HostLayout detects the host's cgroup layout.
func HostLayout() (Layout, error) {
	mode, err := rtcg.Detect()
	if err != nil {
		return Layout{}, fmt.Errorf("detect cgroup mode: %w", err)
	}
	l := Layout{Mode: mode}
	if mode == rtcg.ModeNone {
		return l, nil
	}
	l.Mounts, err = mountinfo.GetMounts(func(m *mountinfo.Info) (bool, bool) {
		return m.FSType != "cgroup" && m.FSType != "cgroup2", false
	})
	if err != nil {
		return l, fmt.Errorf("read mountinfo: %w", err)
	}
	if mode == rtcg.ModeUnified {
		b, err := os.ReadFile("/sys/fs/cgroup/cgroup.controllers")
		if err != nil {
			return l, fmt.Errorf("read cgroup.controllers: %w", err)
		}
		l.V2Controllers = strings.Fields(string(b))
	}
	return l, nil
}
