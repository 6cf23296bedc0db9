package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/little-container/little-container/runtime/capability"
	"github.com/little-container/little-container/runtime/cgroups"
)

// Namespace names a kind of Linux namespace, as in /proc/self/ns.
type Namespace string

// The namespaces a container gets. A Spec can keep the host's instead of any
// of them (Share): that weakening exists so the test suites can prove each
// check fails when its namespace is missing.
const (
	NSPid    Namespace = "pid"
	NSMount  Namespace = "mnt"
	NSNet    Namespace = "net"
	NSIPC    Namespace = "ipc"
	NSUTS    Namespace = "uts"
	NSUser   Namespace = "user"
	NSCgroup Namespace = "cgroup"
	// NSTime (Linux 5.6+) gives the container its own CLOCK_MONOTONIC and
	// CLOCK_BOOTTIME offsets; made wherever the kernel has it.
	NSTime Namespace = "time"
)

// AllNamespaces lists every namespace the runtime knows, in a stable order.
var AllNamespaces = []Namespace{NSPid, NSMount, NSNet, NSIPC, NSUTS, NSUser, NSCgroup, NSTime}

// ParseNamespaces turns "pid,net" into namespaces, refusing unknown names.
func ParseNamespaces(list string) ([]Namespace, error) {
	var out []Namespace
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if f == "mount" {
			f = "mnt"
		}
		ok := false
		for _, n := range AllNamespaces {
			if string(n) == f {
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Errorf("unknown namespace %q (want pid, mnt, net, ipc, uts, user, cgroup or time)", f)
		}
		out = append(out, Namespace(f))
	}
	return out, nil
}

// Spec describes one container run.
type Spec struct {
	ID       string   // names the cgroup; generated when empty
	Rootfs   string   // directory that becomes /
	Args     []string // command and arguments, resolved inside the rootfs
	Env      []string // KEY=VALUE; PATH gets a default when absent
	Cwd      string   // inside the container; "/" when empty
	Hostname string   // UTS hostname; DefaultHostname(ID) when empty

	UID, GID int // credentials of the command inside, 0 to MaxID (0: root of the container)
	// UserName and GroupName, when set, name the command's user and group
	// in the rootfs's /etc/passwd and /etc/group instead (UID or GID is
	// then ignored); the files are read inside the container, as untrusted
	// input. HOME comes from the user's passwd entry either way, unless
	// Env sets it.
	UserName, GroupName string

	// TTY gives the command a new pty from the container's own devpts
	// instance as its stdin, stdout and stderr; the runtime copies between
	// it and Stdin/Stdout, with a terminal Stdin in raw mode and its window
	// size passed on. Without TTY the runtime's stdio is handed to the
	// command untouched.
	TTY bool
	// Init makes a small reaper of the runtime's own PID 1: it starts the
	// command as its child, passes signals on, reaps orphans and exits with
	// the command's status.
	Init bool

	// Net selects the container's network: NetNone (loopback only, the
	// default) or NetSlirp (user-mode networking, see net_slirp_linux.go).
	Net NetMode
	// Publish forwards host ports to the container's (NetSlirp only);
	// nothing else on the host listens for it.
	Publish []Port
	// HostLoopback lets a NetSlirp container reach the host's 127.0.0.1
	// through the gateway 10.0.2.2 (off by default).
	HostLoopback bool

	// UserNS puts the container in a new user namespace even as root: root
	// inside maps to an unprivileged range of host ids. Rootless implies it.
	UserNS bool
	// UIDMap and GIDMap replace the user namespace's default id maps (root:
	// 0 -> 100000, 65536 ids; rootless: 0 -> the caller). Container id 0
	// must be mapped. Mapping 0 to the host's 0 is a weakening.
	UIDMap, GIDMap []IDMap
	// Rootless runs without host privilege; set automatically when not root.
	Rootless bool

	// Resources are the cgroup limits; zero fields mean no limit.
	Resources cgroups.Resources

	// Capabilities are what root in the container keeps; nil means
	// capability.Default.
	Capabilities *capability.Set
	// Seccomp selects the system call filter (default: SeccompDefault).
	Seccomp SeccompProfile

	// Volumes are bind-mounted into the container, nodev and nosuid.
	Volumes []Volume
	// Tmpfs lists container paths that get a fresh tmpfs (nodev, nosuid).
	Tmpfs []string
	// ReadOnlyRoot remounts the rootfs read-only once the runtime's own
	// mount points exist; volumes and tmpfs mounts keep their own mode.
	ReadOnlyRoot bool

	// StateDir holds the state of running containers (DefaultStateDir
	// when empty), for ps, kill, delete and gc.
	StateDir string

	// The weakenings below exist so the suites can prove that each check
	// fails without the defence it tests; a real container leaves them off.

	// AllowNewPrivileges leaves no_new_privs unset, so setuid binaries work.
	AllowNewPrivileges bool
	// Unmasked leaves MaskedPaths and ReadonlyPaths as the kernel shows them.
	Unmasked bool
	// AllowDevices mounts the rootfs and /dev without nodev, so a device
	// node made with mknod opens.
	AllowDevices bool
	// Share keeps the host's namespaces of these kinds (a weakening).
	Share []Namespace
	// Chroot uses chroot instead of pivot_root, leaving the old root
	// reachable (a weakening: the seed runtime's behaviour).
	Chroot bool
	// FollowRootfsLinks resolves the runtime's own paths in the rootfs
	// (proc, sys, dev, volume and tmpfs targets) on the host, following
	// symlinks out of the rootfs, and skips masks it cannot find, as the
	// seed runtime did (a weakening: a hostile rootfs then switches off
	// /proc masking or makes the runtime create files on the host).
	FollowRootfsLinks bool

	// PreserveFDs passes the runtime's descriptors 3 .. 3+PreserveFDs-1 on
	// to the command (runc's --preserve-fds). Each must be one the caller
	// passed: open and not close-on-exec (the runtime's own descriptors,
	// and the Go runtime's, are all close-on-exec); Run refuses the spec
	// otherwise. Every other descriptor is closed at exec: a leaked
	// directory descriptor is a way out of the root.
	PreserveFDs int

	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Notice, when set, receives one-line notes about choices the runtime
	// made on its own (a fallback it took, and why).
	Notice func(msg string)
	// Signals, when set, are forwarded to the container's PID 1.
	Signals <-chan os.Signal
	// Started, when set, is called with the host PID of the container's
	// process once it is in its cgroup and about to exec the command.
	Started func(pid int) error
}

