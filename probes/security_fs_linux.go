package probes

// Security probe, filesystem attempts (stable names; see security_linux.go):
//
//	mknod-blockdev         mknod a block node for -rootdev (the host root's
//	                       device) under -dir. Value = "major:minor".
//	                       succeeded = node created. The node is removed.
//	read-blockdev          open that node O_RDONLY and read 512 bytes
//	                       (reading, never writing). If mknod was refused, a
//	                       block node with the same device number already in
//	                       /dev is tried instead (Detail says so). Value =
//	                       bytes read; succeeded only if > 0 = host disk
//	                       readable. EPERM: devices cgroup; EACCES: nodev.
//	mount-tmpfs            mount tmpfs, proc, cgroup2 (then cgroup v1 with
//	mount-proc             -o pids when cgroup2 is refused) read-only on a
//	mount-cgroup           fresh directory under -dir. Value = fstype.
//	                       succeeded = mounted (bad); always unmounted and
//	                       removed before the next attempt, cleanup errors in
//	                       Detail.
//	open-core-pattern-w    open /proc/sys/kernel/core_pattern O_WRONLY.
//	open-sysrq-trigger-w   open /proc/sysrq-trigger O_WRONLY.
//	open-release-agent-w   open every release_agent visible under
//	                       /sys/fs/cgroup (the top directory and each
//	                       hierarchy root) O_WRONLY. Value = the path
//	                       opened; failed ENOENT when none is visible.
//	cgroup-write-own-limit open the own cgroup's limit file (pids.max,
//	                       memory.max or memory.limit_in_bytes, in the first
//	                       visible hierarchy holding one) O_WRONLY. Value =
//	                       path.
//	cgroup-move-parent     open the parent cgroup's cgroup.procs O_WRONLY.
//	                       Value = path; failed when the parent is not
//	                       visible (cgroup namespace).
//
// Every O_WRONLY open is closed at once: nothing is ever written. succeeded
// = opened for writing (bad); Detail names the likely defence from errno
// (EROFS read-only mount, EACCES permissions/user namespace, ENOENT masked).

import (
	"errors"
	"fmt"
	"strings"

	multierror "github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/cgroups"
)

const (
	secMknod   = "mknod-blockdev"
	secReadBlk = "read-blockdev"
)

func secBlockDev(r *Report, f *secFlags) {
	if f.rootDev == "" {
		for _, n := range []string{secMknod, secReadBlk} {
			r.Unsupported(n, "no -rootdev and no host root mount in the fingerprints")
		}
		return
	}
	maj, min, err := parseMajorMinor(f.rootDev)
	if err == nil && maj == 0 {
		err = fmt.Errorf("device %s is anonymous (overlay, btrfs, tmpfs): no block device behind it", f.rootDev)
	}
	if err != nil {
		for _, n := range []string{secMknod, secReadBlk} {
			r.Unsupported(n, "-rootdev: "+err.Error())
		}
		return
	}
	dev := unix.Mkdev(maj, min)
	node := f.secPath("blk")
	if err := unix.Mknod(node, unix.S_IFBLK|0o600, int(dev)); err != nil {
		RecordValue(r, secMknod, fmt.Errorf("mknod %s b %d %d: %w", node, maj, min, err), f.rootDev, openDefence(err))
		if existing := findBlockNode("/dev", dev); existing != "" {
			secReadBlock(r, existing, "existing node "+existing)
			return
		}
		RecordValue(r, secReadBlk, fmt.Errorf("no node to open: mknod refused and no block node %s under /dev", f.rootDev), "0", "")
		return
	}
	RecordValue(r, secMknod, nil, f.rootDev, "created "+node)
	secReadBlock(r, node, "created node")
	if err := unix.Unlink(node); err != nil {
		a := &r.Attempts[len(r.Attempts)-1]
		a.Detail += fmt.Sprintf("; cleanup: unlink %s: %v", node, err)
	}
}

