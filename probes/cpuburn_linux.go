package probes

// Probe "cpuburn": a busy loop that stops by itself, to show a CPU quota.
//
// Flags:
//
//	-for DURATION  wall-clock time to spin (default 2s, clamped to
//	               [100ms, 5s])
//	-hold          after recording, wait for stdin EOF (at most 15 s) so
//	               the host can read cpu.stat while the cgroup still lives
//
// Attempts (stable names):
//
//	burn  Value = CPU time the process used while spinning, in µs
//	      (getrusage RUSAGE_SELF, user + system, after minus before).
//	      Detail gives the wall time and the ratio cpu/wall: about 1 with
//	      a CPU to itself, about N under a quota of N CPUs (N < 1).
//	      failed only when getrusage itself failed.
//	hold  only with -hold: Value "eof" or "timeout".
//
// Facts: "for" (the clamped duration), "wall_us" (the burn's wall time in
// µs) and "ratio" (cpu/wall, two decimals).
//
// One goroutine locked to its OS thread spins: a single thread can use at
// most one CPU, so the ratio stays comparable on machines of any size. It
// reads the clock only every million iterations, and stops when the wall
// time is up whatever CPU it got.

import (
	"fmt"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

func init() {
	Register("cpuburn", "spin one thread for -for (at most 5 s) and report the CPU time it got", cpuburnDeadline, runCpuburn)
}

// Attempt names of the cpuburn probe.
const (
	cbBurn = "burn"
	cbHold = "hold"
)

const (
	cpuburnDeadline = 20 * time.Second
	cpuburnHoldMax  = 15 * time.Second
	cpuburnCheck    = 1 << 20 // loop iterations between clock reads
)

func runCpuburn(env *Env) error {
	start := time.Now()
	fs := NewFlags("cpuburn")
	dur := fs.Duration("for", CpuburnDefaultFor, "wall-clock time to spin")
	hold := fs.Bool("hold", false, "hold after recording until stdin EOF")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("cpuburn: %w", err)
	}
	d := clampBurn(*dur)
	r := env.Report
	r.Facts["for"] = d.String()

	cpu, wall, sum, err := burn(d)
	if err != nil {
		recordValue(r, cbBurn, err, "getrusage", "")
	} else {
		r.Facts["wall_us"] = strconv.FormatInt(wall.Microseconds(), 10)
		r.Facts["ratio"] = strconv.FormatFloat(BurnRatio(cpu, wall), 'f', 2, 64)
		r.Facts["loop_sum"] = strconv.FormatUint(sum, 10) // keeps the loop's work observable
		recordValue(r, cbBurn, nil, burnDetail(cpu, wall), strconv.FormatInt(cpu.Microseconds(), 10))
	}
	if *hold {
		h := holdBudget(start, cpuburnDeadline, cpuburnHoldMax)
		recordValue(r, cbHold, nil, fmt.Sprintf("held for up to %s", h), Hold(env.Stdin, h))
	}
	return nil
}

// burn spins on this goroutine's OS thread for d of wall time and returns
// the CPU time the process used meanwhile, the wall time it took, and the
// loop's running sum.
func burn(d time.Duration) (cpu, wall time.Duration, sum uint64, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := cpuTime()
	if err != nil {
		return 0, 0, 0, err
	}
	start := time.Now()
	stop := start.Add(d)
	for {
		for i := uint64(0); i < cpuburnCheck; i++ {
			sum += i ^ (sum >> 3)
		}
		if !time.Now().Before(stop) {
			break
		}
	}
	wall = time.Since(start)
	after, err := cpuTime()
	if err != nil {
		return 0, 0, 0, err
	}
	return after - before, wall, sum, nil
}

// cpuTime is the user plus system time this process has used.
func cpuTime() (time.Duration, error) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
