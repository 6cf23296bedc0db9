package runtime

import (
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The --init reaper. A PID namespace's init gets only the signals it has
// a handler for, and every orphan of the namespace becomes its child: a
// command that was never written to be PID 1 (sleep, a build tool, a
// server) then ignores Ctrl-C and leaves zombies. With --init the
// runtime's own init does not exec the command: it starts it as a child
// and stays PID 1, a Go program with a handler for every signal it passes
// on, reaping whatever dies, until the command ends; then it exits with
// the command's status (128+N when signal N killed it). No second binary
// is involved: the init is already this program, set up and locked down
// (seccomp, capabilities, no_new_privs, the command's user) exactly as the
// command will be.

// reapedSignals are passed on to the command; the rest keep their
// default, and SIGKILL and SIGSTOP cannot be caught.
var reapedSignals = []os.Signal{
	unix.SIGHUP, unix.SIGINT, unix.SIGQUIT, unix.SIGTERM, unix.SIGUSR1, unix.SIGUSR2,
	unix.SIGALRM, unix.SIGWINCH, unix.SIGCONT,
}

// reaper is the --init PID 1 between set-up and the command's end.
type reaper struct{ sigs chan os.Signal }

// newReaper catches the signals the reaper passes on. It runs during
// set-up, before pids.max is written, so the Go runtime starts the thread
// that delivers signals while it still may; a signal caught from here on
// waits in the channel for the command.
func newReaper() (*reaper, error) {
	// Not dumpable: the command runs as the same user and could otherwise
	// open /proc/1/exe, this very binary of the host, or read /proc/1/mem.
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return nil, err
	}
	// Named for what it is in ps and top (it would show as "exe", the
	// /proc/self/exe it was started as); the main thread is the process.
	unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&[]byte("little-init\x00")[0])), 0, 0, 0)
	r := &reaper{sigs: make(chan os.Signal, 64)}
	signal.Notify(r.sigs, append([]os.Signal{unix.SIGCHLD}, reapedSignals...)...)
	return r, nil
}

// run starts the command as the init's child and waits for it, passing
// signals on and reaping orphans. tty says the init holds the container's
// pty as its controlling terminal: the command then gets a process group
// of its own in the terminal's foreground, so Ctrl-C reaches it (and a
// shell's job control works) while the reaper, outside that group, only
// passes on what the runtime sends. It returns only when the command could
// not be started; then the sync socket syncFD is still open for the error.
func (r *reaper) run(syncFD int, path string, args, env []string, tty bool) error {
	attr := &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Setpgid: tty, Foreground: tty, Ctty: 0},
	}
	child, err := syscall.ForkExec(path, args, attr)
	if err != nil {
		return err
	}
	// What an exec would have done: end-of-file tells the runtime the
	// command runs (see release).
	unix.Close(syncFD)
	// The init started without a garbage collector (initCommand); the
	// reaper lives as long as the container.
	debug.SetGCPercent(100)
	for sig := range r.sigs {
		if sig != unix.SIGCHLD {
			unix.Kill(child, sig.(syscall.Signal)) // ESRCH when it just ended
			continue
		}
		for {
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
			if err == unix.EINTR {
				continue
			}
			if pid <= 0 || err != nil {
				break
			}
			if pid == child {
				code := ws.ExitStatus()
				if ws.Signaled() {
					code = 128 + int(ws.Signal())
				}
				os.Exit(code)
			}
		}
	}
	return nil // not reached: the channel is never closed
}