// secReadBlock opens a block node read-only and reads one sector.
func secReadBlock(r *Report, node, how string) {
	fd, err := openRetry(node, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY)
	if err != nil {
		why := openDefence(err)
		switch {
		case errors.Is(err, unix.EPERM):
			why = "devices cgroup (or LSM)"
		case errors.Is(err, unix.EACCES):
			why = "nodev mount or permissions"
		}
		RecordValue(r, secReadBlk, fmt.Errorf("open %s: %w", node, err), "0", how+"; "+why)
		return
	}
	defer unix.Close(fd)
	buf := make([]byte, 512)
	n, err := unix.Read(fd, buf)
	if n < 0 {
		n = 0
	}
	RecordValue(r, secReadBlk, readOutcome(n, secWrap("read "+node, err)), fmt.Sprint(n), fmt.Sprintf("%s; read %d bytes", how, n))
}

// findBlockNode returns a block node in dir (not below) for dev, or "".
func findBlockNode(dir string, dev uint64) string {
	names, err := ListDirRaw(dir)
	if err != nil {
		return ""
	}
	for _, n := range names {
		var st unix.Stat_t
		p := dir + "/" + n
		if unix.Lstat(p, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFBLK && uint64(st.Rdev) == dev {
			return p
		}
	}
	return ""
}

// secMountTry is one mount(2) an attempt makes.
type secMountTry struct{ fstype, source, data string }

const secMountFlags = unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC

func secMounts(r *Report, f *secFlags) {
	src := "lc-sec-" + f.nonce
	secMount(r, f, "mount-tmpfs", "tmpfs", []secMountTry{{"tmpfs", src, "size=16k"}})
	secMount(r, f, "mount-proc", "proc", []secMountTry{{"proc", "proc", ""}})
	secMount(r, f, "mount-cgroup", "cgroup", []secMountTry{{"cgroup2", src, ""}, {"cgroup", src, "pids"}})
}

// secMount tries each mount in turn on a fresh directory until one works,
// records the attempt and undoes whatever it did.
func secMount(r *Report, f *secFlags, name, what string, tries []secMountTry) {
	dir := f.secPath("mnt-" + what)
	if err := unix.Mkdir(dir, 0o700); err != nil {
		r.Unsupported(name, fmt.Sprintf("no mount point: mkdir %s: %s", dir, errText(err)))
		return
	}
	var notes []string
	var last error
	mounted := ""
	for _, t := range tries {
		err := unix.Mount(t.source, dir, t.fstype, secMountFlags, t.data)
		if err == nil {
			mounted = t.fstype
			break
		}
		last = fmt.Errorf("mount -t %s %s: %w", t.fstype, dir, err)
		notes = append(notes, fmt.Sprintf("%s: %s (%s)", t.fstype, errText(err), openDefence(err)))
	}
	var clean *multierror.Error
	if mounted != "" {
		if err := unix.Unmount(dir, 0); err != nil {
			if err2 := unix.Unmount(dir, unix.MNT_DETACH); err2 != nil {
				clean = multierror.Append(clean, fmt.Errorf("umount %s: %v; lazy: %w", dir, err, err2))
			}
		}
	}
	if err := unix.Rmdir(dir); err != nil {
		clean = multierror.Append(clean, fmt.Errorf("rmdir %s: %w", dir, err))
	}
	detail := strings.Join(notes, "; ")
	if mounted != "" {
		detail = strings.TrimPrefix(detail+"; mounted "+mounted+" read-only on "+dir+", unmounted", "; ")
		last = nil
	}
	if err := clean.ErrorOrNil(); err != nil {
		detail += "; cleanup: " + err.Error()
	}
	value := mounted
	if value == "" {
		value = tries[len(tries)-1].fstype
	}
	RecordValue(r, name, last, value, detail)
}

func secOpenWrite(r *Report) {
	secOpenW(r, "open-core-pattern-w", "/proc/sys/kernel/core_pattern")
	secOpenW(r, "open-sysrq-trigger-w", "/proc/sysrq-trigger")
	secReleaseAgent(r)
}

// secOpenW opens path for writing and closes it without writing.
func secOpenW(r *Report, name, path string) {
	err := openWriteClose(path)
	if err == nil {
		RecordValue(r, name, nil, path, "opened for writing (closed without writing)")
		return
	}
	RecordValue(r, name, err, path, openDefence(err))
}

// openWriteClose opens path O_WRONLY (no O_CREAT, no O_TRUNC) and closes it.
func openWriteClose(path string) error {
	fd, err := openRetry(path, unix.O_WRONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK)
	if err != nil {
		return fmt.Errorf("open %s O_WRONLY: %w", path, err)
	}
	unix.Close(fd)
	return nil
}

func secReleaseAgent(r *Report) {
	const name, top = "open-release-agent-w", "/sys/fs/cgroup"
	cands := []string{top + "/release_agent"}
	if names, err := ListDirRaw(top); err == nil {
		for _, n := range names {
			cands = append(cands, top+"/"+n+"/release_agent")
		}
	}
	var notes []string
	var last error
	for _, p := range cands {
		var st unix.Stat_t
		if unix.Lstat(p, &st) != nil {
			continue
		}
		err := openWriteClose(p)
		if err == nil {
			RecordValue(r, name, nil, p, "opened for writing (closed without writing)")
			return
		}
		last = err
		notes = append(notes, fmt.Sprintf("%s: %s (%s)", p, errText(err), openDefence(err)))
	}
	if last == nil {
		RecordValue(r, name, fmt.Errorf("no release_agent under %s: %w", top, unix.ENOENT), "", "not present: no cgroup v1 hierarchy root visible")
		return
	}
	RecordValue(r, name, last, "", strings.Join(notes, "; "))
}

// secCgroupLimitFiles are the limit files tried in the own cgroup, in order.
var secCgroupLimitFiles = []string{"pids.max", "memory.max", "memory.limit_in_bytes"}

func secCgroupWrite(r *Report) {
	const own, parent = "cgroup-write-own-limit", "cgroup-move-parent"
	locs, err := secCgroupLocs()
	if err == nil && len(locs) == 0 {
		err = fmt.Errorf("own cgroup not visible in any cgroup mount: %w", unix.ENOENT)
	}
	if err != nil {
		r.Record(own, err, "")
		r.Record(parent, err, "")
		return
	}
	// Own limit: the first limit file present in any visible own cgroup.
	limit := ""
	for _, l := range locs {
		for _, n := range secCgroupLimitFiles {
			var st unix.Stat_t
			if p := l.Dir + "/" + n; unix.Stat(p, &st) == nil {
				limit = p
				break
			}
		}
		if limit != "" {
			break
		}
	}
	if limit == "" {
		RecordValue(r, own, fmt.Errorf("no limit file in the own cgroup (%s): %w", secLocDirs(locs), unix.ENOENT), "", "the visible own cgroups hold no limit (hierarchy roots)")
	} else {
		secOpenW(r, own, limit)
	}
	// Parent: the first hierarchy whose parent directory is visible.
	for _, l := range locs {
		if l.Parent != "" {
			secOpenW(r, parent, l.Parent+"/cgroup.procs")
			return
		}
	}
	RecordValue(r, parent, fmt.Errorf("parent cgroup not visible (%s): %w", secLocDirs(locs), unix.ENOENT), "", "own cgroup is the root of every visible hierarchy (cgroup namespace or bind mount)")
}

func secCgroupLocs() ([]cgroupLoc, error) {
	cg, err := ReadFileRaw("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	entries, err := cgroups.ParseProcFile(string(cg))
	if err != nil {
		return nil, err
	}
	mi, err := ReadFileRaw("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	mounts, _ := ParseMountInfo(string(mi)) // lines before a bad one still count
	return cgroupCandidates(entries, mounts), nil
}

func secLocDirs(locs []cgroupLoc) string {
	var s []string
	for _, l := range locs {
		s = append(s, l.Kind+" "+l.Dir)
	}
	return strings.Join(s, ", ")
}
