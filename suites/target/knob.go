package target

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/little-container/little-container/runtime"
	"github.com/little-container/little-container/runtime/cgroups"
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

	KnobVolume      Knob = "volume"
	KnobReadOnly    Knob = "read-only"
	KnobFollowLinks Knob = "follow-rootfs-links"
	KnobIDMap       Knob = "id-map"
	KnobUser        Knob = "user"
	// KnobLSMOff is the weakening "no LSM profile": a target that can
	// express it applies one by default, so its confinement is judged.
	KnobLSMOff      Knob = "lsm-unconfined"
	KnobTTY         Knob = "tty"
	KnobNet         Knob = "net"
	KnobPublish     Knob = "publish"
	knobSharePrefix      = "share-"
)

// harnessKnobs are what the harness does around any runtime: hold the
// container for inspection, leak a descriptor into the runtime process.
// Every target has them.
var harnessKnobs = []Knob{KnobInspect, KnobInheritFD}

// ShareKnob is the weakening "keep the host's ns namespace".
func ShareKnob(ns string) Knob { return Knob(knobSharePrefix + ns) }

// ShareNamespaces are the namespaces a share knob may name: the runtime's
// own list.
func ShareNamespaces() []string {
	var out []string
	for _, n := range runtime.AllNamespaces {
		out = append(out, string(n))
	}
	return out
}

// AllKnobs lists every knob a profile must express or declare impossible,
// in a stable order: the suites may ask for any of them.
func AllKnobs() []Knob {
	ks := []Knob{KnobHostname, KnobChroot, KnobPidsMax, KnobMemory, KnobCPUs, KnobRootless, KnobUserNS,
		KnobPreserveFDs, KnobWorkdir, KnobCapAdd, KnobSeccompOff, KnobNewPrivs, KnobUnmask, KnobAllowDevices,
		KnobVolume, KnobReadOnly, KnobFollowLinks, KnobIDMap, KnobUser, KnobLSMOff, KnobTTY, KnobNet, KnobPublish}
	for _, ns := range ShareNamespaces() {
		ks = append(ks, ShareKnob(ns))
	}
	return ks
}

// knownKnob says whether k is a knob a profile may name.
func knownKnob(k Knob) bool {
	return slices.Contains(AllKnobs(), k) || slices.Contains(harnessKnobs, k)
}

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
		{len(o.Volumes) > 0, KnobVolume}, {o.ReadOnlyRoot, KnobReadOnly}, {o.FollowRootfsLinks, KnobFollowLinks},
		{len(o.UIDMap) > 0 || len(o.GIDMap) > 0, KnobIDMap}, {o.User != "", KnobUser}, {o.LSMUnconfined, KnobLSMOff},
		{o.TTY, KnobTTY}, {o.Net != "", KnobNet}, {len(o.Publish) > 0, KnobPublish},
	} {
		if w.on {
			ks = append(ks, w.k)
		}
	}
	return ks
}

// Supports says whether t can express every knob of o; the reason names the
// first one it cannot, for the skip message. A target that refuses some
// combinations of knobs says so through CanRun.
func Supports(t Target, o RunOpts) (bool, string) {
	for _, k := range Needs(o) {
		if ok, why := t.Can(k); !ok {
			return false, fmt.Sprintf("%s cannot express %s: %s", t.Name(), k, why)
		}
	}
	if c, ok := t.(interface{ CanRun(RunOpts) (bool, string) }); ok {
		return c.CanRun(o)
	}
	return true, ""
}

// isShare reports whether k is a share knob for a known namespace.
func isShare(k Knob) bool {
	ns, ok := strings.CutPrefix(string(k), knobSharePrefix)
	return ok && slices.Contains(ShareNamespaces(), ns)
}

// placeholderKnobs maps the placeholder names a template may use for a
// knob to the knob (the knob's own name works too).
var placeholderKnobs = map[string]Knob{
	"pids": KnobPidsMax, "uid-map": KnobIDMap, "gid-map": KnobIDMap,
	"volume-ro": KnobVolume, "volume-rw": KnobVolume,
	"cpu-quota": KnobCPUs, "cpu-period": KnobCPUs,
}

