package probes

import (
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Pure decisions of the security and seccomp probes, kept apart from the
// syscalls so they are unit-testable without root.

// EncodeHandle renders a file handle as the security probe's -handle flag
// takes it: "<handle_type>:<hex of f_handle>", the two fields of struct
// file_handle that name_to_handle_at(2) fills in (handle_bytes is the
// length of the hex). The suite computes it on the host with HostHandle.
func EncodeHandle(handleType int32, fhandle []byte) string {
	return strconv.FormatInt(int64(handleType), 10) + ":" + hex.EncodeToString(fhandle)
}

// DecodeHandle reverses EncodeHandle.
func DecodeHandle(s string) (handleType int32, fhandle []byte, err error) {
	t, h, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, nil, fmt.Errorf("file handle %q: want <type>:<hex>", s)
	}
	n, err := strconv.ParseInt(t, 10, 32)
	if err != nil {
		return 0, nil, fmt.Errorf("file handle type %q: %w", t, err)
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return 0, nil, fmt.Errorf("file handle bytes %q: %w", h, err)
	}
	if len(b) == 0 || len(b) > 128 { // MAX_HANDLE_SZ
		return 0, nil, fmt.Errorf("file handle of %d bytes: want 1..128", len(b))
	}
	return int32(n), b, nil
}

// ParseDevIno parses "dev:ino" in decimal, st_dev and st_ino as stat(2)
// returns them (the form devIno and NSID.String print).
func ParseDevIno(s string) (dev, ino uint64, err error) {
	d, i, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, 0, fmt.Errorf("dev:ino %q: missing colon", s)
	}
	if dev, err = strconv.ParseUint(d, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("dev in %q: %w", s, err)
	}
	if ino, err = strconv.ParseUint(i, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("ino in %q: %w", s, err)
	}
	return dev, ino, nil
}

// KallsymsAddresses counts the symbol lines of /proc/kallsyms text and how
// many carry a non-zero address. With kptr_restrict in force every address
// reads as zeros; a single non-zero one means kernel addresses are visible.
func KallsymsAddresses(text string) (lines, nonZero int) {
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		a, err := strconv.ParseUint(f[0], 16, 64)
		if err != nil {
			continue
		}
		lines++
		if a != 0 {
			nonZero++
		}
	}
	return lines, nonZero
}

// openDefence names what most likely refused an open(2) or mount(2), from
// its errno, for an attempt's Detail. The suite decides from Errno; this is
// only the human reading.
func openDefence(err error) string {
	switch {
	case err == nil:
		return "nothing stopped it"
	case errors.Is(err, unix.EROFS):
		return "read-only mount"
	case errors.Is(err, unix.EACCES):
		return "permissions (file mode, nodev/noexec mount, user namespace ownership or LSM)"
	case errors.Is(err, unix.EPERM):
		return "missing capability, devices cgroup, seccomp or LSM"
	case errors.Is(err, unix.ENOENT):
		return "not present (masked or absent)"
	case errors.Is(err, unix.ENXIO), errors.Is(err, unix.ENODEV):
		return "no such device behind the node"
	case errors.Is(err, unix.ENOSYS):
		return "syscall not available (seccomp ENOSYS or old kernel)"
	default:
		return "refused: " + errText(err)
	}
}

// readOutcome is the masked-paths rule: a file is readable only if the read
// returned bytes. A path masked with /dev/null opens but reads 0 bytes.
func readOutcome(n int, err error) error {
	if err != nil {
		return err
	}
	if n == 0 {
		return errReadEmpty
	}
	return nil
}

// errReadEmpty fails a read attempt that opened the file but got no bytes.
var errReadEmpty = errors.New("read 0 bytes (masked, e.g. by /dev/null)")

// nsLinkType returns the namespace type a /proc/self/fd link names
// ("net:[4026531840]" → "net"), or "" when the link is no namespace.
func nsLinkType(link string) string {
	t, rest, ok := strings.Cut(link, ":[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return ""
	}
	switch t {
	case "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children", "user", "uts":
		return t
	}
	return ""
}

// cgroupLoc is where the process's own cgroup is visible inside.
type cgroupLoc struct {
	Dir    string // own cgroup directory
	Parent string // its parent's directory; "" when not visible
	Kind   string // "v1 pids", "v1 cpu,cpuacct", "v2"
}

// cgroupCandidates finds the process's own cgroup directory in every
// visible hierarchy, the pids hierarchy first and the unified one last. A
// mount shows the part of the hierarchy below its mountinfo root, so the
// own path must lie under that root; the parent is visible only when the
// own cgroup is not the mount's root (a cgroup namespace or a bind mount of
// the own directory hides it).
func cgroupCandidates(entries []CgroupEntry, mounts []MountInfo) []cgroupLoc {
	var first, rest, last []cgroupLoc
	for _, e := range entries {
		v2 := e.Hierarchy == 0 && len(e.Controllers) == 0
		own := path.Clean(e.Path)
		for _, m := range mounts {
			if !cgroupMountHolds(m, e, v2) {
				continue
			}
			rel, ok := relUnder(own, path.Clean(m.Root))
			if !ok {
				continue
			}
			loc := cgroupLoc{Dir: path.Join(m.MountPoint, rel), Kind: "v2"}
			if !v2 {
				loc.Kind = "v1 " + strings.Join(e.Controllers, ",")
			}
			if rel != "/" {
				loc.Parent = path.Join(m.MountPoint, path.Dir(rel))
			}
			switch {
			case v2:
				last = append(last, loc)
			case hasString(e.Controllers, "pids"):
				first = append(first, loc)
			default:
				rest = append(rest, loc)
			}
			break
		}
	}
	return append(append(first, rest...), last...)
}

// cgroupMountHolds says whether mount m shows the hierarchy of entry e: a
// cgroup2 mount for the unified entry, a v1 mount whose options name every
// controller of e ("name=systemd" included) otherwise.
func cgroupMountHolds(m MountInfo, e CgroupEntry, v2 bool) bool {
	if v2 {
		return m.FSType == "cgroup2"
	}
	if m.FSType != "cgroup" || len(e.Controllers) == 0 {
		return false
	}
	opts := strings.Split(m.SuperOptions, ",")
	for _, c := range e.Controllers {
		if !hasString(opts, c) {
			return false
		}
	}
	return true
}

// relUnder returns p relative to root ("/" for root itself) when p lies
// at or below root.
func relUnder(p, root string) (string, bool) {
	switch {
	case root == "/":
		return p, true
	case p == root:
		return "/", true
	case strings.HasPrefix(p, root+"/"):
		return p[len(root):], true
	}
	return "", false
}

func hasString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// secWrap adds what was being done to a non-nil err.
func secWrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
