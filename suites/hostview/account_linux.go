package hostview

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/suites/target"
)

// Stat is the host's StatFunc: stat(2), following links.
func Stat(p string) (Identity, error) {
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		return Identity{}, fmt.Errorf("stat %s: %w", p, err)
	}
	return Identity{Dev: uint64(st.Dev), Ino: st.Ino, Dir: st.Mode&unix.S_IFMT == unix.S_IFDIR}, nil
}

// ContainerViews reads the container's mount table from the host and stats
// each mount point through /proc/<pid>/root, which resolves in the
// container's own root and mount namespace: the identity of what the
// container finds there.
func ContainerViews(pid int) ([]MountView, error) {
	ms, err := Mounts(pid)
	if err != nil && len(ms) == 0 {
		return nil, err
	}
	root := fmt.Sprintf("/proc/%d/root", pid)
	views := make([]MountView, len(ms))
	last := map[string]int{}
	for i, m := range ms {
		views[i].MountInfo = m
		last[m.MountPoint] = i
		id, err := Stat(root + m.MountPoint)
		if err != nil {
			views[i].IDErr = err.Error()
			continue
		}
		views[i].ID = id
	}
	for i := range views {
		views[i].Covered = last[views[i].MountPoint] != i
	}
	return views, nil
}

// OwnCgroups lists the cgroup paths of pid as the host sees them.
func OwnCgroups(pid int) []string {
	cg, err := target.ProcCgroups(pid)
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range cg {
		out = append(out, p)
	}
	return out
}

// Object identifies a host object for Accounting.Objects.
func Object(name, p string) (HostObject, error) {
	id, err := Stat(p)
	if err != nil {
		return HostObject{}, err
	}
	return HostObject{Name: name, Path: p, ID: id}, nil
}

// AccountingFor identifies the rootfs, the declared volumes' host paths and
// the host objects (name=path pairs as "canary", path, ...) on the host.
func AccountingFor(rootfs string, volumes []string, objects ...string) (Accounting, error) {
	id, err := Stat(rootfs)
	if err != nil {
		return Accounting{}, err
	}
	a := Accounting{Rootfs: rootfs, RootfsID: id}
	for _, v := range volumes {
		o, err := Object("volume", v)
		if err != nil {
			return a, err
		}
		a.Volumes = append(a.Volumes, o)
	}
	for i := 0; i+1 < len(objects); i += 2 {
		o, err := Object(objects[i], objects[i+1])
		if err != nil {
			return a, err
		}
		a.Objects = append(a.Objects, o)
	}
	return a, nil
}

// AccountMounts accounts for every mount of the container process pid
// against a, reading both sides from the host.
func AccountMounts(pid int, a Accounting) ([]Finding, error) {
	views, err := ContainerViews(pid)
	if err != nil {
		return nil, err
	}
	host, err := HostMounts()
	if err != nil {
		return nil, err
	}
	a.OwnCgroups = OwnCgroups(pid)
	return Account(views, host, Stat, a), nil
}
