package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime/capability"
	"github.com/little-container/little-container/runtime/cgroups"
)

// Host id range that root inside a container maps to when root asks for a
// user namespace (--userns): unprivileged on the host, like a subuid range.
const (
	userNSHostBase = 100000
	userNSSize     = 65536
)

// NewID returns a random container id.
func NewID() string {
	b := make([]byte, 6)
	rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}

// Run runs the container described by spec and waits for its command to
// end. The error is non-nil only when the runtime or the start of the
// command failed; ExitCode(err) gives the exit status for it. Whatever Run
// created (cgroup, processes, state) is gone when it returns; what a
// killed Run leaves, the next Run of the same id, DeleteContainer or GC
// collects.
func Run(ctx context.Context, spec Spec) (st Status, err error) {
	if os.Geteuid() != 0 {
		spec.Rootless = true
	}
	if spec.Rootless {
		spec.UserNS = true
	}
	if spec.ID == "" {
		spec.ID = NewID()
	}
	if spec.Hostname == "" && !spec.Shares(NSUTS) {
		spec.Hostname = DefaultHostname(spec.ID)
	}
	if err := spec.Validate(); err != nil {
		return st, err
	}
	rootfs, err := checkRootfs(spec.Rootfs)
	if err != nil {
		return st, err
	}
	uidMap, gidMap, helpers, single := idMaps(&spec)
	if err := checkUser(&spec, uidMap, gidMap, single); err != nil {
		return st, err
	}
	if err := checkLimits(spec.Resources); err != nil {
		return st, err
	}
	if err := checkPassedFDs(spec.PreserveFDs); err != nil {
		return st, err
	}
	for _, v := range spec.Volumes {
		if _, err := os.Stat(v.Host); err != nil {
			return st, fmt.Errorf("%w: volume %s: %w", ErrInvalidSpec, v.Host, errors.Unwrap(err))
		}
	}

	var nw *slirp
	if spec.Net == NetSlirp {
		if nw, err = prepareSlirp(&spec); err != nil {
			return st, err
		}
		defer func() {
			if serr := nw.stop(); serr != nil {
				err = multierror.Append(err, fmt.Errorf("stop slirp4netns: %w", serr)).ErrorOrNil()
			}
		}()
	}

	if single != "" && spec.Notice != nil {
		spec.Notice("rootless: only your own uid and gid are mapped (" + single + "); programs that change user, such as apt, will fail")
	}
	state, err := claimState(spec.StateDir, State{ID: spec.ID, Command: spec.Args, Rootfs: rootfs, Created: time.Now().UTC()})
	if err != nil {
		return st, err
	}
	// Deferred first, so it runs last: the state goes only once the
	// cgroup and every process are gone.
	defer func() {
		if rerr := state.release(); rerr != nil {
			err = multierror.Append(err, rerr).ErrorOrNil()
		}
	}()

	mode, err := cgroups.Detect()
	if err != nil {
		return st, fmt.Errorf("cgroup: %w", err)
	}
	cgs := startCgroup(&spec, state, mode != cgroups.ModeUnified)
	defer func() {
		if derr := cgs.destroy(); derr != nil {
			err = multierror.Append(err, derr).ErrorOrNil()
		}
	}()
	var cg cgroups.Cgroup // before the init starts: only where it is born in it
	if mode == cgroups.ModeUnified {
		if cg, err = cgs.wait(); err != nil {
			return st, err
		}
	}

	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return st, fmt.Errorf("sync socket: %w", err)
	}
	parentFD := fds[0]
	childEnd := os.NewFile(uintptr(fds[1]), "sync")
	defer unix.Close(parentFD)

	// The init's parent-death signal fires when the thread that started
	// it ends, not the process: keep this goroutine on its thread until
	// the container is gone, so the init dies exactly when the runtime does.
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	cmd := initCommand(&spec, cg, childEnd, uidMap, gidMap, helpers)
	err = cmd.Start()
	childEnd.Close()
	if err == nil && helpers {
		// The init waits for its config meanwhile, with the capabilities
		// of its new user namespace kept as ambient ones (initCommand).
		if err = writeMapsWithHelpers(cmd.Process.Pid, uidMap, gidMap); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return st, fmt.Errorf("rootless id maps: %w", err)
		}
	}
	if err != nil {
		if spec.Rootless && (len(spec.UIDMap) > 0 || len(spec.GIDMap) > 0) && errors.Is(err, unix.EPERM) {
			return st, fmt.Errorf("start container init: the kernel refused the id maps: rootless, only your own uid and gid can be mapped (size 1)")
		}
		return st, fmt.Errorf("start container init: %w", err)
	}
	pid := cmd.Process.Pid
	start, _ := procStartTime(pid)
	if err := state.update(func(s *State) { s.Pid, s.PidStart = pid, start }); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return st, err
	}
	// From here on the child exists: every error path must reap it.
	if nw != nil {
		if err := nw.start(&spec, pid); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return st, err
		}
	}
	// Once its pid is out (pid file, state), the container is the
	// caller's to signal: if a signal ends it before its exec, that is how
	// it ended (kill -9 of a fresh container gives 137, not a start error).
	published := false
	started := spec.Started
	spec.Started = func(pid int) error {
		published = true
		if started != nil {
			return started(pid)
		}
		return nil
	}
	tty, err := release(&spec, cgs, parentFD, rootfs, pid, nw)
	if tty != nil {
		// After the wait: the caller's terminal is restored however the
		// container ended, signals to the runtime included (they end it
		// through the container).
		defer tty.stop()
	}
	if err != nil && published && errors.Is(err, errInitDied) {
		cmd.Wait() // it is gone already
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return statusOf(ws), nil
		}
	}
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		cg, _ := cgs.wait()
		return st, explainStartFailure(err, &spec, cg)
	}
	return wait(ctx, &spec, cmd)
}

