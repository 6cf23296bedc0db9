package hostview

import (
	"errors"
	"strings"
	"testing"

	"github.com/little-container/little-container/probes"
)

// A host with / on 8:1, /tmp a directory of it, a tmpfs /dev/shm 0:30, proc
// 0:22 and the rootfs /tmp/r, the canary /tmp/c/canary.
var (
	hostMounts = []probes.MountInfo{
		{Major: 8, Minor: 1, Root: "/", MountPoint: "/", FSType: "ext4"},
		{Major: 0, Minor: 22, Root: "/", MountPoint: "/proc", FSType: "proc"},
		{Major: 0, Minor: 30, Root: "/", MountPoint: "/dev/shm", FSType: "tmpfs"},
		{Major: 0, Minor: 5, Root: "/", MountPoint: "/dev", FSType: "devtmpfs"},
	}
	files = map[string]Identity{
		"/":              {8, 2, true},
		"/tmp/r":         {8, 100, true},
		"/tmp/r/data":    {8, 101, true},
		"/tmp/c":         {8, 200, true},
		"/tmp/c/canary":  {8, 201, false},
		"/srv/vol":       {8, 300, true},
		"/etc":           {8, 400, true},
		"/dev/null":      {5, 6, false},
		"/dev/shm":       {30, 1, true},
		"/dev/shm/lc-fp": {30, 9, false},
	}
	statFake = func(p string) (Identity, error) {
		if id, ok := files[p]; ok {
			return id, nil
		}
		return Identity{}, errors.New("no such file")
	}
	acct = Accounting{Rootfs: "/tmp/r", RootfsID: files["/tmp/r"], OwnCgroups: []string{"/lc/p1"}}
)

func view(maj, min uint32, root, mp, fstype string, id Identity) MountView {
	return MountView{MountInfo: probes.MountInfo{Major: maj, Minor: min, Root: root, MountPoint: mp, FSType: fstype}, ID: id}
}

func TestAccount(t *testing.T) {
	clean := []MountView{
		view(8, 1, "/tmp/r", "/", "ext4", files["/tmp/r"]),
		view(8, 1, "/tmp/r/data", "/data", "ext4", files["/tmp/r/data"]),
		view(0, 40, "/", "/proc", "proc", Identity{40, 1, true}),
		view(0, 41, "/", "/dev", "tmpfs", Identity{41, 1, true}),
		view(0, 5, "/null", "/dev/null", "devtmpfs", files["/dev/null"]),
		view(0, 42, "/", "/sys/fs/cgroup/pids", "cgroup", Identity{42, 1, true}),
	}
	clean[5].Root = "/lc/p1"
	obj := []HostObject{{Name: "canary", Path: "/tmp/c/canary", ID: files["/tmp/c/canary"]}, {Name: "shm", Path: "/dev/shm/lc-fp", ID: files["/dev/shm/lc-fp"]}}
	a := acct
	a.Objects = obj
	if l := Leaks(Account(clean, hostMounts, statFake, a)); len(l) != 0 {
		t.Fatalf("clean container leaks: %v", l)
	}
	for _, c := range []struct {
		name string
		add  MountView
		vols []HostObject
		want string // in the leak's text; "" for no leak
	}{
		{"host / read-only", view(8, 1, "/", "/host", "ext4", files["/"]), nil, "/host: host filesystem (/ (ext4"},
		{"host /etc", view(8, 1, "/etc", "/mnt/etc", "ext4", files["/etc"]), nil, "the host's /etc"},
		{"declared volume", view(8, 1, "/srv/vol", "/vol", "ext4", files["/srv/vol"]), []HostObject{{Name: "v", Path: "/srv/vol", ID: files["/srv/vol"]}}, ""},
		{"canary's directory", view(8, 1, "/tmp/c", "/x/y", "ext4", files["/tmp/c"]), nil, "visible inside at /x/y/canary"},
		{"host /dev/shm", view(0, 30, "/", "/dev/shm", "tmpfs", files["/dev/shm"]), nil, "host shm /dev/shm/lc-fp"},
		{"host proc", view(0, 22, "/", "/hostproc", "proc", Identity{22, 1, true}), nil, "the host's own proc"},
		{"host cgroup hierarchy", func() MountView {
			v := view(0, 42, "/", "/sys/fs/cgroup/memory", "cgroup", Identity{42, 7, true})
			return v
		}(), nil, "not the container's own cgroup"},
		{"canary file itself", view(8, 1, "/tmp/c/canary", "/etc/motd", "ext4", files["/tmp/c/canary"]), nil, "visible inside at /etc/motd"},
		{"covered host mount", func() MountView {
			v := view(8, 1, "/", "/proc", "ext4", files["/"])
			v.Covered = true
			return v
		}(), nil, ""},
	} {
		vs := append(append([]MountView{}, clean...), c.add)
		a := acct
		a.Objects, a.Volumes = obj, c.vols
		leaks := Leaks(Account(vs, hostMounts, statFake, a))
		var text []string
		for _, l := range leaks {
			text = append(text, l.String())
		}
		got := strings.Join(text, "\n")
		switch {
		case c.want == "" && len(leaks) > 0:
			t.Errorf("%s: unexpected leaks %s", c.name, got)
		case c.want != "" && !strings.Contains(got, c.want):
			t.Errorf("%s: leaks %q, want one containing %q", c.name, got, c.want)
		}
	}
}
