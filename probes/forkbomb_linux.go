package probes

// Probe "forkbomb": a fork bomb that bounds itself, to show a pids limit.
//
// Flags:
//
//	-max N   children to fork at most (default 512, clamped to [1, 2048])
//	-hold    keep the children alive after recording until stdin reaches
//	         EOF (or at most 15 s), so the host can read pids.current and
//	         pids.events while the cgroup is full
//
// Attempts (stable names):
//
//	fork     Value = children forked. failed with Errno (EAGAIN under a
//	         pids limit) when a fork was refused; succeeded with Detail
//	         "reached -max N without failure" when no limit stopped it, or
//	         "stopped after 20s ..." when time ran out first. After a refusal
//	         up to 16 children are released at once so the Go runtime can
//	         still start threads; Detail says how many.
//	threads  Value = this process's thread count (/proc/self/status), which
//	         the pids controller counts too.
//	hold     only with -hold: Value "eof" or "timeout".
//	reaped   Value = children reaped in total (released ones included);
//	         equal to fork's Value when nothing was left behind.
//
// pids.max counts threads, so children are made with a raw clone(2), not
// goroutines, and never re-enter the Go runtime: each one sets
// PR_SET_PDEATHSIG=SIGKILL, checks its parent is still there, closes every
// descriptor except the read end of a pipe, and blocks reading it. The
// parent holds the write end: closing it (or dying) ends every child. The
// forking goroutine stays locked to its OS thread from the first fork until
// every child is reaped, because the death signal follows the thread that
// forked.

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"time"
	"unsafe"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"
)

func init() {
	Register("forkbomb", "fork children until a pids limit refuses (bounded by -max, 20 s)", 30*time.Second, runForkbomb)
}

// Attempt names of the forkbomb probe.
const (
	fbFork    = "fork"
	fbThreads = "threads"
	fbHold    = "hold"
	fbReaped  = "reaped"
)

const (
	forkbombDeadline = 30 * time.Second
	forkbombPhase    = 20 * time.Second // forking stops after this long
	forkbombHoldMax  = 15 * time.Second
	forkbombReapWait = 2 * time.Second // children get this long to exit on EOF before SIGKILL
)

func runForkbomb(env *Env) error {
	start := time.Now()
	fs := NewFlags("forkbomb")
	max := fs.Int("max", ForkbombDefaultMax, "children to fork at most")
	hold := fs.Bool("hold", false, "hold the children until stdin EOF")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("forkbomb: %w", err)
	}
	n := clampForks(*max)
	r := env.Report
	r.Facts["max"] = strconv.Itoa(n)

	runtime.LockOSThread() // the children's death signal follows this thread
	defer runtime.UnlockOSThread()
	b, err := newBomb(n)
	if err != nil {
		return err
	}
	defer b.release() // on every path: no child outlives the probe

	forkErr, timedOut := b.run(n, forkbombPhase)
	forked := len(b.pids)
	switch {
	case forkErr != 0:
		released := b.kill(releaseCount(forked))
		recordValue(r, fbFork, fmt.Errorf("fork #%d: %w", forked+1, forkErr),
			fmt.Sprintf("%d children forked, then refused; released %d for runtime headroom", forked, released),
			strconv.Itoa(forked))
	case timedOut:
		recordValue(r, fbFork, nil, fmt.Sprintf("stopped after %s with %d children, below -max %d", forkbombPhase, forked, n), strconv.Itoa(forked))
	default:
		recordValue(r, fbFork, nil, fmt.Sprintf("reached -max %d without failure", n), strconv.Itoa(forked))
	}

	if st, err := ReadFileRaw("/proc/self/status"); err != nil {
		r.Unsupported(fbThreads, err.Error())
	} else if v, ok := threadsFromStatus(string(st)); ok {
		recordValue(r, fbThreads, nil, "threads of the probe process", v)
	} else {
		r.Unsupported(fbThreads, "no Threads: line in /proc/self/status")
	}

	if *hold {
		d := holdBudget(start, forkbombDeadline, forkbombHoldMax)
		got := Hold(env.Stdin, d)
		recordValue(r, fbHold, nil, fmt.Sprintf("held %d children for up to %s", len(b.pids), d), got)
	}

	reaped, err := b.release()
	recordValue(r, fbReaped, err, fmt.Sprintf("%d of %d children reaped", reaped, forked), strconv.Itoa(reaped))
	return nil
}

// bomb is the parent's side: the pipe whose write end keeps the children
// alive, and their pids.
type bomb struct {
	rfd, wfd int
	ppid     int
	pids     []int // preallocated: appending while forking must not allocate
	reaped   int
	done     bool
}

