package probes

import (
	"fmt"
	"strconv"
	"strings"
)

// MountInfo is one line of /proc/<pid>/mountinfo (proc(5)). Root is the
// path inside the filesystem that is mounted at MountPoint: "/" means the
// whole filesystem, anything else a bind mount of part of it. That is how
// the probe tells the host's entire root filesystem from the container's own
// rootfs, which usually lives on the same device.
type MountInfo struct {
	ID           int
	Parent       int
	Major, Minor uint32
	Root         string
	MountPoint   string
	Options      string   // per-mount options
	Optional     []string // e.g. "shared:1", "master:2"
	FSType       string
	Source       string
	SuperOptions string
}

// MajorMinor renders the device as mountinfo prints it, "major:minor".
func (m MountInfo) MajorMinor() string { return fmt.Sprintf("%d:%d", m.Major, m.Minor) }

// ParseMountInfo parses the whole text of a mountinfo file. Blank lines are
// skipped; any malformed line is an error naming its line number.
func ParseMountInfo(text string) ([]MountInfo, error) {
	var out []MountInfo
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		m, err := ParseMountInfoLine(line)
		if err != nil {
			return out, fmt.Errorf("mountinfo line %d: %w", i+1, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// ParseMountInfoLine parses one mountinfo line:
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
func ParseMountInfoLine(line string) (MountInfo, error) {
	f := strings.Fields(line)
	sep := -1
	for i := 6; i < len(f); i++ {
		if f[i] == "-" {
			sep = i
			break
		}
	}
	if len(f) < 6 || sep < 0 || len(f) < sep+3 {
		return MountInfo{}, fmt.Errorf("malformed %q", line)
	}
	var m MountInfo
	var err error
	if m.ID, err = strconv.Atoi(f[0]); err != nil {
		return MountInfo{}, fmt.Errorf("mount id in %q: %w", line, err)
	}
	if m.Parent, err = strconv.Atoi(f[1]); err != nil {
		return MountInfo{}, fmt.Errorf("parent id in %q: %w", line, err)
	}
	if m.Major, m.Minor, err = parseMajorMinor(f[2]); err != nil {
		return MountInfo{}, fmt.Errorf("device in %q: %w", line, err)
	}
	m.Root = unescapeOctal(f[3])
	m.MountPoint = unescapeOctal(f[4])
	m.Options = f[5]
	if sep > 6 {
		m.Optional = append([]string(nil), f[6:sep]...)
	}
	m.FSType = f[sep+1]
	m.Source = unescapeOctal(f[sep+2])
	if len(f) > sep+3 {
		m.SuperOptions = f[sep+3]
	}
	return m, nil
}

func parseMajorMinor(s string) (uint32, uint32, error) {
	maj, min, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, fmt.Errorf("no colon in %q", s)
	}
	a, err := strconv.ParseUint(maj, 10, 32)
	if err != nil {
		return 0, 0, err
	}
	b, err := strconv.ParseUint(min, 10, 32)
	if err != nil {
		return 0, 0, err
	}
	return uint32(a), uint32(b), nil
}

// unescapeOctal undoes the kernel's escaping of space, tab, newline and
// backslash in mountinfo paths ("\040" for a space).
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// FindWholeFilesystem returns the entries that mount the whole filesystem of
// device majorMinor ("254:0"), that is with Root "/". Seen from inside a
// container, such an entry for the host's root device means the host's
// entire root filesystem is reachable (the old root leaked, or a chroot).
func FindWholeFilesystem(mounts []MountInfo, majorMinor string) []MountInfo {
	var out []MountInfo
	for _, m := range mounts {
		if m.MajorMinor() == majorMinor && m.Root == "/" {
			out = append(out, m)
		}
	}
	return out
}