// Shares reports whether the host's namespace of kind n is kept.
func (s *Spec) Shares(n Namespace) bool {
	for _, x := range s.Share {
		if x == n {
			return true
		}
	}
	return false
}

// MinMemory is about the least memory the runtime's own init needs to set
// a container up (measured on Linux 6.18, cgroup v1, 2026-05: starts fail
// now and then below 1.5M); a smaller limit is refused before anything is
// made.
const MinMemory = 2 << 20

// ErrInvalidSpec is wrapped by every error of Validate.
var ErrInvalidSpec = errors.New("invalid container spec")

// Validate checks what can be checked without touching the kernel, so bad
// input fails before anything is created.
func (s *Spec) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidSpec, fmt.Sprintf(format, a...))
	}
	if len(s.Args) == 0 || s.Args[0] == "" {
		return bad("no command given")
	}
	if s.ID != "" && !validID(s.ID) {
		return bad("id %q: use 1-64 letters, digits, '_', '.', '-'", s.ID)
	}
	if len(s.Hostname) > 64 {
		return bad("hostname %q: longer than 64 characters", s.Hostname)
	}
	if s.Hostname != "" && !validHostname(s.Hostname) {
		return bad("hostname %q: not a valid host name", s.Hostname)
	}
	if s.Hostname != "" && s.Shares(NSUTS) {
		return bad("hostname %q cannot be set while sharing the host's uts namespace", s.Hostname)
	}
	r := s.Resources
	if r.PidsMax < 0 {
		return bad("pids limit %d: must be positive", r.PidsMax)
	}
	if r.MemoryMax < 0 {
		return bad("memory limit %d: must be positive", r.MemoryMax)
	}
	if r.MemoryMax > 0 && r.MemoryMax < MinMemory {
		return bad("memory limit %s is below what the runtime needs to start (about %s)", FormatSize(r.MemoryMax), FormatSize(MinMemory))
	}
	if r.CPUQuota < 0 || r.CPUPeriod < 0 {
		return bad("cpu quota and period must be positive")
	}
	if s.PreserveFDs < 0 || s.PreserveFDs > 1024 {
		return bad("preserve-fds %d: want 0 to 1024", s.PreserveFDs)
	}
	if s.UID < 0 || s.GID < 0 || s.UID > MaxID || s.GID > MaxID {
		return bad("user %d:%d: ids must be from 0 to %d", s.UID, s.GID, MaxID)
	}
	if (len(s.UIDMap) > 0 || len(s.GIDMap) > 0) && !(s.UserNS || s.Rootless) {
		return bad("--uid-map and --gid-map need a user namespace (--userns)")
	}
	if err := checkIDMaps("uid", s.UIDMap); err != nil {
		return bad("%v", err)
	}
	if err := checkIDMaps("gid", s.GIDMap); err != nil {
		return bad("%v", err)
	}
	if s.Shares(NSMount) && (len(s.Volumes) > 0 || len(s.Tmpfs) > 0 || s.ReadOnlyRoot) {
		return bad("volumes, tmpfs mounts and a read-only root need the container's own mount namespace")
	}
	seen := map[string]bool{}
	for _, v := range s.Volumes {
		if !strings.HasPrefix(v.Host, "/") {
			return bad("volume host path %q must be absolute", v.Host)
		}
		if err := checkContainerPath(v.Container); err != nil {
			return bad("volume: %v", err)
		}
		if seen[path.Clean(v.Container)] {
			return bad("two mounts on %s", v.Container)
		}
		seen[path.Clean(v.Container)] = true
	}
	for _, p := range s.Tmpfs {
		if err := checkContainerPath(p); err != nil {
			return bad("tmpfs: %v", err)
		}
		if seen[path.Clean(p)] {
			return bad("two mounts on %s", p)
		}
		seen[path.Clean(p)] = true
	}
	if (s.UserNS || s.Rootless) && s.Shares(NSUser) {
		return bad("a user namespace is needed (rootless or --userns) but the host's is shared")
	}
	if s.Shares(NSMount) && !s.Chroot {
		return bad("sharing the host's mount namespace needs --chroot (pivot_root would replace the host's root)")
	}
	for _, e := range s.Env {
		if !strings.Contains(e, "=") || strings.HasPrefix(e, "=") {
			return bad("environment entry %q: want KEY=VALUE", e)
		}
	}
	if s.Seccomp != SeccompDefault && s.Seccomp != SeccompUnconfined {
		return bad("seccomp profile %q: want default or unconfined", s.Seccomp)
	}
	if s.TTY && s.Shares(NSMount) {
		return bad("--tty needs the container's own mount namespace (its own /dev/pts)")
	}
	if err := s.checkNet(); err != nil {
		return bad("%v", err)
	}
	if s.UserName != "" && !ValidName(s.UserName) || s.GroupName != "" && !ValidName(s.GroupName) {
		return bad("user %q:%q: a name is letters, digits, '_', '.', '-' (and a final '$'), not starting with '-'", s.UserName, s.GroupName)
	}
	if s.Cwd != "" && !strings.HasPrefix(s.Cwd, "/") {
		return bad("workdir %q: must be absolute", s.Cwd)
	}
	return nil
}

// DefaultHostname derives a host name from a container id: characters a
// host name cannot hold ('_', '.') become '-', at most 12 are kept, and
// the result never ends in '-'. An id always starts with a letter or
// digit, so the result is a valid name the user never has to give.
func DefaultHostname(id string) string {
	b := []byte(id)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	if len(b) > 12 {
		b = b[:12]
	}
	return strings.TrimRight(string(b), "-")
}

// DefaultPath is the PATH a container gets when its environment has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// DefaultEnv completes a container's environment: PATH first when it has
// none, HOME=/ when it has none. The OCI bundles use it too, so every
// graded runtime starts the probe with the same environment. Our own init
// sets HOME from the rootfs's /etc/passwd instead (withHome).
func DefaultEnv(env []string) []string {
	return withHome(withPath(env), "/")
}

// withPath puts PATH=DefaultPath first in env unless env has a PATH.
func withPath(env []string) []string {
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			return slices.Clone(env)
		}
	}
	return append([]string{"PATH=" + DefaultPath}, env...)
}