func newBomb(max int) (*bomb, error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("forkbomb: pipe: %w", err)
	}
	return &bomb{rfd: p[0], wfd: p[1], ppid: unix.Getpid(), pids: make([]int, 0, max)}, nil
}

// run forks until max children live, a fork fails, or budget passes. All
// signals are blocked on this thread meanwhile, so a child never runs a Go
// signal handler; children keep that mask.
func (b *bomb) run(max int, budget time.Duration) (unix.Errno, bool) {
	var all, old unix.Sigset_t
	for i := range all.Val {
		all.Val[i] = ^all.Val[i]
	}
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &all, &old); err == nil {
		defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	}
	stop := time.Now().Add(budget)
	for len(b.pids) < max {
		if time.Now().After(stop) {
			return 0, true
		}
		pid, errno := forkWaiter(b.rfd, b.wfd, b.ppid)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return errno, false
		}
		b.pids = append(b.pids, pid)
	}
	return 0, false
}

// waiterByte is the read buffer of every child (each has its own copy).
var waiterByte [1]byte

// forkWaiter forks one child that waits for EOF on rfd and exits. After
// clone the child runs only raw system calls in this nosplit function: the
// Go runtime of the copy is not usable (one thread, locks possibly held).
//
//go:nosplit
//go:norace
func forkWaiter(rfd, wfd, ppid int) (int, unix.Errno) {
	pid, _, errno := unix.RawSyscall6(unix.SYS_CLONE, uintptr(unix.SIGCHLD), 0, 0, 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	if pid != 0 {
		return int(pid), 0
	}
	// Child.
	unix.RawSyscall(unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0)
	if p, _, _ := unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0); int(p) != ppid {
		unix.RawSyscall(unix.SYS_EXIT_GROUP, 0, 0, 0) // parent already gone
	}
	unix.RawSyscall(unix.SYS_CLOSE, uintptr(wfd), 0, 0)
	if rfd > 0 {
		unix.RawSyscall(unix.SYS_CLOSE_RANGE, 0, uintptr(rfd-1), 0)
	}
	unix.RawSyscall(unix.SYS_CLOSE_RANGE, uintptr(rfd+1), ^uintptr(0)>>33, 0) // up to 2^31-1
	for {
		_, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(rfd), uintptr(unsafe.Pointer(&waiterByte[0])), 1)
		if e != unix.EINTR {
			break
		}
	}
	unix.RawSyscall(unix.SYS_EXIT_GROUP, 0, 0, 0)
	return 0, 0 // not reached
}

// kill ends the n most recent children with SIGKILL and reaps them, and
// returns how many it reaped.
func (b *bomb) kill(n int) int {
	k := 0
	for ; k < n && len(b.pids) > 0; k++ {
		pid := b.pids[len(b.pids)-1]
		b.pids = b.pids[:len(b.pids)-1]
		unix.Kill(pid, unix.SIGKILL)
		if b.wait(pid, 0) {
			b.reaped++
		}
	}
	return k
}

// wait reaps pid; false if it is not (or no longer) our child to reap, or
// with WNOHANG still running.
func (b *bomb) wait(pid, opts int) bool {
	var ws unix.WaitStatus
	for {
		got, err := unix.Wait4(pid, &ws, opts, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return err == nil && got == pid
	}
}

// release closes the write end, so every child reads EOF and exits, reaps
// them all, and SIGKILLs any that have not gone within forkbombReapWait.
// It returns the children reaped over the bomb's life; later calls do nothing.
func (b *bomb) release() (int, error) {
	if b.done {
		return b.reaped, nil
	}
	b.done = true
	var errs *multierror.Error
	if err := unix.Close(b.wfd); err != nil {
		errs = multierror.Append(errs, fmt.Errorf("close pipe write end: %w", err))
	}
	stop := time.Now().Add(forkbombReapWait)
	left := b.pids
	for len(left) > 0 && time.Now().Before(stop) {
		next := left[:0]
		for _, pid := range left {
			if !b.wait(pid, unix.WNOHANG) {
				next = append(next, pid)
				continue
			}
			b.reaped++
		}
		left = next
		if len(left) > 0 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	for _, pid := range left {
		if err := unix.Kill(pid, unix.SIGKILL); err != nil {
			errs = multierror.Append(errs, fmt.Errorf("kill child %d: %w", pid, err))
		}
		if b.wait(pid, 0) {
			b.reaped++
		} else {
			errs = multierror.Append(errs, fmt.Errorf("child %d: could not reap", pid))
		}
	}
	b.pids = b.pids[:0]
	if err := unix.Close(b.rfd); err != nil {
		errs = multierror.Append(errs, fmt.Errorf("close pipe read end: %w", err))
	}
	return b.reaped, errs.ErrorOrNil()
}
