package target

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/hashicorp/go-multierror"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/little-container/little-container/oci"
	"github.com/little-container/little-container/runtime/capability"
	"github.com/little-container/little-container/runtime/cgroups"
)

// OCI runs probes through a runc-compatible command line (runc, crun): it
// writes a bundle with package oci (our defaults: every namespace but user,
// little-container's capability set, masked and read-only paths, a
// deny-all device cgroup) into a temp dir per run and runs it in the
// foreground with `run --bundle DIR --pid-file F ID`, stdio passed through.
// `delete -f ID` always follows. Its default has no seccomp filter: the
// bundle carries none, so a check that needs one finds it missing, and the
// seccomp weakening is already in effect.
type OCI struct {
	Runtime string // "runc" or "crun": the column name and the CLI dialect
	Bin     string // path of the runtime binary
	// Wrap, when set, turns the runtime's argv (binary first) into the host
	// command line that runs it; crun on a hybrid cgroup host uses it to
	// hide the controller-less cgroup2 mount (see CrunHybridWrap).
	Wrap func(argv []string) []string
	// RootlessFlag is the global flag that says "rootless" ("--rootless=true"
	// for runc); crun 1.8 mis-parses its own and detects rootless from its
	// uid, so it gets none.
	RootlessFlag string
	// RootlessUID/GID is the host user rootless runs use (default 65534).
	RootlessUID, RootlessGID uint32
	// HostBounding, when non-zero, replaces the bounding set read from
	// /proc/self/status (tests).
	HostBounding capability.Set
	// CgroupParent prefixes each container's cgroupsPath, e.g. "/lc" gives
	// "/lc/<id>"; empty puts it at "/<id>" of every hierarchy, which
	// delete removes entirely.
	CgroupParent string
}

// Name implements Target.
func (r *OCI) Name() string { return r.Runtime }

// Can implements Target.
func (r *OCI) Can(k Knob) (bool, string) {
	switch k {
	case KnobHostname, KnobPidsMax, KnobMemory, KnobCPUs, KnobUserNS, KnobInspect, KnobRootless,
		KnobCapAdd, KnobNewPrivs, KnobUnmask, KnobAllowDevices,
		KnobInheritFD, KnobPreserveFDs, KnobWorkdir:
		return true, ""
	case KnobSeccompOff:
		return true, "" // the bundle then carries no seccomp profile
	case KnobChroot:
		return false, r.Runtime + " has no plain chroot mode (--no-pivot moves the rootfs over / first)"
	case ShareKnob("mnt"):
		return false, r.Runtime + " always makes a mount namespace to set up the rootfs"
	}
	if isShare(k) {
		return true, ""
	}
	return false, "unknown knob"
}

// Options maps run knobs to bundle options. cgroupsPath is set per container
// (so the host finds and deletes it) except rootless, where a cgroup v1
// host gives an unprivileged runtime no cgroup at all.
func (r *OCI) Options(o RunOpts) (oci.Options, error) {
	opts := oci.Options{
		Rootfs: o.Rootfs, Args: o.Args, Hostname: o.Hostname, Share: o.Share,
		PidsMax: o.PidsMax, Memory: o.Memory, CPUQuota: cgroups.CPUQuota(o.CPUs), UserNS: o.UserNS && !o.Rootless, Rootless: o.Rootless,
		AllowNewPrivileges: o.AllowNewPrivileges, Unmasked: o.Unmask, SeccompUnconfined: o.SeccompUnconfined,
	}
	if !o.Rootless {
		opts.CgroupsPath = strings.TrimSuffix(r.CgroupParent, "/") + "/" + o.ID
	}
	if opts.CPUQuota > 0 {
		opts.CPUPeriod = CPUPeriod
	}
	if len(o.CapAdd) > 0 {
		set, err := capability.Adjust(capability.NewSet(capability.Default...), o.CapAdd, nil)
		if err != nil {
			return opts, fmt.Errorf("cap-add: %w", err)
		}
		// No runtime can grant what the host's bounding set lacks (runc and
		// crun fail capset with EPERM): "ALL" means all the host has.
		set &= r.bounding()
		opts.Capabilities = &set
	}
	return opts, nil
}

