package security

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/probes"
)

// Host-side prerequisites and fixtures. A technique the host itself cannot
// demonstrate (no module support, a root device the host may not read)
// makes its check and control skip with the reason: isolation cannot be
// credited for what the kernel or the sandbox forbids anyway.

// PlantKey adds a "user" key described by desc to the calling user's
// keyring (what a container sharing the host's keyrings would find), lets
// its owner search and read it, and returns a cleanup that invalidates it.
func PlantKey(desc string) (serial int, cleanup func() error, err error) {
	id, err := unix.AddKey("user", desc, []byte("lc-security-canary"), unix.KEY_SPEC_USER_KEYRING)
	if err != nil {
		return 0, nil, fmt.Errorf("add_key user %q to the user keyring: %w", desc, err)
	}
	cleanup = func() error {
		var errs *multierror.Error
		if _, err := unix.KeyctlInt(unix.KEYCTL_UNLINK, id, unix.KEY_SPEC_USER_KEYRING, 0, 0); err != nil && !errors.Is(err, unix.ENOKEY) {
			errs = multierror.Append(errs, fmt.Errorf("unlink key %d: %w", id, err))
		}
		if _, err := unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0); err != nil && !errors.Is(err, unix.ENOKEY) {
			errs = multierror.Append(errs, fmt.Errorf("invalidate key %d: %w", id, err))
		}
		return errs.ErrorOrNil()
	}
	// Possessor and owner may view, read and search: the key is found by
	// any process of this uid whose keyrings are the host's.
	const perm = 0x3f000000 | 0x003f0000
	if err := unix.KeyctlSetperm(id, perm); err != nil {
		return 0, nil, fmt.Errorf("setperm key %d: %w (cleanup: %v)", id, err, cleanup())
	}
	return id, cleanup, nil
}

// KeyExists says whether serial still names a valid key (for the
// leftover check after cleanup).
func KeyExists(serial int) bool {
	_, err := unix.KeyctlString(unix.KEYCTL_DESCRIBE, serial)
	return err == nil
}

// RootBlockNode returns the /dev node of block device "major:minor".
func RootBlockNode(majMin string) (string, error) {
	b, err := os.ReadFile("/sys/dev/block/" + majMin + "/uevent")
	if err != nil {
		return "", fmt.Errorf("block device %s: %w", majMin, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "DEVNAME="); ok {
			return "/dev/" + strings.TrimSpace(name), nil
		}
	}
	return "", fmt.Errorf("block device %s: no DEVNAME in its uevent", majMin)
}

// HostReadsBlock opens the block device "major:minor" on the host read-only
// and reads one sector: whether the host itself can read its root device.
func HostReadsBlock(majMin string) error {
	if strings.HasPrefix(majMin, "0:") {
		return fmt.Errorf("root device %s is anonymous (overlay, tmpfs, btrfs subvolume): no block device behind it", majMin)
	}
	node, err := RootBlockNode(majMin)
	if err != nil {
		return err
	}
	f, err := os.Open(node)
	if err != nil {
		return fmt.Errorf("host open %s: %w", node, err)
	}
	defer f.Close()
	buf := make([]byte, 512)
	if _, err := io.ReadFull(f, buf); err != nil {
		return fmt.Errorf("host read %s: %w", node, err)
	}
	return nil
}

// ModuleSupport says whether the kernel loads modules at all, and if not why.
func ModuleSupport() (bool, string) {
	if _, err := os.Stat("/proc/modules"); err != nil {
		return false, "kernel without loadable module support (no /proc/modules; finit_module answers ENOSYS): nothing to defend"
	}
	if s, err := probes.ReadTrimmed("/proc/sys/kernel/modules_disabled"); err == nil && s == "1" {
		return false, "kernel.modules_disabled=1 on the host: module loading is off for everyone"
	}
	return true, ""
}

// KallsymsShown says whether the host (root, CAP_SYSLOG) sees kernel
// addresses and whether a container's CAP_SYSLOG could: with
// kptr_restrict=2 nobody sees them, so the control cannot fail.
func KallsymsShown() (bool, string) {
	kr, err := probes.ReadTrimmed("/proc/sys/kernel/kptr_restrict")
	if err != nil {
		return false, fmt.Sprintf("read kptr_restrict: %v", err)
	}
	if kr == "2" {
		return false, "kernel.kptr_restrict=2: addresses are hidden from everyone, even CAP_SYSLOG; the control cannot fail"
	}
	b, err := readSome("/proc/kallsyms", 256<<10)
	if err != nil {
		return false, err.Error()
	}
	if _, nonZero := probes.KallsymsAddresses(string(b)); nonZero == 0 {
		return false, "the host itself sees no kernel addresses in /proc/kallsyms"
	}
	return true, "kptr_restrict=" + kr
}

// PresentOnHost maps each path to "" when the host reads more than 0 bytes
// of it (wantRead) or it exists (otherwise), else to why not.
func PresentOnHost(paths []string, wantRead bool) map[string]string {
	out := map[string]string{}
	for _, p := range paths {
		if !wantRead {
			if _, err := os.Stat(p); err != nil {
				out[p] = err.Error()
			} else {
				out[p] = ""
			}
			continue
		}
		b, err := readSome(p, 4096)
		switch {
		case err != nil:
			out[p] = err.Error()
		case len(b) == 0:
			out[p] = "host reads 0 bytes"
		default:
			out[p] = ""
		}
	}
	return out
}

func readSome(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit))
	if err != nil {
		return b, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

// DevIno is "st_dev:st_ino" of path in decimal, the probe's -runtime-ino.
func DevIno(path string) (string, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return "", fmt.Errorf("stat %s: %w", path, err)
	}
	return strconv.FormatUint(st.Dev, 10) + ":" + strconv.FormatUint(st.Ino, 10), nil
}

// SetuidCopy copies src to dst (inside a rootfs) as a setuid-root file:
// owner 0:0, mode 04755. The rootfs cleanup removes it.
func SetuidCopy(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("setuid copy: %w", err)
	}
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		return fmt.Errorf("setuid copy: %w", err)
	}
	if err := os.Chown(dst, 0, 0); err != nil {
		return fmt.Errorf("setuid copy: chown %s: %w", dst, err)
	}
	// Chmod after chown: chown clears the setuid bit.
	if err := os.Chmod(dst, 0o755|os.ModeSetuid); err != nil {
		return fmt.Errorf("setuid copy: chmod %s: %w", dst, err)
	}
	return nil
}
