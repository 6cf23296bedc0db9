package namespaces

import (
	"strconv"
	"strings"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
)

// HostSide is what the host observed around one run.
type HostSide struct {
	// MountSeenInside: the probe's tmpfs appeared in the container's own
	// mountinfo, read from the host while it held.
	MountSeenInside bool
	// MountLeaks are host mount points with the probe's tmpfs source, seen
	// in the host's mountinfo while the container held its mount.
	MountLeaks []string
	// InsideProc: the container's own mountinfo has a /proc mount, so the
	// runtime made mounts whose propagation RootfsMountsOnHost tests.
	InsideProc bool
	// RootfsMountsOnHost are host mount points below the rootfs while the
	// container lived: the runtime's mounts leaking into the host namespace.
	RootfsMountsOnHost []string
	// HostnameBefore/After are the host's hostname around the run.
	HostnameBefore, HostnameAfter string
	// CgroupDirs is the container's cgroup membership as the host sees it.
	CgroupDirs map[string]string
	// Sandboxed says why the container's processes are not host processes
	// (gVisor); Held that the probe then said it holds.
	Sandboxed string
	Held      bool
}

// MaxOwnTree bounds how many pids a container's own process tree may show.
const MaxOwnTree = 8

// Judge decides one namespace from the probe report and the host side. v
// already holds the run's evidence (see check.Judge).
func Judge(v *matrix.Verdict, ns string, rep *probes.Report, fp *probes.Fingerprints, hs HostSide) {
	if rep == nil {
		return
	}
	if hs.Sandboxed != "" {
		v.Note("the container's processes are not host processes (%s): judged by what the probe reaches of the host and what the host sees of it", hs.Sandboxed)
	}
	if check.Unimplemented(v, rep, rowAttempts[ns]...) {
		return
	}
	check.NamespaceDiffers(v, rep, fp.Namespaces, ns)
	switch ns {
	case "pid":
		judgePID(v, rep)
	case "mnt":
		if hs.Sandboxed != "" {
			judgeSandboxMnt(v, rep, hs)
			break
		}
		judgeMnt(v, rep, hs)
	case "uts":
		judgeUTS(v, rep, fp, hs)
	case "ipc":
		check.NotReached(v, rep, "ipc-shm", "host SysV shared memory", []string{"ENOENT"}, []string{"EACCES", "EPERM"})
		check.NotReached(v, rep, "ipc-msg", "host SysV message queue", []string{"ENOENT"}, []string{"EACCES", "EPERM"})
	case "net":
		judgeNet(v, rep)
	case "cgroup":
		judgeCgroup(v, rep, hs)
	case "user":
		judgeUser(v, rep)
	}
}

// rowAttempts are the attempts each row decides from: a row whose every
// attempt the kernel under the container does not implement skips.
var rowAttempts = map[string][]string{
	"pid":    {"ns-pid", "kill-sentinel", "pid-visible", "pid-self"},
	"mnt":    {"ns-mnt", "mount-tmpfs", "host-root-mount-visible"},
	"uts":    {"ns-uts", "hostname"},
	"ipc":    {"ns-ipc", "ipc-shm", "ipc-msg"},
	"net":    {"ns-net", "net-interfaces", "net-tcp-host", "net-abstract-host"},
	"cgroup": {"ns-cgroup", "cgroup-self"},
	"user":   {"ns-user", "uid-map"},
}

// judgeSandboxMnt decides the mnt row of a sandboxed container: the
// probe's tmpfs must have been mounted inside (it is the instrument) and
// neither it nor any of the runtime's mounts may show in the host's
// mountinfo.
func judgeSandboxMnt(v *matrix.Verdict, rep *probes.Report, hs HostSide) {
	a, ok := check.Attempt(v, rep, "mount-tmpfs")
	switch {
	case !hs.Held:
		v.Problem("the probe never said it holds, so the host had nothing to look for")
	case !ok || a.Outcome != probes.Succeeded:
		v.Problem("nothing mounted inside to test: probe mount refused (%s)", a.Errno)
	}
	if len(hs.MountLeaks) > 0 {
		v.Leak("mount made inside appeared on the host at %s", strings.Join(hs.MountLeaks, ", "))
	}
	if len(hs.RootfsMountsOnHost) > 0 {
		v.Leak("container mounts appear in the host's mountinfo: %s", strings.Join(hs.RootfsMountsOnHost, ", "))
	}
	v.Note("the probe's tmpfs lives in the sandbox's kernel; the host's mountinfo, read while it held, shows no trace of it")
	check.NotReached(v, rep, "host-root-mount-visible", "host root mount", nil, nil)
}

func judgePID(v *matrix.Verdict, rep *probes.Report) {
	check.NotReached(v, rep, "kill-sentinel", "host sentinel process", []string{"ESRCH"}, []string{"EPERM"})
	if a, ok := check.Attempt(v, rep, "pid-visible"); ok {
		n, err := strconv.Atoi(a.Value)
		switch {
		case a.Outcome != probes.Succeeded || err != nil:
			v.Problem("pid-visible unreadable: %s %s", a.Errno, a.Detail)
		case n > MaxOwnTree:
			v.Leak("%d processes visible in /proc, more than its own tree (max %d)", n, MaxOwnTree)
		}
	}
	if a, ok := check.Attempt(v, rep, "pid-self"); ok {
		if n, err := strconv.Atoi(a.Value); err != nil || n > MaxOwnTree {
			v.Leak("probe's own pid is %s: numbered by the host's pid namespace", a.Value)
		}
	}
}