// runValues are the values the harness gives every run, whatever the knobs.
var runValues = []string{"rootfs", "id", "cmd", "pidfile", "dir", "state", "bundle", "uid", "gid", "harness-pid", "share", "cgroup-v2"}

// knobsOf returns the knobs a placeholder name stands for (share: every
// share knob), or nil for a run value; ok is false for an unknown name.
func knobsOf(name string) ([]Knob, bool) {
	if name == "share" {
		var ks []Knob
		for _, ns := range ShareNamespaces() {
			ks = append(ks, ShareKnob(ns))
		}
		return ks, true
	}
	if slices.Contains(runValues, name) {
		return nil, true
	}
	if k, ok := placeholderKnobs[name]; ok {
		return []Knob{k}, true
	}
	if k := Knob(name); knownKnob(k) && !slices.Contains(harnessKnobs, k) {
		return []Knob{k}, true
	}
	return nil, false
}

// knobValues are the placeholder values of o's knobs.
func knobValues(o RunOpts) values {
	v := values{
		"hostname": value{set: o.Hostname != "", list: nonEmpty(o.Hostname)},
		"chroot":   flag(o.Chroot), "rootless": flag(o.Rootless), "userns": flag(o.UserNS),
		"seccomp-unconfined": flag(o.SeccompUnconfined), "allow-new-privileges": flag(o.AllowNewPrivileges),
		"unmask": flag(o.Unmask), "allow-devices": flag(o.AllowDevices), "read-only": flag(o.ReadOnlyRoot),
		"follow-rootfs-links": flag(o.FollowRootfsLinks), "lsm-unconfined": flag(o.LSMUnconfined),
		"workdir": value{set: o.Workdir != "", list: nonEmpty(o.Workdir)},
		"user":    value{set: o.User != "", list: nonEmpty(userIDs(o.User))},
		"cap-add": value{set: len(o.CapAdd) > 0, list: o.CapAdd},
		"tty":     flag(o.TTY), "net": value{set: o.Net != "", list: nonEmpty(o.Net)},
		"publish": value{set: len(o.Publish) > 0, list: o.Publish},
		"share":   value{set: len(o.Share) > 0, list: o.Share},
	}
	num := func(name string, n int64) {
		if n > 0 {
			v[name] = one(strconv.FormatInt(n, 10))
		}
	}
	num("pids", o.PidsMax)
	v["pids-max"] = v["pids"]
	num("memory", o.Memory)
	num("preserve-fds", int64(o.PreserveFDs))
	if o.CPUs > 0 {
		v["cpus"] = one(strconv.FormatFloat(o.CPUs, 'g', -1, 64))
		v["cpu-quota"] = one(strconv.FormatInt(cgroups.CPUQuota(o.CPUs), 10))
		v["cpu-period"] = one(strconv.FormatInt(CPUPeriod, 10))
	}
	for _, ns := range ShareNamespaces() {
		v["share-"+ns] = flag(slices.Contains(o.Share, ns))
	}
	var vols, ro, rw, um, gm []string
	for _, m := range o.Volumes {
		vols = append(vols, m.String())
		f := m.Host + ":" + m.Container + ":" + m.Kind()
		if m.ReadOnly {
			ro = append(ro, f)
		} else {
			rw = append(rw, f)
		}
	}
	v["volume-ro"] = value{set: len(ro) > 0, list: ro}
	v["volume-rw"] = value{set: len(rw) > 0, list: rw}
	for _, m := range o.UIDMap {
		um = append(um, m.String())
	}
	for _, m := range o.GIDMap {
		gm = append(gm, m.String())
	}
	v["volume"] = value{set: len(vols) > 0, list: vols}
	v["uid-map"] = value{set: len(um) > 0, list: um}
	v["gid-map"] = value{set: len(gm) > 0, list: gm}
	v["id-map"] = value{set: len(um)+len(gm) > 0, list: append(um, gm...)}
	return v
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// userIDs spells "UID[:GID]" as "UID:GID", the GID defaulting to the UID,
// so that %1 and %2 of a fragment are always both there.
func userIDs(u string) string {
	if u == "" || strings.Contains(u, ":") {
		return u
	}
	return u + ":" + u
}
