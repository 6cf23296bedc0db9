package runtime

import (
	"fmt"
	"path"
	"strings"
)

// Volume is a host directory or file bind-mounted into the container
// (--volume HOST:CONTAINER[:ro]). The mount is always nodev and nosuid.
type Volume struct {
	Host      string // absolute host path, opened by the runtime as given
	Container string // absolute path inside the container, resolved in the rootfs
	ReadOnly  bool
}

// ParseVolume reads HOST:CONTAINER[:ro|rw]. Both paths must be absolute;
// the container path must not be / nor lie under /proc or /sys, which the
// runtime mounts and masks itself.
func ParseVolume(v string) (Volume, error) {
	parts := strings.Split(v, ":")
	var vol Volume
	switch {
	case len(parts) == 3 && (parts[2] == "ro" || parts[2] == "rw"):
		vol.ReadOnly = parts[2] == "ro"
	case len(parts) == 3:
		return vol, fmt.Errorf("volume %q: option %q: want ro or rw", v, parts[2])
	case len(parts) != 2:
		return vol, fmt.Errorf("volume %q: want HOST:CONTAINER[:ro]", v)
	}
	vol.Host, vol.Container = parts[0], parts[1]
	if !strings.HasPrefix(vol.Host, "/") {
		return vol, fmt.Errorf("volume %q: host path %q must be absolute", v, vol.Host)
	}
	if err := checkContainerPath(vol.Container); err != nil {
		return vol, fmt.Errorf("volume %q: %w", v, err)
	}
	vol.Host, vol.Container = path.Clean(vol.Host), path.Clean(vol.Container)
	return vol, nil
}

// checkContainerPath accepts an absolute path for a mount of the caller's
// (volume or tmpfs) inside the container.
func checkContainerPath(p string) error {
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("container path %q must be absolute", p)
	}
	c := path.Clean(p)
	if c == "/" {
		return fmt.Errorf("container path %q: the rootfs itself cannot be replaced", p)
	}
	for _, own := range []string{"/proc", "/sys"} {
		if c == own || strings.HasPrefix(c, own+"/") {
			return fmt.Errorf("container path %q: %s is the runtime's own (mounted and masked by it)", p, own)
		}
	}
	if strings.ContainsRune(p, 0) {
		return fmt.Errorf("container path %q contains a NUL byte", p)
	}
	return nil
}

// mountDepth orders the caller's mounts so a parent comes before what is
// mounted below it (--tmpfs /data with --volume x:/data/in).
func mountDepth(p string) int {
	return strings.Count(path.Clean(p), "/")
}
