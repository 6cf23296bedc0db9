package check

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// SnapshotHost records the state of GuardedPaths; a path that does not
// exist is recorded as missing (it must stay so).
func SnapshotHost() (map[string]NodeState, error) {
	out := make(map[string]NodeState, len(GuardedPaths))
	for _, p := range GuardedPaths {
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				out[p] = NodeState{Missing: true}
				continue
			}
			return nil, fmt.Errorf("host guard: lstat %s: %w", p, err)
		}
		out[p] = NodeState{Mode: st.Mode, UID: st.Uid, GID: st.Gid, Rdev: st.Rdev}
	}
	return out, nil
}
