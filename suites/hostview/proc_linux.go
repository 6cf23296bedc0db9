package hostview

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Readers of /proc/<pid> as the host sees it: ids in the host's user
// namespace, descriptor flags, namespace identities, the LSM label.

// IDMap reads /proc/<pid>/uid_map or gid_map ("uid" or "gid").
func IDMap(pid int, kind string) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s_map", pid, kind))
	if err != nil {
		return "", fmt.Errorf("%s_map of %d: %w", kind, pid, err)
	}
	return string(b), nil
}

// StatusIDs returns the Uid: or Gid: line's four ids (real, effective,
// saved, filesystem) of /proc/<pid>/status: the host's numbers.
func StatusIDs(pid int, kind string) ([]uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, fmt.Errorf("status of %d: %w", pid, err)
	}
	key := "Uid:"
	if kind == "gid" {
		key = "Gid:"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			var out []uint64
			for _, f := range strings.Fields(v) {
				n, err := strconv.ParseUint(f, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("status of %d: %s %q", pid, key, v)
				}
				out = append(out, n)
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("status of %d: no %s line", pid, key)
}

// FD is one open descriptor of a process as the host reads it.
type FD struct {
	N       int
	Target  string // readlink /proc/<pid>/fd/N
	Flags   uint64 // fdinfo "flags:" (octal in the file)
	CloExec bool
}

// FDs lists the open descriptors of pid with their targets and flags.
func FDs(pid int) ([]FD, error) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("descriptors of %d: %w", pid, err)
	}
	var out []FD
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		target, err := os.Readlink(dir + "/" + e.Name())
		if err != nil {
			continue // closed meanwhile
		}
		info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%d", pid, n))
		if err != nil {
			continue
		}
		flags, ok := ParseFDInfoFlags(string(info))
		if !ok {
			return out, fmt.Errorf("fdinfo %d of %d: no flags line", n, pid)
		}
		out = append(out, FD{N: n, Target: target, Flags: flags, CloExec: flags&unix.O_CLOEXEC != 0})
	}
	return out, nil
}

// ParseFDInfoFlags reads the octal "flags:" line of /proc/<pid>/fdinfo/N.
func ParseFDInfoFlags(text string) (uint64, bool) {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, "flags:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// NamespaceOf stats /proc/<pid>/ns/<name>.
func NamespaceOf(pid int, name string) (Identity, error) {
	return Stat(fmt.Sprintf("/proc/%d/ns/%s", pid, name))
}

// ErrNoLSM says the kernel has no LSM that labels processes.
var ErrNoLSM = errors.New("no LSM labels processes on this kernel")

// LSMLabel reads /proc/<pid>/attr/current; ErrNoLSM when the kernel has
// no labelling LSM (the read fails with EINVAL).
func LSMLabel(pid int) (string, error) {
	p := "/proc/self/attr/current"
	if pid > 0 {
		p = fmt.Sprintf("/proc/%d/attr/current", pid)
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%w (reading %s: %v)", ErrNoLSM, p, err)
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", p, err)
	}
	return strings.TrimRight(string(b), "\x00\n"), nil
}
