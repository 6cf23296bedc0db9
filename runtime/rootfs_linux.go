package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// MountError says which mount failed, so errors.Is still finds the errno.
type MountError struct {
	Op, Source, Target, FSType string
	Flags                      uintptr
	Err                        error
}

func (e *MountError) Error() string {
	return fmt.Sprintf("%s %s on %s (type %q, flags %#x): %v", e.Op, e.Source, e.Target, e.FSType, e.Flags, e.Err)
}

func (e *MountError) Unwrap() error { return e.Err }

func mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		return &MountError{Op: "mount", Source: source, Target: target, FSType: fstype, Flags: flags, Err: err}
	}
	return nil
}

// setupRootfs gives the container its root. In its own mount namespace it
// first makes every mount private, so nothing done here propagates to the
// host, then mounts /proc, /sys and /dev inside the rootfs and switches root.
func setupRootfs(cfg *initConfig) error {
	root := cfg.Rootfs
	if cfg.shares(NSMount) {
		// Weakening: no mount namespace, so no mounts at all (they would
		// land on the host); only the seed's chroot.
		return chrootInto(root)
	}
	if err := mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	// pivot_root needs the new root to be a mount point.
	if err := mount(root, root, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	if !cfg.AllowDevices {
		// A device node made with mknod anywhere in the rootfs cannot be
		// opened; the standard devices are bind mounts of their own.
		if err := remount(root, unix.MS_NODEV); err != nil {
			return fmt.Errorf("rootfs nodev: %w", err)
		}
	}
	if err := mountProc(root); err != nil {
		return err
	}
	if err := mountSys(root); err != nil {
		return err
	}
	if err := mountDev(root, !cfg.AllowDevices); err != nil {
		return err
	}
	if cfg.Chroot {
		return chrootInto(root)
	}
	return pivotRoot(root)
}

func ensureDir(p string, mode os.FileMode) error {
	if err := os.MkdirAll(p, mode); err != nil {
		return fmt.Errorf("mkdir %s: %w", p, err)
	}
	return nil
}

// mountProc mounts a proc of the container's PID namespace. Where the
// kernel refuses (a user namespace that does not own the PID namespace, when
// the host's is shared rootless), the host's /proc is bound instead.
func mountProc(root string) error {
	target := filepath.Join(root, "proc")
	if err := ensureDir(target, 0o555); err != nil {
		return err
	}
	err := mount("proc", target, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	if errors.Is(err, unix.EPERM) {
		err = mount("/proc", target, "", unix.MS_BIND|unix.MS_REC, "")
	}
	return err
}

// mountSys mounts sysfs read-only (bound from the host where the kernel
// refuses a new one, as when the host's network namespace is shared rootless).
func mountSys(root string) error {
	target := filepath.Join(root, "sys")
	if err := ensureDir(target, 0o555); err != nil {
		return err
	}
	const flags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_RDONLY
	err := mount("sysfs", target, "sysfs", flags, "")
	if errors.Is(err, unix.EPERM) {
		if err = mount("/sys", target, "", unix.MS_BIND|unix.MS_REC, ""); err == nil {
			err = mount("", target, "", unix.MS_BIND|unix.MS_REMOUNT|flags, "")
		}
	}
	return err
}

// devices are bound from the host rather than made with mknod, which a
// user namespace forbids; the same code then serves root and rootless.
var devices = []string{"null", "zero", "full", "random", "urandom", "tty"}

// mountDev gives the container a /dev of its own: a small tmpfs with the
// standard devices, a private devpts instance and /dev/shm.
func mountDev(root string, nodev bool) error {
	dev := filepath.Join(root, "dev")
	if err := ensureDir(dev, 0o755); err != nil {
		return err
	}
	flags := uintptr(unix.MS_NOSUID | unix.MS_NOEXEC)
	if nodev {
		flags |= unix.MS_NODEV
	}
	if err := mount("tmpfs", dev, "tmpfs", flags, "mode=755,size=65536k"); err != nil {
		return err
	}
	for _, d := range devices {
		target := filepath.Join(dev, d)
		f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o666)
		if err != nil {
			return fmt.Errorf("create %s: %w", target, err)
		}
		f.Close()
		if err := mount("/dev/"+d, target, "", unix.MS_BIND, ""); err != nil {
			return err
		}
	}
	pts := filepath.Join(dev, "pts")
	if err := ensureDir(pts, 0o755); err != nil {
		return err
	}
	if err := mount("devpts", pts, "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return err
	}
	shm := filepath.Join(dev, "shm")
	if err := ensureDir(shm, 0o1777); err != nil {
		return err
	}
	if err := mount("shm", shm, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k"); err != nil {
		return err
	}
	for link, to := range map[string]string{
		"ptmx": "pts/ptmx", "fd": "/proc/self/fd",
		"stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2",
	} {
		if err := os.Symlink(to, filepath.Join(dev, link)); err != nil {
			return fmt.Errorf("symlink /dev/%s: %w", link, err)
		}
	}
	return nil
}

// pivotRoot makes root the new / and removes the old root from the mount
// namespace. pivot_root(".", ".") stacks the old root on top of the new one;
// after it, the old root is made a slave (so the detach cannot propagate back
// to the host) and lazily unmounted, leaving only the new root.
func pivotRoot(root string) error {
	oldRoot, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open old root: %w", err)
	}
	defer unix.Close(oldRoot)
	newRoot, err := unix.Open(root, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", root, err)
	}
	defer unix.Close(newRoot)
	if err := unix.Fchdir(newRoot); err != nil {
		return fmt.Errorf("chdir %s: %w", root, err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root %s: %w", root, err)
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
