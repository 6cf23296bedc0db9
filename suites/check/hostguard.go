package check

import (
	"fmt"
	"sort"
)

// NodeState is what the host guard remembers of one host path: its type
// and permission bits, its owner and, for a device, its number. A runtime
// under test must change none of it.
type NodeState struct {
	Mode     uint32 // st_mode: type and permission bits
	UID, GID uint32
	Rdev     uint64
	Missing  bool
}

func (s NodeState) String() string {
	if s.Missing {
		return "missing"
	}
	return fmt.Sprintf("mode %o owner %d:%d rdev %d", s.Mode, s.UID, s.GID, s.Rdev)
}

// GuardedPaths are the host nodes every container sees a copy or a bind of
// and a careless runtime may change through it: the devices of /dev a
// runtime creates or chowns (gVisor's runsc, for one, chowns its stdio to
// the sandbox user, which turned the host's /dev/null over to nobody when
// it was handed /dev/null as stdin).
var GuardedPaths = []string{
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	"/dev/tty", "/dev/ptmx", "/dev/console",
}

// HostChanges lists, in path order, every guarded path whose state differs
// between two snapshots, as "path: before → after".
func HostChanges(before, after map[string]NodeState) []string {
	var out []string
	for p, b := range before {
		if a := after[p]; a != b {
			out = append(out, fmt.Sprintf("%s: %s → %s", p, b, a))
		}
	}
	sort.Strings(out)
	return out
}
