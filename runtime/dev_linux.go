package runtime

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// device is one of the standard nodes every container's /dev has.
type device struct {
	name         string
	major, minor uint32
}

var devices = []device{
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
}

// mountDev gives the container a /dev of its own: a small tmpfs with the
// standard devices, a private devpts instance and /dev/shm.
//
// As real root (no user namespace) the nodes are made with mknod in that
// tmpfs: inodes of the container's own, so a chmod inside changes nothing
// on the host. Under a user namespace mknod is refused, so the host's nodes
// are bound instead; there they belong to an id the container does not
// map, and it cannot chmod them.
//
// Unless devices are allowed (a weakening), /dev ends up nodev, so a node
// made later in it cannot be opened. The standard nodes still open because
// each is a mount of its own, made before the tmpfs is remounted nodev
// (a bind mount keeps the flags of the mount it was made from).
func mountDev(r *rootDir, cfg *initConfig) error {
	fd, err := r.realDir("dev", 0o755)
	if err != nil {
		return err
	}
	nodev := !cfg.AllowDevices
	flags := uintptr(unix.MS_NOSUID | unix.MS_NOEXEC)
	if nodev && !cfg.MknodDevices {
		flags |= unix.MS_NODEV
	}
	err = mountAt("tmpfs", fd, "/dev", "tmpfs", flags, "mode=755,size=65536k")
	unix.Close(fd)
	if err != nil {
		return err
	}
	// Look /dev up again to reach the tmpfs just mounted there.
	dev, err := r.realDir("dev", 0o755)
	if err != nil {
		return err
	}
	defer unix.Close(dev)
	for _, d := range devices {
		if err := makeDevice(dev, d, cfg.MknodDevices, nodev); err != nil {
			return fmt.Errorf("/dev/%s: %w", d.name, err)
		}
	}
	if err := mountIn(dev, "pts", 0o755, "devpts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return err
	}
	if err := mountIn(dev, "shm", 0o1777, "shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k"); err != nil {
		return err
	}
	for _, l := range []struct{ name, to string }{
		{"ptmx", "pts/ptmx"}, {"fd", "/proc/self/fd"},
		{"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
	} {
		if err := unix.Symlinkat(l.to, dev, l.name); err != nil {
			return fmt.Errorf("symlink /dev/%s: %w", l.name, err)
		}
	}
	if nodev && cfg.MknodDevices {
		if err := remount(fdPath(dev), "/dev", unix.MS_NODEV|unix.MS_NOSUID|unix.MS_NOEXEC); err != nil {
			return err
		}
	}
	return nil
}

// makeDevice creates one standard node in the /dev tmpfs dev.
func makeDevice(dev int, d device, mknod, nodev bool) error {
	if mknod {
		if err := unix.Mknodat(dev, d.name, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
			return fmt.Errorf("mknod: %w", err)
		}
		if err := unix.Fchmodat(dev, d.name, 0o666, 0); err != nil { // past the umask
			return fmt.Errorf("chmod: %w", err)
		}
		if !nodev {
			return nil
		}
	} else {
		fd, err := unix.Openat(dev, d.name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o666)
		if err != nil {
			return fmt.Errorf("create mount point: %w", err)
		}
		unix.Close(fd)
	}
	fd, err := unix.Openat(dev, d.name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	source := "/dev/" + d.name // the host's node, under a user namespace
	if mknod {
		source = fdPath(fd) // its own mount, so it opens on the nodev tmpfs
	}
	return mountAt(source, fd, "/dev/"+d.name, "", unix.MS_BIND, "")
}

// mountIn makes the directory name in dir and mounts a file system on it.
func mountIn(dir int, name string, mode uint32, source, fstype string, flags uintptr, data string) error {
	if err := unix.Mkdirat(dir, name, mode); err != nil {
		return fmt.Errorf("mkdir /dev/%s: %w", name, err)
	}
	fd, err := unix.Openat(dir, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /dev/%s: %w", name, err)
	}
	defer unix.Close(fd)
	return mountAt(source, fd, "/dev/"+name, fstype, flags, data)
}
