package probes

import "strings"

// Pure parts of the fork-bomb probe.

const (
	// ForkbombDefaultMax is how many children forkbomb forks by default.
	ForkbombDefaultMax = 512
	// ForkbombHardMax bounds -max, so a missing pids limit never turns the
	// probe into a real fork bomb on the machine running the suite.
	ForkbombHardMax = 2048
	// forkbombHeadroom is how many children are released at once after a
	// fork fails, so the Go runtime can still start the threads it needs
	// (a runtime that cannot create a thread aborts the whole probe).
	forkbombHeadroom = 16
)

// clampForks bounds a requested -max to [1, ForkbombHardMax].
func clampForks(n int) int {
	switch {
	case n < 1:
		return 1
	case n > ForkbombHardMax:
		return ForkbombHardMax
	}
	return n
}

// releaseCount is how many of n live children to kill right after a fork
// failed: enough to leave the runtime headroom, never all of them, so the
// host still sees pids.current near the limit while it holds.
func releaseCount(n int) int {
	if n <= 1 {
		return n
	}
	if n/2 < forkbombHeadroom {
		return n / 2
	}
	return forkbombHeadroom
}

// threadsFromStatus returns the "Threads:" field of /proc/<pid>/status text.
func threadsFromStatus(status string) (string, bool) {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}
