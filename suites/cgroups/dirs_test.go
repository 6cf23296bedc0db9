package cgroups

import (
	"testing"

	"github.com/moby/sys/mountinfo"

	rtcg "github.com/little-container/little-container/runtime/cgroups"
)

func TestLayoutDir(t *testing.T) {
	v1 := Layout{Mode: rtcg.ModeHybrid, Mounts: []*mountinfo.Info{
		{FSType: "cgroup", Mountpoint: "/sys/fs/cgroup/pids", Root: "/", VFSOptions: "rw,pids"},
		{FSType: "cgroup", Mountpoint: "/sys/fs/cgroup/cpu,cpuacct", Root: "/", VFSOptions: "rw,cpu,cpuacct"},
		{FSType: "cgroup", Mountpoint: "/mnt/mem-part", Root: "/a", VFSOptions: "rw,memory"},
		{FSType: "cgroup", Mountpoint: "/sys/fs/cgroup/memory", Root: "/", VFSOptions: "rw,memory"},
		{FSType: "cgroup2", Mountpoint: "/sys/fs/cgroup/unified", Root: "/", VFSOptions: "rw"},
	}}
	v2 := Layout{Mode: rtcg.ModeUnified, V2Controllers: []string{"cpu", "memory", "pids"}, Mounts: []*mountinfo.Info{
		{FSType: "cgroup2", Mountpoint: "/sys/fs/cgroup", Root: "/", VFSOptions: "rw,nsdelegate"},
	}}
	partial := Layout{Mode: rtcg.ModeV1, Mounts: []*mountinfo.Info{
		{FSType: "cgroup", Mountpoint: "/c/pids", Root: "/outer", VFSOptions: "rw,pids"},
	}}
	proc := map[string]string{"pids": "/outer/little-container/x", "memory": "/p/little-container/x", "cpu": "/", "": "/little-container/x"}
	for _, tc := range []struct {
		name string
		l    Layout
		ctrl string
		want string // "" means an error
	}{
		{"v1 pids", v1, "pids", "/sys/fs/cgroup/pids/outer/little-container/x"},
		{"v1 prefers the whole hierarchy", v1, "memory", "/sys/fs/cgroup/memory/p/little-container/x"},
		{"v1 co-mounted", v1, "cpu", "/sys/fs/cgroup/cpu,cpuacct"},
		{"v1 not mounted", v1, "blkio", ""},
		{"v2 single directory", v2, "pids", "/sys/fs/cgroup/little-container/x"},
		{"v2 same for memory", v2, "memory", "/sys/fs/cgroup/little-container/x"},
		{"mount of a part", partial, "pids", "/c/pids/little-container/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.l.Dir(tc.ctrl, proc)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Dir = %q, want an error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Dir = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := partial.Dir("pids", map[string]string{"pids": "/elsewhere"}); err == nil {
		t.Fatal("a cgroup outside the mounted part resolved")
	}
}

func TestLayoutMissing(t *testing.T) {
	v1 := Layout{Mode: rtcg.ModeV1, Mounts: []*mountinfo.Info{{FSType: "cgroup", Mountpoint: "/p", Root: "/", VFSOptions: "rw,pids"}}}
	v2 := Layout{Mode: rtcg.ModeUnified, V2Controllers: []string{"memory"}}
	for _, tc := range []struct {
		l       Layout
		ctrl    string
		missing bool
	}{
		{v1, "pids", false}, {v1, "memory", true},
		{v2, "memory", false}, {v2, "pids", true},
		{Layout{Mode: rtcg.ModeNone}, "pids", true},
	} {
		if got := tc.l.Missing(tc.ctrl) != ""; got != tc.missing {
			t.Errorf("%s Missing(%s) = %q", tc.l.Mode, tc.ctrl, tc.l.Missing(tc.ctrl))
		}
	}
}

func TestParseStartTime(t *testing.T) {
	stat := "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100"
	if got, err := ParseStartTime(stat); err != nil || got != 987654 {
		t.Fatalf("ParseStartTime = %d, %v; want 987654", got, err)
	}
	for _, bad := range []string{"", "1 (x) S 1 2", "1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 notanumber"} {
		if _, err := ParseStartTime(bad); err == nil {
			t.Errorf("ParseStartTime(%q) succeeded", bad)
		}
	}
}
