package security

import (
	"fmt"
	"strings"

	"github.com/little-container/little-container/probes"
	"github.com/little-container/little-container/suites/check"
	"github.com/little-container/little-container/suites/matrix"
)

// Host is what the suite established on the host before the run. A path
// the host itself cannot read (or open) proves nothing when the container
// cannot either, so it is noted, not counted as a defence.
type Host struct {
	// Present maps a /proc path to "" when the host can read it (masked
	// paths: more than 0 bytes; read-only paths: it exists), or to why not.
	Present map[string]string
	// FilterErrno is the errno name the runtime's seccomp filter answers.
	FilterErrno string
}

// Reports are the probe reports of one row's run(s).
type Reports struct {
	Caps     *probes.Report // the caps probe (capabilities, no-new-privs)
	Security *probes.Report // the security probe (every other row)
}

// Judge decides technique from the reports into v. A control is judged by
// its own technique only; a check also judges the extra evidence attached
// to its row (see the package comment).
func Judge(v *matrix.Verdict, technique string, r Reports, control bool, h Host) {
	switch technique {
	case Caps:
		judgeCaps(v, r.Caps)
	case NoNewPrivs:
		judgeNoNewPrivs(v, r.Caps, r.Security)
	case Seccomp:
		judgeSeccomp(v, r.Security, control, h.FilterErrno)
	case Mounts:
		judgeMounts(v, r.Security, control)
	case Masked:
		judgeMasked(v, r.Security, control, h)
	case Readonly:
		judgeReadonly(v, r.Security, h)
	case Devices:
		judgeDevices(v, r.Security)
	case Handle:
		judgeHandle(v, r.Security)
	case Userns:
		blocked(v, r.Security, "unshare-userns", "unshare(CLONE_NEWUSER|CLONE_NEWNS) worked: a user namespace of its own, where the caller holds every capability over what it creates",
			map[string]string{"EPERM": "refused before any namespace was made: the seccomp filter denies unshare with CLONE_NEWUSER|CLONE_NEWNS (the unconfined control lets the same call through), or the kernel refuses a chrooted caller"})
	case Modules:
		blocked(v, r.Security, "finit-module", "finit_module got past the CAP_SYS_MODULE check",
			map[string]string{"EPERM": "no CAP_SYS_MODULE, and finit_module is in the seccomp deny list (the control needs both weakenings)"})
	case Keyring:
		blocked(v, r.Security, "keyring-host-key", "the host's planted key found from inside",
			map[string]string{
				"EPERM":  "seccomp: keyctl is denied by the filter",
				"ENOKEY": "keyrings isolated: the key is not in this user's keyrings",
			})
	case Kallsyms:
		blocked(v, r.Security, "kallsyms-addresses", "kernel symbol addresses visible",
			map[string]string{"": "addresses read as zeros: kptr_restrict in force and no CAP_SYSLOG (the SYSLOG control shows them)"})
	case HostProc:
		check.NotReached(v, r.Security, "kill-sentinel", "host sentinel process", []string{"ESRCH"}, []string{"EPERM"})
		check.NotReached(v, r.Security, "pidfd-open-sentinel", "host sentinel process", []string{"ESRCH"}, []string{"EPERM"})
		if len(v.Leaks) == 0 {
			v.Note("kill(pid, 0) and pidfd_open stopped (ESRCH): pid namespace, the host pid does not exist inside")
		}
	case Abstract:
		check.NotReached(v, r.Security, "abstract-socket", "host abstract unix socket", []string{"ECONNREFUSED"}, nil)
		if len(v.Leaks) == 0 {
			v.Note("connect to the host's abstract name stopped (ECONNREFUSED): network namespace, the name does not exist in the container's")
		}
		if !control {
			extra(v, r.Security, "runtime-sockets", "a runtime API socket reachable")
		}
	case Setns:
		judgeSetns(v, r.Security)
	case Proc1:
		judgeProc1(v, r.Security)
	default:
		v.Problem("unknown technique %q", technique)
	}
}

// blocked judges one attempt whose success is the escape: succeeded is a
// leak, unsupported a skip; a failure is the defence, named by errno.
func blocked(v *matrix.Verdict, rep *probes.Report, name, what string, defences map[string]string) {
	a, ok := check.Attempt(v, rep, name)
	if !ok {
		return
	}
	switch a.Outcome {
	case probes.Succeeded:
		v.Leak("%s: %s (%s %s)", name, what, a.Value, a.Detail)
	case probes.Unsupported:
		v.Skip(name + " not tried: " + a.Detail)
	default:
		why, ok := defences[a.Errno]
		if !ok {
			why = "refused with " + a.Errno + ": " + a.Detail
		}
		v.Note("%s stopped (%s): %s", name, orNone(a.Errno), why)
	}
}

