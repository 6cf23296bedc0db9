package runtime

import (
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// initEnv marks the re-executed copy of the binary as a container init; its
// value is the number of the inherited sync socket.
const initEnv = "_LITTLE_CONTAINER_INIT"

func init() {
	if os.Getenv(initEnv) != "" {
		// Namespace changes made with unshare and the final execve act on
		// one thread: keep the main goroutine on the main thread so both
		// happen on the same one.
		goruntime.LockOSThread()
		// As early as this package can: see setDisposition.
		for _, s := range forwardedSignals {
			setDisposition(s, sigIGN) // cannot fail for these
		}
	}
}

// IsInit reports whether this process is a container init started by Run.
func IsInit() bool { return os.Getenv(initEnv) != "" }

// Init must be called at the very start of main by every binary that calls
// Run. In the re-executed copy it sets the container up and execs the
// command, never returning; in any other process it returns at once.
func Init() {
	if !IsInit() {
		return
	}
	fd, err := strconv.Atoi(os.Getenv(initEnv))
	if err != nil || fd < 3 {
		fmt.Fprintf(os.Stderr, "little-container init: bad %s\n", initEnv)
		os.Exit(ExitRuntimeError)
	}
	err = containerInit(fd)
	// Only failures reach this point; the parent prints them.
	var se *StartError
	if !errors.As(err, &se) {
		se = &StartError{Step: "init", Msg: err.Error(), Code: ExitRuntimeError}
	}
	if send(fd, message{Kind: msgError, Err: se}) != nil {
		fmt.Fprintf(os.Stderr, "little-container init: %v\n", se)
	}
	os.Exit(se.Code)
}

func stepErr(step string, err error) error {
	return &StartError{Step: step, Msg: err.Error(), Code: ExitRuntimeError}
}

func containerInit(fd int) error {
	m, err := expect(fd, msgConfig)
	if err != nil {
		return stepErr("read config", err)
	}
	cfg := m.Config
	if cfg == nil {
		return stepErr("read config", errors.New("empty config"))
	}
	if !cfg.shares(NSUTS) {
		if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
			return stepErr("sethostname "+cfg.Hostname, err)
		}
	}
	if !cfg.shares(NSNet) {
		if err := loopbackUp(); err != nil {
			return stepErr("bring up lo", err)
		}
	}
	if err := setupRootfs(cfg); err != nil {
		return stepErr("rootfs "+cfg.Rootfs, err)
	}
	id, err := lookupIdentity(cfg)
	if err != nil {
		var se *StartError
		if errors.As(err, &se) {
			return se
		}
		return stepErr("user", err)
	}
	cfg.UID, cfg.GID = id.UID, id.GID
	cfg.Env = withHome(cfg.Env, id.Home)
	var cons *console
	if cfg.TTY {
		if cons, err = openConsole(cfg.UID, cfg.GID); err != nil {
			return stepErr("tty", err)
		}
	}
	// Only now: the parent moved us into our cgroup meanwhile (on v1 a
	// slow write, overlapped with the set-up above).
	if _, err := expect(fd, msgPlaced); err != nil {
		return stepErr("wait for cgroup placement", err)
	}
	// The cgroup namespace is created only now, after the parent placed us
	// in our cgroup: its root is the cgroup a process is in when it is made.
	if !cfg.shares(NSCgroup) {
		if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
			return stepErr("unshare cgroup namespace", err)
		}
	}
	if err := harden(cfg); err != nil {
		return err
	}
	if err := setUser(cfg.UID, cfg.GID, id.Groups); err != nil {
		step := fmt.Sprintf("set user %d:%d", cfg.UID, cfg.GID)
		if cfg.UserName != "" || cfg.GroupName != "" {
			step = fmt.Sprintf("set user %s:%s (%d:%d in the rootfs)", cfg.UserName, cfg.GroupName, cfg.UID, cfg.GID)
		}
		if errors.Is(err, unix.EINVAL) {
			return &StartError{Step: step, Msg: "the id is not mapped in the container's user namespace", Code: ExitRuntimeError}
		}
		return stepErr(step, err)
	}
	if !cfg.NewPrivs {
		if err := setNoNewPrivs(); err != nil {
			return stepErr("no_new_privs", err)
		}
	}
	cwd := cfg.Cwd
	if cwd == "" {
		cwd = "/"
	}
	if err := unix.Chdir(cwd); err != nil {
		return stepErr("workdir "+cwd, err)
	}
	path, err := resolveCommand(cfg.Args[0], cfg.Env)
	if err != nil {
		return err
	}
	// Preserved descriptors sit below the sync socket (see initCommand).
	if err := closeExtraFDs(fd); err != nil {
		return stepErr("close inherited descriptors", err)
	}
	// The parent-death signal is cleared when credentials change: set it
	// again so the container dies with its runtime.
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return stepErr("set parent-death signal", err)
	}
	var rp *reaper
	if cfg.Init {
		if rp, err = newReaper(); err != nil {
			return stepErr("init reaper", err)
		}
	}
	var master []int
	if cons != nil {
		master = []int{cons.master}
	}
	if err := sendFDs(fd, message{Kind: msgReady}, master...); err != nil {
		return stepErr("report ready", err)
	}
	if cons != nil {
		unix.Close(cons.master) // the runtime has its own copy now
		cons.master = -1
	}
	if err := waitGo(fd); err != nil {
		return stepErr("wait for go", err)
	}
	if cons != nil {
		if err := cons.attach(); err != nil {
			return stepErr("tty", err)
		}
	}
	if cfg.Init {
		err = rp.run(fd, path, cfg.Args, cfg.Env, cons != nil)
	} else {
		for _, s := range forwardedSignals {
			setDisposition(s, sigDFL)
		}
		err = unix.Exec(path, cfg.Args, cfg.Env)
	}
	code := ExitCannotExecute
	if errors.Is(err, unix.ENOENT) {
		code = ExitCommandMissing
	}
	msg := err.Error()
	if cfg.Init && errors.Is(err, unix.EAGAIN) {
		// pids.max counts the reaper's threads too.
		code, msg = ExitRuntimeError, "the pids limit leaves no process for the command beside the --init reaper's own threads (about 8)"
	}
	return &StartError{Step: "exec " + cfg.Args[0], Msg: msg, Code: code}
}

