package hostview

import (
	"fmt"
	"path"
	"strings"

	"github.com/little-container/little-container/probes"
)

// Identity names a file exactly: its device and inode, and whether it is a
// directory (a bound file is judged apart from a bound tree).
type Identity struct {
	Dev, Ino uint64
	Dir      bool
}

// Same says whether two identities name the same file.
func (i Identity) Same(o Identity) bool { return i.Dev == o.Dev && i.Ino == o.Ino }

func (i Identity) String() string { return fmt.Sprintf("%d:%d", i.Dev, i.Ino) }

// MountView is one mount of the container's table with the identity of
// what the container sees at its mount point, stat'ed by the host through
// /proc/<pid>/root. Covered: a later mount at the same point hides it.
type MountView struct {
	probes.MountInfo
	ID      Identity
	IDErr   string
	Covered bool
}

// HostObject is something of the host's the container must not see: the
// canary file, a socket, a POSIX shared memory file.
type HostObject struct {
	Name string // for evidence: "canary", "unix socket", ...
	Path string // its host path
	ID   Identity
}

// Accounting is what the container may legitimately show.
type Accounting struct {
	Rootfs   string   // host path of the rootfs
	RootfsID Identity // its identity on the host
	Volumes  []HostObject
	// OwnCgroups are the container's cgroup paths as the host sees them
	// (/proc/<pid>/cgroup): a cgroupfs mount at or below one of them is the
	// container's own.
	OwnCgroups []string
	Objects    []HostObject
}

// Finding is the verdict on one mount, or on one host object seen.
type Finding struct {
	MountPoint string
	Source     string // host path, or fstype and device, of what is mounted
	Kind       string
	Leak       bool
	Detail     string
}

// Kinds of Finding.
const (
	KindRootfs       = "rootfs"
	KindInsideRootfs = "inside the rootfs"
	KindVolume       = "declared volume"
	KindPseudo       = "the runtime's own"
	KindOwnCgroup    = "own cgroup"
	KindFile         = "file bound in"
	KindCovered      = "covered"
	KindNotHost      = "not a host filesystem"
	KindHost         = "host filesystem"
	KindHostObject   = "host object"
	KindUnknown      = "unaccounted"
)

// PseudoTypes are filesystems with no device behind them: a fresh mount is
// a superblock of its own, so one whose device number the host's mount
// table also holds is the host's (a bind, or a namespace shared with it).
var PseudoTypes = map[string]bool{
	"proc": true, "sysfs": true, "tmpfs": true, "devpts": true, "mqueue": true, "devtmpfs": true,
	"securityfs": true, "debugfs": true, "tracefs": true, "bpf": true, "cgroup": true, "cgroup2": true,
	"fusectl": true, "configfs": true, "pstore": true, "hugetlbfs": true, "binfmt_misc": true,
	"autofs": true, "efivarfs": true, "nsfs": true, "ramfs": true,
}

// StatFunc stats a host path.
type StatFunc func(hostPath string) (Identity, error)

// Account judges every mount of the container by identity: the rootfs (or
// a part of it), a pseudo-filesystem with a superblock of its own, a
// declared volume, the container's own cgroup, or a single file bound in
// (noted); a directory whose identity is the host's is a leak, named with
// its mount point and host source. Then every host object is looked for in
// every mount that could show it.
func Account(views []MountView, host []probes.MountInfo, stat StatFunc, a Accounting) []Finding {
	hostDevs := map[string][]probes.MountInfo{}
	for _, m := range host {
		hostDevs[m.MajorMinor()] = append(hostDevs[m.MajorMinor()], m)
	}
	var out []Finding
	for _, m := range views {
		out = append(out, accountOne(m, hostDevs, stat, a))
	}
	for _, o := range a.Objects {
		out = append(out, findObject(o, views, hostDevs, stat)...)
	}
	return out
}

