package probes

// Probe "cpuburn": a busy loop that stops by itself, to show a CPU quota.
//
// Flags:
//
//	-for DURATION  wall-clock time to spin (default 2s, clamped to
//	               [100ms, 5s]); with -until-eof, the most it spins
//	-until-eof     stop spinning as soon as stdin reaches EOF: the host
//	               reads cpu.stat while the loop runs and ends it the
//	               moment the kernel's counters have decided the check,
//	               so the burn lasts as long as the evidence needs, not a
//	               fixed time. A reader blocked on stdin from the start
//	               tells the host the loop is running.
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
//	      With -until-eof, Detail says whether stdin's EOF or -for ended it.
//	hold  only with -hold: Value "eof" or "timeout".
//
// Facts: "for" (the clamped duration), "wall_us" (the burn's wall time in
// µs), "ratio" (cpu/wall, two decimals) and "stopped" ("eof" or "time").
//
// One goroutine locked to its OS thread spins: a single thread can use at
// most one CPU, so the ratio stays comparable on machines of any size. It
// reads the clock only every million iterations, and stops when the wall
// time is up whatever CPU it got.

import (
	"fmt"
	"io"
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
	untilEOF := fs.Bool("until-eof", false, "stop spinning when stdin reaches EOF (at most -for)")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("cpuburn: %w", err)
	}
	d := clampBurn(*dur)
	r := env.Report
	r.Facts["for"] = d.String()

	var eof chan struct{}
	if *untilEOF {
		eof = make(chan struct{})
		go func() { io.Copy(io.Discard, env.Stdin); close(eof) }()
	}
	cpu, wall, sum, byEOF, err := burn(d, eof)
	if err != nil {
		recordValue(r, cbBurn, err, "getrusage", "")
	} else {
		r.Facts["wall_us"] = strconv.FormatInt(wall.Microseconds(), 10)
		r.Facts["ratio"] = strconv.FormatFloat(BurnRatio(cpu, wall), 'f', 2, 64)
		r.Facts["loop_sum"] = strconv.FormatUint(sum, 10) // keeps the loop's work observable
		detail := burnDetail(cpu, wall)
		switch {
		case byEOF:
			r.Facts["stopped"] = "eof"
			detail += "; stopped by stdin EOF"
		case eof != nil:
			r.Facts["stopped"] = "time"
			detail += "; stdin stayed open: stopped after -for " + d.String()
		}
		recordValue(r, cbBurn, nil, detail, strconv.FormatInt(cpu.Microseconds(), 10))
	}
	if *hold {
		h := holdBudget(start, cpuburnDeadline, cpuburnHoldMax)
		recordValue(r, cbHold, nil, fmt.Sprintf("held for up to %s", h), Hold(env.Stdin, h))
	}
	return nil
}

// burn spins on this goroutine's OS thread for d of wall time, or until
// stop is closed (nil: never), and returns the CPU time the process used
// meanwhile, the wall time it took, the loop's running sum, and whether
// stop ended it.
func burn(d time.Duration, stop <-chan struct{}) (cpu, wall time.Duration, sum uint64, stopped bool, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := cpuTime()
	if err != nil {
		return 0, 0, 0, false, err
	}
	start := time.Now()
	end := start.Add(d)
loop:
	for {
		for i := uint64(0); i < cpuburnCheck; i++ {
			sum += i ^ (sum >> 3)
		}
		select {
		case <-stop:
			stopped = true
			break loop
		default:
		}
		if !time.Now().Before(end) {
			break
		}
	}
	wall = time.Since(start)
	after, err := cpuTime()
	if err != nil {
		return 0, 0, 0, false, err
	}
	return after - before, wall, sum, stopped, nil
}

// cpuTime is the user plus system time this process has used.
func cpuTime() (time.Duration, error) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
