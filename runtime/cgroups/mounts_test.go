package cgroups

import (
	"reflect"
	"testing"

	"github.com/moby/sys/mountinfo"
)

func TestV1MountsFrom(t *testing.T) {
	infos := []*mountinfo.Info{
		{Mountpoint: "/sys/fs/cgroup", Root: "/", FSType: "tmpfs", VFSOptions: "rw,mode=755"},
		{Mountpoint: "/sys/fs/cgroup/cpu,cpuacct", Root: "/", FSType: "cgroup", VFSOptions: "rw,cpu,cpuacct"},
		{Mountpoint: "/sys/fs/cgroup/memory", Root: "/", FSType: "cgroup", VFSOptions: "rw,memory"},
		{Mountpoint: "/sys/fs/cgroup/pids", Root: "/", FSType: "cgroup", VFSOptions: "rw,nosuid,nodev,noexec,relatime,pids"},
		{Mountpoint: "/sys/fs/cgroup/systemd", Root: "/", FSType: "cgroup", VFSOptions: "rw,xattr,name=systemd,release_agent=/x"},
		{Mountpoint: "/sys/fs/cgroup/unified", Root: "/", FSType: "cgroup2", VFSOptions: "rw"},
		// A bind mount of a sub-tree elsewhere must not win over the whole hierarchy.
		{Mountpoint: "/mnt/mem", Root: "/sub", FSType: "cgroup", VFSOptions: "rw,memory"},
	}
	want := map[string]v1Mount{
		"cpu":          {"/sys/fs/cgroup/cpu,cpuacct", "/"},
		"cpuacct":      {"/sys/fs/cgroup/cpu,cpuacct", "/"},
		"memory":       {"/sys/fs/cgroup/memory", "/"},
		"pids":         {"/sys/fs/cgroup/pids", "/"},
		"name=systemd": {"/sys/fs/cgroup/systemd", "/"},
	}
	if got := v1MountsFrom(infos); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestV1MountsPreferWholeHierarchy(t *testing.T) {
	infos := []*mountinfo.Info{
		{Mountpoint: "/mnt/mem", Root: "/sub", FSType: "cgroup", VFSOptions: "rw,memory"},
		{Mountpoint: "/sys/fs/cgroup/memory", Root: "/", FSType: "cgroup", VFSOptions: "rw,memory"},
	}
	if got := v1MountsFrom(infos)["memory"]; got.Mountpoint != "/sys/fs/cgroup/memory" {
		t.Errorf("memory mount = %v, want the whole hierarchy", got)
	}
}

func TestV1MountDirOf(t *testing.T) {
	tests := []struct {
		m       v1Mount
		p, want string
		wantErr bool
	}{
		{v1Mount{"/sys/fs/cgroup/memory", "/"}, "/process_api/35d1", "/sys/fs/cgroup/memory/process_api/35d1", false},
		{v1Mount{"/sys/fs/cgroup/memory", "/"}, "/", "/sys/fs/cgroup/memory", false},
		{v1Mount{"/sys/fs/cgroup/memory", "/docker/abc"}, "/docker/abc", "/sys/fs/cgroup/memory", false},
		{v1Mount{"/sys/fs/cgroup/memory", "/docker/abc"}, "/docker/abc/x", "/sys/fs/cgroup/memory/x", false},
		{v1Mount{"/sys/fs/cgroup/memory", "/docker/abc"}, "/docker/abcd", "", true},
		{v1Mount{"/sys/fs/cgroup/memory", "/docker/abc"}, "/", "", true},
	}
	for _, tt := range tests {
		got, err := tt.m.dirOf(tt.p)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%v.dirOf(%q) = %q, %v; want %q, err %v", tt.m, tt.p, got, err, tt.want, tt.wantErr)
		}
	}
}
