package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

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
// created (cgroup, processes) is gone when it returns.
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
		spec.Hostname = spec.ID
		if len(spec.Hostname) > 12 {
			spec.Hostname = spec.Hostname[:12]
		}
	}
	if err := spec.Validate(); err != nil {
		return st, err
	}
	rootfs, err := checkRootfs(spec.Rootfs)
	if err != nil {
		return st, err
	}

	res := spec.Resources
	res.Devices = !spec.AllowDevices
	cg, err := cgroups.New(cgroups.Config{ID: spec.ID, Resources: res, Rootless: spec.Rootless})
	switch {
	case errors.Is(err, cgroups.ErrNoCgroup):
		cg = nil // rootless without limits: nothing to create
	case err != nil:
		return st, fmt.Errorf("cgroup: %w", err)
	default:
		defer func() {
			if derr := cg.Destroy(); derr != nil {
				err = multierror.Append(err, fmt.Errorf("remove cgroup: %w", derr)).ErrorOrNil()
			}
		}()
	}

	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return st, fmt.Errorf("sync socket: %w", err)
	}
	parentFD := fds[0]
	childEnd := os.NewFile(uintptr(fds[1]), "sync")
	defer unix.Close(parentFD)

	cmd := initCommand(&spec, cg, childEnd)
	err = cmd.Start()
	childEnd.Close()
	if err != nil {
		return st, fmt.Errorf("start container init: %w", err)
	}
	// From here on the child exists: every error path must reap it.
	if err := release(&spec, cg, parentFD, rootfs, cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return st, err
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

// initCommand prepares the re-exec of this binary as the container's init.
func initCommand(spec *Spec, cg cgroups.Cgroup, syncEnd *os.File) *exec.Cmd {
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{"little-container-init"}
	// Preserved descriptors keep their numbers (3, 4, ...); the sync
	// socket comes right after them, and the init learns where from initEnv.
	for i := 0; i < spec.PreserveFDs; i++ {
		cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(3+i), fmt.Sprintf("preserved-%d", 3+i)))
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, syncEnd)
	cmd.Env = []string{fmt.Sprintf("%s=%d", initEnv, 3+spec.PreserveFDs)}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = spec.Stdin, spec.Stdout, spec.Stderr
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
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
	// The cgroup namespace is unshared by the init itself, once it is in
	// its cgroup (see doc.go).
	if spec.UserNS {
		attr.Cloneflags |= unix.CLONE_NEWUSER
		if spec.Rootless {
			attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
			attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
			attr.GidMappingsEnableSetgroups = false
		} else {
			attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: userNSHostBase, Size: userNSSize}}
			attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: userNSHostBase, Size: userNSSize}}
			attr.GidMappingsEnableSetgroups = true
		}
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

// release walks the init through the sync protocol up to its exec.
func release(spec *Spec, cg cgroups.Cgroup, fd int, rootfs string, pid int) error {
	cfg := &initConfig{
		Rootfs: rootfs, Args: spec.Args, Env: DefaultEnv(spec.Env), Cwd: spec.Cwd, Hostname: spec.Hostname,
		UID: spec.UID, GID: spec.GID, Share: spec.Share, Chroot: spec.Chroot, UserNS: spec.UserNS,
		Caps: capability.NewSet(capability.Default...), Seccomp: spec.Seccomp,
		NewPrivs: spec.AllowNewPrivileges, Unmasked: spec.Unmasked, AllowDevices: spec.AllowDevices,
	}
	if spec.Capabilities != nil {
		cfg.Caps = *spec.Capabilities
	}
	if err := send(fd, message{Kind: msgConfig, Config: cfg}); err != nil {
		return fmt.Errorf("send config to init: %w", err)
	}
	if cg != nil {
		if err := cg.AddProc(pid); err != nil {
			return fmt.Errorf("place init in cgroup: %w", err)
		}
	}
	if err := send(fd, message{Kind: msgPlaced}); err != nil {
		return fmt.Errorf("release init: %w", err)
	}
	if _, err := expect(fd, msgReady); err != nil {
		if errors.Is(err, errClosed) {
			return fmt.Errorf("container init died during setup")
		}
		return err
	}
	if cg != nil {
		if err := cg.ApplyLate(); err != nil {
			return fmt.Errorf("apply cgroup limits: %w", err)
		}
	}
	if spec.Started != nil {
		if err := spec.Started(pid); err != nil {
			return err
		}
	}
	if err := send(fd, message{Kind: msgGo}); err != nil {
		return fmt.Errorf("start command: %w", err)
	}
	// The socket is close-on-exec in the init: end-of-file means the
	// command is running; a message means exec failed.
	m, err := recv(fd)
	if errors.Is(err, errClosed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("wait for exec: %w", err)
	}
	if m.Kind == msgError && m.Err != nil {
		return m.Err
	}
	return fmt.Errorf("sync: unexpected %q after go", m.Kind)
}

// wait forwards signals to the container's PID 1 until it exits. When ctx
// ends first, the container is killed.
func wait(ctx context.Context, spec *Spec, cmd *exec.Cmd) (Status, error) {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-spec.Signals:
			cmd.Process.Signal(sig) // ESRCH once it is gone: nothing to do
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
