package probes

// Probe "escape": can the container reach the host's root filesystem?
//
// Every technique compares the (dev, ino) of the directory it reached with
// the host root's (FP.RootDev, FP.RootIno) and tries to read FP.CanaryPath
// there, comparing its sha256 with FP.CanarySHA256. It only looks: stat,
// open O_RDONLY, read. Attempts (stable names):
//
//	root-dotdot              stat("/..") vs stat("/") and the host root.
//	                         Value "dev:ino" of "/..". succeeded = host root.
//	chroot-climb             re-exec'd child: chroot(tmpdir), chdir("..") x256,
//	                         chroot("."), then stat "/" and read the canary.
//	                         Value "dev:ino" of the final "/". succeeded = host
//	                         reached; failed+Errno when chroot is refused
//	                         (EPERM); failed, Detail "stayed inside: ..." when
//	                         it ran but did not reach.
//	fd-leak                  descriptors 3+ inherited across exec (FD_CLOEXEC
//	                         clear; see fdInherited), each listed in Detail with
//	                         its link and flag. Each inherited directory is
//	                         fchdir'd to in a re-exec'd child, which climbs ".."
//	                         and checks. Value = number of inherited fds.
//	                         succeeded = some fd reached the host.
//	cwd-outside              re-exec'd child keeping the inherited cwd:
//	                         getcwd(2) (raw; "(unreachable)..." when outside
//	                         the root), stat ".", climb ".." and check.
//	                         Value = getcwd text. succeeded = host reached.
//	proc-root                /proc/<pid>/root/ and /proc/<pid>/cwd/ of every
//	                         visible pid, and the canary via
//	                         /proc/<pid>/root<CanaryPath>. Value = number of
//	                         hits; Detail names them. succeeded = any hit.
//	canary-direct            open FP.CanaryPath directly (failed ENOENT
//	                         expected). Value "match" or "differs".
//	host-root-mount-visible  /proc/self/mountinfo holds a mount of device
//	                         FP.RootMount with root "/": the host's whole root
//	                         filesystem is mounted. Value = its mount point.
//
// An attempt whose fingerprint is absent is unsupported. The re-exec'd child
// is the internal probe "escape-child" (see reexec_linux.go).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

func init() {
	Register("escape", "chroot-escape resistance: climb, leaked fds, cwd, /proc/<pid>/root, canary", 15*time.Second, runEscape)
	Register("escape-child", "internal: one escape technique in a re-exec'd copy (run by escape)", 10*time.Second, runEscapeChild)
}

// Attempt names of the escape probe.
const (
	escRootDotdot  = "root-dotdot"
	escChrootClimb = "chroot-climb"
	escFDLeak      = "fd-leak"
	escCwdOutside  = "cwd-outside"
	escProcRoot    = "proc-root"
	escCanary      = "canary-direct"
	escMountSeen   = "host-root-mount-visible"
)

const (
	climbDepth   = 256             // more ".." than any real path is deep
	childTimeout = 2 * time.Second // per re-exec'd technique: at most 6 fit the 15 s deadline
	maxFDChecks  = 4               // inherited directories tried, at most
	canaryLimit  = 1 << 20         // bytes read from a canary candidate
	fdScanLimit  = 4096            // descriptors probed when /proc is missing
)

// errStayedInside is the failure of a technique that ran but did not reach
// the host; its Detail starts with this text.
var errStayedInside = errors.New("stayed inside")

func runEscape(env *Env) error {
	if err := NewFlags("escape").Parse(env.Args); err != nil {
		return fmt.Errorf("escape: %w", err)
	}
	fp, r := env.FP, env.Report
	escapeRootDotdot(r, fp)
	if !hasHostRoot(fp) && fp.CanaryPath == "" {
		for _, n := range []string{escChrootClimb, escFDLeak, escCwdOutside, escProcRoot} {
			r.Unsupported(n, "no host root (dev, ino) nor canary in the fingerprints")
		}
	} else {
		escapeChrootClimb(r, fp)
		escapeFDLeak(r, fp)
		escapeCwdOutside(r, fp)
		escapeProcRoot(r, fp)
	}
	escapeCanaryDirect(r, fp)
	escapeMountVisible(r, fp)
	return nil
}

