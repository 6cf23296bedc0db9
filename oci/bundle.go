// Package oci writes OCI runtime bundles (config.json from the runtime-spec
// Go types) so that runc, crun and runsc run the same probe with the same
// knobs as little-container: same namespaces, same default capabilities,
// masked and read-only paths, limits. It is the one bundle writer of every
// bundle profile; the suites grade those runtimes side by side and the
// benchmark starts them with it.
package oci

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/little-container/little-container/runtime"
	"github.com/little-container/little-container/runtime/capability"
)

// Options are the knobs of one bundle; zero values mean the default
// isolation of little-container.
type Options struct {
	Rootfs   string   // absolute path
	Args     []string // argv inside the container
	Env      []string // PATH is added when absent
	Hostname string
	Share    []string // namespaces kept from the host: pid, net, ipc, uts, cgroup, mnt, user
	PidsMax  int64
	Memory   int64 // bytes; swap capped at the same value
	// CPUQuota is the CFS run time in µs allowed per CPUPeriod (0: no
	// quota); CPUPeriod 0 leaves the period to the runtime (100000 µs).
	CPUQuota, CPUPeriod int64
	// CgroupsPath places the container's cgroup (runc and crun treat a path
	// as relative to the hierarchy roots); empty lets the runtime choose.
	CgroupsPath string
	// Rootless maps the host user RootlessUID/GID (default: the calling
	// user) to root inside.
	Rootless                 bool
	RootlessUID, RootlessGID *uint32
	// UserNS maps root inside to the same unprivileged range little-container
	// uses as root with --userns.
	UserNS bool
	// Capabilities replaces the default set (capability.Default) when non-nil.
	Capabilities *capability.Set
	// UIDMap and GIDMap replace UserNS's default maps when set.
	UIDMap, GIDMap []specs.LinuxIDMapping
	// Cwd is the working directory inside (default "/").
	Cwd string
	// User runs the command as this uid and gid inside.
	User *specs.User
	// Volumes are bind mounts of host paths.
	Volumes []Volume
	// ReadOnlyRoot makes the rootfs read-only.
	ReadOnlyRoot bool
	// Weakenings, as little-container's flags.
	AllowNewPrivileges bool
	Unmasked           bool
	SeccompUnconfined  bool
	// AllowDevices opens the device cgroup (no allow-list).
	AllowDevices bool
}

// Volume binds Host at Container, read-only when asked.
type Volume struct {
	Host, Container string
	ReadOnly        bool
}

// specVersion is the config version written: the newest that crun 1.8
// (Debian 12) accepts; the fields used here are all in 1.0.
const specVersion = "1.0.2"

// namespaceTypes maps our namespace names to the spec's.
var namespaceTypes = []struct {
	name string
	typ  specs.LinuxNamespaceType
}{
	{"pid", specs.PIDNamespace}, {"net", specs.NetworkNamespace}, {"ipc", specs.IPCNamespace},
	{"uts", specs.UTSNamespace}, {"mnt", specs.MountNamespace}, {"cgroup", specs.CgroupNamespace},
}

// Spec builds the config for o. It fails only when a directory of
// runtime.RootOnlyDirs cannot be listed on the host (see the masked paths
// below).
func Spec(o Options) (*specs.Spec, error) {
	caps := capability.NewSet(capability.Default...)
	if o.Capabilities != nil {
		caps = *o.Capabilities
	}
	capNames := caps.Names()
	env := runtime.DefaultEnv(o.Env)
	s := &specs.Spec{
		Version: specVersion,
		Root:    &specs.Root{Path: o.Rootfs, Readonly: o.ReadOnlyRoot},
		Process: &specs.Process{
			Args: o.Args, Env: env, Cwd: cwd(o.Cwd),
			Capabilities: &specs.LinuxCapabilities{
				Bounding: capNames, Effective: capNames, Permitted: capNames,
			},
			NoNewPrivileges: !o.AllowNewPrivileges,
			Rlimits:         []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1024, Soft: 1024}},
		},
		Hostname: o.Hostname,
		Mounts:   mounts(o),
		Linux: &specs.Linux{
			CgroupsPath: o.CgroupsPath,
			Resources: &specs.LinuxResources{
				Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}},
			},
		},
	}
	for _, n := range namespaceTypes {
		if !slices.Contains(o.Share, n.name) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: n.typ})
		}
	}
	if o.Rootless || o.UserNS {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
		hostUID, hostGID, size := uint32(100000), uint32(100000), uint32(65536)
		if o.Rootless {
			hostUID, hostGID, size = uint32(os.Geteuid()), uint32(os.Getegid()), 1
			if o.RootlessUID != nil {
				hostUID = *o.RootlessUID
			}
			if o.RootlessGID != nil {
				hostGID = *o.RootlessGID
			}
		}
		s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: hostUID, Size: size}}
		s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: hostGID, Size: size}}
		if len(o.UIDMap) > 0 {
			s.Linux.UIDMappings = slices.Clone(o.UIDMap)
		}
		if len(o.GIDMap) > 0 {
			s.Linux.GIDMappings = slices.Clone(o.GIDMap)
		}
		s.Linux.Resources.Devices = nil // a user namespace cannot set a device cgroup
	}
	if o.AllowDevices && s.Linux.Resources.Devices != nil {
		s.Linux.Resources.Devices = []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}
	}
	if o.User != nil {
		s.Process.User = *o.User
	}
	if o.PidsMax > 0 {
		p := o.PidsMax
		s.Linux.Resources.Pids = &specs.LinuxPids{Limit: &p}
	}
	if o.Memory > 0 {
		m := o.Memory
		s.Linux.Resources.Memory = &specs.LinuxMemory{Limit: &m, Swap: &m}
	}
	if o.CPUQuota > 0 {
		q := o.CPUQuota
		s.Linux.Resources.CPU = &specs.LinuxCPU{Quota: &q}
		if o.CPUPeriod > 0 {
			p := uint64(o.CPUPeriod)
			s.Linux.Resources.CPU.Period = &p
		}
	}
	if !o.SeccompUnconfined {
		s.Linux.Seccomp = seccomp()
	}
	if !o.Unmasked {
		// little-container finds the root-only files of RootOnlyDirs as
		// it sets up; a bundle names them, read from the host's when it is
		// written (the modes are the kernel's, the same in every mount).
		rootOnly, err := runtime.RootOnlyFiles(runtime.RootOnlyDirs...)
		if err != nil {
			return nil, fmt.Errorf("oci bundle: masked paths: %w", err)
		}
		s.Linux.MaskedPaths = append(slices.Clone(runtime.MaskedPaths), rootOnly...)
		s.Linux.ReadonlyPaths = slices.Clone(runtime.ReadonlyPaths)
	}
	return s, nil
}

