package runtime

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/capability"
)

// MaskedPaths are hidden from the container (runc's default list): kernel
// memory, keys, timers and firmware tables that leak host state or let a
// root process poke at hardware.
var MaskedPaths = []string{
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap",
}

// ReadonlyPaths stay visible but cannot be written: the kernel's tunables
// (core_pattern is a classic escape), the sysrq trigger, interrupts, buses.
var ReadonlyPaths = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}

// maskPaths covers each masked file with /dev/null and each masked
// directory with an empty read-only tmpfs. Paths the kernel lacks are skipped.
func maskPaths(paths []string) error {
	for _, p := range paths {
		var st unix.Stat_t
		if err := unix.Stat(p, &st); err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue
			}
			return fmt.Errorf("mask %s: %w", p, err)
		}
		var err error
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			err = mount("tmpfs", p, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0")
		} else {
			err = mount("/dev/null", p, "", unix.MS_BIND, "")
		}
		if err != nil {
			return fmt.Errorf("mask %s: %w", p, err)
		}
	}
	return nil
}

// readonlyPaths binds each path onto itself and remounts it read-only.
func readonlyPaths(paths []string) error {
	for _, p := range paths {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := mount(p, p, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("read-only %s: %w", p, err)
		}
		if err := remount(p, unix.MS_RDONLY); err != nil {
			return fmt.Errorf("read-only %s: %w", p, err)
		}
	}
	return nil
}

// remount adds flags to the bind mount at p. It keeps the flags the mount
// already has: in a user namespace the kernel refuses a remount that would
// clear a flag the outer namespace set (nosuid, nodev, noexec, ...).
func remount(p string, add uintptr) error {
	var sfs unix.Statfs_t
	if err := unix.Statfs(p, &sfs); err != nil {
		return fmt.Errorf("statfs %s: %w", p, err)
	}
	return mount("", p, "", unix.MS_BIND|unix.MS_REMOUNT|mountFlags(sfs.Flags)|add, "")
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