// checkRootfs turns the rootfs into an absolute, symlink-free directory.
func checkRootfs(dir string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("%w: no rootfs given", ErrInvalidSpec)
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return "", fmt.Errorf("rootfs %s: no such directory", dir)
	}
	fi, err := os.Stat(abs)
	if err != nil || !fi.IsDir() {
		return "", fmt.Errorf("rootfs %s: not a directory", dir)
	}
	if abs == "/" {
		return "", fmt.Errorf("rootfs %s: the host's root cannot be a container's root", dir)
	}
	return abs, nil
}

// idMaps returns the user namespace's id maps (nil without one): the
// caller's, or the defaults. helpers says that newuidmap and newgidmap
// must write them: rootless, anything but the caller's own single ids.
// Rootless without maps of the caller's, the subordinate ranges are used
// where there are any; else single says why only the caller is mapped.
func idMaps(spec *Spec) (uids, gids []IDMap, helpers bool, single string) {
	if !spec.UserNS {
		return nil, nil, false, ""
	}
	def := IDMap{Container: 0, Host: userNSHostBase, Size: userNSSize}
	defG := def
	if spec.Rootless {
		if len(spec.UIDMap) == 0 && len(spec.GIDMap) == 0 {
			return rootlessMaps()
		}
		def = IDMap{Container: 0, Host: int64(os.Geteuid()), Size: 1}
		defG = IDMap{Container: 0, Host: int64(os.Getegid()), Size: 1}
	}
	uids, gids = spec.UIDMap, spec.GIDMap
	if len(uids) == 0 {
		uids = []IDMap{def}
	}
	if len(gids) == 0 {
		gids = []IDMap{defG}
	}
	own := func(maps []IDMap, id IDMap) bool { return len(maps) == 1 && maps[0] == id }
	helpers = spec.Rootless && !(own(uids, IDMap{0, int64(os.Geteuid()), 1}) && own(gids, IDMap{0, int64(os.Getegid()), 1}))
	if helpers {
		for _, h := range []string{"newuidmap", "newgidmap"} {
			if _, err := exec.LookPath(h); err != nil {
				helpers = false // the kernel refuses; Run says why
			}
		}
	}
	return uids, gids, helpers, ""
}

// checkUser refuses a --user the user namespace does not map: the kernel
// would answer setuid with a bare EINVAL.
func checkUser(spec *Spec, uids, gids []IDMap, single string) error {
	if !spec.UserNS {
		return nil
	}
	describe := func(maps []IDMap) string {
		var s []string
		for _, m := range maps {
			s = append(s, m.String())
		}
		return strings.Join(s, ", ")
	}
	why := ""
	if single != "" {
		why = "; rootless, only 0 is mapped: " + single
	}
	if spec.UserName == "" && !mapped(uids, int64(spec.UID)) {
		return fmt.Errorf("%w: user %d: uid %d is not mapped in the container's user namespace (uid map %s%s)", ErrInvalidSpec, spec.UID, spec.UID, describe(uids), why)
	}
	if spec.UserName == "" && spec.GroupName == "" && !mapped(gids, int64(spec.GID)) {
		return fmt.Errorf("%w: user %d:%d: gid %d is not mapped in the container's user namespace (gid map %s%s)", ErrInvalidSpec, spec.UID, spec.GID, spec.GID, describe(gids), why)
	}
	return nil
}

