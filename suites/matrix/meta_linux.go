package matrix

import (
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// HostMeta describes this machine now.
func HostMeta() *Meta {
	m := &Meta{Date: time.Now().Format(time.RFC3339), CPUs: runtime.NumCPU(), EUID: os.Geteuid()}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		m.OS = PrettyName(string(b))
	}
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		m.Kernel = unix.ByteSliceToString(u.Release[:])
		m.Host = unix.ByteSliceToString(u.Nodename[:])
	}
	switch {
	case exists("/sys/fs/cgroup/cgroup.controllers"):
		m.Cgroup = "v2"
	case exists("/sys/fs/cgroup/unified"):
		m.Cgroup = "hybrid"
	case exists("/sys/fs/cgroup/memory"):
		m.Cgroup = "v1"
	}
	return m
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