func judgeMnt(v *matrix.Verdict, rep *probes.Report, hs HostSide) {
	a, ok := check.Attempt(v, rep, "mount-tmpfs")
	probeMounted := ok && a.Outcome == probes.Succeeded
	switch {
	case probeMounted && !hs.MountSeenInside:
		v.Problem("the probe's tmpfs never appeared in the container's mountinfo while it held")
	case !probeMounted && !hs.InsideProc:
		v.Problem("nothing mounted inside to test: probe mount refused (%s) and no /proc mount in the container", a.Errno)
	case !probeMounted:
		v.Note("probe could not mount (%s): judged by the runtime's own mounts", a.Errno)
	}
	if len(hs.MountLeaks) > 0 {
		v.Leak("mount made inside appeared on the host at %s", strings.Join(hs.MountLeaks, ", "))
	}
	if len(hs.RootfsMountsOnHost) > 0 {
		v.Leak("container mounts appear in the host's mountinfo: %s", strings.Join(hs.RootfsMountsOnHost, ", "))
	}
	v.Note("container has /proc mounted: %v; probe tmpfs seen inside: %v", hs.InsideProc, hs.MountSeenInside)
	check.NotReached(v, rep, "host-root-mount-visible", "host root mount", nil, nil)
}

func judgeUTS(v *matrix.Verdict, rep *probes.Report, fp *probes.Fingerprints, hs HostSide) {
	if a, ok := check.Attempt(v, rep, "hostname"); ok {
		if a.Value != fp.WantHostname {
			v.Leak("hostname inside is %q, not the requested %q", a.Value, fp.WantHostname)
		}
	}
	if hs.HostnameAfter != hs.HostnameBefore {
		v.Leak("host hostname changed from %q to %q", hs.HostnameBefore, hs.HostnameAfter)
	}
	v.Note("host hostname before/after: %q/%q", hs.HostnameBefore, hs.HostnameAfter)
}

func judgeNet(v *matrix.Verdict, rep *probes.Report) {
	if a, ok := check.Attempt(v, rep, "net-interfaces"); ok {
		if a.Outcome != probes.Succeeded {
			v.Problem("net-interfaces: %s %s", a.Errno, a.Detail)
		} else if a.Value != "lo" {
			v.Leak("interfaces visible: %s (want only lo)", a.Value)
		}
	}
	if a, ok := check.Attempt(v, rep, "net-lo-up"); ok && a.Outcome != probes.Succeeded {
		// A loopback that is down is more isolated, not less: a note
		// about usability, never a leak.
		v.Note("lo is not up inside (%s): a usability difference, not an isolation one", a.Detail)
	}
	check.NotReached(v, rep, "net-tcp-host", "host loopback TCP listener", nil, nil)
	check.NotReached(v, rep, "net-abstract-host", "host abstract unix socket", nil, nil)
}

func judgeCgroup(v *matrix.Verdict, rep *probes.Report, hs HostSide) {
	a, ok := check.Attempt(v, rep, "cgroup-self")
	if !ok {
		return
	}
	if a.Outcome != probes.Succeeded {
		v.Problem("cgroup-self: %s %s", a.Errno, a.Detail)
		return
	}
	for _, line := range strings.Split(strings.TrimSpace(a.Value), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) == 3 && parts[2] != "/" {
			v.Leak("cgroup %q is %s inside, not the root of its hierarchy", parts[1], parts[2])
		}
	}
	for ctrl, p := range hs.CgroupDirs {
		if p != "/" && strings.Contains(a.Value, p) {
			v.Leak("host cgroup path %s (%s) visible inside", p, ctrl)
		}
	}
	v.Note("host sees the container in: %v", hs.CgroupDirs)
}

func judgeUser(v *matrix.Verdict, rep *probes.Report) {
	a, ok := check.Attempt(v, rep, "uid-map")
	if !ok {
		return
	}
	if a.Outcome != probes.Succeeded {
		v.Problem("uid-map: %s %s", a.Errno, a.Detail)
		return
	}
	outside, found := RootMapsTo(a.Value)
	switch {
	case !found:
		v.Problem("uid 0 is not mapped inside: %q", a.Value)
	case outside == 0:
		v.Leak("uid 0 inside is uid 0 on the host (uid_map %q)", oneLine(a.Value))
	}
}

// RootMapsTo parses uid_map text and returns the host uid that uid 0 inside
// maps to, and whether uid 0 is mapped at all.
func RootMapsTo(uidMap string) (uint64, bool) {
	for _, r := range ParseIDMap(uidMap) {
		if r.Inside == 0 {
			return r.Outside, true
		}
	}
	return 0, false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
