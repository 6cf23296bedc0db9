package probes

// Probe "kernelfs": the kernel's own interfaces as the container sees them.
// Every path given is tried at every place the container can reach it:
// the path itself and, for /proc/... and /sys/..., rebased onto each proc
// or sysfs mount in the container's mountinfo, so a proc or sysfs mounted
// or bind-mounted anywhere (a hostile rootfs's link, a careless volume) is
// judged like the one at /proc or /sys. It only looks: files are read (at
// most 4 KiB) or opened for writing and closed unwritten, directories are
// listed.
//
// Flags (the suite computes them from the references and the host):
//
//	-masked P,...     must read nothing: a file 0 bytes, a directory empty
//	-readonly P,...   files under /proc that must not open for writing
//	-sysfs-w P,...    files under /sys that must not open for writing
//	-info P,...       root-only host information that must not be readable
//	-open-only P,...  of -info, opened and closed unread (a read has
//	                  side effects: /proc/kmsg)
//	-hold             wait for EOF on stdin (at most 20 s) before reporting
//
// Attempts (Value is the reference path, the name holds the path opened):
//
//	kernelfs-mounts   Value: "fstype root mountpoint" of every proc and
//	                  sysfs mount seen, one a line; Detail: which
//	                  mountinfo was read (another proc mount's when /proc
//	                  is not one). failed when no mountinfo is readable.
//	masked:L          succeeded = L read more than 0 bytes, or listed
//	                  entries (bad). Detail: bytes or entries.
//	readonly:L        succeeded = L opened O_WRONLY (bad; never written).
//	sysfs-w:L         the same for sysfs.
//	info:L            as masked:L; for -open-only, succeeded = opened.
//	hold              with -hold: "eof" or "timeout".

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

const (
	kernelfsDeadline = 30 * time.Second
	kernelfsHold     = 20 * time.Second
	kernelfsReadMax  = 4096
)

func init() {
	Register("kernelfs", "kernel interfaces at every proc and sysfs mount: masked, read-only, sysfs and host-only paths", kernelfsDeadline, runKernelFS)
}

func runKernelFS(env *Env) error {
	fs := NewFlags("kernelfs")
	masked := fs.String("masked", "", "paths that must read nothing")
	readonly := fs.String("readonly", "", "files under /proc that must not open for writing")
	sysfsW := fs.String("sysfs-w", "", "files under /sys that must not open for writing")
	info := fs.String("info", "", "root-only host information paths")
	openOnly := fs.String("open-only", "", "info paths opened, never read")
	hold := fs.Bool("hold", false, "wait for EOF on stdin before reporting")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("kernelfs: %w", err)
	}
	r := env.Report
	mounts, where, err := kernelMountInfo()
	if err != nil {
		r.Record("kernelfs-mounts", err, "no mountinfo readable: only the paths themselves are tried")
	} else {
		RecordValue(r, "kernelfs-mounts", nil, strings.Join(KernelMounts(mounts), "\n"), "read "+where)
	}
	for _, p := range SplitList(*masked) {
		for _, l := range KernelLocations(p, mounts) {
			kernelRead(r, "masked:"+l, p, l)
		}
	}
	for _, p := range SplitList(*readonly) {
		for _, l := range KernelLocations(p, mounts) {
			kernelOpenW(r, "readonly:"+l, p, l)
		}
	}
	for _, p := range SplitList(*sysfsW) {
		for _, l := range KernelLocations(p, mounts) {
			kernelOpenW(r, "sysfs-w:"+l, p, l)
		}
	}
	only := SplitList(*openOnly)
	for _, p := range SplitList(*info) {
		for _, l := range KernelLocations(p, mounts) {
			if hasString(only, p) {
				kernelOpenR(r, "info:"+l, p, l)
			} else {
				kernelRead(r, "info:"+l, p, l)
			}
		}
	}
	if *hold {
		RecordValue(r, "hold", nil, Hold(env.Stdin, kernelfsHold), "")
	}
	return nil
}

