package probes

// Probe "memhog": a memory hog that bounds itself, to show a memory limit.
//
// Flags:
//
//	-max BYTES   memory to touch at most (default 256MiB, clamped to
//	             [4KiB, 1GiB]; suffixes K, M, G, KiB, MiB, GiB)
//	-step BYTES  size of one anonymous mapping (default 4MiB)
//	-hold        after recording, wait for stdin EOF (at most 15 s) so the
//	             host can read memory.events / memory.failcnt /
//	             memory.oom_control while the cgroup still lives
//	-inline      hog in this process instead of a child: an OOM kill then
//	             takes down the probe itself, and its exit status 137 (no
//	             report at all) is the evidence. Prints nothing until done.
//	-await       before hogging, wait for the host's go-ahead on stdin: one
//	             byte, or EOF (at most 10 s). The host finds the container
//	             and reads its cgroup while the probe waits, then writes a
//	             byte (the probe later holds with -hold) or closes stdin
//	             (inline). A hog may take its container down within
//	             milliseconds (inline, or a child whose OOM kill is followed
//	             by the probe's own); so the host has seen it, and knows the
//	             pids the kernel's OOM records name, whatever the machine's
//	             load, instead of racing it.
//
// Attempts (stable names):
//
//	hog   Value = bytes touched. Default mode re-execs this binary as
//	      "memhog-child", which mmaps -step bytes at a time and writes one
//	      byte in every 4096 until -max, printing "touched N" after each
//	      step. succeeded, Detail "touched N bytes": it reached -max.
//	      failed, Detail "killed by SIGKILL after touching N bytes": the
//	      child was killed (the OOM killer). failed with Errno (ENOMEM) when
//	      mmap was refused; failed "stopped after 20s ..." when it ran out
//	      of time (then this probe killed it).
//	hold  only with -hold: Value "eof" or "timeout".
//	await only with -await: Value "go", "eof" or "timeout" (recorded only
//	      when the probe lives to report).
//
// Facts: "max", "step" (bytes, after clamping) and "mode" (child | inline).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func init() {
	Register("memhog", "touch memory until -max or a memory limit kills the hog", 30*time.Second, runMemhog)
	Register("memhog-child", "internal: the hog process of memhog (run by memhog)", 25*time.Second, runMemhogChild)
}

// Attempt names of the memhog probe.
const (
	mhHog   = "hog"
	mhHold  = "hold"
	mhAwait = "await"
)

const (
	memhogDeadline = 30 * time.Second
	memhogChildMax = 20 * time.Second // the child is killed after this long
	memhogHoldMax  = 15 * time.Second
	memhogAwaitMax = 10 * time.Second
)

func runMemhog(env *Env) error {
	start := time.Now()
	fs := NewFlags("memhog")
	max, step := byteSize(MemhogDefaultMax), byteSize(MemhogDefaultStep)
	fs.Var(&max, "max", "bytes to touch at most")
	fs.Var(&step, "step", "bytes per mapping")
	hold := fs.Bool("hold", false, "hold after recording until stdin EOF")
	inline := fs.Bool("inline", false, "hog in this process")
	await := fs.Bool("await", false, "wait for a byte or EOF on stdin before hogging")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("memhog: %w", err)
	}
	mx, st := clampHog(int64(max), int64(step))
	r := env.Report
	r.Facts["max"] = strconv.FormatInt(mx, 10)
	r.Facts["step"] = strconv.FormatInt(st, 10)
	if *await {
		got := Await(env.Stdin, memhogAwaitMax)
		recordValue(r, mhAwait, nil, fmt.Sprintf("waited for the host's go-ahead on stdin (a byte or EOF) for up to %s before hogging", memhogAwaitMax), got)
	}
	if *inline {
		r.Facts["mode"] = "inline"
		touched, err := hog(mx, st, nil)
		recordHogResult(r, touched, err)
	} else {
		r.Facts["mode"] = "child"
		hogInChild(r, env.FP, mx, st)
	}
	if *hold {
		d := holdBudget(start, memhogDeadline, memhogHoldMax)
		recordValue(r, mhHold, nil, fmt.Sprintf("held for up to %s", d), Hold(env.Stdin, d))
	}
	return nil
}

