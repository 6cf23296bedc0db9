package probes

// Probe "nsflags": every way of asking for a namespace, one flag at a
// time, so that a filter which forgot a single rule (CLONE_NEWUSER alone,
// say, while NEWUSER|NEWNS together is refused) shows. For each way in
// -ways and each namespace in -flags, one call on a thread of its own
// that is thrown away afterwards (a Go thread locked and never unlocked
// ends with its goroutine), so a call that works changes nothing the probe
// keeps:
//
//	unshare  unshare(CLONE_NEWx)
//	clone    clone(CLONE_NEWx|SIGCHLD) — the child exits at once, before
//	         any Go code runs in it (signals blocked, raw exit_group)
//	clone3   clone3({flags: CLONE_NEWx, exit_signal: SIGCHLD}), likewise
//	setns    setns(open("/proc/self/ns/x"), CLONE_NEWx): joining the
//	         namespace it is already in
//
// Attempts "ns:<way>:<flag>": Value the errno name ("OK" on success),
// Detail the call, ending in "[cap-first]" where the kernel refuses an
// unprivileged caller with EPERM itself (every flag but user, which needs
// no capability; setns of the own user namespace answers EINVAL). Notes on
// what a call that reached the kernel answers: unshare(CLONE_NEWUSER) in a
// multi-threaded process is EINVAL; clone has no CLONE_NEWTIME (its 0x80
// is the exit signal's byte), so ns:clone:time is unsupported.

import (
	"fmt"
	"runtime"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func init() {
	Register("nsflags", "namespace requests one flag at a time: unshare, clone, clone3, setns", 20*time.Second, runNSFlags)
}

// NSFlag maps a namespace name to its CLONE_NEW* flag.
var NSFlag = map[string]uintptr{
	"user": unix.CLONE_NEWUSER, "mnt": unix.CLONE_NEWNS, "net": unix.CLONE_NEWNET, "pid": unix.CLONE_NEWPID,
	"uts": unix.CLONE_NEWUTS, "ipc": unix.CLONE_NEWIPC, "cgroup": unix.CLONE_NEWCGROUP, "time": unix.CLONE_NEWTIME,
}

func runNSFlags(env *Env) error {
	fs := NewFlags("nsflags")
	ways := fs.String("ways", "unshare,clone,clone3,setns", "ways of asking")
	flags := fs.String("flags", "user,mnt,net,pid,uts,ipc,cgroup,time", "namespaces")
	if err := fs.Parse(env.Args); err != nil {
		return fmt.Errorf("nsflags: %w", err)
	}
	r := env.Report
	for _, way := range SplitList(*ways) {
		for _, ns := range SplitList(*flags) {
			r.Attempts = append(r.Attempts, nsRequest(way, ns))
		}
	}
	return nil
}

// nsRequest makes one request on a throw-away thread.
func nsRequest(way, ns string) Attempt {
	name := "ns:" + way + ":" + ns
	flag, ok := NSFlag[ns]
	if !ok {
		return Attempt{Name: name, Outcome: Unsupported, Detail: "unknown namespace " + ns}
	}
	if way == "clone" && ns == "time" {
		return Attempt{Name: name, Outcome: Unsupported, Detail: "clone(2) has no CLONE_NEWTIME: 0x80 lies in its exit-signal byte (clone3 and unshare have it)"}
	}
	type result struct {
		errno unix.Errno
		call  string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		var res result
		switch way {
		case "unshare":
			res.call = fmt.Sprintf("unshare(%#x)", flag)
			_, _, res.errno = unix.RawSyscall(unix.SYS_UNSHARE, flag, 0, 0)
		case "clone":
			res.call = fmt.Sprintf("clone(%#x|SIGCHLD)", flag)
			res.errno, res.err = forkExitWait(func() (uintptr, syscall.Errno) {
				return rawCloneExit(flag | uintptr(unix.SIGCHLD))
			})
		case "clone3":
			res.call = fmt.Sprintf("clone3({flags: %#x, exit_signal: SIGCHLD})", flag)
			args := &cloneArgs{Flags: uint64(flag), ExitSignal: uint64(unix.SIGCHLD)}
			res.errno, res.err = forkExitWait(func() (uintptr, syscall.Errno) {
				return rawClone3Exit(uintptr(unsafe.Pointer(args)), unsafe.Sizeof(*args))
			})
		case "setns":
			res.call = fmt.Sprintf("setns(/proc/self/ns/%s, %#x)", ns, flag)
			fd, err := unix.Open("/proc/self/ns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				res.err = fmt.Errorf("open /proc/self/ns/%s: %w", ns, err)
				break
			}
			_, _, res.errno = unix.RawSyscall(unix.SYS_SETNS, uintptr(fd), flag, 0)
			unix.Close(fd)
		default:
			res.err = fmt.Errorf("unknown way %q", way)
		}
		done <- res
	}()
	res := <-done
	if res.err != nil {
		return Attempt{Name: name, Outcome: Unsupported, Detail: res.err.Error()}
	}
	a := Attempt{Name: name, Outcome: Failed, Detail: res.call}
	if nsCapFirst(way, ns) {
		a.Detail += " " + CapFirstMark
	}
	if res.errno == 0 {
		a.Outcome, a.Value = Succeeded, "OK"
		return a
	}
	a.Errno, a.Value = unix.ErrnoName(res.errno), unix.ErrnoName(res.errno)
	return a
}

// nsCapFirst says whether the kernel itself answers an unprivileged
// caller with EPERM: every namespace but a user namespace needs
// CAP_SYS_ADMIN (setns of the own user namespace is EINVAL before that).
func nsCapFirst(way, ns string) bool { return ns != "user" }

// cloneArgs is struct clone_args up to exit_signal... cgroup (88 bytes,
// CLONE_ARGS_SIZE_VER2).
type cloneArgs struct {
	Flags, Pidfd, ChildTID, ParentTID, ExitSignal, Stack, StackSize, TLS, SetTID, SetTIDSize, Cgroup uint64
}

// forkExitWait runs a raw fork whose child exits at once, with every
// signal blocked on this thread so that no handler can run in the child,
// and reaps the child.
func forkExitWait(fork func() (uintptr, syscall.Errno)) (unix.Errno, error) {
	var all, old unix.Sigset_t
	for i := range all.Val {
		all.Val[i] = ^uint64(0)
	}
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &all, &old); err != nil {
		return 0, fmt.Errorf("block signals: %w", err)
	}
	pid, errno := fork()
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil); err != nil {
		return 0, fmt.Errorf("unblock signals: %w", err)
	}
	if errno != 0 {
		return errno, nil
	}
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(int(pid), &ws, 0, nil)
		if err != unix.EINTR {
			break
		}
	}
	return 0, nil
}

// rawCloneExit is fork through clone(2); the child calls exit_group(0)
// straight away. nosplit: the child must not grow a stack or meet the
// scheduler.
//
//go:nosplit
func rawCloneExit(flags uintptr) (uintptr, syscall.Errno) {
	r1, _, e := syscall.RawSyscall6(syscall.SYS_CLONE, flags, 0, 0, 0, 0, 0)
	if e == 0 && r1 == 0 {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	}
	return r1, e
}

// rawClone3Exit is rawCloneExit through clone3(2).
//
//go:nosplit
func rawClone3Exit(args, size uintptr) (uintptr, syscall.Errno) {
	r1, _, e := syscall.RawSyscall6(unix.SYS_CLONE3, args, size, 0, 0, 0, 0)
	if e == 0 && r1 == 0 {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	}
	return r1, e
}
