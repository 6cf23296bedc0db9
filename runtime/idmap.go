package runtime

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxID is the highest uid or gid a container's command may run as:
// runc's limit (2^31-1), so that no value wraps around to 0 in the kernel's
// 32-bit ids or in a signed int.
const MaxID = 1<<31 - 1

// maxMapID is the highest id an id map may name: the kernel's uid_map
// takes 32-bit ids, and 2^32-1 is the invalid id (-1).
const maxMapID = 1<<32 - 2

// IDMap maps Size ids from Container (inside) to Host (outside), one line of
// /proc/PID/uid_map.
type IDMap struct {
	Container, Host, Size int64
}

// ParseIDMap reads C:H:N (--uid-map / --gid-map).
func ParseIDMap(v string) (IDMap, error) {
	f := strings.Split(v, ":")
	if len(f) != 3 {
		return IDMap{}, fmt.Errorf("id map %q: want CONTAINER:HOST:SIZE", v)
	}
	var n [3]int64
	for i, s := range f {
		x, err := strconv.ParseInt(s, 10, 64)
		if err != nil || x < 0 || x > maxMapID || s[0] == '+' {
			return IDMap{}, fmt.Errorf("id map %q: %q is not a number from 0 to %d", v, s, int64(maxMapID))
		}
		n[i] = x
	}
	m := IDMap{Container: n[0], Host: n[1], Size: n[2]}
	if m.Size < 1 {
		return m, fmt.Errorf("id map %q: size must be at least 1", v)
	}
	if m.Container+m.Size-1 > maxMapID || m.Host+m.Size-1 > maxMapID {
		return m, fmt.Errorf("id map %q: range ends above %d", v, int64(maxMapID))
	}
	return m, nil
}

// checkIDMaps refuses overlapping ranges, inside or outside (the kernel
// refuses them too, with a bare EINVAL from the uid_map write), and a map
// that leaves container id 0 unmapped: the init sets the container up as
// root inside.
func checkIDMaps(kind string, maps []IDMap) error {
	if len(maps) > 340 { // the kernel's limit on uid_map lines
		return fmt.Errorf("%s map: %d ranges, at most 340", kind, len(maps))
	}
	for i, a := range maps {
		for _, b := range maps[i+1:] {
			if overlaps(a.Container, a.Size, b.Container, b.Size) {
				return fmt.Errorf("%s map: container ranges %s and %s overlap", kind, a, b)
			}
			if overlaps(a.Host, a.Size, b.Host, b.Size) {
				return fmt.Errorf("%s map: host ranges %s and %s overlap", kind, a, b)
			}
		}
	}
	if len(maps) > 0 && !mapped(maps, 0) {
		return fmt.Errorf("%s map: container %s 0 must be mapped (the runtime sets the container up as root inside)", kind, kind)
	}
	return nil
}

func (m IDMap) String() string { return fmt.Sprintf("%d:%d:%d", m.Container, m.Host, m.Size) }

func overlaps(a, an, b, bn int64) bool { return a < b+bn && b < a+an }

// mapped reports whether container id lies in one of maps.
func mapped(maps []IDMap, id int64) bool {
	for _, m := range maps {
		if id >= m.Container && id < m.Container+m.Size {
			return true
		}
	}
	return false
}