func devIno(st *unix.Stat_t) string { return fmt.Sprintf("%d:%d", uint64(st.Dev), uint64(st.Ino)) }

func hostRootText(fp *Fingerprints) string { return fmt.Sprintf("%d:%d", fp.RootDev, fp.RootIno) }

func escapeRootDotdot(r *Report, fp *Fingerprints) {
	if !hasHostRoot(fp) {
		r.Unsupported(escRootDotdot, "no host root (dev, ino) in the fingerprints")
		return
	}
	var root, up unix.Stat_t
	if err := unix.Stat("/", &root); err != nil {
		r.Record(escRootDotdot, fmt.Errorf("stat /: %w", err), "")
		return
	}
	if err := unix.Stat("/..", &up); err != nil {
		r.Record(escRootDotdot, fmt.Errorf("stat /..: %w", err), "")
		return
	}
	ev := fmt.Sprintf("/ is %s, /.. is %s, host root %s", devIno(&root), devIno(&up), hostRootText(fp))
	recordReach(r, escRootDotdot, isHostRoot(fp, uint64(up.Dev), uint64(up.Ino)), ev, devIno(&up))
}

// recordReach records a technique that ran: succeeded when it reached the
// host, otherwise failed with "stayed inside" and the evidence.
func recordReach(r *Report, name string, hit bool, evidence, value string) {
	if hit {
		recordValue(r, name, nil, "reached host: "+evidence, value)
		return
	}
	recordValue(r, name, fmt.Errorf("%w: %s", errStayedInside, evidence), "", value)
}

// checkReach stats dir and reads canary (both as paths from where the
// caller stands) and says whether either is the host's: the host root's
// (dev, ino), or the canary with the host's digest. It returns dir's
// "dev:ino" and a line of evidence.
func checkReach(fp *Fingerprints, dir, canary string) (hit bool, value, evidence string) {
	var ev []string
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		ev = append(ev, fmt.Sprintf("stat %s: %v", dir, err))
	} else {
		value = devIno(&st)
		if isHostRoot(fp, uint64(st.Dev), uint64(st.Ino)) {
			hit = true
			ev = append(ev, fmt.Sprintf("%s is the host root %s", dir, value))
		} else {
			ev = append(ev, fmt.Sprintf("%s is %s, host root %s", dir, value, hostRootText(fp)))
		}
	}
	if fp.CanaryPath != "" {
		b, err := readLimited(canary, canaryLimit)
		switch {
		case err != nil:
			ev = append(ev, fmt.Sprintf("canary %s: %s", canary, errText(err)))
		case digestMatches(b, fp.CanarySHA256):
			hit = true
			ev = append(ev, fmt.Sprintf("canary %s read, digest matches", canary))
		default:
			ev = append(ev, fmt.Sprintf("canary %s read, digest differs", canary))
		}
	}
	return hit, value, strings.Join(ev, "; ")
}

// errText is the symbolic errno inside err, or its text.
func errText(err error) string {
	if n := ErrnoName(err); n != "" {
		return n
	}
	return err.Error()
}

// readLimited reads about limit bytes of path, opened read-only without
// blocking or taking a controlling terminal.
func readLimited(path string, limit int) ([]byte, error) {
	return readRaw(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK, limit)
}

// runTechnique re-execs escape-child in mode and returns the attempt name
// it recorded. A child that cannot be started or reports nothing makes
// the attempt unsupported, never a pass.
func runTechnique(fp *Fingerprints, name, dir string, extra []*os.File, args ...string) (Attempt, error) {
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	cmd, err := childCommand(ctx, "escape-child", fp, args...)
	if err != nil {
		return Attempt{}, err
	}
	cmd.Dir = dir
	cmd.ExtraFiles = extra
	rep, err := runChildReport(cmd)
	if err != nil {
		return Attempt{}, err
	}
	return childAttempt(rep, name)
}