// kernelMountInfo reads the container's mountinfo: /proc/self/mountinfo,
// or, when /proc is no proc mount (a hostile rootfs's link took it
// elsewhere), that of any proc reachable as a top-level directory.
func kernelMountInfo() ([]MountInfo, string, error) {
	cands := []string{"/proc/self/mountinfo"}
	if names, err := ListDirRaw("/"); err == nil {
		for _, n := range names {
			cands = append(cands, "/"+n+"/self/mountinfo")
		}
	}
	var first error
	for _, c := range cands {
		b, err := ReadFileRaw(c)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		m, err := ParseMountInfo(string(b))
		if err != nil && len(m) == 0 {
			continue
		}
		return m, c, nil
	}
	return nil, "", fmt.Errorf("mountinfo: %w", first)
}

// kernelRead reads a file (more than 0 bytes = readable) or lists a
// directory (any entry = readable).
func kernelRead(r *Report, name, ref, loc string) {
	var st unix.Stat_t
	if err := unix.Stat(loc, &st); err != nil {
		RecordValue(r, name, fmt.Errorf("stat %s: %w", loc, err), ref, openDefence(err))
		return
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		names, err := ListDirRaw(loc)
		if err != nil {
			RecordValue(r, name, err, ref, openDefence(err))
			return
		}
		if len(names) == 0 {
			RecordValue(r, name, fmt.Errorf("directory %s lists no entries: %w", loc, errReadEmpty), ref, "empty (masked by an empty tmpfs, or nothing there)")
			return
		}
		RecordValue(r, name, nil, ref, fmt.Sprintf("listed %d entries of %s, e.g. %s", len(names), loc, names[0]))
		return
	}
	b, err := secRead(loc, kernelfsReadMax)
	if err != nil {
		RecordValue(r, name, err, ref, openDefence(err))
		return
	}
	if len(b) == 0 {
		RecordValue(r, name, fmt.Errorf("%s: %w", loc, errReadEmpty), ref, "opened, read nothing (masked)")
		return
	}
	RecordValue(r, name, nil, ref, "read "+strconv.Itoa(len(b))+" bytes of "+loc)
}

// kernelOpenW opens loc for writing and closes it without writing.
func kernelOpenW(r *Report, name, ref, loc string) {
	if err := openWriteClose(loc); err != nil {
		RecordValue(r, name, err, ref, openDefence(err))
		return
	}
	RecordValue(r, name, nil, ref, "opened "+loc+" for writing (closed without writing)")
}

// kernelOpenR opens loc for reading and closes it unread. What opens but
// is not on the kernel file system the reference path belongs to is a
// mask (/dev/null bound over it), not the kernel's file: held.
func kernelOpenR(r *Report, name, ref, loc string) {
	fd, err := openRetry(loc, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK)
	if err != nil {
		RecordValue(r, name, fmt.Errorf("open %s: %w", loc, err), ref, openDefence(err))
		return
	}
	defer unix.Close(fd)
	// Only a file system known not to be the kernel's counts as a mask;
	// where fstatfs fails, the open stands as a leak.
	var sfs unix.Statfs_t
	if fstype, _ := KernelFSType(ref); fstype != "" && unix.Fstatfs(fd, &sfs) == nil && int64(sfs.Type) != kernelFSMagic[fstype] {
		RecordValue(r, name, fmt.Errorf("%s is on a file system of type %#x, not %s: %w", loc, sfs.Type, fstype, errOpenedMask), ref, "opened the mask, not the kernel's file")
		return
	}
	RecordValue(r, name, nil, ref, "opened "+loc+" for reading (closed unread)")
}

// kernelFSMagic is the statfs type of each KernelFS file system.
var kernelFSMagic = map[string]int64{"proc": unix.PROC_SUPER_MAGIC, "sysfs": unix.SYSFS_MAGIC}

// errOpenedMask fails an open-only attempt that reached a mask.
var errOpenedMask = errors.New("opened a mask (e.g. /dev/null bound over it)")
