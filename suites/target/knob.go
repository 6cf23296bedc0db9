package target

import (
	"fmt"
	"slices"
	"strings"

	"github.com/little-container/little-container/runtime"
)

// Knob is one thing a run may ask of a target.
type Knob string

// Knobs a check may need.
const (
	KnobHostname Knob = "hostname"
	KnobChroot   Knob = "chroot"
	KnobPidsMax  Knob = "pids-max"
	KnobMemory   Knob = "memory"
	KnobCPUs     Knob = "cpus"
	KnobRootless Knob = "rootless"
	KnobUserNS   Knob = "userns"
	KnobInspect  Knob = "inspect" // hold the container alive for host-side inspection

	KnobInheritFD    Knob = "inherit-fd"
	KnobPreserveFDs  Knob = "preserve-fds"
	KnobWorkdir      Knob = "workdir"
	KnobCapAdd       Knob = "cap-add"
	KnobSeccompOff   Knob = "seccomp-unconfined"
	KnobNewPrivs     Knob = "allow-new-privileges"
	KnobUnmask       Knob = "unmask"
	KnobAllowDevices Knob = "allow-devices"
)

// ShareKnob is the weakening "keep the host's ns namespace".
func ShareKnob(ns string) Knob { return Knob("share-" + ns) }

// Needs lists the knobs a run uses, in a stable order.
func Needs(o RunOpts) []Knob {
	var ks []Knob
	if o.Hostname != "" {
		ks = append(ks, KnobHostname)
	}
	for _, ns := range o.Share {
		ks = append(ks, ShareKnob(ns))
	}
	if o.Chroot {
		ks = append(ks, KnobChroot)
	}
	if o.PidsMax > 0 {
		ks = append(ks, KnobPidsMax)
	}
	if o.Memory > 0 {
		ks = append(ks, KnobMemory)
	}
	if o.CPUs > 0 {
		ks = append(ks, KnobCPUs)
	}
	if o.Rootless {
		ks = append(ks, KnobRootless)
	}
	if o.UserNS {
		ks = append(ks, KnobUserNS)
	}
	if o.Inspect != nil {
		ks = append(ks, KnobInspect)
	}
	for _, w := range []struct {
		on bool
		k  Knob
	}{
		{o.InheritDir != "", KnobInheritFD}, {o.PreserveFDs > 0, KnobPreserveFDs}, {o.Workdir != "", KnobWorkdir},
		{len(o.CapAdd) > 0, KnobCapAdd}, {o.SeccompUnconfined, KnobSeccompOff},
		{o.AllowNewPrivileges, KnobNewPrivs}, {o.Unmask, KnobUnmask}, {o.AllowDevices, KnobAllowDevices},
	} {
		if w.on {
			ks = append(ks, w.k)
		}
	}
	return ks
}

// Supports says whether t can express every knob of o; the reason names the
// first one it cannot, for the skip message.
func Supports(t Target, o RunOpts) (bool, string) {
	for _, k := range Needs(o) {
		if ok, why := t.Can(k); !ok {
			return false, fmt.Sprintf("%s cannot express %s: %s", t.Name(), k, why)
		}
	}
	return true, ""
}

// isShare reports whether k is a share knob for a known namespace.
func isShare(k Knob) bool {
	ns, ok := strings.CutPrefix(string(k), "share-")
	return ok && slices.Contains(runtime.AllNamespaces, runtime.Namespace(ns))
}