// checkLimits refuses limits the kernel cannot honour before anything is
// made: more pids than the kernel has.
func checkLimits(r cgroups.Resources) error {
	if r.PidsMax > 0 {
		b, err := os.ReadFile("/proc/sys/kernel/pid_max")
		if err == nil {
			max, perr := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			if perr == nil && r.PidsMax > max {
				return fmt.Errorf("%w: pids limit %d is above the kernel's maximum of %d (/proc/sys/kernel/pid_max)", ErrInvalidSpec, r.PidsMax, max)
			}
		}
	}
	return nil
}

// explainStartFailure names the memory limit when the init died during
// set-up after hitting it, instead of a broken sync socket.
func explainStartFailure(err error, spec *Spec, cg cgroups.Cgroup) error {
	var se *StartError
	if errors.As(err, &se) || cg == nil || spec.Resources.MemoryMax == 0 {
		return err
	}
	paths := cg.Paths()
	dir, file := paths[""], "memory.events"
	if d, ok := paths["memory"]; ok {
		dir, file = d, "memory.failcnt"
	}
	hit := false
	if file == "memory.failcnt" {
		n, rerr := cgroups.ReadInt(filepath.Join(dir, file))
		hit = rerr == nil && n > 0
	} else if kv, rerr := cgroups.ReadKeyed(filepath.Join(dir, file)); rerr == nil {
		hit = kv["max"] > 0 || kv["oom_kill"] > 0
	}
	if !hit {
		return err
	}
	return fmt.Errorf("memory limit %s is below what the runtime needs to start (about %s): the init hit it during set-up (%s)",
		FormatSize(spec.Resources.MemoryMax), FormatSize(MinMemory), file)
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok || f == nil {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// timeNSAvailable reports whether the kernel has time namespaces (5.6+).
func timeNSAvailable() bool {
	_, err := os.Stat("/proc/self/ns/time")
	return err == nil
}

// initCommand prepares the re-exec of this binary as the container's init.
func initCommand(spec *Spec, cg cgroups.Cgroup, syncEnd *os.File, uidMap, gidMap []IDMap, helpers bool) *exec.Cmd {
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{"little-container-init"}
	// Preserved descriptors keep their numbers (3, 4, ...); the sync
	// socket comes right after them, and the init learns where from initEnv.
	for i := 0; i < spec.PreserveFDs; i++ {
		cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(3+i), fmt.Sprintf("preserved-%d", 3+i)))
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, syncEnd)
	// The init's own environment (the command's is sent in its config):
	// its Go runtime needs no collector for a life of milliseconds, nor
	// more than one processor (each would be a thread, and pids.max
	// counts threads).
	cmd.Env = []string{fmt.Sprintf("%s=%d", initEnv, 3+spec.PreserveFDs), "GOGC=off", "GOMAXPROCS=1"}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = spec.Stdin, spec.Stdout, spec.Stderr
	// Unless its stdin is a terminal (job control: a background group
	// reading it would be stopped), the container gets a process group of
	// its own. A signal for the runtime's whole group (kill -QUIT -PGID, a
	// supervisor's timeout) then reaches only the runtime, which queues it
	// for the command (see wait), instead of hitting the init while its Go
	// runtime starts, where Go answers SIGQUIT with a goroutine dump.
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: !isTerminal(spec.Stdin)}
	if spec.TTY {
		// A session of its own, whose controlling terminal will be the
		// container's pty (console_linux.go); the caller's terminal is
		// in raw mode and sends it no signals.
		attr.Setpgid, attr.Setsid = false, true
	}
	for _, n := range []struct {
		ns   Namespace
		flag uintptr
	}{
		{NSPid, unix.CLONE_NEWPID}, {NSMount, unix.CLONE_NEWNS}, {NSNet, unix.CLONE_NEWNET},
		{NSIPC, unix.CLONE_NEWIPC}, {NSUTS, unix.CLONE_NEWUTS},
	} {
		if !spec.Shares(n.ns) {
			attr.Cloneflags |= n.flag
		}
	}
	// The time namespace is made by the clone itself (Go then uses
	// clone3, the only call that takes CLONE_NEWTIME), so the init and the
	// command it execs are in it from the start. unshare(CLONE_NEWTIME)
	// would move only the caller's later children, and before Linux 5.18
	// not even an execve enters it.
	if !spec.Shares(NSTime) && timeNSAvailable() {
		attr.Cloneflags |= unix.CLONE_NEWTIME
	}
	// The cgroup namespace is unshared by the init itself, once it is in
	// its cgroup (see doc.go).
	if spec.UserNS && helpers {
		// newuidmap and newgidmap write the maps once the init exists
		// (Run). Until then its uid is unmapped, and execve would clear
		// the capabilities the clone gave it in the new namespace: keep
		// them as ambient capabilities across the exec. The init drops
		// every ambient capability in limitCapabilities.
		attr.Cloneflags |= unix.CLONE_NEWUSER
		attr.AmbientCaps = boundingCaps()
	} else if spec.UserNS {
		attr.Cloneflags |= unix.CLONE_NEWUSER
		attr.UidMappings = sysMaps(uidMap)
		attr.GidMappings = sysMaps(gidMap)
		attr.GidMappingsEnableSetgroups = !spec.Rootless
		// Become root of the new namespace before the re-exec: execve
		// recomputes capabilities from the uid, and the host's uid may not
		// be mapped (root maps to 100000), which would leave the init
		// without the capabilities it needs to mount and pivot.
		attr.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: spec.Rootless}
	}
	if cg != nil {
		if fd, ok := cg.IntoFD(); ok {
			attr.UseCgroupFD = true
			attr.CgroupFD = fd
		}
	}
	cmd.SysProcAttr = attr
	return cmd
}