func escapeChrootClimb(r *Report, fp *Fingerprints) {
	dir, how, cleanup := climbDir(fp.Nonce)
	a, err := runTechnique(fp, escChrootClimb, "/", nil, "-mode", "climb", "-dir", dir)
	cleanErr := cleanup()
	if err != nil {
		r.Unsupported(escChrootClimb, "re-exec: "+err.Error())
		return
	}
	a.Detail = fmt.Sprintf("%s (chroot dir %s, %s)", a.Detail, dir, how)
	if cleanErr != nil {
		a.Detail += "; " + cleanErr.Error()
	}
	r.Attempts = append(r.Attempts, a)
}

// climbDir returns a directory below "/" for the climb to chroot into: a
// fresh temporary one if the rootfs is writable, else an existing one
// (any directory that is not an ancestor of "/" works just as well).
func climbDir(nonce string) (dir, how string, cleanup func() error) {
	none := func() error { return nil }
	d, err := os.MkdirTemp("", "lc-escape-"+nonce)
	if err == nil {
		return d, "created", func() error {
			if err := os.Remove(d); err != nil {
				return fmt.Errorf("remove %s: %w", d, err)
			}
			return nil
		}
	}
	for _, c := range []string{"/tmp", "/proc", "/dev", "/sys", "/etc", "/bin"} {
		var st unix.Stat_t
		if unix.Stat(c, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return c, "existing (mkdir: " + errText(err) + ")", none
		}
	}
	return "/", "no directory below / (mkdir: " + errText(err) + ")", none
}

// listFDs describes this process's open descriptors. Descriptors that close
// while being looked at (the listing's own) are left out. Without /proc it
// asks fcntl about every number below fdScanLimit instead, and links are
// unknown ("?").
func listFDs() ([]fdInfo, error) {
	var nums []int
	names, err := ListDirRaw("/proc/self/fd")
	if err == nil {
		for _, n := range names {
			if fd, err := strconv.Atoi(n); err == nil {
				nums = append(nums, fd)
			}
		}
	} else {
		for fd := 0; fd < fdScanLimit; fd++ {
			nums = append(nums, fd)
		}
	}
	var out []fdInfo
	for _, fd := range nums {
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err != nil {
			continue // not open, or closed meanwhile (the listing's own fd)
		}
		link, lerr := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
		if lerr != nil {
			link = "?"
		}
		var st unix.Stat_t
		isDir := unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
		out = append(out, fdInfo{FD: fd, Link: link, CloExec: flags&unix.FD_CLOEXEC != 0, Dir: isDir})
	}
	return out, nil
}

func escapeFDLeak(r *Report, fp *Fingerprints) {
	fds, err := listFDs()
	if err != nil {
		r.Unsupported(escFDLeak, "list descriptors: "+err.Error())
		return
	}
	inherited := 0
	var tried, hits, notes []string
	for _, f := range fds {
		if !fdInherited(f) {
			continue
		}
		inherited++
		if !f.Dir || len(tried) >= maxFDChecks {
			continue
		}
		tried = append(tried, strconv.Itoa(f.FD))
		hit, ev, err := climbFromFD(fp, f.FD)
		switch {
		case err != nil:
			notes = append(notes, fmt.Sprintf("fd %d: %v", f.FD, err))
		case hit:
			hits = append(hits, fmt.Sprintf("fd %d (%s): %s", f.FD, f.Link, ev))
		default:
			notes = append(notes, fmt.Sprintf("fd %d: %s", f.FD, ev))
		}
	}
	list := "descriptors: " + describeFDs(fds)
	a := Attempt{Name: escFDLeak, Value: strconv.Itoa(inherited)}
	switch {
	case len(hits) > 0:
		a.Outcome = Succeeded
		a.Detail = "reached host via " + strings.Join(hits, ", ") + "; " + list
	case len(tried) == 0:
		a.Outcome = Failed
		a.Detail = "no inherited directory descriptor; " + list
	default:
		a.Outcome = Failed
		a.Detail = errStayedInside.Error() + ": " + strings.Join(notes, ", ") + "; " + list
	}
	r.Attempts = append(r.Attempts, a)
}