// seccomp is little-container's default filter in the spec's terms, so
// runc and crun are graded with the same system call policy as ours.
func seccomp() *specs.LinuxSeccomp {
	eperm, enosys := uint(runtime.SeccompErrno), uint(unix.ENOSYS)
	names := func(cs []runtime.Syscall) []string {
		var n []string
		for _, c := range cs {
			n = append(n, c.Name)
		}
		return n
	}
	sc := &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow,
		Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{
			{Names: names(runtime.DeniedSyscalls), Action: specs.ActErrno, ErrnoRet: &eperm},
			{Names: names(runtime.NoSysSyscalls), Action: specs.ActErrno, ErrnoRet: &enosys},
		},
	}
	// The low 32 bits only, as our filter compares them: a masked equal.
	for _, c := range runtime.ValueFilteredSyscalls {
		sc.Syscalls = append(sc.Syscalls, specs.LinuxSyscall{
			Names: []string{c.Name}, Action: specs.ActErrno, ErrnoRet: &eperm,
			Args: []specs.LinuxSeccompArg{{Index: 0, Value: 0xffffffff, ValueTwo: uint64(c.Value), Op: specs.OpMaskedEqual}},
		})
	}
	// "Any of these flags set" is one rule per flag: a rule's arguments
	// are ANDed, separate rules ORed.
	for bit := uint64(1); bit != 0; bit <<= 1 {
		if runtime.NamespaceFlags&bit == 0 {
			continue
		}
		sc.Syscalls = append(sc.Syscalls, specs.LinuxSyscall{
			Names: names(runtime.FlagFilteredSyscalls), Action: specs.ActErrno, ErrnoRet: &eperm,
			Args: []specs.LinuxSeccompArg{{Index: 0, Value: bit, ValueTwo: bit, Op: specs.OpMaskedEqual}},
		})
	}
	return sc
}

func mounts(o Options) []specs.Mount {
	m := []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
	}
	if o.Rootless || slices.Contains(o.Share, "net") {
		// sysfs can only be mounted by the owner of the network namespace.
		m = append(m, specs.Mount{Destination: "/sys", Type: "none", Source: "/sys", Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}})
	} else {
		m = append(m, specs.Mount{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}})
	}
	for _, v := range o.Volumes {
		opts := []string{"rbind"} // as docker -v: a bound device node stays usable
		if v.ReadOnly {
			opts = append(opts, "ro")
		}
		m = append(m, specs.Mount{Destination: v.Container, Type: "none", Source: v.Host, Options: opts})
	}
	return m
}

func cwd(dir string) string {
	if dir == "" {
		return "/"
	}
	return dir
}

// WriteBundle writes dir/config.json for o. The rootfs stays where it is:
// config.json names it by absolute path.
func WriteBundle(dir string, o Options) error {
	if !filepath.IsAbs(o.Rootfs) {
		return fmt.Errorf("oci bundle: rootfs %q must be absolute", o.Rootfs)
	}
	spec, err := Spec(o)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(spec, "", "\t")
	if err != nil {
		return fmt.Errorf("oci bundle: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("oci bundle %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644); err != nil {
		return fmt.Errorf("oci bundle %s: %w", dir, err)
	}
	return nil
}