func recordHogResult(r *Report, touched int64, err error) {
	v := strconv.FormatInt(touched, 10)
	if err != nil {
		recordValue(r, mhHog, err, fmt.Sprintf("after touching %d bytes", touched), v)
		return
	}
	recordValue(r, mhHog, nil, fmt.Sprintf("touched %d bytes", touched), v)
}

// hog maps step bytes at a time and writes one byte per page until max
// bytes are touched, calling progress after each step. It unmaps
// everything before returning.
func hog(max, step int64, progress func(int64)) (int64, error) {
	var regions [][]byte
	defer func() {
		for _, b := range regions {
			unix.Munmap(b)
		}
	}()
	var touched int64
	for touched < max {
		n := min(step, max-touched)
		b, err := unix.Mmap(-1, 0, int(n), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err != nil {
			return touched, fmt.Errorf("mmap %d bytes: %w", n, err)
		}
		regions = append(regions, b)
		for i := 0; i < len(b); i += memhogPage {
			b[i] = 1
		}
		touched += n
		if progress != nil {
			progress(touched)
		}
	}
	return touched, nil
}

// hogInChild runs the hog as a re-exec'd child and records how far it got
// and how it ended.
func hogInChild(r *Report, fp *Fingerprints, max, step int64) {
	ctx, cancel := context.WithTimeout(context.Background(), memhogChildMax)
	defer cancel()
	cmd, err := childCommand(ctx, "memhog-child", fp,
		"-max", strconv.FormatInt(max, 10), "-step", strconv.FormatInt(step, 10))
	if err != nil {
		r.Unsupported(mhHog, "re-exec: "+err.Error())
		return
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	runErr := cmd.Run()
	touched, errno := parseProgress(out.String())
	v := strconv.FormatInt(touched, 10)
	if cmd.ProcessState == nil {
		r.Unsupported(mhHog, fmt.Sprintf("re-exec: %v", runErr))
		return
	}
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ctx.Err() != nil:
		recordValue(r, mhHog, fmt.Errorf("stopped after %s, touched %d bytes", memhogChildMax, touched), "", v)
	case ws.Signaled():
		recordValue(r, mhHog, fmt.Errorf("killed by %s after touching %d bytes", unix.SignalName(ws.Signal()), touched), "", v)
	case errno != "":
		r.Attempts = append(r.Attempts, Attempt{Name: mhHog, Outcome: Failed, Errno: errno,
			Detail: fmt.Sprintf("mmap refused (%s) after touching %d bytes", errno, touched), Value: v})
	case runErr != nil:
		recordValue(r, mhHog, fmt.Errorf("child after touching %d bytes: %w (stderr %q)", touched, runErr, errb.String()), "", v)
	case touched < max:
		recordValue(r, mhHog, fmt.Errorf("child exited after touching only %d of %d bytes", touched, max), "", v)
	default:
		recordValue(r, mhHog, nil, fmt.Sprintf("touched %d bytes", touched), v)
	}
}

// runMemhogChild is the hog process. It reports progress on stdout with
// plain writes, so the lines are out before any OOM kill.
func runMemhogChild(env *Env) error {
	fs := NewFlags("memhog-child")
	max := fs.Int64("max", MemhogDefaultMax, "bytes to touch")
	step := fs.Int64("step", MemhogDefaultStep, "bytes per mapping")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("memhog-child: %w", err)
	}
	mx, st := clampHog(*max, *step)
	say := func(s string) { unix.Write(1, []byte(s)) }
	touched, err := hog(mx, st, func(n int64) { say(progressTouched + strconv.FormatInt(n, 10) + "\n") })
	if err != nil {
		var errno unix.Errno
		if errors.As(err, &errno) {
			say(progressError + unix.ErrnoName(errno) + "\n")
		}
		return fmt.Errorf("memhog-child: %w", err)
	}
	recordHogResult(env.Report, touched, nil)
	return nil
}
