package cgroups

// fileWrite is one limit file and the value to write into it.
type fileWrite struct {
	// Controller is the key of the directory in Paths on v1; on v2 every
	// file lives in the single directory.
	Controller string
	File       string
	Value      string
	// Optional writes are skipped when the kernel does not offer the file
	// (swap accounting off); all others fail when they cannot be written.
	Optional bool
}

// earlyWrites are written at creation, before any process is in the cgroup.
func earlyWrites(m Mode, r Resources) []fileWrite {
	return append(append(memoryWrites(m, r), cpuWrites(m, r)...), devicesWrites(m, r)...)
}

// lateWrites are written by ApplyLate, just before the user command runs.
func lateWrites(m Mode, r Resources) []fileWrite {
	return pidsWrites(r)
}

// limitFiles names the main file of every requested limit, for messages.
func limitFiles(m Mode, r Resources) []string {
	req, _ := wantedControllers(r)
	var out []string
	for _, c := range req {
		out = append(out, limitFileFor(m, c))
	}
	return out
}

// limitFileFor names the main limit file of a controller, for messages.
func limitFileFor(m Mode, ctrl string) string {
	switch ctrl {
	case ctrlPids:
		return "pids.max"
	case ctrlMemory:
		if m == ModeUnified {
			return "memory.max"
		}
		return "memory.limit_in_bytes"
	case ctrlCPU:
		if m == ModeUnified {
			return "cpu.max"
		}
		return "cpu.cfs_quota_us"
	}
	return ctrl
}
