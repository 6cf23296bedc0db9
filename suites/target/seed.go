package target

import (
	"context"
	"fmt"
)

// Seed runs probes under cmd/seed, the deliberately weak re-creation of the
// teaching runtime this project grew from: new UTS, PID and mount
// namespaces, chroot(2) into the rootfs, /proc mounted, nothing else. Its
// fixed configuration decides Can: what it always does (chroot, share the
// host's net/ipc/user/cgroup namespaces, keep every capability, no seccomp,
// no masking, no device cgroup) is "expressible" because it is already so;
// what it cannot do (limits, user namespaces, running rootless, sharing the
// namespaces it always makes) is not.
type Seed struct {
	Bin string
}

// Name implements Target.
func (s *Seed) Name() string { return "seed" }

// Can implements Target.
func (s *Seed) Can(k Knob) (bool, string) {
	switch k {
	case KnobHostname, KnobInspect, KnobInheritFD:
		return true, ""
	case KnobPreserveFDs, KnobWorkdir:
		return false, "the seed has no option for it"
	case KnobChroot:
		return true, "the seed always chroots"
	case KnobCapAdd, KnobSeccompOff, KnobNewPrivs, KnobUnmask, KnobAllowDevices:
		return true, "the seed already runs as full root with no hardening at all"
	case KnobPidsMax, KnobMemory, KnobCPUs:
		return false, "the seed has no cgroups, so no limits"
	case KnobUserNS:
		return false, "the seed makes no user namespace"
	case KnobRootless:
		return false, "the seed needs root (it creates namespaces and chroots as real root)"
	case ShareKnob("net"), ShareKnob("ipc"), ShareKnob("user"), ShareKnob("cgroup"):
		return true, "the seed always shares this namespace with the host"
	}
	if isShare(k) {
		return false, "the seed always makes new uts, pid and mount namespaces"
	}
	return false, "unknown knob"
}

// Argv is the seed's command line for o (binary first), pure for tests.
func (s *Seed) Argv(o RunOpts) []string {
	a := []string{s.Bin, "run", "--rootfs", o.Rootfs}
	if o.Hostname != "" {
		a = append(a, "--hostname", o.Hostname)
	}
	return append(a, o.Args...)
}

// Run implements Target.
func (s *Seed) Run(ctx context.Context, o RunOpts) (*Result, error) {
	if s.Bin == "" {
		return nil, fmt.Errorf("%w: seed runtime not built", ErrUnsupported)
	}
	if ok, why := Supports(s, o); !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, why)
	}
	argv := s.Argv(o)
	return execute(ctx, command{Path: argv[0], Args: argv[1:]}, o)
}