func accountOne(m MountView, hostDevs map[string][]probes.MountInfo, stat StatFunc, a Accounting) Finding {
	f := Finding{MountPoint: m.MountPoint, Source: m.FSType + " " + m.MajorMinor() + " " + m.Root}
	switch {
	case m.Covered:
		f.Kind, f.Detail = KindCovered, "hidden under a later mount at the same point"
		return f
	case m.IDErr != "":
		f.Kind, f.Leak, f.Detail = KindUnknown, false, "host cannot stat it: "+m.IDErr
		return f
	}
	hostPath, mapped := hostPathOf(m, hostDevs, stat)
	if mapped != "" {
		f.Source = hostPath + " (" + m.FSType + " " + m.MajorMinor() + ")"
	}
	switch {
	case m.ID.Same(a.RootfsID):
		f.Kind = KindRootfs
	case mapped != "" && under(hostPath, a.Rootfs):
		f.Kind = KindInsideRootfs
	case isVolume(m.ID, a.Volumes):
		f.Kind = KindVolume
	case m.FSType == "cgroup" || m.FSType == "cgroup2":
		if ownCgroup(m.Root, a.OwnCgroups) {
			f.Kind = KindOwnCgroup
		} else {
			f.Kind, f.Leak = KindHost, true
			f.Detail = "a cgroup hierarchy from " + m.Root + ", not the container's own cgroup"
		}
	case !m.ID.Dir:
		f.Kind, f.Detail = KindFile, "a single file, not a tree"
	case PseudoTypes[m.FSType] && len(hostDevs[m.MajorMinor()]) == 0:
		f.Kind = KindPseudo
	case PseudoTypes[m.FSType]:
		f.Kind, f.Leak = KindHost, true
		f.Detail = "the host's own " + m.FSType + " (its superblock, device " + m.MajorMinor() + ", is mounted on the host at " + hostDevs[m.MajorMinor()][0].MountPoint + ")"
	case mapped != "":
		f.Kind, f.Leak = KindHost, true
		f.Detail = "the host's " + hostPath
	case len(hostDevs[m.MajorMinor()]) == 0:
		f.Kind, f.Detail = KindNotHost, "device "+m.MajorMinor()+" is not mounted on the host"
	default:
		f.Kind, f.Leak = KindHost, true
		f.Detail = "a tree of the host's filesystem on " + m.MajorMinor() + " (mounted on the host at " + hostDevs[m.MajorMinor()][0].MountPoint + ")"
	}
	return f
}

// hostPathOf finds the host path of what m shows: a host mount of the same
// device whose root contains m's root, confirmed by identity. mapped is ""
// when no host path has m's identity.
func hostPathOf(m MountView, hostDevs map[string][]probes.MountInfo, stat StatFunc) (hostPath, mapped string) {
	for _, h := range hostDevs[m.MajorMinor()] {
		rel, ok := relTo(path.Clean(m.Root), path.Clean(h.Root))
		if !ok {
			continue
		}
		p := path.Join(h.MountPoint, rel)
		if id, err := stat(p); err == nil && id.Same(m.ID) {
			return p, p
		}
	}
	return "", ""
}

// findObject looks for o in every mount of its device: where o's host path
// lies below the host path a mount shows, o is visible at the matching
// container path; a leak when the container's file there is o.
func findObject(o HostObject, views []MountView, hostDevs map[string][]probes.MountInfo, stat StatFunc) []Finding {
	var out []Finding
	for _, m := range views {
		if m.Covered || m.IDErr != "" || m.ID.Dev != o.ID.Dev {
			continue
		}
		hostPath, mapped := hostPathOf(m, hostDevs, stat)
		if mapped == "" {
			continue
		}
		rel, ok := relTo(o.Path, hostPath)
		if !ok {
			continue
		}
		out = append(out, Finding{
			MountPoint: path.Join(m.MountPoint, rel), Source: o.Path, Kind: KindHostObject, Leak: true,
			Detail: fmt.Sprintf("the host %s %s (%s) is visible inside at %s, through the mount of %s at %s", o.Name, o.Path, o.ID, path.Join(m.MountPoint, rel), hostPath, m.MountPoint),
		})
	}
	return out
}

func isVolume(id Identity, vols []HostObject) bool {
	for _, v := range vols {
		if v.ID.Same(id) {
			return true
		}
	}
	return false
}

func ownCgroup(root string, own []string) bool {
	for _, o := range own {
		if _, ok := relTo(path.Clean(root), path.Clean(o)); ok {
			return true
		}
	}
	return false
}

// under says whether p is base or below it.
func under(p, base string) bool {
	_, ok := relTo(path.Clean(p), path.Clean(base))
	return ok && base != ""
}

// relTo returns p relative to base ("" for base itself) when p is at or
// below base.
func relTo(p, base string) (string, bool) {
	switch {
	case base == "/":
		return strings.TrimPrefix(p, "/"), true
	case p == base:
		return "", true
	case strings.HasPrefix(p, base+"/"):
		return p[len(base)+1:], true
	}
	return "", false
}

// Leaks are the findings that break isolation.
func Leaks(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Leak {
			out = append(out, f)
		}
	}
	return out
}

func (f Finding) String() string {
	s := f.MountPoint + ": " + f.Kind + " (" + f.Source + ")"
	if f.Detail != "" {
		s += ": " + f.Detail
	}
	return s
}