// extra judges an attempt attached to a check as extra evidence: success
// is a leak, anything else is only noted.
func extra(v *matrix.Verdict, rep *probes.Report, name, what string) {
	a, ok := check.Attempt(v, rep, name)
	if ok && a.Outcome == probes.Succeeded {
		v.Leak("%s: %s (%s %s)", name, what, a.Value, a.Detail)
	}
}

func orNone(errno string) string {
	if errno == "" {
		return "no errno"
	}
	return errno
}

// verdictWord is the first word of a syscall-<name> Detail: seccomp,
// kernel or ambiguous (probes.Verdict*).
func verdictWord(detail string) string {
	w, _, _ := strings.Cut(detail, ":")
	return strings.TrimSpace(w)
}

func judgeSeccomp(v *matrix.Verdict, rep *probes.Report, control bool, filter string) {
	tried := 0
	// In the control, a call that still answers the filter's errno is the
	// kernel's own refusal when the kernel says no filter is installed at
	// all (gVisor answers mount without CAP_SYS_ADMIN with EPERM);
	// otherwise the control cannot attribute the check's errno to seccomp.
	unfiltered := false
	if rep != nil {
		if a, ok := rep.Attempt("seccomp-filters"); ok && a.Outcome == probes.Succeeded && a.Value == "0" {
			unfiltered = true
		}
	}
	for _, c := range DeniedCalls {
		name := "syscall-" + c
		a, ok := check.Attempt(v, rep, name)
		if !ok {
			continue
		}
		if a.Outcome == probes.Unsupported {
			continue // noted by Attempt
		}
		tried++
		word := verdictWord(a.Detail)
		switch {
		case word == probes.VerdictKernel && control:
			v.Leak("%s reached the kernel without the filter (%s)", c, a.Errno)
		case word == probes.VerdictKernel:
			v.Leak("%s reached the kernel (%s): the filter does not deny it", c, a.Errno)
		case control && word == probes.VerdictAmbiguous:
			v.Note("%s still %s without the filter: the kernel's own capability check (the capability is not held)", c, a.Errno)
		case control && unfiltered:
			v.Note("%s still %s with no seccomp filter installed (Seccomp: 0): the kernel's own refusal", c, a.Errno)
		case control:
			v.Broken("%s still answered %s with the filter removed: the control cannot attribute the check's %s to seccomp", c, a.Errno, filter)
		case a.Errno != filter:
			v.Problem("%s answered %s, neither the filter's %s nor a kernel verdict: %s", c, a.Errno, filter, a.Detail)
		case word == probes.VerdictAmbiguous:
			v.Note("%s: %s from the filter or the capability check; the unconfined control shows the filter's part", c, a.Errno)
		default:
			v.Note("%s: stopped by seccomp (%s, the filter's errno; an allowed call fails otherwise)", c, a.Errno)
		}
	}
	if tried == 0 {
		v.Skip("no denied syscall could be tried")
	}
	if !control && rep != nil {
		if a, ok := rep.Attempt("syscall-unshare"); ok {
			v.Note("syscall-unshare is flag-filtered, not denied: its bad flag 0x1 reaches the kernel (%s), as it should", a.Errno)
		}
	}
}

func judgeMounts(v *matrix.Verdict, rep *probes.Report, control bool) {
	for _, n := range []string{"mount-tmpfs", "mount-proc", "mount-cgroup"} {
		blocked(v, rep, n, "mounted inside the container",
			map[string]string{"EPERM": "no CAP_SYS_ADMIN, and mount(2) is in the seccomp deny list (the control needs both weakenings)"})
	}
	if control {
		return
	}
	for _, n := range []string{"cgroup-write-own-limit", "cgroup-move-parent", "open-release-agent-w"} {
		a, ok := check.Attempt(v, rep, n)
		if !ok {
			continue
		}
		switch {
		case a.Outcome == probes.Succeeded:
			v.Leak("%s: opened %s for writing (never written)", n, a.Value)
		case a.Errno == "ENOENT":
			v.Note("%s: ENOENT: no cgroupfs in the container, and mounting one is refused above", n)
		default:
			v.Note("%s stopped (%s): %s", n, orNone(a.Errno), a.Detail)
		}
	}
}

