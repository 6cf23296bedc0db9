package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/capability"
)

// MaskedPaths are hidden from the container: kernel memory, keys, timers
// and firmware tables that leak host state or let a root process poke at
// hardware. It is runc's default list (with /sys/devices/virtual/tpm) and
// Docker 28's (with /proc/interrupts, whose per-CPU counts of thermal
// events are a side channel: moby#49560). Besides these, every root-only
// file at the top of /proc and of the DMI identity is masked (RootOnlyDirs).
var MaskedPaths = []string{
	"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap", "/sys/devices/virtual/tpm",
}

// ReadonlyPaths stay visible but cannot be written: the kernel's tunables
// (core_pattern is a classic escape), the sysrq trigger, interrupts, buses.
var ReadonlyPaths = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}

// checkKernelFS makes sure p is the kernel's own file system (proc or
// sysfs, by statfs type) before masks are applied under it: only then is a
// missing entry one this kernel does not have (timer_stats left in 4.11,
// /proc/acpi needs ACPI), and only then is skipping it safe.
func checkKernelFS(p string, magic int64, name string) error {
	var sfs unix.Statfs_t
	if err := unix.Statfs(p, &sfs); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	if int64(sfs.Type) != magic {
		return fmt.Errorf("%s is not a %s file system (type %#x): its masks cannot be applied", p, name, sfs.Type)
	}
	return nil
}

// openMaskTarget opens a path to mask or make read-only, without following
// a final link. ok is false when the kernel does not have it (see
// checkKernelFS); a mask that cannot be applied otherwise is an error,
// never skipped.
func openMaskTarget(p string) (fd int, ok bool, err error) {
	fd, err = unix.Open(p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		return -1, false, nil
	}
	if err != nil {
		return -1, false, err
	}
	return fd, true, nil
}

// checkMaskRoots verifies that /proc and /sys are the kernel's before any
// mask goes under them (see checkKernelFS).
func checkMaskRoots() error {
	if err := checkKernelFS("/proc", unix.PROC_SUPER_MAGIC, "proc"); err != nil {
		return err
	}
	return checkKernelFS("/sys", unix.SYSFS_MAGIC, "sysfs")
}

// RootOnlyDirs are the directories whose files that only their owner may
// read are masked too (RootOnlyFiles): the top of /proc, where the kernel
// keeps its internals for root, and the machine's DMI identity in sysfs,
// whose serial numbers and UUID it keeps for root alike.
var RootOnlyDirs = []string{"/proc", "/sys/devices/virtual/dmi/id"}

// rootOnlyMode says whether a file, by its mode, is host information the
// kernel keeps for root: a regular file its owner may read and others may
// not (slabinfo, vmallocinfo, pagetypeinfo, the kpage* files, kmsg,
// product_serial, and whatever a kernel adds as 0400). Container root reads
// it anyway, CAP_DAC_OVERRIDE being in the default set. A file its owner
// cannot read either (sysrq-trigger, 0200) shows nothing; its writes are
// ReadonlyPaths' concern.
func rootOnlyMode(mode uint32) bool {
	return mode&unix.S_IFMT == unix.S_IFREG && mode&0o400 != 0 && mode&0o004 == 0
}

