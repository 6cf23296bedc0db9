package runtime

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

var (
	setattrOnce sync.Once
	setattrOK   bool
)

// haveMountSetattr reports whether the kernel has mount_setattr (5.12+),
// which changes the flags of a whole mount tree at once.
func haveMountSetattr() bool {
	setattrOnce.Do(func() {
		err := unix.MountSetattr(-1, "", unix.AT_EMPTY_PATH, &unix.MountAttr{})
		setattrOK = !errors.Is(err, unix.ENOSYS)
	})
	return setattrOK
}

// mountVolume binds the host path onto the volume's path inside the
// rootfs. The host path is the caller's and is opened as given; the
// container path is resolved inside the rootfs (links lead nowhere
// outside it) and created there when missing: a directory for a host
// directory, an empty file for anything else. The mount is nodev and
// nosuid, read-only for :ro, and checked to be so.
//
// With mount_setattr the flags apply to the whole tree the recursive bind
// brings along; without it (before 5.12) the bind is not recursive, so no
// submount can stay writable under a read-only volume.
func mountVolume(r *rootDir, v Volume) error {
	host, err := unix.Open(v.Host, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("volume %s: %w", v.Host, err)
	}
	defer unix.Close(host)
	var st unix.Stat_t
	if err := unix.Fstat(host, &st); err != nil {
		return fmt.Errorf("volume %s: %w", v.Host, err)
	}
	var target int
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		target, err = r.mkdirAll(v.Container, 0o755)
	} else {
		target, err = r.mkfile(v.Container, 0o644)
	}
	if err != nil {
		return fmt.Errorf("volume %s: %w", v.Container, err)
	}
	bind := uintptr(unix.MS_BIND)
	recursive := haveMountSetattr()
	if recursive {
		bind |= unix.MS_REC
	}
	err = mountAt(fdPath(host), target, v.Container, "", bind, "")
	unix.Close(target)
	if err != nil {
		return fmt.Errorf("volume %s: %w", v.Host, err)
	}
	// The target descriptor holds what lies under the mount: look the
	// path up again to hold the mount itself.
	top, err := r.open(v.Container)
	if err != nil {
		return fmt.Errorf("volume %s: %w", v.Container, err)
	}
	defer unix.Close(top)
	var ms uintptr = unix.MS_NOSUID | unix.MS_NODEV
	var want int64 = unix.ST_NOSUID | unix.ST_NODEV
	if v.ReadOnly {
		ms |= unix.MS_RDONLY
		want |= unix.ST_RDONLY
	}
	if recursive {
		attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
		if v.ReadOnly {
			attr.Attr_set |= unix.MOUNT_ATTR_RDONLY
		}
		if err := unix.MountSetattr(top, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, attr); err != nil {
			return fmt.Errorf("volume %s: mount_setattr: %w", v.Container, err)
		}
	} else if err := remount(fdPath(top), v.Container, ms); err != nil {
		return fmt.Errorf("volume %s: %w", v.Container, err)
	}
	if err := checkFlags(top, v.Container, want); err != nil {
		return fmt.Errorf("volume %w", err)
	}
	return nil
}
