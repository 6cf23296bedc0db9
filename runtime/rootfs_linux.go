package runtime

import (
	"errors"
	"fmt"
	"sort"

	"golang.org/x/sys/unix"
)

// MountError says which mount failed, so errors.Is still finds the errno.
type MountError struct {
	Op, Source, Target, FSType string
	Flags                      uintptr
	Err                        error
}

func (e *MountError) Error() string {
	src := ""
	if e.Source != "" {
		src = " " + e.Source
	}
	return fmt.Sprintf("%s%s on %s (type %q, flags %#x): %v", e.Op, src, e.Target, e.FSType, e.Flags, e.Err)
}

func (e *MountError) Unwrap() error { return e.Err }

func mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		return &MountError{Op: "mount", Source: source, Target: target, FSType: fstype, Flags: flags, Err: err}
	}
	return nil
}

// mountAt mounts onto the object the descriptor fd holds, through its
// /proc/self/fd name, so no path is looked up again; name is the
// container path, for the error.
func mountAt(source string, fd int, name, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, fdPath(fd), fstype, flags, data); err != nil {
		return &MountError{Op: "mount", Source: source, Target: name, FSType: fstype, Flags: flags, Err: err}
	}
	return nil
}

// setupRootfs gives the container its root. In its own mount namespace it
// first makes every mount private, so nothing done here propagates to the
// host, then mounts /proc, /sys, /dev and the caller's volumes and tmpfs
// mounts inside the rootfs and switches root. Every path inside the rootfs
// is resolved there (inroot_linux.go) and every mount goes onto a
// descriptor.
func setupRootfs(cfg *initConfig) error {
	if cfg.shares(NSMount) {
		// Weakening: no mount namespace, so no mounts at all (they would
		// land on the host); only the seed's chroot.
		return chrootInto(cfg.Rootfs)
	}
	if err := mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	// pivot_root needs the new root to be a mount point. The rootfs path
	// is the caller's, made absolute and link-free by the parent.
	if err := mount(cfg.Rootfs, cfg.Rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	r, err := openRootDir(cfg.Rootfs, cfg.FollowLinks)
	if err != nil {
		return err
	}
	defer r.close()
	if !cfg.AllowDevices {
		// A device node made with mknod anywhere in the rootfs cannot be
		// opened; the standard devices are bind mounts of their own.
		if err := remount(fdPath(r.fd), "/", unix.MS_NODEV); err != nil {
			return fmt.Errorf("rootfs nodev: %w", err)
		}
	}
	if err := mountProc(r); err != nil {
		return err
	}
	if err := mountSys(r); err != nil {
		return err
	}
	if err := mountDev(r, cfg); err != nil {
		return err
	}
	if err := mountUser(r, cfg); err != nil {
		return err
	}
	if cfg.ReadOnlyRoot {
		if err := remount(fdPath(r.fd), "/", unix.MS_RDONLY); err != nil {
			return fmt.Errorf("read-only rootfs: %w", err)
		}
		if err := checkFlags(r.fd, "/", unix.ST_RDONLY); err != nil {
			return fmt.Errorf("read-only rootfs: %w", err)
		}
	}
	if cfg.Chroot {
		if err := unix.Fchdir(r.fd); err != nil {
			return fmt.Errorf("chdir %s: %w", cfg.Rootfs, err)
		}
		return chrootInto(".")
	}
	return pivotRoot(r)
}

// mountProc mounts a proc of the container's PID namespace. Where the
// kernel refuses (a user namespace that does not own the PID namespace, when
// the host's is shared rootless), the host's /proc is bound instead.
func mountProc(r *rootDir) error {
	fd, err := r.realDir("proc", 0o555)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	err = mountAt("proc", fd, "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	if errors.Is(err, unix.EPERM) {
		err = mountAt("/proc", fd, "/proc", "", unix.MS_BIND|unix.MS_REC, "")
	}
	return err
}

// mountSys mounts sysfs read-only (bound from the host where the kernel
// refuses a new one, as when the host's network namespace is shared rootless).
func mountSys(r *rootDir) error {
	fd, err := r.realDir("sys", 0o555)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	const flags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_RDONLY
	err = mountAt("sysfs", fd, "/sys", "sysfs", flags, "")
	if !errors.Is(err, unix.EPERM) {
		return err
	}
	if err := mountAt("/sys", fd, "/sys", "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	// The descriptor holds the directory under the new mount: look it up
	// again to reach the mount itself.
	top, err := r.realDir("sys", 0o555)
	if err != nil {
		return err
	}
	defer unix.Close(top)
	return remount(fdPath(top), "/sys", flags)
}

// userMount is one of the caller's mounts: a volume or a tmpfs.
type userMount struct {
	path   string
	volume *Volume
}

// mountUser mounts the caller's tmpfs mounts and volumes, parents first.
func mountUser(r *rootDir, cfg *initConfig) error {
	var ms []userMount
	for _, p := range cfg.Tmpfs {
		ms = append(ms, userMount{path: p})
	}
	for i := range cfg.Volumes {
		ms = append(ms, userMount{path: cfg.Volumes[i].Container, volume: &cfg.Volumes[i]})
	}
	sort.SliceStable(ms, func(i, j int) bool { return mountDepth(ms[i].path) < mountDepth(ms[j].path) })
	for _, m := range ms {
		var err error
		if m.volume != nil {
			err = mountVolume(r, *m.volume)
		} else {
			err = mountTmpfs(r, m.path)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// mountTmpfs gives the container a fresh, writable tmpfs at p (--tmpfs),
// as /tmp usually is: sticky and world-writable, nodev and nosuid.
func mountTmpfs(r *rootDir, p string) error {
	fd, err := r.mkdirAll(p, 0o755)
	if err != nil {
		return fmt.Errorf("tmpfs %s: %w", p, err)
	}
	defer unix.Close(fd)
	return mountAt("tmpfs", fd, p, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777")
}

// remount adds flags to the bind mount at p (a path or a /proc/self/fd
// name; name is for messages). It keeps the flags the mount already has:
// in a user namespace the kernel refuses a remount that would clear a
// flag the outer namespace set (nosuid, nodev, noexec, ...).
func remount(p, name string, add uintptr) error {
	var sfs unix.Statfs_t
	if err := unix.Statfs(p, &sfs); err != nil {
		return fmt.Errorf("statfs %s: %w", name, err)
	}
	flags := unix.MS_BIND | unix.MS_REMOUNT | mountFlags(sfs.Flags) | add
	if err := unix.Mount("", p, "", flags, ""); err != nil {
		return &MountError{Op: "remount", Target: name, Flags: flags, Err: err}
	}
	return nil
}

// checkFlags verifies that the mount fd lies on has every ST_* flag in
// want, so a remount the kernel accepted but did not apply is an error.
func checkFlags(fd int, name string, want int64) error {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(fd, &sfs); err != nil {
		return fmt.Errorf("statfs %s: %w", name, err)
	}
	if missing := want &^ sfs.Flags; missing != 0 {
		return fmt.Errorf("%s: the mount lacks flags %#x after the remount", name, missing)
	}
	return nil
}

// mountFlags turns statfs ST_* flags into the MS_* flags that keep them.
func mountFlags(st int64) uintptr {
	var ms uintptr
	for _, f := range []struct {
		st int64
		ms uintptr
	}{
		{unix.ST_RDONLY, unix.MS_RDONLY}, {unix.ST_NOSUID, unix.MS_NOSUID},
		{unix.ST_NODEV, unix.MS_NODEV}, {unix.ST_NOEXEC, unix.MS_NOEXEC},
		{unix.ST_NOATIME, unix.MS_NOATIME}, {unix.ST_NODIRATIME, unix.MS_NODIRATIME},
		{unix.ST_RELATIME, unix.MS_RELATIME},
	} {
		if st&f.st != 0 {
			ms |= f.ms
		}
	}
	return ms
}

// pivotRoot makes the rootfs the new / and removes the old root from the
// mount namespace. pivot_root(".", ".") stacks the old root on top of the
// new one; after it, the old root is made a slave (so the detach cannot
// propagate back to the host) and lazily unmounted, leaving only the new root.
func pivotRoot(r *rootDir) error {
	oldRoot, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open old root: %w", err)
	}
	defer unix.Close(oldRoot)
	if err := unix.Fchdir(r.fd); err != nil {
		return fmt.Errorf("chdir %s: %w", r.path, err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root %s: %w", r.path, err)
	}
	if err := unix.Fchdir(oldRoot); err != nil {
		return fmt.Errorf("chdir to old root: %w", err)
	}
	if err := mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make old root a slave: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detach old root: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("chdir /: %w", err)
	}
	return nil
}

// chrootInto is the weaker root change of the seed runtime: the old root
// stays in the mount table and a process with CAP_SYS_CHROOT can climb out.
func chrootInto(root string) error {
	if err := unix.Chroot(root); err != nil {
		return fmt.Errorf("chroot %s: %w", root, err)
	}
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("chdir /: %w", err)
	}
	return nil
}
