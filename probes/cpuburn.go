package probes

import (
	"fmt"
	"time"
)

// Pure parts of the CPU-burn probe.

const (
	// CpuburnDefaultFor is how long cpuburn spins by default.
	CpuburnDefaultFor = 2 * time.Second
	// CpuburnHardFor bounds -for, so the probe never keeps a CPU busy for
	// long on the machine running the suite, quota or not.
	CpuburnHardFor = 5 * time.Second
	// cpuburnMinFor is the shortest burn: a few CFS periods of 100 ms.
	cpuburnMinFor = 100 * time.Millisecond
)

// clampBurn bounds a requested -for to [100 ms, CpuburnHardFor].
func clampBurn(d time.Duration) time.Duration {
	switch {
	case d < cpuburnMinFor:
		return cpuburnMinFor
	case d > CpuburnHardFor:
		return CpuburnHardFor
	}
	return d
}

// BurnRatio is the CPU time a single busy thread got per second of wall
// time: about 1 with a CPU to itself, about the quota (e.g. 0.2) under a
// CFS quota below one CPU. 0 when wall is not positive.
func BurnRatio(cpu, wall time.Duration) float64 {
	if wall <= 0 {
		return 0
	}
	return float64(cpu) / float64(wall)
}

// burnDetail is the burn attempt's human-readable evidence.
func burnDetail(cpu, wall time.Duration) string {
	return fmt.Sprintf("spun one thread for %s wall, used %s CPU: ratio cpu/wall %.2f",
		wall.Round(time.Millisecond), cpu.Round(time.Millisecond), BurnRatio(cpu, wall))
}