func sysMaps(maps []IDMap) []syscall.SysProcIDMap {
	var out []syscall.SysProcIDMap
	for _, m := range maps {
		out = append(out, syscall.SysProcIDMap{ContainerID: int(m.Container), HostID: int(m.Host), Size: int(m.Size)})
	}
	return out
}

// release walks the init through the sync protocol up to its exec. With
// TTY it returns the running proxy of the container's pty, error or not.
func release(spec *Spec, cgs *cgroupStart, fd int, rootfs string, pid int, nw *slirp) (tty *ttyProxy, err error) {
	cfg := &initConfig{
		Rootfs: rootfs, Args: spec.Args, Env: withPath(spec.Env), Cwd: spec.Cwd, Hostname: spec.Hostname,
		UID: spec.UID, GID: spec.GID, UserName: spec.UserName, GroupName: spec.GroupName, TTY: spec.TTY, Init: spec.Init, Share: spec.Share, Chroot: spec.Chroot, UserNS: spec.UserNS,
		Caps: capability.NewSet(capability.Default...), Seccomp: spec.Seccomp,
		NewPrivs: spec.AllowNewPrivileges, Unmasked: spec.Unmasked, AllowDevices: spec.AllowDevices,
		Volumes: spec.Volumes, Tmpfs: spec.Tmpfs, ReadOnlyRoot: spec.ReadOnlyRoot,
		FollowLinks: spec.FollowRootfsLinks, MknodDevices: !spec.UserNS,
	}
	if spec.Capabilities != nil {
		cfg.Caps = *spec.Capabilities
	}
	if err := send(fd, message{Kind: msgConfig, Config: cfg}); err != nil {
		return tty, fmt.Errorf("send config to init: %w", err)
	}
	// The init sets its root up meanwhile; if that failed, its error
	// is what the caller must see, not the placement's.
	cg, err := cgs.wait()
	if err != nil {
		return tty, err
	}
	if cg != nil {
		if err := cg.AddProc(pid); err != nil {
			return tty, pendingInitError(fd, fmt.Errorf("place init in cgroup: %w", err))
		}
	}
	if err := send(fd, message{Kind: msgPlaced}); err != nil {
		return tty, pendingInitError(fd, fmt.Errorf("release init: %w", err))
	}
	_, fds, err := expectFDs(fd, msgReady)
	if err != nil {
		closeFDs(fds)
		if errors.Is(err, errClosed) || errors.Is(err, unix.ECONNRESET) {
			return tty, fmt.Errorf("%w during setup", errInitDied)
		}
		return tty, err
	}
	if spec.TTY {
		if len(fds) != 1 {
			closeFDs(fds)
			return tty, fmt.Errorf("sync: the init sent %d descriptors for the pty, want 1", len(fds))
		}
		if tty, err = startTTY(spec, fds[0]); err != nil {
			unix.Close(fds[0])
			return nil, fmt.Errorf("tty: %w", err)
		}
	} else {
		closeFDs(fds)
	}
	if cg != nil {
		if err := cg.ApplyLate(); err != nil {
			return tty, fmt.Errorf("apply cgroup limits: %w", err)
		}
	}
	if nw != nil {
		if err := nw.wait(spec); err != nil {
			return tty, err
		}
	}
	if spec.Started != nil {
		if err := spec.Started(pid); err != nil {
			return tty, err
		}
	}
	if err := send(fd, message{Kind: msgGo}); err != nil {
		return tty, fmt.Errorf("start command: %w", err)
	}
	// The socket is close-on-exec in the init: end-of-file means the
	// command is running; a message means exec failed.
	m, err := recv(fd)
	if errors.Is(err, errClosed) {
		return tty, nil
	}
	if errors.Is(err, unix.ECONNRESET) { // died with "go" unread
		return tty, fmt.Errorf("%w before it could exec the command", errInitDied)
	}
	if err != nil {
		return tty, fmt.Errorf("wait for exec: %w", err)
	}
	if m.Kind == msgError && m.Err != nil {
		return tty, m.Err
	}
	return tty, fmt.Errorf("sync: unexpected %q after go", m.Kind)
}