// CPUPeriod is the CFS period, in µs, a RunOpts.CPUs quota is expressed
// against: the kernel's default, and what little-container's --cpus uses.
const CPUPeriod = cgroups.DefaultCPUPeriod

// Spec is the config.json for o: package oci's spec, with what Options
// cannot say patched in (the rootless user, an open device cgroup).
func (r *OCI) Spec(o RunOpts) (*specs.Spec, error) {
	opts, err := r.Options(o)
	if err != nil {
		return nil, err
	}
	s := oci.Spec(opts)
	if o.Rootless {
		uid, gid := r.rootlessIDs()
		for i := range s.Linux.UIDMappings {
			s.Linux.UIDMappings[i].HostID = uid
		}
		for i := range s.Linux.GIDMappings {
			s.Linux.GIDMappings[i].HostID = gid
		}
	}
	if o.Workdir != "" {
		s.Process.Cwd = o.Workdir
	}
	if o.AllowDevices && s.Linux.Resources != nil && s.Linux.Resources.Devices != nil {
		s.Linux.Resources.Devices = []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}
	}
	return s, nil
}

// bounding is the capability bounding set runs are made with: the
// HostBounding field, else this process's own.
func (r *OCI) bounding() capability.Set {
	if r.HostBounding != 0 {
		return r.HostBounding
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return capability.All()
	}
	if set, ok := ParseCapBnd(string(b)); ok {
		return set
	}
	return capability.All()
}

// ParseCapBnd reads the CapBnd line of /proc/<pid>/status text.
func ParseCapBnd(status string) (capability.Set, bool) {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			set, err := capability.ParseMask(v)
			return set, err == nil
		}
	}
	return 0, false
}

func (r *OCI) rootlessIDs() (uint32, uint32) {
	if r.RootlessUID == 0 {
		return 65534, 65534
	}
	return r.RootlessUID, r.RootlessGID
}

// Argv is the runtime's command line for one run (binary first, before
// Wrap), pure for tests. stateRoot may be empty for the runtime's default.
func (r *OCI) Argv(o RunOpts, bundle, pidFile, stateRoot string) []string {
	a := []string{r.Bin}
	if stateRoot != "" {
		a = append(a, "--root", stateRoot)
	}
	if o.Rootless && r.RootlessFlag != "" {
		a = append(a, r.RootlessFlag)
	}
	a = append(a, "run", "--bundle", bundle)
	if o.PreserveFDs > 0 {
		a = append(a, "--preserve-fds", strconv.Itoa(o.PreserveFDs))
	}
	if pidFile != "" {
		a = append(a, "--pid-file", pidFile)
	}
	return append(a, o.ID)
}

// DeleteArgv is the cleanup command line: `delete -f ID`.
func (r *OCI) DeleteArgv(id, stateRoot string) []string {
	a := []string{r.Bin}
	if stateRoot != "" {
		a = append(a, "--root", stateRoot)
	}
	return append(a, "delete", "-f", id)
}

