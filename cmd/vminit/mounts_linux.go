package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

type mountPoint struct {
	source, target, fstype string
	flags                  uintptr
	data                   string
}

// baseMounts is the userland every guest gets, in mount order.
var baseMounts = []mountPoint{
	{"proc", "/proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, ""},
	{"sysfs", "/sys", "sysfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, ""},
	{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID, "mode=0755"},
	{"devpts", "/dev/pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "gid=5,mode=620,ptmxmode=666"},
	{"tmpfs", "/dev/shm", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777"},
	// /tmp as on Ubuntu 22.04, where it lies on the root filesystem: setuid
	// files and device nodes work there. The suites build their rootfs
	// under it, and a control that needs a device node (devices, with
	// --allow-devices) cannot fail on a nodev mount.
	{"tmpfs", "/tmp", "tmpfs", 0, "mode=1777"},
	{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=0755"},
}

// securityfs is where AppArmor (on in Debian's kernel) and the other LSMs
// show themselves, as on a distribution's host. A kernel built without it
// has no mount point in sysfs; that is no error.
var securityfs = mountPoint{"securityfs", "/sys/kernel/security", "securityfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, ""}

func mountBase() error {
	for _, m := range baseMounts {
		if err := mountAt(m); err != nil {
			return err
		}
	}
	if _, err := os.Stat(securityfs.target); err == nil {
		return mountAt(securityfs)
	}
	return nil
}

func mountAt(m mountPoint) error {
	if err := os.MkdirAll(m.target, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", m.target, err)
	}
	if err := unix.Mount(m.source, m.target, m.fstype, m.flags, m.data); err != nil {
		return fmt.Errorf("mount %s on %s: %w", m.fstype, m.target, err)
	}
	return nil
}
