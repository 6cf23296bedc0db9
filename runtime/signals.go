package runtime

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// caughtMask reads the SigCgt mask of /proc/PID/status text: bit N-1 is
// signal N.
func caughtMask(status string) (uint64, error) {
	for _, l := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(l, "SigCgt:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				return 0, fmt.Errorf("SigCgt: %w", err)
			}
			return m, nil
		}
	}
	return 0, fmt.Errorf("status has no SigCgt line")
}

func sigBit(s syscall.Signal) uint64 { return 1 << (uint(s) - 1) }