// climbFromFD hands a duplicate of fd to a child that fchdirs to it and
// climbs. The child receives it as descriptor 3.
func climbFromFD(fp *Fingerprints, fd int) (bool, string, error) {
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return false, "", fmt.Errorf("dup fd %d: %w", fd, err)
	}
	f := os.NewFile(uintptr(dup), "inherited-"+strconv.Itoa(fd))
	defer f.Close()
	a, err := runTechnique(fp, escFDLeak, "/", []*os.File{f}, "-mode", "fd", "-fd", "3")
	if err != nil {
		return false, "", err
	}
	ev := strings.TrimPrefix(a.Detail, "reached host: ")
	return a.Outcome == Succeeded, strings.TrimPrefix(ev, errStayedInside.Error()+": "), nil
}

func escapeCwdOutside(r *Report, fp *Fingerprints) {
	// Dir "" keeps the working directory this process inherited.
	a, err := runTechnique(fp, escCwdOutside, "", nil, "-mode", "cwd")
	if err != nil {
		r.Unsupported(escCwdOutside, "re-exec: "+err.Error())
		return
	}
	r.Attempts = append(r.Attempts, a)
}

func escapeProcRoot(r *Report, fp *Fingerprints) {
	names, err := ListDirRaw("/proc")
	if err != nil {
		r.Unsupported(escProcRoot, "list /proc: "+err.Error())
		return
	}
	var hits []string
	pids, denied := 0, 0
	for _, n := range names {
		if _, err := strconv.Atoi(n); err != nil {
			continue
		}
		pids++
		for _, kind := range []string{"root", "cwd"} {
			var st unix.Stat_t
			err := unix.Stat("/proc/"+n+"/"+kind+"/", &st)
			if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
				denied++
			}
			if err == nil && isHostRoot(fp, uint64(st.Dev), uint64(st.Ino)) {
				hits = append(hits, "pid "+n+" "+kind)
			}
		}
		if fp.CanaryPath != "" {
			b, err := readLimited("/proc/"+n+"/root"+fp.CanaryPath, canaryLimit)
			if err == nil && digestMatches(b, fp.CanarySHA256) {
				hits = append(hits, "pid "+n+" root canary")
			}
		}
	}
	ev := fmt.Sprintf("examined %d pids (%d lookups denied)", pids, denied)
	value := strconv.Itoa(len(hits))
	if len(hits) == 0 {
		recordValue(r, escProcRoot, fmt.Errorf("%w: %s", errStayedInside, ev), "", value)
		return
	}
	shown := hits
	if len(shown) > 10 {
		shown = append(shown[:10:10], fmt.Sprintf("and %d more", len(hits)-10))
	}
	recordValue(r, escProcRoot, nil, "reached host via "+strings.Join(shown, ", ")+"; "+ev, value)
}

func escapeCanaryDirect(r *Report, fp *Fingerprints) {
	if fp.CanaryPath == "" {
		r.Unsupported(escCanary, "no canary in the fingerprints")
		return
	}
	b, err := readLimited(fp.CanaryPath, canaryLimit)
	if err != nil {
		r.Record(escCanary, err, "")
		return
	}
	value := "differs"
	if digestMatches(b, fp.CanarySHA256) {
		value = "match"
	}
	recordValue(r, escCanary, nil, fmt.Sprintf("read %d bytes of %s, digest %s", len(b), fp.CanaryPath, value), value)
}

func escapeMountVisible(r *Report, fp *Fingerprints) {
	if fp.RootMount == "" {
		r.Unsupported(escMountSeen, "no host root mount major:minor in the fingerprints")
		return
	}
	b, err := ReadFileRaw("/proc/self/mountinfo")
	if err != nil {
		r.Unsupported(escMountSeen, err.Error())
		return
	}
	mounts, perr := ParseMountInfo(string(b)) // the lines before a bad one still count
	found := FindWholeFilesystem(mounts, fp.RootMount)
	if len(found) == 0 {
		why := fmt.Errorf("no mount of device %s with root / among %d mounts", fp.RootMount, len(mounts))
		if perr != nil {
			why = fmt.Errorf("%w (%v)", why, perr)
		}
		r.Record(escMountSeen, why, "")
		return
	}
	var at []string
	for _, m := range found {
		at = append(at, m.MountPoint)
	}
	recordValue(r, escMountSeen, nil, fmt.Sprintf("device %s root / mounted at %s", fp.RootMount, strings.Join(at, ", ")), found[0].MountPoint)
}
