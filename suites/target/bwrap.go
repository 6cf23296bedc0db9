package target

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
)

// Bwrap runs probes under bubblewrap: `bwrap --unshare-all --die-with-parent
// --bind ROOTFS / --proc /proc --dev /dev --hostname H -- ARGS`. bwrap has
// no cgroup support, so limits cannot be expressed; it always makes a
// mount namespace and always sets no_new_privs; it installs no seccomp
// filter unless given one, and masks no /proc paths. Run as root it keeps
// the full capability set; --unshare-all then also makes a user namespace
// mapping 0 to 0, whose capabilities do not reach host-owned objects.
// Adding capabilities (a control's weakening) therefore leaves the user
// namespace out, so that they are the host's own.
type Bwrap struct {
	Bin string
	// RootlessUID/GID is the host user rootless runs use (default 65534).
	RootlessUID, RootlessGID uint32
}

// Name implements Target.
func (b *Bwrap) Name() string { return "bwrap" }

// bwrapUnshare maps a namespace to the flag that unshares it.
var bwrapUnshare = []struct{ ns, flag string }{
	{"user", "--unshare-user-try"}, {"ipc", "--unshare-ipc"}, {"pid", "--unshare-pid"},
	{"net", "--unshare-net"}, {"uts", "--unshare-uts"}, {"cgroup", "--unshare-cgroup-try"},
}

// Can implements Target.
func (b *Bwrap) Can(k Knob) (bool, string) {
	switch k {
	case KnobHostname, KnobInspect, KnobRootless, KnobCapAdd, KnobInheritFD, KnobWorkdir:
		return true, ""
	case KnobPreserveFDs:
		return false, "bwrap has no option to pass descriptors on by number"
	case KnobSeccompOff:
		return true, "bwrap installs no seccomp filter unless given --seccomp: the default is already unconfined"
	case KnobUnmask:
		return true, "bwrap masks no /proc paths: the default is already unmasked"
	case KnobPidsMax, KnobMemory, KnobCPUs:
		return false, "bwrap has no cgroup support, so no limits"
	case KnobChroot:
		return false, "bwrap always pivot_roots into a fresh mount namespace"
	case KnobNewPrivs:
		return false, "bwrap always sets no_new_privs"
	case KnobAllowDevices:
		return false, "bwrap's --dev makes a minimal /dev and has no device cgroup to open"
	case KnobUserNS:
		return false, "bwrap maps only the invoking uid: as root that is uid 0 (the rootless run maps an unprivileged one)"
	case ShareKnob("mnt"):
		return false, "bwrap always makes a mount namespace"
	}
	if isShare(k) {
		return true, ""
	}
	return false, "unknown knob"
}

// Argv is bwrap's command line for o (binary first), pure for tests.
func (b *Bwrap) Argv(o RunOpts) []string {
	a := []string{b.Bin}
	hostCaps := len(o.CapAdd) > 0
	if len(o.Share) == 0 && !o.Rootless && !hostCaps {
		a = append(a, "--unshare-all")
	} else {
		for _, u := range bwrapUnshare {
			if slices.Contains(o.Share, u.ns) || (u.ns == "user" && (o.Rootless || hostCaps)) {
				continue
			}
			a = append(a, u.flag)
		}
	}
	if o.Rootless {
		// root inside, the unprivileged invoking user outside.
		a = append(a, "--unshare-user", "--uid", "0", "--gid", "0")
	}
	a = append(a, "--die-with-parent", "--bind", o.Rootfs, "/", "--proc", "/proc", "--dev", "/dev")
	if o.Hostname != "" {
		a = append(a, "--hostname", o.Hostname)
	}
	if o.Workdir != "" {
		a = append(a, "--chdir", o.Workdir)
	}
	for _, c := range o.CapAdd {
		a = append(a, "--cap-add", bwrapCap(c))
	}
	return append(append(a, "--"), o.Args...)
}

// bwrapCap spells a capability as bwrap wants it: ALL or CAP_NAME.
func bwrapCap(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if c == "ALL" || strings.HasPrefix(c, "CAP_") {
		return c
	}
	return "CAP_" + c
}

// Run implements Target.
func (b *Bwrap) Run(ctx context.Context, o RunOpts) (*Result, error) {
	if ok, why := Supports(b, o); !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, why)
	}
	if o.Hostname != "" && slices.Contains(o.Share, "uts") {
		return nil, fmt.Errorf("%w: bwrap sets a hostname only in a new uts namespace", ErrUnsupported)
	}
	c := command{}
	if o.Rootless {
		if os.Geteuid() != 0 {
			return nil, fmt.Errorf("%w: rootless bwrap runs are made by root as uid 65534", ErrUnsupported)
		}
		if len(o.CapAdd) > 0 {
			return nil, fmt.Errorf("%w: bwrap adds capabilities only when run as root", ErrUnsupported)
		}
		uid, gid := b.RootlessUID, b.RootlessGID
		if uid == 0 {
			uid, gid = 65534, 65534
		}
		c.Cred = &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}}
	}
	argv := b.Argv(o)
	c.Path, c.Args = argv[0], argv[1:]
	return execute(ctx, c, o)
}