func judgeMasked(v *matrix.Verdict, rep *probes.Report, control bool, h Host) {
	shown := 0
	for _, m := range MaskedReads {
		a, ok := check.Attempt(v, rep, m.Attempt)
		if !ok {
			continue
		}
		why, known := h.Present[m.Path]
		hostReads := known && why == ""
		if hostReads {
			shown++
		}
		switch {
		case a.Outcome == probes.Succeeded:
			v.Leak("%s: read %s bytes of %s", m.Attempt, a.Value, m.Path)
		case a.Outcome == probes.Unsupported:
			v.Note("%s not tried: %s", m.Attempt, a.Detail)
		case !hostReads:
			v.Note("%s: %s inside, but the host cannot read %s either (%s): proves nothing", m.Attempt, orNone(a.Errno), m.Path, why)
		case a.Errno == "":
			v.Note("%s: masked: %s opens and reads 0 bytes (bound to /dev/null)", m.Attempt, m.Path)
		case a.Errno == "ENOENT":
			v.Note("%s: masked: %s hidden (ENOENT) although the host has it", m.Attempt, m.Path)
		default:
			v.Note("%s stopped (%s): %s", m.Attempt, a.Errno, a.Detail)
		}
	}
	if shown == 0 {
		v.Skip("the host itself reads none of the masked paths: nothing to hide")
	}
	if !control {
		extra(v, rep, "read-dev-mem", "/dev/mem readable")
	}
}

func judgeReadonly(v *matrix.Verdict, rep *probes.Report, h Host) {
	shown := 0
	for _, o := range ReadonlyOpens {
		a, ok := check.Attempt(v, rep, o.Attempt)
		if !ok {
			continue
		}
		why, known := h.Present[o.Path]
		onHost := known && why == ""
		if onHost {
			shown++
		}
		switch {
		case a.Outcome == probes.Succeeded:
			v.Leak("%s: opened %s for writing (closed without writing)", o.Attempt, o.Path)
		case !onHost:
			v.Note("%s: %s inside, but the host has no %s (%s): proves nothing", o.Attempt, orNone(a.Errno), o.Path, why)
		case a.Errno == "EROFS":
			v.Note("%s: EROFS: read-only bind mount", o.Attempt)
		case a.Errno == "ENOENT":
			v.Note("%s: ENOENT: hidden although the host has it", o.Attempt)
		default:
			v.Note("%s stopped (%s): %s", o.Attempt, orNone(a.Errno), a.Detail)
		}
	}
	if shown == 0 {
		v.Skip("the host has none of the read-only paths")
	}
}

func judgeDevices(v *matrix.Verdict, rep *probes.Report) {
	if a, ok := check.Attempt(v, rep, "mknod-blockdev"); ok && a.Outcome == probes.Unsupported {
		v.Skip("mknod-blockdev not tried: " + a.Detail)
		return
	}
	blocked(v, rep, "read-blockdev", "a block device of the host (its root disk, or a loop device made for the check) read from inside",
		map[string]string{
			"EACCES": "nodev mount: the node was made (CAP_MKNOD, as runc) but cannot be opened",
			"EPERM":  "devices cgroup allow-list",
		})
}

func judgeHandle(v *matrix.Verdict, rep *probes.Report) {
	blocked(v, rep, "open-by-handle", "the host canary opened by its file handle",
		map[string]string{
			"EPERM":  "open_by_handle_at is in the seccomp deny list, and CAP_DAC_READ_SEARCH is not held (the control needs both)",
			"ESTALE": "the handle does not resolve on the filesystem of the container's / (weak evidence)",
			"EINVAL": "the handle is not valid on the filesystem of the container's / (weak evidence)",
		})
}

func judgeSetns(v *matrix.Verdict, rep *probes.Report) {
	a, ok := check.Attempt(v, rep, "setns-inherited-fd")
	if !ok {
		return
	}
	switch {
	case a.Outcome == probes.Succeeded:
		v.Leak("setns-inherited-fd: joined a host namespace through an inherited descriptor (%s)", a.Detail)
	case a.Outcome == probes.Unsupported && a.Value == "0":
		v.Note("setns-inherited-fd: the host mnt namespace descriptor leaked into the runtime never reached the container (closed at exec); setns is also in the seccomp deny list")
	case a.Outcome == probes.Unsupported:
		v.Skip("setns-inherited-fd not tried: " + a.Detail)
	default:
		v.Note("setns-inherited-fd: descriptor inherited but setns refused: %s", a.Detail)
	}
}

func judgeProc1(v *matrix.Verdict, rep *probes.Report) {
	blocked(v, rep, "proc1-exe", "PID 1 of the container is the runtime binary of the host",
		map[string]string{"": "PID 1 is the command itself: the runtime exec'd it and is not reachable through /proc/1/exe"})
	v.Note("no control: no weakening of the runtime keeps it resident as the container's PID 1")
}

// describeSet is "N: A,B,C" for evidence.
func describeSet(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d: %s", len(names), strings.Join(names, ","))
}