// Run implements Target.
func (r *OCI) Run(ctx context.Context, o RunOpts) (res *Result, err error) {
	if ok, why := Supports(r, o); !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, why)
	}
	if o.Rootless && (o.PidsMax > 0 || o.Memory > 0 || o.CPUs > 0) {
		return nil, fmt.Errorf("%w: rootless %s gets no cgroup on this host to hold limits", ErrUnsupported, r.Runtime)
	}
	if o.ID == "" {
		o.ID = NewID()
	}
	s, err := r.Spec(o)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lc-"+r.Runtime+"-")
	if err != nil {
		return nil, fmt.Errorf("bundle dir: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil {
			err = multierror.Append(err, fmt.Errorf("remove bundle %s: %w", dir, rerr)).ErrorOrNil()
		}
	}()
	bundle, pidFile, stateRoot := filepath.Join(dir, "bundle"), filepath.Join(dir, "pid"), ""
	c := command{PIDFile: pidFile}
	if o.Rootless {
		if os.Geteuid() != 0 {
			return nil, fmt.Errorf("%w: rootless %s runs are made by root as uid 65534", ErrUnsupported, r.Runtime)
		}
		uid, gid := r.rootlessIDs()
		stateRoot = filepath.Join(dir, "state")
		if err := os.Mkdir(stateRoot, 0o700); err != nil {
			return nil, fmt.Errorf("state dir: %w", err)
		}
		if err := os.Chown(stateRoot, int(uid), int(gid)); err != nil {
			return nil, fmt.Errorf("chown %s: %w", stateRoot, err)
		}
		c.Cred = &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}}
	}
	if err := os.Chmod(dir, 0o777); err != nil { // the runtime writes the pid file, maybe as nobody
		return nil, fmt.Errorf("chmod %s: %w", dir, err)
	}
	if err := writeSpec(bundle, s); err != nil {
		return nil, err
	}
	defer func() {
		if derr := r.delete(o.ID, stateRoot, c.Cred); derr != nil {
			err = multierror.Append(err, derr).ErrorOrNil()
		}
	}()
	argv := r.hostArgv(r.Argv(o, bundle, pidFile, stateRoot), c.Cred)
	c.Path, c.Args = argv[0], argv[1:]
	if r.Wrap != nil {
		c.Cred = nil // the wrapper starts as root and drops to the user itself
	}
	res, err = execute(ctx, c, o)
	if err == nil && res.DecodeErr != nil && Refused(res.Stderr) {
		// The runtime would not start this weakened configuration at all,
		// so the weakening cannot be expressed: the check skips, saying so.
		return res, fmt.Errorf("%w: %s refused the configuration: %s", ErrUnsupported, r.Runtime, refusal)
	}
	return res, err
}

// refusal is what a runtime patched for CVE-2024-21626 (runc >= 1.1.12 and
// Debian's 1.1.5 backport) says when the working directory is outside the
// container's root, instead of starting it.
const refusal = "possible container breakout detected"

// Refused says whether a runtime's stderr shows it refused to start a
// container it judged to be breaking out.
func Refused(stderr []byte) bool { return strings.Contains(string(stderr), refusal) }

// hostArgv is the command line that runs argv on the host. With a wrapper
// (which needs root for its mount namespace) a rootless run drops to its
// user inside the wrapper, with setpriv, right before the runtime starts.
func (r *OCI) hostArgv(argv []string, cred *syscall.Credential) []string {
	if r.Wrap == nil {
		return argv
	}
	if cred != nil {
		argv = append([]string{"setpriv", "--reuid", strconv.Itoa(int(cred.Uid)), "--regid",
			strconv.Itoa(int(cred.Gid)), "--clear-groups"}, argv...)
	}
	return r.Wrap(argv)
}

// delete removes the container whatever state it is in; a container that
// is already gone is not an error.
func (r *OCI) delete(id, stateRoot string, cred *syscall.Credential) error {
	argv := r.hostArgv(r.DeleteArgv(id, stateRoot), cred)
	cmd := exec.Command(argv[0], argv[1:]...)
	if r.Wrap == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	out, err := cmd.CombinedOutput()
	if err != nil && !strings.Contains(string(out), "does not exist") && !strings.Contains(string(out), "not found") {
		return fmt.Errorf("%s delete -f %s: %w: %s", r.Runtime, id, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// writeSpec writes dir/config.json, readable by a rootless runtime.
func writeSpec(dir string, s *specs.Spec) error {
	b, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return fmt.Errorf("encode config.json: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bundle %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644); err != nil {
		return fmt.Errorf("bundle %s: %w", dir, err)
	}
	return nil
}
