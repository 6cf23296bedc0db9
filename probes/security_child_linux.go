package probes

// Security probe, attempts that need a fresh process (stable names; see
// security_linux.go and the re-exec protocol in reexec_linux.go):
//
//	unshare-userns      re-exec of the "caps" probe with unshare(CLONE_NEWUSER
//	                    |CLONE_NEWNS) done in the forked child before exec
//	                    (the only single-threaded moment a Go process has).
//	                    succeeded = unshared (bad: the container can regain a
//	                    full capability set in a new user namespace); Detail
//	                    carries the child's uid and cap-eff. failed + Errno:
//	                    EPERM (seccomp, or user namespaces restricted), ENOSPC
//	                    (user.max_user_namespaces), EINVAL.
//	setns-inherited-fd  descriptors 3+ whose /proc/self/fd link names a
//	                    namespace ("net:[…]", "mnt:[…]", …) and which is
//	                    not the probe's own namespace of that type; each is
//	                    handed as fd 3 to a re-exec'd "security-child -mode
//	                    setns" that calls setns(3, 0) on a locked thread.
//	                    unsupported when none is inherited. succeeded = some
//	                    setns worked; for mnt, EINVAL also counts, because
//	                    the kernel checks permission first and then refuses
//	                    only because a Go process is multi-threaded. Value =
//	                    number of foreign namespace descriptors.
//	setuid-gain         -setuid-helper PATH (a setuid-root copy of this
//	                    probe in the rootfs; unsupported without it or when
//	                    it is not setuid root). If the probe runs as root it
//	                    first proves it can drop to 65534 (setgroups, setgid,
//	                    setuid in the forked child, running itself), else
//	                    unsupported; then it runs the helper as 65534 (or as
//	                    itself when already not root) in mode "euid".
//	                    succeeded = the helper ran with euid 0 (bad); failed
//	                    = euid stayed (nosuid mount, no_new_privs, user
//	                    namespace without root mapped). Value = "real/effective".
//
// The internal probe "security-child" has two modes:
//
//	-mode euid                   attempt "euid", Value "real/effective" uid.
//	-mode setns -fd N -nstype T  attempt "setns": setns(N, 0).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func init() {
	Register("security-child", "internal: one security attempt in a re-exec'd copy (run by security)", 5*time.Second, runSecurityChild)
}

const (
	secChildTimeout = 2 * time.Second // per re-exec'd attempt; all of them fit the 20 s deadline
	secMaxSetns     = 3               // namespace descriptors tried, at most
	secNobody       = 65534
)

func runSecurityChild(env *Env) error {
	fs := NewFlags("security-child")
	mode := fs.String("mode", "", "euid | setns")
	fd := fs.Int("fd", 3, "namespace descriptor (setns)")
	nstype := fs.String("nstype", "", "namespace type of -fd (setns)")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("security-child: %w", err)
	}
	r := env.Report
	switch *mode {
	case "euid":
		RecordValue(r, "euid", nil, fmt.Sprintf("%d/%d", unix.Getuid(), unix.Geteuid()), "")
	case "setns":
		runtime.LockOSThread() // the namespace change stays on this thread; it dies with the process
		err := unix.Setns(*fd, 0)
		RecordValue(r, "setns", secWrap(fmt.Sprintf("setns %d (%s)", *fd, *nstype), err), *nstype, "")
	default:
		return fmt.Errorf("security-child: unknown -mode %q", *mode)
	}
	return nil
}

func secUnshareUserNS(r *Report, fp *Fingerprints) {
	const name = "unshare-userns"
	ctx, cancel := context.WithTimeout(context.Background(), secChildTimeout)
	defer cancel()
	cmd, err := childCommand(ctx, "caps", fp)
	if err != nil {
		r.Unsupported(name, "re-exec: "+err.Error())
		return
	}
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: unix.CLONE_NEWUSER | unix.CLONE_NEWNS}
	rep, err := runChildReport(cmd)
	if err != nil {
		var errno unix.Errno
		if !errors.As(err, &errno) {
			r.Unsupported(name, "re-exec: "+err.Error())
			return
		}
		why := "refused: " + errText(errno)
		switch errno {
		case unix.EPERM:
			why = "seccomp, or user namespaces restricted (sysctl, LSM)"
		case unix.ENOSPC:
			why = "user.max_user_namespaces reached or 0"
		case unix.EINVAL:
			why = "EINVAL (chroot'ed caller or a kernel without user namespaces)"
		}
		RecordValue(r, name, fmt.Errorf("unshare(CLONE_NEWUSER|CLONE_NEWNS): %w", errno), "", why)
		return
	}
	var ev []string
	for _, n := range []string{"uid", "cap-eff"} {
		if a, ok := rep.Attempt(n); ok {
			ev = append(ev, n+" "+strconv.Quote(a.Value))
		}
	}
	RecordValue(r, name, nil, "", "unshared a user and mount namespace; child "+strings.Join(ev, ", "))
}