// RootOnlyFiles lists the files directly in each of dirs whose mode
// rootOnlyMode picks, except those MaskedPaths names; a directory this
// kernel does not have (no DMI without firmware tables) adds none. The
// kernel sets these modes (host root may chmod them, for every mount at
// once), so the host's list is the container's, and no fixed list falls
// behind a new kernel. Only the top level is read, and only its regular
// entries are looked at (not the pid directories): a few dozen fstatat
// calls.
func RootOnlyFiles(dirs ...string) ([]string, error) {
	var out []string
	for _, dir := range dirs {
		fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.ENOENT) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", dir, err)
		}
		f := os.NewFile(uintptr(fd), dir)
		found, err := rootOnlyIn(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// rootOnlyIn lists the root-only files of the open directory d.
func rootOnlyIn(d *os.File) ([]string, error) {
	dir := d.Name()
	ents, err := d.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	dirfd := int(d.Fd())
	var out []string
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		var st unix.Stat_t
		err := unix.Fstatat(dirfd, e.Name(), &st, unix.AT_SYMLINK_NOFOLLOW)
		if errors.Is(err, unix.ENOENT) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("stat %s/%s: %w", dir, e.Name(), err)
		}
		p := filepath.Join(dir, e.Name())
		if rootOnlyMode(st.Mode) && !slices.Contains(MaskedPaths, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// applyMasks masks MaskedPaths and the root-only files of RootOnlyDirs
// (RootOnlyFiles) and makes ReadonlyPaths read-only. lenient is the
// --unsafe-follow-rootfs-links weakening: mounts by path, and a mask that
// cannot be applied is skipped, as the seed runtime did (that is how a
// hostile rootfs switched masking off).
func applyMasks(lenient bool) error {
	if lenient {
		// A directory that cannot be listed masks nothing more: lenient.
		rootOnly, _ := RootOnlyFiles(RootOnlyDirs...)
		for _, p := range append(slices.Clone(MaskedPaths), rootOnly...) {
			var st unix.Stat_t
			if unix.Stat(p, &st) != nil {
				continue
			}
			if st.Mode&unix.S_IFMT == unix.S_IFDIR {
				mount("tmpfs", p, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0")
			} else {
				mount("/dev/null", p, "", unix.MS_BIND, "")
			}
		}
		for _, p := range ReadonlyPaths {
			if mount(p, p, "", unix.MS_BIND|unix.MS_REC, "") == nil {
				remount(p, p, unix.MS_RDONLY)
			}
		}
		return nil
	}
	if err := checkMaskRoots(); err != nil {
		return fmt.Errorf("masked paths: %w", err)
	}
	rootOnly, err := RootOnlyFiles(RootOnlyDirs...)
	if err != nil {
		return fmt.Errorf("masked paths: root-only files: %w", err)
	}
	if err := maskPaths(append(slices.Clone(MaskedPaths), rootOnly...)); err != nil {
		return fmt.Errorf("masked paths: %w", err)
	}
	if err := readonlyPaths(ReadonlyPaths); err != nil {
		return fmt.Errorf("read-only paths: %w", err)
	}
	return nil
}

// maskPaths covers each masked file with /dev/null and each masked
// directory with an empty read-only tmpfs, mounting onto a descriptor of
// the path.
func maskPaths(paths []string) error {
	for _, p := range paths {
		fd, ok, err := openMaskTarget(p)
		if err != nil {
			return fmt.Errorf("mask %s: %w", p, err)
		}
		if !ok {
			continue
		}
		var st unix.Stat_t
		if err = unix.Fstat(fd, &st); err == nil {
			if st.Mode&unix.S_IFMT == unix.S_IFDIR {
				err = mountAt("tmpfs", fd, p, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0")
			} else {
				err = mountAt("/dev/null", fd, p, "", unix.MS_BIND, "")
			}
		}
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("mask %s: %w", p, err)
		}
	}
	return nil
}

// readonlyPaths binds each path onto itself, remounts it read-only and
// checks that it is.
func readonlyPaths(paths []string) error {
	for _, p := range paths {
		fd, ok, err := openMaskTarget(p)
		if err != nil {
			return fmt.Errorf("read-only %s: %w", p, err)
		}
		if !ok {
			continue
		}
		err = mountAt(fdPath(fd), fd, p, "", unix.MS_BIND|unix.MS_REC, "")
		unix.Close(fd)
		if err != nil {
			return err
		}
		// Open again to hold the new mount rather than what it covers.
		top, err := unix.Open(p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("read-only %s: %w", p, err)
		}
		err = remount(fdPath(top), p, unix.MS_RDONLY)
		if err == nil {
			err = checkFlags(top, p, unix.ST_RDONLY)
		}
		unix.Close(top)
		if err != nil {
			return err
		}
	}
	return nil
}

// limitCapabilities leaves the thread with caps in its bounding,
// permitted, effective and inheritable sets and nothing ambient. Root's
// capabilities after exec are the bounding set; any other uid gets none.
func limitCapabilities(caps capability.Set) error {
	for c := capability.Cap(0); c <= lastCap(); c++ {
		if caps.Has(c) {
			continue
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && !errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("drop %s from the bounding set: %w", c, err)
		}
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("clear ambient capabilities: %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capget: %w", err)
	}
	for i := range data {
		keep := uint32(uint64(caps) >> (32 * i))
		data[i].Effective &= keep
		data[i].Permitted &= keep
		data[i].Inheritable = keep & data[i].Permitted
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}

// lastCap is the kernel's highest capability, from /proc (CAP_LAST_CAP).
func lastCap() capability.Cap {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	var n int
	if err == nil {
		if _, err := fmt.Sscanf(string(b), "%d", &n); err == nil && n > 0 {
			return capability.Cap(n)
		}
	}
	return capability.Last
}

// setNoNewPrivs makes setuid and file-capability binaries unable to raise
// privilege in the container (and lets an unprivileged seccomp load).
func setNoNewPrivs() error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set no_new_privs: %w", err)
	}
	return nil
}
