// Package target turns "run this probe with these knobs" into a real
// runtime invocation. The suites speak only to the Target interface, so the
// same checks grade our runtime, runc, crun, bubblewrap, the seed-style
// chroot runtime, gVisor, systemd-nspawn, LXC, firejail, podman and a
// user's own. Every target is a profile (profile.go): a declarative file
// saying how that runtime expresses each knob. A knob a target cannot
// express makes the check skip with a reason; it is never passed.
package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/little-container/little-container/probes"
)

// Target runs a probe inside one kind of container.
type Target interface {
	// Name labels the target's column in the isolation matrix.
	Name() string
	// Can says whether the target can express k; if not, why.
	Can(k Knob) (bool, string)
	// Run runs o.Args inside a container and returns what came out. An error
	// means the run could not be made or inspected; a probe that crashed is
	// not an error here but a Result with DecodeErr set.
	Run(ctx context.Context, o RunOpts) (*Result, error)
}

// RunOpts are the knobs of one run. The zero value of each knob means "the
// target's default isolation".
type RunOpts struct {
	Rootfs   string
	Args     []string // argv inside the container, e.g. ["/probe", "ns", "--fp", ...]
	Hostname string
	Share    []string // weakening: namespaces kept from the host (pid, net, ipc, uts, user, cgroup, mnt)
	Chroot   bool     // weakening: chroot(2) instead of pivot_root(2), as the seed runtime did
	PidsMax  int64
	Memory   int64 // bytes
	// CPUs is a CFS quota in CPUs per 100 ms period (0.2: 20 ms of every
	// 100 ms); 0 means no quota.
	CPUs     float64
	Rootless bool // run the runtime as an unprivileged host user
	UserNS   bool // new user namespace, container root mapped to an unprivileged host uid
	ID       string

	// InheritDir, when set, is opened on the host and handed to the
	// runtime process as descriptor 3, the way a careless caller leaks one:
	// the container must not reach it unless PreserveFDs passes it on.
	InheritDir  string
	PreserveFDs int    // weakening: pass descriptors 3.. on (runc --preserve-fds)
	Workdir     string // cwd inside; /proc/self/fd/3 with PreserveFDs reproduces CVE-2024-21626

	// Hardening weakenings (for the security controls); zero keeps the
	// target's defaults.
	CapAdd             []string // capability names, or "ALL"
	SeccompUnconfined  bool
	AllowNewPrivileges bool
	Unmask             bool      // no masked or read-only paths
	AllowDevices       bool      // no nodev mounts, no device cgroup
	Stdin              io.Reader // ignored when Inspect is set (then stdin is held open)

	// Volumes are host paths bound into the container.
	Volumes []Volume
	// ReadOnlyRoot mounts the rootfs read-only.
	ReadOnlyRoot bool
	// FollowRootfsLinks is a weakening: resolve paths inside the rootfs
	// following its symbolic links out of it, as the seed runtime did.
	FollowRootfsLinks bool
	// UIDMap and GIDMap are the user namespace's id maps (with UserNS).
	UIDMap, GIDMap []IDMap
	// User is "UID[:GID]" the command runs as inside.
	User string
	// LSMUnconfined is the weakening "no AppArmor/SELinux profile" for a
	// target that applies one by default.
	LSMUnconfined bool
	// TTY gives the container a new terminal of its own (docker run -t);
	// Stdin is then the host terminal the runtime is handed.
	TTY bool
	// Net is the container's network: "" the target's default (loopback
	// only), "slirp" user-mode networking that lets it connect out.
	Net string
	// Publish forwards host ports into the container, "IP:HOST:CONTAINER"
	// (with Net).
	Publish []string

	// OnStart is called with the runtime process's host pid once it started.
	OnStart func(hostPID int)
	// Inspect, when set, keeps the container's stdin open and runs while the
	// container lives (probes with -hold wait for EOF). Its error is returned
	// from Run. Stdin is closed when it returns.
	Inspect func(ctx context.Context, live *Live) error

	// Log receives the runtime's stderr as it arrives (GinkgoWriter by default).
	Log io.Writer

	// After every run the harness kills whatever still carries the probe's
	// nonce and runs the profile's cleanup (runc delete -f, podman rm -f,
	// little-container delete). A check about what a runtime leaves behind
	// looks in between: AfterExit runs once the runtime process has exited,
	// before anything is reaped; AfterCleanup after the profile's cleanup,
	// still before the harness kills what remains.
	AfterExit, AfterCleanup func(ctx context.Context) error
}

// Result is everything a run produced.
type Result struct {
	Runtime  string   // the runtime's program, e.g. "podman" (Argv may start with a wrapper)
	Argv     []string // host command line, for evidence
	Stdout   []byte
	Stderr   []byte
	ExitCode int // 128+N when killed by signal N
	// Report is the decoded probe report; nil or incomplete when DecodeErr is set.
	Report    *probes.Report
	DecodeErr error
	// CgroupDirs maps controller (or "" for the v2 hierarchy) to the
	// container's cgroup path, read host-side from /proc/<pid>/cgroup while
	// it ran; only filled for runs with Inspect.
	CgroupDirs map[string]string
	// ContainerPID is the host pid of the container's first process, when
	// it was seen (runs with Inspect).
	ContainerPID int
	// Found says how the host found the container (by its nonce, through
	// the pid file, or that its processes are not host processes).
	Found string
	// Started: the probe announced itself (its start line on stderr), so
	// the runtime did start it, whatever came after.
	Started bool
}

// Volume is a host path bound into the container.
type Volume struct {
	Host, Container string
	ReadOnly        bool
}

// Kind is "file" when the host path is not a directory and "dir"
// otherwise (a missing path too): runtimes that make the mount point
// themselves (LXC's create=) need to know which to make.
func (v Volume) Kind() string {
	if st, err := os.Stat(v.Host); err == nil && !st.IsDir() {
		return "file"
	}
	return "dir"
}

// String is "HOST:CONTAINER[:ro]", the spelling of --volume.
func (v Volume) String() string {
	s := v.Host + ":" + v.Container
	if v.ReadOnly {
		s += ":ro"
	}
	return s
}

// IDMap maps Size ids from Container inside to Host outside.
type IDMap struct{ Container, Host, Size uint32 }

// String is "C:H:N", the spelling of --uid-map.
func (m IDMap) String() string { return fmt.Sprintf("%d:%d:%d", m.Container, m.Host, m.Size) }

// ErrUnsupported marks a run the target cannot express; the suite skips.
var ErrUnsupported = errors.New("target: knob not supported")