// waitGo reads the parent's "go" with a raw system call: a blocking read
// through the scheduler may make Go start another thread, which pids.max,
// now written, may forbid.
func waitGo(fd int) error {
	var buf [256]byte
	for {
		n, _, errno := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return errno
		}
		if n == 0 {
			return errClosed
		}
		if !strings.Contains(string(buf[:n]), `"`+string(msgGo)+`"`) {
			return fmt.Errorf("unexpected message %q", buf[:n])
		}
		return nil
	}
}

// setUser switches to the command's credentials, its supplementary groups
// first (setgroups is denied in a user namespace with a single-id map, where
// the process keeps none it could drop; a group the namespace does not map
// is left out).
func setUser(uid, gid int, groups []int) error {
	err := unix.Setgroups(groups)
	if errors.Is(err, unix.EINVAL) {
		err = unix.Setgroups(nil)
	}
	if err != nil && !errors.Is(err, unix.EPERM) {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := unix.Setresgid(gid, gid, gid); err != nil {
		return fmt.Errorf("setgid %d: %w", gid, err)
	}
	if err := unix.Setresuid(uid, uid, uid); err != nil {
		return fmt.Errorf("setuid %d: %w", uid, err)
	}
	return nil
}

// closeExtraFDs marks every descriptor from first on close-on-exec, the
// sync socket included, so nothing of the runtime leaks into the command.
// One close_range call does it without /proc, which a chroot into a rootfs
// without a mount namespace does not have.
func closeExtraFDs(first int) error {
	err := unix.CloseRange(uint(first), ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EINVAL) {
		return err
	}
	// Before Linux 5.11: every descriptor up to the limit.
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	for fd := first; fd < int(min(lim.Cur, 1<<20)); fd++ {
		unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC) // EBADF for unused numbers
	}
	return nil
}

// harden applies the defences that need privilege, in the order that keeps
// it until the end: masks (mount), the seccomp filter (loading one without
// no_new_privs needs CAP_SYS_ADMIN), then the capability sets.
func harden(cfg *initConfig) error {
	if !cfg.Unmasked && !cfg.shares(NSMount) {
		if err := applyMasks(cfg.FollowLinks); err != nil {
			return stepErr("rootfs "+cfg.Rootfs, err)
		}
	}
	if err := installSeccomp(cfg.Seccomp); err != nil {
		return stepErr("seccomp", err)
	}
	if err := limitCapabilities(cfg.Caps); err != nil {
		return stepErr("capabilities", err)
	}
	return nil
}