func secSetnsInherited(r *Report, fp *Fingerprints) {
	const name = "setns-inherited-fd"
	fds, err := listFDs()
	if err != nil {
		r.Unsupported(name, "list descriptors: "+err.Error())
		return
	}
	var hits, notes []string
	found := 0
	for _, f := range fds {
		t := nsLinkType(f.Link)
		if f.FD < 3 || t == "" {
			continue
		}
		if own := secOwnNS(t, f.FD); own {
			notes = append(notes, fmt.Sprintf("fd %d %s: own namespace", f.FD, f.Link))
			continue
		}
		found++
		if found > secMaxSetns {
			continue
		}
		hit, ev := secSetnsChild(fp, f.FD, t)
		line := fmt.Sprintf("fd %d %s: %s", f.FD, f.Link, ev)
		if hit {
			hits = append(hits, line)
		} else {
			notes = append(notes, line)
		}
	}
	switch {
	case len(hits) > 0:
		RecordValue(r, name, nil, strconv.Itoa(found), "joined: "+strings.Join(append(hits, notes...), "; "))
	case found == 0:
		a := Attempt{Name: name, Outcome: Unsupported, Value: "0", Detail: "none inherited"}
		if len(notes) > 0 {
			a.Detail += " (" + strings.Join(notes, "; ") + ")"
		}
		r.Attempts = append(r.Attempts, a)
	default:
		RecordValue(r, name, errors.New("no setns worked"), strconv.Itoa(found), strings.Join(notes, "; "))
	}
}

// secOwnNS says whether descriptor fd names the probe's own namespace of
// type t (then joining it proves nothing).
func secOwnNS(t string, fd int) bool {
	mine, err := StatNSID("/proc/self/ns/" + t)
	if err != nil {
		return false
	}
	theirs, err := StatNSID("/proc/self/fd/" + strconv.Itoa(fd))
	return err == nil && mine == theirs
}

// secSetnsChild hands fd to a child as descriptor 3 and says whether it
// could join the namespace, with the evidence.
func secSetnsChild(fp *Fingerprints, fd int, t string) (bool, string) {
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return false, "dup: " + errText(err)
	}
	f := os.NewFile(uintptr(dup), "ns-"+strconv.Itoa(fd))
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), secChildTimeout)
	defer cancel()
	cmd, err := childCommand(ctx, "security-child", fp, "-mode", "setns", "-fd", "3", "-nstype", t)
	if err != nil {
		return false, "re-exec: " + err.Error()
	}
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{f}
	rep, err := runChildReport(cmd)
	if err != nil {
		return false, "re-exec: " + err.Error()
	}
	a, err := childAttempt(rep, "setns")
	if err != nil {
		return false, err.Error()
	}
	switch {
	case a.Outcome == Succeeded:
		return true, "setns worked"
	case t == "mnt" && a.Errno == "EINVAL":
		return true, "permission granted; EINVAL only because this process is multi-threaded"
	case t == "user" && a.Errno == "EINVAL":
		return false, "EINVAL: ambiguous for user namespaces (multi-threaded caller is refused before the permission check)"
	}
	return false, a.Errno + " " + a.Detail
}

func secSetuidGain(r *Report, fp *Fingerprints, f *secFlags) {
	const name = "setuid-gain"
	helper := f.setuidHelper
	if helper == "" {
		r.Unsupported(name, "no -setuid-helper given")
		return
	}
	var st unix.Stat_t
	if err := unix.Stat(helper, &st); err != nil {
		r.Unsupported(name, fmt.Sprintf("stat %s: %s", helper, errText(err)))
		return
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Mode&unix.S_ISUID == 0 || st.Uid != 0 {
		r.Unsupported(name, fmt.Sprintf("%s is not a setuid-root file (mode %o, uid %d)", helper, st.Mode, st.Uid))
		return
	}
	var cred *syscall.Credential
	how := "as uid " + strconv.Itoa(unix.Geteuid())
	if unix.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: secNobody, Gid: secNobody, Groups: []uint32{}}
		how = "as 65534 (dropped from root)"
		self, err := selfExe()
		if err != nil {
			r.Unsupported(name, "find own binary: "+err.Error())
			return
		}
		// Control: the drop itself must work, or the test says nothing.
		if v, err := secEuidChild(fp, self, cred); err != nil || v != "65534/65534" {
			r.Unsupported(name, fmt.Sprintf("cannot drop to 65534 to run the helper: %v (euid %q)", err, v))
			return
		}
	}
	v, err := secEuidChild(fp, helper, cred)
	if err != nil {
		var errno unix.Errno
		if errors.As(err, &errno) {
			RecordValue(r, name, fmt.Errorf("run %s %s: %w", helper, how, errno), "", openDefence(errno))
			return
		}
		r.Unsupported(name, fmt.Sprintf("run %s %s: %v", helper, how, err))
		return
	}
	nnp, _ := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	detail := fmt.Sprintf("helper %s run %s reports uid/euid %s (no_new_privs of the probe: %d)", helper, how, v, nnp)
	if _, eff, ok := strings.Cut(v, "/"); ok && eff == "0" {
		RecordValue(r, name, nil, v, "gained euid 0: "+detail)
		return
	}
	RecordValue(r, name, errors.New("euid not gained (nosuid mount, no_new_privs or unmapped root)"), v, detail)
}

// secEuidChild runs bin in mode euid with cred (nil keeps ours) and returns
// its "real/effective" uid.
func secEuidChild(fp *Fingerprints, bin string, cred *syscall.Credential) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), secChildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "security-child", "--fp", fp.Encode(), "-mode", "euid")
	cmd.Args[0] = "probe"
	cmd.Env = []string{}
	cmd.Dir = "/"
	cmd.WaitDelay = time.Second
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	rep, err := runChildReport(cmd)
	if err != nil {
		return "", err
	}
	a, err := childAttempt(rep, "euid")
	if err != nil {
		return "", err
	}
	return a.Value, nil
}