// errInitDied: the init ended without saying why (no error message): a
// signal, or a limit the kernel enforced.
var errInitDied = errors.New("container init died")

// pendingInitError returns the error the init reported before it died, if
// one is waiting on the socket, else err. It never blocks.
func pendingInitError(fd int, err error) error {
	buf := make([]byte, maxMessage) // only on failure: the size does not matter
	n, _, _, _, rerr := unix.Recvmsg(fd, buf, nil, unix.MSG_DONTWAIT)
	if rerr == unix.ECONNRESET { // reported once, before what the init sent last
		n, _, _, _, rerr = unix.Recvmsg(fd, buf, nil, unix.MSG_DONTWAIT)
	}
	if rerr != nil || n == 0 {
		return err
	}
	var m message
	if json.Unmarshal(buf[:n], &m) == nil && m.Kind == msgError && m.Err != nil {
		return m.Err
	}
	return err
}

// A queued signal is offered again to a PID 1 that has no handler for it
// yet every signalPoll at first, less often after a while.
const (
	signalPoll    = 10 * time.Millisecond
	signalPollMax = 200 * time.Millisecond
)

// wait forwards signals to the container's PID 1 until it exits. When ctx
// ends first, the container is killed.
//
// A PID namespace's init gets only the signals it has a handler for: the
// kernel drops the rest, and a shell installs its trap only some time
// after exec (and may ignore a signal until then: sh -c ignores SIGQUIT).
// So a signal is queued until PID 1 catches it (SigCgt in
// /proc/PID/status), then delivered. Signals that arrive during set-up
// wait in the Signals channel until the command runs. With the host's PID
// namespace shared, signals are delivered at once: there the default
// action applies.
func wait(ctx context.Context, spec *Spec, cmd *exec.Cmd) (Status, error) {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	ownPID := !spec.Shares(NSPid)
	var pending []syscall.Signal
	poll := signalPoll
	for {
		pending = deliver(cmd.Process.Pid, pending, ownPID)
		var retry <-chan time.Time
		if len(pending) > 0 {
			retry = time.After(poll)
			poll = min(poll*2, signalPollMax)
		}
		select {
		case sig := <-spec.Signals:
			if s, ok := sig.(syscall.Signal); ok {
				pending = append(pending, s)
				poll = signalPoll
			}
		case <-retry:
		case <-ctx.Done():
			cmd.Process.Kill()
			<-done
			return Status{Signal: syscall.SIGKILL}, ctx.Err()
		case err := <-done:
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				return Status{}, fmt.Errorf("wait for container: %w", err)
			}
			return statusOf(cmd.ProcessState.Sys().(syscall.WaitStatus)), nil
		}
	}
}

// deliver sends the queued signals PID 1 can take now and returns the rest.
func deliver(pid int, pending []syscall.Signal, ownPID bool) []syscall.Signal {
	var keep []syscall.Signal
	for _, s := range pending {
		if ownPID && s != syscall.SIGKILL {
			caught, err := handles(pid, s)
			if err == nil && !caught {
				keep = append(keep, s)
				continue
			}
		}
		syscall.Kill(pid, s) // ESRCH once it is gone: nothing to do
	}
	return keep
}
